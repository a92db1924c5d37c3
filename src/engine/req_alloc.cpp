// Request memory: per-thread free lists by size class.
//
// Every request is allocated on the submitting thread and freed on the poll
// thread (usually the same one). Recycling request-sized blocks on a
// thread-local list avoids the allocator's locks and the page faults of fresh
// memory for a steady stream of requests. Lists are bounded; a block freed
// on another thread simply joins that thread's list. Under sanitizers the
// plain allocator is used so that ASan still sees every use after free.
#include <cstddef>
#include <cstdlib>
#include <new>

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

constexpr std::size_t kGranule = 32;
constexpr std::size_t kClasses = 32;  // blocks up to 1 KiB
constexpr std::size_t kMaxPerClass = 4096;

struct free_block {
    free_block* next;
};

struct free_lists {
    free_block* head[kClasses] = {};
    std::size_t count[kClasses] = {};
    ~free_lists() {
        for (auto* h : head) {
            while (h) {
                free_block* n = h->next;
                ::operator delete(h);
                h = n;
            }
        }
    }
};

thread_local free_lists tl_lists;

std::size_t size_class(std::size_t n) noexcept {
    return (n + kGranule - 1) / kGranule;
}

}  // namespace

void* req::operator new(std::size_t n) {
    std::size_t c = size_class(n);
    if (kRecycle && c < kClasses) {
        auto& fl = tl_lists;
        if (free_block* b = fl.head[c]) {
            fl.head[c] = b->next;
            --fl.count[c];
            return b;
        }
        return ::operator new(c* kGranule);
    }
    return ::operator new(n);
}

void req::operator delete(void* p, std::size_t n) noexcept {
    std::size_t c = size_class(n);
    if (kRecycle && c < kClasses) {
        auto& fl = tl_lists;
        if (fl.count[c] < kMaxPerClass) {
            auto* b = static_cast<free_block*>(p);
            b->next = fl.head[c];
            fl.head[c] = b;
            ++fl.count[c];
            return;
        }
    }
    ::operator delete(p);
}

}  // namespace aio::detail
