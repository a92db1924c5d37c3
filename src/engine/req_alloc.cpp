// Request memory: per-thread caches of free blocks by size class.
//
// Every request is allocated on the submitting thread and freed on the poll
// thread (usually the same one). Recycling request-sized blocks on a
// thread-local list avoids the allocator's locks and, above all, the page
// faults of fresh memory: a burst of a million requests would otherwise be
// freed back to malloc, which trims the heap, and the next burst faults every
// page in again (a third of the round-trip time of a nop, measured).
//
// So a cache keeps what its thread freed, however much, while it is being
// used, and gives back what it did not need: every epoch (at least a second,
// judged every kCheckEvery operations) the blocks that stayed unused for the
// whole epoch — the list's low-water mark — beyond kKeep per class return to
// malloc, coldest first. A thread that stops using requests keeps its cache
// until it exits. A block freed on another thread simply joins that thread's
// cache. Under sanitizers the plain allocator is used so that ASan still
// sees every use after free.
//
// Blocks are whole cache lines, aligned to a line: a plain request (120
// bytes) occupies exactly two lines instead of straddling three or four,
// which matters when a million of them are in flight and each is written on
// one CPU and read on another (nop round trip 76 -> 58 ns with 2 threads,
// together with the smaller request; docs/PERFORMANCE.md).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#include "engine/context_impl.hpp"
#include "engine/req.hpp"

namespace aio::detail {

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kRecycle = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kRecycle = false;
#else
constexpr bool kRecycle = true;
#endif
#else
constexpr bool kRecycle = true;
#endif

constexpr std::size_t kGranule = 64;  // a cache line
constexpr std::size_t kClasses = 16;  // blocks up to 1 KiB
constexpr std::size_t kKeep = 4096;   // blocks per class never given back
constexpr std::uint32_t kCheckEvery = 4096;
constexpr std::int64_t kEpochNs = 1000000000;

struct free_block {
    free_block* next;
};

struct class_cache {
    free_block* head = nullptr;
    std::size_t count = 0;
    std::size_t low = 0;  // fewest blocks on the list during this epoch

    // Give back `n` blocks from the cold end of the list.
    void shrink(std::size_t n) noexcept {
        if (n == 0) return;
        std::size_t keep = count - n;
        free_block** link = &head;
        for (std::size_t i = 0; i < keep; ++i)
            link = &(*link)->next;
        free_block* b = *link;
        *link = nullptr;
        while (b) {
            free_block* next = b->next;
            ::operator delete(b, std::align_val_t(kGranule));
            b = next;
        }
        count = keep;
    }
};

struct caches {
    class_cache cls[kClasses];
    std::uint32_t ops = 0;
    std::int64_t epoch_start = 0;
    bool dead = false;  // the thread is exiting: no more caching

    ~caches() {
        dead = true;
        for (auto& c : cls)
            c.shrink(c.count);
    }

    // Counts an operation; at the end of an epoch, trims every class to
    // what the epoch actually used.
    void tick() noexcept {
        if (++ops % kCheckEvery != 0) return;
        std::int64_t now = now_ns();
        if (epoch_start == 0) epoch_start = now;
        if (now - epoch_start < kEpochNs) return;
        for (auto& c : cls) {
            if (c.low > kKeep) c.shrink(c.low - kKeep);
            c.low = c.count;
        }
        epoch_start = now;
    }
};

thread_local caches tl_caches;

std::size_t size_class(std::size_t n) noexcept {
    return (n + kGranule - 1) / kGranule;
}

}  // namespace

std::size_t cached_request_blocks() noexcept {
    std::size_t n = 0;
    if (kRecycle)
        for (const auto& c : tl_caches.cls)
            n += c.count;
    return n;
}

bool request_cache_enabled() noexcept {
    return kRecycle;
}

void* req::operator new(std::size_t n) {
    std::size_t c = size_class(n);
    if (kRecycle && c < kClasses) {
        auto& tc = tl_caches;
        class_cache& cc = tc.cls[c];
        if (free_block* b = cc.head) {
            cc.head = b->next;
            if (--cc.count < cc.low) cc.low = cc.count;
            tc.tick();
            return b;
        }
        return ::operator new(c* kGranule, std::align_val_t(kGranule));
    }
    return ::operator new(n);
}

void req::operator delete(void* p, std::size_t n) noexcept {
    std::size_t c = size_class(n);
    if (kRecycle && c < kClasses) {
        auto& tc = tl_caches;
        if (!tc.dead) {
            class_cache& cc = tc.cls[c];
            auto* b = static_cast<free_block*>(p);
            b->next = cc.head;
            cc.head = b;
            ++cc.count;
            tc.tick();
            return;
        }
        return ::operator delete(p, std::align_val_t(kGranule));
    }
    ::operator delete(p);
}

}  // namespace aio::detail
