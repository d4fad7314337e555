#include "verdicts.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace slatrack::scenario {

namespace {

using nlohmann::json;

// Verdicts that must not depend on the read order: unlisted means 0.
const char* const kStrictCounts[] = {
    "incoming", "processed", "matched", "open", "stuck", "early", "lost", "lost_overflow", "orphans", "before_scope",
    "duplicates", "stale", "late", "late_after_lost", "late_incoming", "clock_skew", "id_collisions",
};
// Diagnostics that legitimately depend on the order (a middle stage read
// after the processed one is a late hop in one order, out of order in
// another): checked only where a fixture lists them.
const char* const kOrderDependentCounts[] = {"late_hop", "out_of_order", "early_seen", "stuck_declared"};

// Counters that issue #8 adds to engine::StageCounters. Read through a
// requires-expression so this runner builds both before and after they
// exist: before, the fixtures that need them fail as "not measurable".
#define SLATRACK_SCENARIO_NEW_COUNTER(function, member)                                  \
    template <class Counters>                                                            \
    std::optional<uint64_t> function(const std::vector<Counters>& totals)               \
    {                                                                                    \
        if constexpr (requires(const Counters& counters) { uint64_t{counters.member}; }) { \
            uint64_t sum = 0;                                                            \
            for (const Counters& counters : totals)                                      \
                sum += counters.member;                                                  \
            return sum;                                                                  \
        } else {                                                                         \
            return std::nullopt;                                                         \
        }                                                                                \
    }
SLATRACK_SCENARIO_NEW_COUNTER(staleOf, stale)
SLATRACK_SCENARIO_NEW_COUNTER(lateHopOf, lateHop)
SLATRACK_SCENARIO_NEW_COUNTER(clockSkewOf, clockSkew)
SLATRACK_SCENARIO_NEW_COUNTER(idCollisionsOf, idCollisions)
#undef SLATRACK_SCENARIO_NEW_COUNTER

template <class Counters>
std::optional<int64_t> worstClockSkewOf(const std::vector<Counters>& totals)
{
    if constexpr (requires(const Counters& counters) { int64_t{counters.worstClockSkewMs}; }) {
        int64_t worst = 0;
        for (const Counters& counters : totals)
            worst = std::max<int64_t>(worst, counters.worstClockSkewMs);
        return worst;
    } else {
        return std::nullopt;
    }
}

uint64_t sum(const std::vector<engine::StageCounters>& totals, uint64_t engine::StageCounters::*field)
{
    uint64_t out = 0;
    for (const auto& counters : totals)
        out += counters.*field;
    return out;
}

std::string hex(const std::string& bytes)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (const char ch : bytes) {
        if (!out.empty())
            out += ' ';
        out += kDigits[static_cast<unsigned char>(ch) >> 4];
        out += kDigits[static_cast<unsigned char>(ch) & 15];
    }
    return out;
}

bool isPrintableAscii(const std::string& text)
{
    return std::all_of(text.begin(), text.end(), [](char ch) { return ch >= 0x20 && ch < 0x7f; });
}

std::optional<std::string> idFromJson(const json& value)
{
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_object() && value.contains("hex") && value["hex"].is_string()) {
        std::string bytes;
        std::string digits;
        for (const char ch : value["hex"].get<std::string>())
            if (ch != ' ')
                digits += ch;
        for (size_t pos = 0; pos + 1 < digits.size(); pos += 2)
            bytes += static_cast<char>(std::strtoul(digits.substr(pos, 2).c_str(), nullptr, 16));
        return bytes;
    }
    return std::nullopt;
}

std::string listText(const std::vector<std::string>& ids)
{
    std::string out = "[";
    for (size_t id_idx = 0; id_idx < ids.size(); ++id_idx) {
        if (id_idx == 10) {
            out += ", ... (" + std::to_string(ids.size()) + " in all)";
            break;
        }
        out += (id_idx > 0 ? ", " : "") + printableId(ids[id_idx]);
    }
    return out + "]";
}

void compareIds(const char* name, const json& expected, const std::optional<std::vector<std::string>>& observed,
                std::vector<std::string>& mismatches, std::vector<std::string>& notes)
{
    std::vector<std::string> want;
    if (const auto found = expected.find(name); found != expected.end()) {
        if (!found->is_array()) {
            mismatches.push_back(std::string(name) + ": the fixture gives " + found->dump() + ", expected an array of IDs");
            return;
        }
        for (const json& entry : *found) {
            const auto id = idFromJson(entry);
            if (!id) {
                mismatches.push_back(std::string(name) + ": bad ID in the fixture: " + entry.dump());
                return;
            }
            want.push_back(*id);
        }
    }
    if (!observed) {
        if (!want.empty())
            notes.push_back(std::string(name) + " not observable on this path");
        return;
    }
    if (*observed != want)
        mismatches.push_back(std::string(name) + ": expected " + listText(want) + ", got " + listText(*observed));
}

