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

// The canonical composite text without allocating (the pass formats up to a
// million of them).
std::string_view formatComposite(uint64_t key, std::array<char, 16>& buffer)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    for (int digit_idx = 15; digit_idx >= 0; --digit_idx) {
        buffer[static_cast<size_t>(digit_idx)] = kDigits[key & 0xf];
        key >>= 4;
    }
    return {buffer.data(), buffer.size()};
}

struct Fields {
    std::string_view idText;
    int awaitingStage = 0;
    int64_t ageMs = 0;
    uint16_t partition = 0;
};

bool matchesFields(const StuckFilter& filter, std::string_view foldedId, const Fields& fields)
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
    return containsFolded(fields.idText, foldedId);
}

int64_t bigEndianPrefix(std::string_view text)
{
    uint64_t value = 0;
    for (size_t byte_idx = 0; byte_idx < 8; ++byte_idx)
        value = (value << 8) | (byte_idx < text.size() ? static_cast<unsigned char>(text[byte_idx]) : 0u);
    // Unsigned byte order as signed order.
    return static_cast<int64_t>(value ^ kSignBit);
}

int64_t sourceRank(const StuckOrder& order, uint16_t partition)
{
    if (partition < order.sourceRank.size() && order.sourceRank[partition] != std::numeric_limits<uint32_t>::max())
        return order.sourceRank[partition];
    return (int64_t{1} << 32) + partition;
}

std::pair<int64_t, int64_t> sortValues(const StuckOrder& order, std::string_view idText, bool composite, uint64_t key, int awaitingStage,
                                       int64_t ageMs, int64_t t0Ms, uint16_t partition, int64_t offset)
{
    switch (order.column) {
    case StuckColumn::Id:
        // Canonical composite text is fixed-width hex: its order is the key's.
        return {composite ? static_cast<int64_t>(key ^ kSignBit) : bigEndianPrefix(idText), 0};
    case StuckColumn::Awaiting: return {awaitingStage, t0Ms};
    case StuckColumn::Age: return {ageMs, 0};
    case StuckColumn::FirstSeen: return {t0Ms, 0};
    case StuckColumn::Created:
        return {composite ? composite_id::creationUnixSeconds(key) : std::numeric_limits<int64_t>::min(), 0};
    case StuckColumn::Source: return {sourceRank(order, partition), offset};
    }
    return {0, 0};
}

int64_t ageAt(int64_t watermarkMs, int64_t t0Ms) { return watermarkMs == kNoTime ? 0 : watermarkMs - t0Ms; }

} // namespace

bool stuckMatches(const StuckFilter& filter, const StuckRecord& record)
{
    return matchesFields(filter, foldedNeedle(filter.idContains), Fields{record.id, record.awaitingStage, record.ageMs, record.partition});
}

std::pair<int64_t, int64_t> stuckSortValues(const StuckOrder& order, const StuckRecord& record)
{
    const bool composite = record.id == composite_id::format(record.key);
    return sortValues(order, record.id, composite, record.key, record.awaitingStage, record.ageMs, record.t0Ms, record.partition,
                      record.offset);
}

StuckListing StuckListing::build(const JoinEngine& engine, const StuckListingQuery& query)
{
    StuckListing listing;
    listing.m_query = query;
    const int stages = engine.config().stageCount;
    listing.m_perStage.assign(static_cast<size_t>(stages), 0);
    std::vector<int64_t> watermarks(static_cast<size_t>(stages));
    uint64_t stuckHeld = 0;
    for (int stage_idx = 0; stage_idx < stages; ++stage_idx) {
        watermarks[static_cast<size_t>(stage_idx)] = engine.watermark(stage_idx);
    }
    for (const StageGauges& stage : engine.gauges().stages)
        stuckHeld += stage.stuckAwaiting;
    listing.m_entries.reserve(static_cast<size_t>(stuckHeld));

    const std::string needle = foldedNeedle(query.filter.idContains);
    std::array<char, 16> buffer{};
    engine.forEachStuck([&](uint64_t key, const OpenRecord& record) {
        const bool composite = record.textIndex() == 0;
        Fields fields;
        fields.idText = composite ? formatComposite(key, buffer) : engine.storedIdText(record);
        fields.awaitingStage = record.lastStage() + 1;
        const size_t awaiting = static_cast<size_t>(fields.awaitingStage);
        fields.ageMs = awaiting < watermarks.size() ? ageAt(watermarks[awaiting], record.t0()) : 0;
        fields.partition = record.partition();
        if (!matchesFields(query.filter, needle, fields))
            return;
        const auto [primary, secondary] = sortValues(query.order, fields.idText, composite, key, fields.awaitingStage,
                                                     fields.ageMs, record.t0(), fields.partition, record.offset());
        listing.m_entries.push_back(Entry{primary, secondary, key, record.textIndex(), 0});
        if (awaiting < listing.m_perStage.size())
            ++listing.m_perStage[awaiting];
    });

    const bool byOpaqueText = query.order.column == StuckColumn::Id;
    auto textOf = [&engine](const Entry& entry) {
        OpenRecord probe;
        probe.setTextIndex(entry.textIndex);
        return engine.storedIdText(probe);
    };
    auto ascending = [&](const Entry& a, const Entry& b) {
        if (a.primary != b.primary)
            return a.primary < b.primary;
        if (a.secondary != b.secondary)
            return a.secondary < b.secondary;
        // Opaque IDs sharing their first 8 bytes: the full text decides
        // (rare enough that fetching it here costs nothing measurable).
        if (byOpaqueText && a.textIndex != 0 && b.textIndex != 0) {
            const std::string_view textA = textOf(a);
            const std::string_view textB = textOf(b);
            if (textA != textB)
                return textA < textB;
        }
        return a.key < b.key;
    };
    if (query.order.descending)
        std::sort(listing.m_entries.begin(), listing.m_entries.end(), [&](const Entry& a, const Entry& b) { return ascending(b, a); });
    else
        std::sort(listing.m_entries.begin(), listing.m_entries.end(), ascending);
    return listing;
}

std::vector<StuckRow> StuckListing::page(const JoinEngine& engine, size_t offset, size_t limit) const
{
    std::vector<StuckRow> rows;
    if (offset >= m_entries.size())
        return rows;
    const size_t end = offset + std::min(limit, m_entries.size() - offset);
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
