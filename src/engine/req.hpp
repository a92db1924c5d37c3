// The request as the engine sees it.
//
// A request is an op tag, its arguments, its result (value + errno), the
// callback adapter, and intrusive links: `next` for whichever queue holds it
// (ready, a worker's batch, results) and grp_* for group membership.
// Operations derive from req to add their arguments and typed results; the
// engine never looks past this struct (see src/ops/op.hpp for the op list).
//
// Ownership: a request is reference counted. Submission gives the engine one
// reference, dropped when the request is done; every handle holds one more.
//
// Which thread touches what:
//   next                  whoever holds the queue's lock / the claiming worker
//   result, err, payload  the executing worker, then (after the result queue
//                         hand-off, which orders memory) the poll thread
//   cancelled             any thread (atomic)
//   complete, grp_*       the poll thread only
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "aio/request.hpp"

namespace aio::detail {

class context_impl;
struct group_req;

struct req {
    req() = default;
    req(const req&) = delete;
    req& operator=(const req&) = delete;
    virtual ~req() = default;

    // Recycled per thread by size class (req_alloc.cpp). The sized delete
    // receives the dynamic type's size through the virtual destructor.
    static void* operator new(std::size_t n);
    static void operator delete(void* p, std::size_t n) noexcept;

    req* next = nullptr;
    context_impl* ctx = nullptr;
    std::atomic<std::uint32_t> refs{1};
    std::atomic<req_state> state{req_state::ready};
    std::atomic<bool> cancelled{false};
    std::uint8_t opcode = 0;  // detail::op, see src/ops/op.hpp
    std::int8_t pri = 0;      // -4..4
    bool is_group = false;
    bool in_ring = false;     // handed to the io_uring executor (set at submission)
    int err = 0;              // errno reported by the operation
    std::int64_t result = 0;  // the syscall's return value
    completion complete;      // adapts result -> user callback; may be empty

    // group membership
    group_req* grp = nullptr;
    req* grp_prev = nullptr;
    req* grp_next = nullptr;

    void fail(int e) noexcept {
        err = e;
        result = -1;
    }
};

struct group_req : req {
    group_req() { is_group = true; }
    req* first = nullptr;   // subrequests, most recently added first
    std::size_t size = 0;   // subrequests not yet finished
    std::size_t limit = 0;  // feeder limit
    group::feeder feeder;
    bool added = false;     // a request was added since the feeder last ran
    bool delayed = false;   // reached the result phase, waits for its subrequests
    bool finished = false;  // callback ran (or was skipped): no more adds
};

/// Drop the engine's reference to a finished request (context.cpp): like
/// release(), without a locked instruction when it is the last one.
void release_engine_ref(req* r) noexcept;

/// The calling thread's cache of free request blocks (req_alloc.cpp): how
/// many it holds, and whether caching is on at all (off under sanitizers).
std::size_t cached_request_blocks() noexcept;
bool request_cache_enabled() noexcept;

/// Minimal FIFO of requests linked through req::next.
struct req_queue {
    req* head = nullptr;
    req* tail = nullptr;

    bool empty() const noexcept { return head == nullptr; }
    void push(req* r) noexcept {
        r->next = nullptr;
        if (tail)
            tail->next = r;
        else
            head = r;
        tail = r;
    }
    void push_front(req* r) noexcept {
        r->next = head;
        head = r;
        if (!tail) tail = r;
    }
    req* pop() noexcept {
        req* r = head;
        if (r) {
            head = r->next;
            if (!head) tail = nullptr;
            r->next = nullptr;
        }
        return r;
    }
    /// Append all of o, leaving o empty.
    void splice(req_queue& o) noexcept {
        if (o.empty()) return;
        if (tail)
            tail->next = o.head;
        else
            head = o.head;
        tail = o.tail;
        o.head = o.tail = nullptr;
    }
};

/// Finished requests on their way to the poll thread: many producers
/// (workers, the ring's reaper, the destructor), one consumer (the poll
/// thread). Intrusive through req::next, FIFO, no lock and no reversal: a
/// push is one exchange on the tail plus one store into the old tail's link,
/// and the consumer follows the links. Between a producer's two steps, what
/// it pushes (and anything pushed after it) is not reachable yet: pop()
/// returns nullptr while empty() is already false. The stub node keeps the
/// list non-empty so that producers never touch the consumer's end.
class result_queue {
  public:
    result_queue() noexcept { reset(); }
    result_queue(const result_queue&) = delete;
    result_queue& operator=(const result_queue&) = delete;

    /// Append the chain first..last (linked through next). Any thread.
    void push(req* first, req* last) noexcept {
        last->next = nullptr;
        req* prev = tail_.exchange(last, std::memory_order_acq_rel);
        link(prev).store(first, std::memory_order_release);
    }
    /// Oldest request, or nullptr. Consumer only.
    req* pop() noexcept {
        req* h = head_;
        req* next = link(h).load(std::memory_order_acquire);
        if (h == &stub_) {
            if (!next) return nullptr;
            head_ = h = next;
            next = link(h).load(std::memory_order_acquire);
        }
        if (next) {
            head_ = next;
            return h;
        }
        if (h != tail_.load(std::memory_order_acquire)) return nullptr;  // a push in progress
        push(&stub_, &stub_);  // h is the last one: put the stub behind it
        next = link(h).load(std::memory_order_acquire);
        if (!next) return nullptr;
        head_ = next;
        return h;
    }
    /// Whether nothing was pushed that pop() has not returned (including a
    /// push in progress). Consumer only.
    bool empty() const noexcept {
        return head_ == &stub_ && tail_.load(std::memory_order_seq_cst) == &stub_;
    }
    /// Forget everything (fork child: producers are gone). Consumer only.
    void reset() noexcept {
        stub_.next = nullptr;
        head_ = &stub_;
        tail_.store(&stub_, std::memory_order_relaxed);
    }

  private:
    static std::atomic_ref<req*> link(req* r) noexcept { return std::atomic_ref<req*>(r->next); }

    struct stub_req : req {};
    alignas(64) std::atomic<req*> tail_;
    alignas(64) req* head_;
    stub_req stub_;
};

}  // namespace aio::detail