// Latency from histograms: within their 1 % relative error (+1 ms).
bool closeEnough(int64_t got, int64_t want) { return std::llabs(got - want) <= want / 100 + 1; }

void compareLatency(const std::string& name, const json& want, const LatencySeen& got, std::vector<std::string>& mismatches)
{
    if (want.contains("count") && want["count"].get<uint64_t>() != got.count)
        mismatches.push_back(name + ".count: expected " + want["count"].dump() + ", got " + std::to_string(got.count));
    if (want.contains("max_ms") && !closeEnough(got.max, want["max_ms"].get<int64_t>()))
        mismatches.push_back(name + ".max_ms: expected " + want["max_ms"].dump() + " (+-1 %), got " + std::to_string(got.max));
}

} // namespace

std::string printableId(const std::string& id)
{
    return isPrintableAscii(id) ? "\"" + id + "\"" : "{hex " + hex(id) + "}";
}

void fillCounts(Observed& observed, const std::vector<engine::StageCounters>& totals, const engine::Gauges& gauges)
{
    using C = engine::StageCounters;
    auto& counts = observed.counts;
    // Distinct records: a redelivery is not one, whether it came within the
    // dedup horizon (duplicate) or after it (stale).
    const std::vector<engine::StageCounters> first{totals.front()}, last{totals.back()};
    counts["incoming"] = totals.front().seen - totals.front().duplicates - staleOf(first).value_or(0);
    counts["processed"] = totals.back().seen - totals.back().duplicates - staleOf(last).value_or(0);
    counts["matched"] = totals.back().matched;
    counts["open"] = gauges.open - gauges.stuck;
    counts["stuck"] = gauges.stuck;
    counts["early"] = gauges.early;
    counts["lost"] = sum(totals, &C::lost);
    counts["lost_overflow"] = sum(totals, &C::lostOverflow);
    counts["orphans"] = sum(totals, &C::orphans);
    counts["before_scope"] = sum(totals, &C::beforeScope);
    counts["duplicates"] = sum(totals, &C::duplicates);
    counts["late"] = sum(totals, &C::late);
    counts["late_after_lost"] = sum(totals, &C::lateAfterLost);
    counts["late_incoming"] = sum(totals, &C::lateIncoming);
    counts["out_of_order"] = sum(totals, &C::outOfOrder);
    counts["early_seen"] = sum(totals, &C::early);
    counts["stuck_declared"] = sum(totals, &C::stuck);
    counts["stale"] = staleOf(totals);
    counts["late_hop"] = lateHopOf(totals);
    counts["clock_skew"] = clockSkewOf(totals);
    counts["id_collisions"] = idCollisionsOf(totals);
    observed.worstClockSkewMs = worstClockSkewOf(totals);
    observed.rejected.clear();
    for (size_t reason_idx = 0; reason_idx < static_cast<size_t>(engine::RejectReason::Count); ++reason_idx) {
        uint64_t count = 0;
        for (const auto& counters : totals)
            count += counters.rejected[reason_idx];
        if (count > 0)
            observed.rejected[engine::rejectReasonName(static_cast<engine::RejectReason>(reason_idx))] = count;
    }
}

