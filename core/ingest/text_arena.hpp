#pragma once

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace slatrack::ingest {

// Owns the bytes of opaque record IDs for one batch of events, in chunks so
// that string_views into it stay valid as it grows (a std::string would
// move its buffer). Handed to the engine thread with the batch.
class TextArena {
public:
    std::string_view copy(std::string_view text)
    {
        if (text.size() > kChunkBytes)
            return storeLarge(text);
        if (m_chunks.empty() || m_used + text.size() > kChunkBytes) {
            m_chunks.push_back(std::make_unique_for_overwrite<char[]>(kChunkBytes));
            m_used = 0;
        }
        char* target = m_chunks.back().get() + m_used;
        std::memcpy(target, text.data(), text.size());
        m_used += text.size();
        return {target, text.size()};
    }
    void clear()
    {
        m_chunks.clear();
        m_used = 0;
    }

private:
    static constexpr size_t kChunkBytes = 64 * 1024;

    std::string_view storeLarge(std::string_view text)
    {
        auto chunk = std::make_unique_for_overwrite<char[]>(text.size());
        std::memcpy(chunk.get(), text.data(), text.size());
        const std::string_view out(chunk.get(), text.size());
        // Keep the current chunk last: insert the large one before it.
        m_chunks.insert(m_chunks.empty() ? m_chunks.end() : m_chunks.end() - 1, std::move(chunk));
        return out;
    }

    std::vector<std::unique_ptr<char[]>> m_chunks;
    size_t m_used = 0;
};

} // namespace slatrack::ingest
