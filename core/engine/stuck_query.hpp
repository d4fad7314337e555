#pragma once

#include "engine_types.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace slatrack::engine {

class JoinEngine;

// The stuck list an operator sorts and filters during an incident, over any
// number of stuck records (the target: 1,000,000), built on the
// engine thread and read there page by page: the UI only ever receives the
// rows it shows (ui/stuck_view).
//
// Why a listing rather than stuckPage()'s bounded heap: a table view jumps
// to any row (scroll bar, End, a sort change that keeps the position), and
// keyset paging only walks forward. So one pass over the open table keeps,
// for every matching record, a 32-byte entry (sort value, key, text index)
// and sorts them: 32 MB and ~100 ms per million stuck records, on the
// engine thread, once per query or refresh. Rows are then described from
// the open table by key when asked (page()), so the listing holds no text.
enum class StuckColumn : uint8_t { Id, Awaiting, Age, FirstSeen, Created, Source };
inline constexpr int kStuckColumnCount = 6;

struct StuckFilter {
    // Case-insensitive (ASCII) substring of the ID as printed: the canonical
    // composite text, or the opaque text. Empty: any.
    std::string idContains;
    std::optional<int> awaitingStage;
    // Stage-local partition indexes of stage 0 (a stuck record's partition
    // and offset are always its incoming message's) the record's must be
    // one of; the UI maps an operator's Kafka partition number to these.
    // Empty optional: any. Empty vector: none.
    std::optional<std::vector<uint16_t>> partitionIndexes;
    std::optional<int64_t> minAgeMs;  // inclusive
    std::optional<int64_t> maxAgeMs;  // inclusive
};

struct StuckOrder {
    StuckColumn column = StuckColumn::Age;
    bool descending = true;
    // Source column: the rank of each stage-0 partition index in the order
    // the operator reads them (topic, then Kafka partition), which only the
    // ingestion side knows. An index without a rank sorts after every
    // ranked one, by index (as does a rank of UINT32_MAX).
    std::vector<uint32_t> sourceRank;
};

struct StuckListingQuery {
    StuckFilter filter;
    StuckOrder order;
};

// Whether `record` (as JoinEngine describes it) passes `filter`. The
// listing's pass applies exactly this rule.
bool stuckMatches(const StuckFilter& filter, const StuckRecord& record);

// A row of a page: the record as the engine describes it now, or, if it
// stopped being stuck since the listing was built, only its key (resolved).
struct StuckRow {
    StuckRecord record;  // record.key always set; the rest only if !resolved
    bool resolved = false;
};

// Ordering is lazy: build() collects the matching entries; page() puts in
// order only what it is asked for (Hoare's quickselect, std::nth_element,
// cuts the unsorted segment around the rows, then those rows are sorted).
// The first page of a million rows costs one O(n) pass instead of a full
// O(n log n) sort; a jump to row 500,000 another O(segment). After
// kMaxSelects selections (a CSV export walking every row) a request sorts
// its whole segment, so a full walk costs at most that many passes plus
// one sort.
//
// Thread: build, page and keyAt on the engine's owner thread only (they
// read the engine); size(), countsPerStage() and bytes() on any thread that
// owns the listing (they read only the listing). Not safe for concurrent
// use (page() reorders entries).
class StuckListing {
public:
    static constexpr int kMaxSelects = 24;

    StuckListing() = default;
    static StuckListing build(const JoinEngine& engine, const StuckListingQuery& query);
    // Whether `query` only narrows `previous`'s: the same order and filter
    // but an ID substring that contains the previous one (typing on).
    static bool narrows(const StuckListingQuery& previous, const StuckListingQuery& query);
    // The rows of `previous` that also match `query` (narrows() must hold),
    // from the listing alone plus the engine's ID texts: no pass over the
    // open table, so a keystroke costs a scan of the rows already listed.
    // Ages and stuck-ness stay as of `previous`'s build (the caller
    // refreshes it soon after).
    static StuckListing narrow(const JoinEngine& engine, const StuckListing& previous, const StuckListingQuery& query);

    size_t size() const { return m_entries.size(); }
    // Matching records per awaited stage (index = stage).
    const std::vector<uint64_t>& countsPerStage() const { return m_perStage; }
    const StuckListingQuery& query() const { return m_query; }
    // Rows [offset, offset + limit) in the listing's order (fewer at the end).
    std::vector<StuckRow> page(const JoinEngine& engine, size_t offset, size_t limit);
    // The key of row `row` (< size()).
    uint64_t keyAt(const JoinEngine& engine, size_t row);
    size_t bytes() const { return m_entries.capacity() * sizeof(Entry); }

private:
    // 24 bytes: the order packed into one unsigned word (see sortKeyOf in
    // the .cpp), the key, and the ID text's slab index for opaque IDs.
    struct Entry {
        uint64_t sortKey = 0;
        uint64_t key = 0;
        uint32_t textIndex = 0;  // 0: composite ID
        uint8_t awaitingStage = 0;
    };
    void ensureOrdered(const JoinEngine& engine, size_t from, size_t to);
    void cutAt(const JoinEngine& engine, size_t at);
    template <class Fn>
    void withOrder(const JoinEngine& engine, Fn&& fn);

    std::vector<Entry> m_entries;
    std::vector<uint64_t> m_perStage;
    StuckListingQuery m_query;
    // Boundaries p (with 0 and size()) such that every entry before p
    // orders before every entry after it; segments starting at a member
    // of m_sortedStarts are fully sorted.
    std::set<size_t> m_cuts;
    std::set<size_t> m_sortedStarts;
    int m_selects = 0;
};

} // namespace slatrack::engine
