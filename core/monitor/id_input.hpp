#pragma once

#include "core/config/pipeline_config.hpp"
#include "core/engine/record_id.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace slatrack::monitor {

// A record ID as an operator typed or pasted it (search box, `slatrack
// lookup` argument), turned into the key the engine joins on: the same
// engine::RecordId the pipeline's record extractor produces for that ID.
//
// Composite pipelines (id_format "composite"): what composite_id::parse
// accepts, i.e. 16 hex digits, "0x" + 1..16 hex digits, or a decimal,
// after dropping surrounding whitespace and one pair of double quotes
// (both come along when copying out of a terminal or a JSON document).
// Opaque pipelines: the text exactly as given (any byte may belong to an
// opaque ID, so nothing is trimmed), except that "hex:<even number of hex
// digits>" is decoded to those bytes: that is how JSON output (audit, lookup)
// writes IDs that are not valid UTF-8 or that start with "hex:" (see
// jsonSafeId), so copying an ID out of such output finds the record.
class IdInput {
public:
    // ok() false: error() says what was wrong, quoting the input.
    static IdInput parse(std::string_view typed, config::IdFormat format);

    bool ok() const { return m_error.empty(); }
    const std::string& error() const { return m_error; }
    // Valid while this IdInput lives (an opaque ID borrows m_text).
    engine::RecordId recordId() const;
    // How to print it back: canonical composite form, or the opaque text.
    std::string display() const;
    bool isComposite() const { return m_composite; }

private:
    bool m_composite = false;
    uint64_t m_key = 0;
    std::string m_text;
    std::string m_error;
};

} // namespace slatrack::monitor
