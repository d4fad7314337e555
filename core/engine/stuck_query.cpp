#include "stuck_query.hpp"

#include "join_engine.hpp"
#include "record_id.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <string_view>

namespace slatrack::engine {

namespace {

constexpr uint64_t kSignBit = 1ULL << 63;

char lowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// `needle` is already lower case.
bool containsFolded(std::string_view haystack, std::string_view needle)
{
    if (needle.empty())
        return true;
    if (needle.size() > haystack.size())
        return false;
    const size_t last = haystack.size() - needle.size();
    for (size_t start = 0; start <= last; ++start) {
        size_t matched = 0;
        while (matched < needle.size() && lowerAscii(haystack[start + matched]) == needle[matched])
            ++matched;
        if (matched == needle.size())
            return true;
    }
    return false;
}

std::string foldedNeedle(const std::string& text)
{
    std::string out(text);
    for (char& c : out)
        c = lowerAscii(c);
    return out;
}

// Two lowercase hex digits per byte value: formatting a key is 8 table
// reads instead of 16 shifts and masks (a keystroke formats up to a
// million of them).
struct HexPairs {
    std::array<std::array<char, 2>, 256> pairs{};
    constexpr HexPairs()
    {
        constexpr char kDigits[] = "0123456789abcdef";
        for (size_t byte = 0; byte < 256; ++byte)
            pairs[byte] = {kDigits[byte >> 4], kDigits[byte & 0xf]};
    }
};
constexpr HexPairs kHexPairs;

// The canonical composite text without allocating.
std::string_view formatComposite(uint64_t key, std::array<char, 16>& buffer)
{
    for (int byte_idx = 7; byte_idx >= 0; --byte_idx) {
        const auto& pair = kHexPairs.pairs[key & 0xff];
        buffer[static_cast<size_t>(byte_idx) * 2] = pair[0];
        buffer[static_cast<size_t>(byte_idx) * 2 + 1] = pair[1];
        key >>= 8;
    }
    return {buffer.data(), buffer.size()};
}

struct Fields {
    std::string_view idText;
    int awaitingStage = 0;
    int64_t ageMs = 0;
    uint16_t partition = 0;
};

bool matchesFields(const StuckFilter& filter, std::string_view foldedId, const Fields& fields, bool lowerCaseText = false)
{
    if (filter.awaitingStage && fields.awaitingStage != *filter.awaitingStage)
        return false;
    if (filter.minAgeMs && fields.ageMs < *filter.minAgeMs)
        return false;
    if (filter.maxAgeMs && fields.ageMs > *filter.maxAgeMs)
        return false;
    if (filter.partitionIndexes
        && std::find(filter.partitionIndexes->begin(), filter.partitionIndexes->end(), fields.partition) == filter.partitionIndexes->end())
        return false;
    // A canonical composite ID is lower case already: the library's search
    // (memchr-driven) instead of folding every byte.
    if (lowerCaseText)
        return foldedId.empty() || fields.idText.find(foldedId) != std::string_view::npos;
    return containsFolded(fields.idText, foldedId);
}

uint64_t bigEndianPrefix(std::string_view text)
{
    uint64_t value = 0;
    for (size_t byte_idx = 0; byte_idx < 8; ++byte_idx)
        value = (value << 8) | (byte_idx < text.size() ? static_cast<unsigned char>(text[byte_idx]) : 0u);
    return value;
}

constexpr uint64_t kLow47 = (uint64_t{1} << 47) - 1;
constexpr uint64_t kLow48 = (uint64_t{1} << 48) - 1;

uint64_t signedOrder(int64_t value) { return static_cast<uint64_t>(value) ^ kSignBit; }

// Rank of a partition in the Source order (17 bits): ranked ones first, in
// rank order, then the others by index.
uint64_t sourceRank(const StuckOrder& order, uint16_t partition)
{
    if (partition < order.sourceRank.size() && order.sourceRank[partition] <= UINT16_MAX)
        return order.sourceRank[partition];
    return (uint64_t{1} << 16) + partition;
}

// The listing's order in one unsigned word, ties broken by the key (and,
// for opaque IDs under the Id column, first by the full text):
//   Id         composite: the key (its canonical text is fixed-width hex);
//              opaque: the text's first 8 bytes, big-endian
//   Awaiting   stage << 48 | t0 (t0 >= 0 and < 2^48: engine bounds)
//   Age        age ms, as signed order
//   FirstSeen  t0, as signed order
//   Created    composite: creation second; opaque: 0
//   Source     rank << 47 | offset (offsets are < 2^47)
uint64_t sortKeyOf(const StuckOrder& order, std::string_view idText, bool composite, uint64_t key, int awaitingStage, int64_t ageMs,
                   int64_t t0Ms, uint16_t partition, int64_t offset)
{
    switch (order.column) {
    case StuckColumn::Id: return composite ? key : bigEndianPrefix(idText);
    case StuckColumn::Awaiting:
        return (static_cast<uint64_t>(awaitingStage) << 48) | (static_cast<uint64_t>(std::max<int64_t>(t0Ms, 0)) & kLow48);
    case StuckColumn::Age: return signedOrder(ageMs);
    case StuckColumn::FirstSeen: return signedOrder(t0Ms);
    case StuckColumn::Created: return composite ? static_cast<uint64_t>(composite_id::creationUnixSeconds(key)) : 0;
    case StuckColumn::Source: return (sourceRank(order, partition) << 47) | (static_cast<uint64_t>(std::max<int64_t>(offset, 0)) & kLow47);
    }
    return 0;
}

int64_t ageAt(int64_t watermarkMs, int64_t t0Ms) { return watermarkMs == kNoTime ? 0 : watermarkMs - t0Ms; }

} // namespace

bool stuckMatches(const StuckFilter& filter, const StuckRecord& record)
{
    return matchesFields(filter, foldedNeedle(filter.idContains), Fields{record.id, record.awaitingStage, record.ageMs, record.partition});
}

StuckListing StuckListing::build(const JoinEngine& engine, const StuckListingQuery& query)
{
    StuckListing listing;
    listing.m_query = query;
    const int stages = engine.config().stageCount;
    listing.m_perStage.assign(static_cast<size_t>(stages), 0);
    std::vector<int64_t> watermarks(static_cast<size_t>(stages));
    for (int stage_idx = 0; stage_idx < stages; ++stage_idx)
        watermarks[static_cast<size_t>(stage_idx)] = engine.watermark(stage_idx);
    uint64_t stuckHeld = 0;
    for (const StageGauges& stage : engine.gauges().stages)
        stuckHeld += stage.stuckAwaiting;
    listing.m_entries.reserve(static_cast<size_t>(stuckHeld));

    const std::string needle = foldedNeedle(query.filter.idContains);
    // Composite IDs are printed only when the filter or the order reads
    // the text (a million formattings are a third of the pass).
    const bool needsText = !needle.empty();
    std::array<char, 16> buffer{};
    engine.forEachStuck([&](uint64_t key, const OpenRecord& record) {
        const bool composite = record.textIndex() == 0;
        Fields fields;
        if (!composite)
            fields.idText = engine.storedIdText(record);
        else if (needsText)
            fields.idText = formatComposite(key, buffer);
        fields.awaitingStage = record.lastStage() + 1;
        const size_t awaiting = static_cast<size_t>(fields.awaitingStage);
        fields.ageMs = awaiting < watermarks.size() ? ageAt(watermarks[awaiting], record.t0()) : 0;
        fields.partition = record.partition();
        if (!matchesFields(query.filter, needle, fields, composite))
            return;
        listing.m_entries.push_back(Entry{sortKeyOf(query.order, fields.idText, composite, key, fields.awaitingStage, fields.ageMs,
                                                    record.t0(), fields.partition, record.offset()),
                                          key, record.textIndex(), static_cast<uint8_t>(fields.awaitingStage)});
        if (awaiting < listing.m_perStage.size())
            ++listing.m_perStage[awaiting];
    });
    listing.m_cuts = {0, listing.m_entries.size()};
    return listing;
}

bool StuckListing::narrows(const StuckListingQuery& previous, const StuckListingQuery& query)
{
    const StuckFilter& was = previous.filter;
    const StuckFilter& now = query.filter;
    return previous.order.column == query.order.column && previous.order.descending == query.order.descending &&
           previous.order.sourceRank == query.order.sourceRank && was.awaitingStage == now.awaitingStage &&
           was.partitionIndexes == now.partitionIndexes && was.minAgeMs == now.minAgeMs && was.maxAgeMs == now.maxAgeMs &&
           foldedNeedle(now.idContains).find(foldedNeedle(was.idContains)) != std::string::npos;
}

StuckListing StuckListing::narrow(const JoinEngine& engine, const StuckListing& previous, const StuckListingQuery& query)
{
    StuckListing listing;
    listing.m_query = query;
    listing.m_perStage.assign(previous.m_perStage.size(), 0);
    const std::string needle = foldedNeedle(query.filter.idContains);
    std::array<char, 16> buffer{};
    for (const Entry& entry : previous.m_entries) {
        bool keep = false;
        if (entry.textIndex == 0) {
            keep = formatComposite(entry.key, buffer).find(needle) != std::string_view::npos;
        } else if (const auto record = engine.stuckRecord(entry.key, false)) {
            // An opaque ID's text, read from the record still held (its
            // slab slot is not trusted once the record may be gone).
            keep = containsFolded(record->id, needle);
        }
        if (!keep)
            continue;
        listing.m_entries.push_back(entry);
        if (entry.awaitingStage < listing.m_perStage.size())
            ++listing.m_perStage[entry.awaitingStage];
    }
    listing.m_cuts = {0, listing.m_entries.size()};
    return listing;
}

template <class Fn>
void StuckListing::withOrder(const JoinEngine& engine, Fn&& fn)
{
    // The comparators are spelled out per case so the common ones (no
    // opaque text to read) inline to a two-word compare.
    const bool descending = m_query.order.descending;
    if (m_query.order.column == StuckColumn::Id) {
        auto textOf = [&engine](const Entry& entry) {
            OpenRecord probe;
            probe.setTextIndex(entry.textIndex);
            return engine.storedIdText(probe);
        };
        auto ascending = [textOf](const Entry& a, const Entry& b) {
            if (a.sortKey != b.sortKey)
                return a.sortKey < b.sortKey;
            if (a.textIndex != 0 && b.textIndex != 0) {
                const std::string_view textA = textOf(a), textB = textOf(b);
                if (textA != textB)
                    return textA < textB;
            }
            return a.key < b.key;
        };
        if (descending)
            fn([ascending](const Entry& a, const Entry& b) { return ascending(b, a); });
        else
            fn(ascending);
        return;
    }
    if (descending)
        fn([](const Entry& a, const Entry& b) { return a.sortKey != b.sortKey ? a.sortKey > b.sortKey : a.key > b.key; });
    else
        fn([](const Entry& a, const Entry& b) { return a.sortKey != b.sortKey ? a.sortKey < b.sortKey : a.key < b.key; });
}

void StuckListing::cutAt(const JoinEngine& engine, size_t at)
{
    const auto next = m_cuts.upper_bound(at);
    const size_t lo = *std::prev(next);
    if (lo == at || next == m_cuts.end())
        return;  // already a boundary, or the end
    const size_t hi = *next;
    if (m_sortedStarts.count(lo) != 0) {
        m_sortedStarts.insert(at);  // both halves of a sorted segment are sorted
    } else if (m_selects >= kMaxSelects) {
        withOrder(engine, [&](auto less) { std::sort(m_entries.begin() + static_cast<ptrdiff_t>(lo), m_entries.begin() + static_cast<ptrdiff_t>(hi), less); });
        m_sortedStarts.insert(lo);
        m_sortedStarts.insert(at);
    } else {
        withOrder(engine, [&](auto less) {
            std::nth_element(m_entries.begin() + static_cast<ptrdiff_t>(lo), m_entries.begin() + static_cast<ptrdiff_t>(at),
                             m_entries.begin() + static_cast<ptrdiff_t>(hi), less);
        });
        ++m_selects;
    }
    m_cuts.insert(at);
}

void StuckListing::ensureOrdered(const JoinEngine& engine, size_t from, size_t to)
{
    cutAt(engine, from);
    cutAt(engine, to);
    for (auto it = m_cuts.find(from); it != m_cuts.end() && *it < to; ++it) {
        const size_t lo = *it;
        const size_t hi = *std::next(it);
        if (m_sortedStarts.count(lo) != 0)
            continue;
        withOrder(engine, [&](auto less) { std::sort(m_entries.begin() + static_cast<ptrdiff_t>(lo), m_entries.begin() + static_cast<ptrdiff_t>(hi), less); });
        m_sortedStarts.insert(lo);
    }
}

uint64_t StuckListing::keyAt(const JoinEngine& engine, size_t row)
{
    ensureOrdered(engine, row, row + 1);
    return m_entries[row].key;
}

std::vector<StuckRow> StuckListing::page(const JoinEngine& engine, size_t offset, size_t limit)
{
    std::vector<StuckRow> rows;
    if (offset >= m_entries.size())
        return rows;
    const size_t end = offset + std::min(limit, m_entries.size() - offset);
    ensureOrdered(engine, offset, end);
    rows.reserve(end - offset);
    for (size_t row_idx = offset; row_idx < end; ++row_idx) {
        const Entry& entry = m_entries[row_idx];
        StuckRow row;
        // The text index is looked at only to know the kind of ID: once the
        // record is gone its slab slot may hold another ID.
        if (auto record = engine.stuckRecord(entry.key, entry.textIndex == 0)) {
            row.record = std::move(*record);
        } else {
            row.resolved = true;
            row.record.key = entry.key;
            if (entry.textIndex == 0)
                row.record.id = composite_id::format(entry.key);
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace slatrack::engine
