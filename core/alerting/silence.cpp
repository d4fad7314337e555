#include "silence.hpp"

namespace slatrack::alerting {

const char* silenceKindName(Silence::Kind kind)
{
    switch (kind) {
    case Silence::Kind::Rule: return "rule";
    case Silence::Kind::RecordId: return "record_id";
    case Silence::Kind::IdPattern: return "id_pattern";
    }
    return "rule";
}

std::optional<Silence::Kind> silenceKindFromName(std::string_view name)
{
    if (name == "rule") return Silence::Kind::Rule;
    if (name == "record_id") return Silence::Kind::RecordId;
    if (name == "id_pattern") return Silence::Kind::IdPattern;
    return std::nullopt;
}

bool globMatch(std::string_view pattern, std::string_view text)
{
    size_t p = 0;
    size_t t = 0;
    size_t starP = std::string_view::npos;
    size_t starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            starP = p++;
            starT = t;
        } else if (starP != std::string_view::npos) {
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

bool ruleSilenced(const std::vector<Silence>& silences, std::string_view rule, int64_t nowMs)
{
    for (const Silence& silence : silences) {
        if (silence.kind == Silence::Kind::Rule && silence.activeAt(nowMs) && silence.matcher == rule)
            return true;
    }
    return false;
}

bool recordSilenced(const std::vector<Silence>& silences, std::string_view recordId, int64_t nowMs)
{
    for (const Silence& silence : silences) {
        if (!silence.activeAt(nowMs))
            continue;
        if (silence.kind == Silence::Kind::RecordId && silence.matcher == recordId)
            return true;
        if (silence.kind == Silence::Kind::IdPattern && globMatch(silence.matcher, recordId))
            return true;
    }
    return false;
}

std::vector<Silence> recordSilences(const std::vector<Silence>& silences, int64_t nowMs)
{
    std::vector<Silence> out;
    for (const Silence& silence : silences) {
        if (silence.kind != Silence::Kind::Rule && silence.activeAt(nowMs))
            out.push_back(silence);
    }
    return out;
}

} // namespace slatrack::alerting