std::vector<std::string> compareVerdicts(const json& expected, const Observed& observed, std::vector<std::string>& notes)
{
    std::vector<std::string> mismatches;
    static const std::set<std::string> kKnown = [] {
        std::set<std::string> known(std::begin(kStrictCounts), std::end(kStrictCounts));
        known.insert(std::begin(kOrderDependentCounts), std::end(kOrderDependentCounts));
        known.insert({"rejected", "stuck_ids", "lost_ids", "exit", "skipped_out_of_range", "latency", "hops", "worst_clock_skew_ms",
                      "error", "error_field", "why"});
        return known;
    }();
    for (const auto& [name, value] : expected.items())
        if (!kKnown.count(name))
            mismatches.push_back("the fixture expects \"" + name + "\", which the runner does not know (see tests/fixtures/README.md)");

    // A config the program must refuse, naming the field.
    if (const auto field = expected.find("error_field"); field != expected.end()) {
        const std::string want = field->get<std::string>();
        const bool named = std::any_of(observed.configErrorFields.begin(), observed.configErrorFields.end(),
                                       [&](const std::string& path) { return path == want || path.rfind(want + "[", 0) == 0 || path.rfind(want + ".", 0) == 0; });
        if (!named)
            mismatches.push_back("expected a config error naming \"" + want + "\", got " +
                                 (observed.error.empty() ? std::string("no error: the config was accepted and the scenario ran") : "\"" + observed.error + "\""));
        return mismatches;
    }
    if (const auto text = expected.find("error"); text != expected.end()) {
        const std::string want = text->get<std::string>();
        if (observed.error.find(want) == std::string::npos)
            mismatches.push_back("expected an error mentioning \"" + want + "\", got " +
                                 (observed.error.empty() ? std::string("none") : "\"" + observed.error + "\""));
        if (observed.exitCode && expected.contains("exit") && *observed.exitCode != expected["exit"].get<int>())
            mismatches.push_back("exit: expected " + expected["exit"].dump() + ", got " + std::to_string(*observed.exitCode));
        return mismatches;
    }
    if (!observed.error.empty()) {
        mismatches.push_back("the path failed: " + observed.error);
        return mismatches;
    }

    auto compareCount = [&](const std::string& name, uint64_t want) {
        const auto found = observed.counts.find(name);
        if (found == observed.counts.end() || !found->second) {
            if (want != 0)
                mismatches.push_back(name + ": expected " + std::to_string(want) + ", not measurable on this build (no such counter)");
            else
                notes.push_back(name + " not measurable on this build");
            return;
        }
        if (*found->second != want)
            mismatches.push_back(name + ": expected " + std::to_string(want) + ", got " + std::to_string(*found->second));
    };
    for (const char* name : kStrictCounts)
        compareCount(name, expected.value(name, uint64_t{0}));
    for (const char* name : kOrderDependentCounts)
        if (expected.contains(name))
            compareCount(name, expected[name].get<uint64_t>());

    std::map<std::string, uint64_t> wantRejected;
    if (const auto found = expected.find("rejected"); found != expected.end())
        for (const auto& [reason, count] : found->items())
            if (count.get<uint64_t>() > 0)
                wantRejected[reason] = count.get<uint64_t>();
    if (wantRejected != observed.rejected) {
        json want = wantRejected, got = observed.rejected;
        mismatches.push_back("rejected: expected " + want.dump() + ", got " + got.dump());
    }

    compareIds("stuck_ids", expected, observed.stuckIds, mismatches, notes);
    compareIds("lost_ids", expected, observed.lostIds, mismatches, notes);

    if (observed.exitCode) {
        const int want = expected.value("exit", 0);
        if (*observed.exitCode != want)
            mismatches.push_back("exit: expected " + std::to_string(want) + ", got " + std::to_string(*observed.exitCode));
    }
    if (observed.skippedOutOfRange) {
        const uint64_t want = expected.value("skipped_out_of_range", uint64_t{0});
        if (*observed.skippedOutOfRange != want)
            mismatches.push_back("skipped_out_of_range: expected " + std::to_string(want) + ", got " + std::to_string(*observed.skippedOutOfRange));
    }
    if (const auto found = expected.find("latency"); found != expected.end()) {
        if (!observed.latency)
            mismatches.push_back("latency: not reported by this path");
        else
            compareLatency("latency", *found, *observed.latency, mismatches);
    }
    if (const auto found = expected.find("hops"); found != expected.end()) {
        if (!observed.hops) {
            mismatches.push_back("hops: per-hop latency is not reported by this path");
        } else {
            for (const auto& [stage, want] : found->items()) {
                const auto got = observed.hops->find(stage);
                if (got == observed.hops->end())
                    mismatches.push_back("hops." + stage + ": no per-hop latency for this stage");
                else
                    compareLatency("hops." + stage, want, got->second, mismatches);
            }
        }
    }
    if (const auto found = expected.find("worst_clock_skew_ms"); found != expected.end()) {
        if (!observed.worstClockSkewMs)
            mismatches.push_back("worst_clock_skew_ms: expected " + found->dump() + ", not measurable on this build");
        else if (!closeEnough(*observed.worstClockSkewMs, found->get<int64_t>()))
            mismatches.push_back("worst_clock_skew_ms: expected " + found->dump() + ", got " + std::to_string(*observed.worstClockSkewMs));
    }
    return mismatches;
}

} // namespace slatrack::scenario
