#pragma once

#include "prefetch.hpp"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace slatrack::engine {

struct EngineStateAccess;

// Storage for the text of opaque record IDs while their record is open.
// (A freed slot keeps its old bytes until reused; only the slot index moves.)
// The join finds records by 64-bit hash and confirms every hit on this text
// (a different text is a hash collision, counted and not joined); the text
// is also what an operator reads for stuck and lost IDs. Slots are 24 bytes: IDs up to
// 23 bytes sit inline (a 16-byte ID costs 24 bytes), longer ones on the heap.
// Freed slots are reused LIFO. Index 0 is never handed out (it means "no
// text": a composite ID, printed from its key).
//
// Thread-safety: none; one owner thread.
class IdTextSlab {
public:
    IdTextSlab() { m_slots.emplace_back(); }
    ~IdTextSlab() { for (auto& slot : m_slots) slot.release(); }
    IdTextSlab(const IdTextSlab&) = delete;
    IdTextSlab& operator=(const IdTextSlab&) = delete;

    uint32_t store(std::string_view text)
    {
        uint32_t index;
        if (!m_free.empty()) {
            index = m_free.back();
            m_free.pop_back();
        } else {
            index = static_cast<uint32_t>(m_slots.size());
            m_slots.emplace_back();
        }
        m_slots[index].assign(text);
        return index;
    }
    std::string_view text(uint32_t index) const { return m_slots[index].view(); }
    // Before text(): the join confirms every hash hit on the text, and the
    // slot was written when the record opened, long out of cache.
    void prefetch(uint32_t index) const
    {
        if (index < m_slots.size())
            prefetchLine(&m_slots[index]);
    }
    // Does not touch the slot: its line is cold by now (it was written when
    // the record opened), and LIFO reuse writes it again within an event or
    // two. A long ID's heap copy is freed then, or by the destructor. The
    // prefetch warms the line for that write.
    void release(uint32_t index)
    {
        m_free.push_back(index);
        prefetchLine(&m_slots[index]);
    }
    size_t bytesUsed() const
    {
        size_t heap = 0;
        for (const auto& slot : m_slots) heap += slot.heapBytes();
        return m_slots.capacity() * sizeof(Slot) + m_free.capacity() * sizeof(uint32_t) + heap;
    }

private:
    friend struct EngineStateAccess;  // engine_snapshot
    // 24 raw bytes: the last byte is the inline length, or kHeap when the
    // first 8 bytes hold a heap pointer and the next 4 its length. Raw bytes
    // plus memcpy instead of a union keep it at 24 (a union with a pointer
    // member would pad the length byte out to 32).
    struct Slot {
        static constexpr uint8_t kHeap = 0xff;
        static constexpr size_t kInlineCapacity = 23;
        char bytes[24] = {};

        uint8_t tag() const { return static_cast<uint8_t>(bytes[23]); }
        void assign(std::string_view text)
        {
            release();
            if (text.size() <= kInlineCapacity) {
                std::memcpy(bytes, text.data(), text.size());
                bytes[23] = static_cast<char>(text.size());
                return;
            }
            char* heapText = new char[text.size()];
            std::memcpy(heapText, text.data(), text.size());
            const auto length = static_cast<uint32_t>(text.size());
            std::memcpy(bytes, &heapText, sizeof(heapText));
            std::memcpy(bytes + 8, &length, sizeof(length));
            bytes[23] = static_cast<char>(kHeap);
        }
        void release()
        {
            if (tag() == kHeap)
                delete[] heapPointer();
            bytes[23] = 0;
        }
        std::string_view view() const
        {
            if (tag() == kHeap)
                return std::string_view(heapPointer(), heapLength());
            return std::string_view(bytes, tag());
        }
        size_t heapBytes() const { return tag() == kHeap ? heapLength() : 0; }

    private:
        char* heapPointer() const
        {
            char* pointer;
            std::memcpy(&pointer, bytes, sizeof(pointer));
            return pointer;
        }
        uint32_t heapLength() const
        {
            uint32_t length;
            std::memcpy(&length, bytes + 8, sizeof(length));
            return length;
        }
    };
    static_assert(sizeof(Slot) == 24);

    std::vector<Slot> m_slots;
    std::vector<uint32_t> m_free;
};

} // namespace slatrack::engine
