// Result side of the engine: poll_cb and friends, groups and cancellation.
// Everything here runs on the poll thread (the one calling poll_cb), except
// cancel() of a plain request, which only sets an atomic flag (and, for a
// request in the io_uring executor, submits a cancel under the ring's lock).
#include <poll.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <exception>
#include <utility>

#include "engine/context_impl.hpp"
#include "uring/ring.hpp"

namespace aio::detail {

namespace {

// How long poll_wait watches for a result before it sleeps.
constexpr std::int64_t kResultSpinNs = 20000;
// Reap ring completions at least this often while workers' results stream in.
constexpr unsigned kReapEvery = 64;

double now_seconds() noexcept {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Keeps the first exception thrown by user code while the engine finishes its
// bookkeeping, then rethrows it.
struct first_error {
    std::exception_ptr ep;
    template <class F>
    void run(F&& f) noexcept {
        try {
            f();
        } catch (...) {
            if (!ep) ep = std::current_exception();
        }
    }
    void rethrow() {
        if (ep) std::rethrow_exception(std::exchange(ep, nullptr));
    }
};

// Marks this thread as running ctx's poll_cb (submissions to ctx's ring are
// deferred meanwhile) and hands them to the ring when poll_cb returns.
struct polling_scope {
    context_impl* ctx;
    context_impl* outer;
    explicit polling_scope(context_impl* c) : ctx(c), outer(std::exchange(polling_ctx, c)) {}
    ~polling_scope();
    polling_scope(const polling_scope&) = delete;
    polling_scope& operator=(const polling_scope&) = delete;
};

}  // namespace

constinit thread_local context_impl* polling_ctx = nullptr;

polling_scope::~polling_scope() {
    polling_ctx = outer;
    ctx->feed_ring();
}

void context_impl::feed_ring() {
    if (ring_) ring_->feed();
}

// The next finished request, or nullptr. Workers' results come in order;
// ring completions are reaped when those run out and at least every
// kReapEvery results, so that neither kind waits behind a stream of the other.
req* context_impl::next_result() {
    if (req* r = taken_.pop()) return r;
    if (ring_ && (since_reap_ >= kReapEvery || results_.empty())) {
        since_reap_ = 0;
        req_queue reaped;
        ring_->reap(reaped);
        handed_.fetch_add(mark_pending(reaped), std::memory_order_relaxed);
        taken_.splice(reaped);
        if (req* r = taken_.pop()) return r;
    }
    req* r = results_.pop();
    if (r) ++since_reap_;
    return r;
}

bool context_impl::results_waiting() const noexcept {
    return !results_.empty() || (ring_ && ring_->has_completions());
}

// poll_cb is returning: results it did not get to keep the descriptor
// readable; with nothing left, reset it.
void context_impl::settle_readable() {
    if (!taken_.empty() || results_waiting())
        make_readable();
    else
        reset_readable();
}

// Wait for the workers between pushing results and writing the eventfd (a
// few instructions and one write(2)).
void context_impl::wait_for_pushers() const noexcept {
    for (unsigned i = 0; pushers_.load(std::memory_order_acquire) != 0; ++i) {
        if (i < 64)
            cpu_relax();
        else
            sched_yield();
    }
}

void context_impl::reset_readable() noexcept {
    // A worker between its push and its write would make the descriptor
    // readable after the reset, for a result already taken: let it finish.
    wait_for_pushers();
    // With the ring, the kernel writes too: read whenever nothing is pending.
    if (efd_state_.load(std::memory_order_seq_cst) == 0 && !ring_) return;
    std::uint64_t v;
    ssize_t rc;
    do
        rc = ::read(efd_.load(std::memory_order_relaxed), &v, sizeof v);
    while (rc < 0 && errno == EINTR);
    efd_state_.store(0, std::memory_order_seq_cst);
    // A result pushed since our look saw "written" and did not write.
    if (results_waiting()) make_readable();
}

int context_impl::poll_cb(std::size_t* processed) {
    polling_scope scope(this);
    for (;;) {
        if (!ring_ && taken_.empty() && results_pending() == 0 &&
            !max_outstanding_.load(std::memory_order_relaxed) &&
            efd_state_.load(std::memory_order_relaxed) == 0)
            return 0;  // the common "nothing to do" case: no syscall
        unsigned max_reqs = max_poll_reqs_.load(std::memory_order_relaxed);
        double max_time = max_poll_time_.load(std::memory_order_relaxed);
        double deadline = max_time > 0 ? now_seconds() + max_time : 0;
        int res = 0;
        unsigned done = 0;
        // On the way out (also when a callback throws): results left over
        // keep the descriptor readable; with none, it is reset.
        struct readable_guard {
            context_impl* c;
            ~readable_guard() {
                if (!c->in_flush_) c->settle_readable();
            }
        } guard{this};
        for (;;) {
            req* r = next_result();
            if (!r) break;
            bump(taken_n_);
            bump(finished_);
            r->state.store(req_state::result, std::memory_order_relaxed);
            auto* g = r->is_group ? static_cast<group_req*>(r) : nullptr;
            if (g && g->size) {
                g->delayed = true;  // finishes when its last subrequest does
            } else {
                finish(r);
            }
            if (processed) ++*processed;
            if (max_reqs && ++done >= max_reqs) {
                res = -1;
                break;
            }
            if (deadline && now_seconds() >= deadline) {
                res = -1;
                break;
            }
        }
        unsigned limit = max_outstanding_.load(std::memory_order_relaxed);
        if (!limit || nreqs() < limit) {
            if (res) errno = EAGAIN;
            return res;
        }
        poll_wait();
    }
}

// Before sleeping in poll(2), watch for a result for a few microseconds
// without syscalls: a worker that is about to finish hands its result over
// faster than a wake-up through the eventfd (which costs both sides a
// syscall and, on a VM, an interprocessor interrupt). Only while requests
// are in flight and a core is free for it (fewer workers awake than CPUs).
bool context_impl::spin_for_results() {
    // Spinning takes a core: only when the awake workers leave one free.
    if (ncpu_ < 2 || awake_workers() >= ncpu_) return false;
    return spin_until(
        [this] {
            return results_pending() != 0 || (ring_ && ring_->has_completions()) || nreqs() == 0;
        },
        kResultSpinNs);
}

void context_impl::poll_wait() {
    for (;;) {
        if (nreqs() == 0) return;
        if (!taken_.empty()) return;
        if (ring_) ring_->feed();  // a callback may wait here for what it submitted
        bool waiting = results_waiting();
        if (!waiting && help()) {
            if (!in_flush_) make_readable();  // results are pending: taken_ holds them
            return;
        }
        if (waiting || spin_for_results()) {
            if (in_flush_) return;  // flush() takes them without looking at the descriptor
            // Results can be seen before the eventfd is written: a worker
            // pushes, then writes; the kernel moves the completion queue's
            // tail, then signals. Return with poll_fileno() readable
            // whenever results wait: wait for the workers, and write it for
            // the ring's completions (an extra count is harmless: a reset
            // reads them all).
            wait_for_pushers();
            if (ring_ && ring_->has_completions()) make_readable();
            return;
        }
        pollfd p{efd_.load(std::memory_order_relaxed), POLLIN, 0};
        int rc = ::poll(&p, 1, -1);
        if (rc < 0 && errno != EINTR) return;
        // Readable with nothing pending (a kernel write that came after its
        // completion was reaped): reset it instead of spinning on it.
        if (rc > 0 && !results_waiting()) reset_readable();
    }
}

int context_impl::poll() {
    poll_wait();
    std::size_t processed = 0;
    poll_cb(&processed);
    return static_cast<int>(processed);
}

// Until flush() returns, nobody looks at the descriptor: its loop checks the
// queues itself, and poll_wait sleeps in poll(2) only after finding them
// empty (a descriptor left readable then costs one wake-up and a reset). So
// the poll_cb and poll_wait calls inside it leave the descriptor alone, and
// it is settled once, when the outermost flush returns (or throws). Settling
// at every poll_cb cost a read(2), and the write(2) that made it readable
// again for the next results, every few requests: in the depth-32 stat storm
// one pair per ~7 stats (counted with perf stat: 330 000-440 000 of each per
// run), as the poll thread runs requests itself and workers hand theirs over
// between two of its poll_cb calls.
void context_impl::flush() {
    struct scope {
        context_impl* c;
        bool outer;
        ~scope() {
            c->in_flush_ = outer;
            if (!outer) c->settle_readable();
        }
    } s{this, in_flush_};
    in_flush_ = true;
    while (nreqs()) {
        poll_wait();
        poll_cb();
    }
}

// Finish one request: callback (unless cancelled), group bookkeeping, release.
// The request's bookkeeping completes even if its callback throws.
int context_impl::finish(req* r) {
    first_error fe;
    if (r->is_group) static_cast<group_req*>(r)->finished = true;
    if (!r->cancelled.load(std::memory_order_relaxed) && !draining_ && r->complete) {
        fe.run([&] { r->complete(*r); });
    }
    r->complete = nullptr;  // callbacks may hold resources (and handles)
    r->state.store(req_state::done, std::memory_order_release);
    if (group_req* g = r->grp) {
        if (r->grp_prev)
            r->grp_prev->grp_next = r->grp_next;
        else
            g->first = r->grp_next;
        if (r->grp_next) r->grp_next->grp_prev = r->grp_prev;
        r->grp = nullptr;
        fe.run([&] { group_dec(g); });
    }
    release_engine_ref(r);
    fe.rethrow();
    return 0;
}

void context_impl::group_dec(group_req* g) {
    --g->size;
    first_error fe;
    fe.run([&] { group_try_feed(g); });
    if (!g->size && g->delayed) fe.run([&] { finish(g); });
    fe.rethrow();
}

// Call the feeder while the group is below its limit; drop a feeder that
// adds nothing (libeio's grp_try_feed).
void context_impl::group_try_feed(group_req* g) {
    while (g->feeder && g->size < g->limit && !g->cancelled.load(std::memory_order_relaxed) &&
           !draining_) {
        g->added = false;
        group handle(g);
        acquire(g);
        g->feeder(handle);
        if (!g->added) {
            g->feeder = nullptr;
            break;
        }
    }
}

void context_impl::group_add(group_req* g, req* r) {
    g->added = true;
    ++g->size;
    // No reference for membership: r stays alive until finish() unlinks it,
    // and g cannot finish while r is in it.
    r->grp = g;
    r->grp_prev = nullptr;
    r->grp_next = g->first;
    if (g->first) g->first->grp_prev = r;
    g->first = r;
    if (g->cancelled.load(std::memory_order_relaxed)) cancel(r);
}

void context_impl::cancel(req* r) noexcept {
    r->cancelled.store(true, std::memory_order_relaxed);
    if (r->is_group) {
        auto* g = static_cast<group_req*>(r);
        g->feeder = nullptr;
        cancel_subs(g);
    } else if (r->in_ring && ring_) {
        ring_->cancel(r);
    }
}

void context_impl::cancel_subs(group_req* g) noexcept {
    g->feeder = nullptr;
    for (req* s = g->first; s; s = s->grp_next)
        cancel(s);
}

// Destructor: workers are gone. Run the normal result machinery with
// callbacks and feeders switched off, so that group accounting frees delayed
// groups when their last subrequest finishes.
void context_impl::drain_for_shutdown() {
    draining_ = true;
    max_outstanding_.store(0);
    max_poll_reqs_.store(0);
    max_poll_time_.store(0);
    if (ring_) {
        req_queue q;
        ring_->drain(q);
        push_results(q);
    }
    {
        std::lock_guard lk(mu_);
        drain_intake();
        for (auto& q : ready_) {
            while (req* r = q.pop()) {
                --queued_;
                push_result(r);
            }
        }
        note_queued();
    }
    while (poll_cb() != 0 || results_pending()) {
    }
}

}  // namespace aio::detail
