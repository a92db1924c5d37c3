// The engine behind aio::context.
//
// Design (libeio's model, with batched hand-offs):
//
//   submit ──► ready_[9] (FIFO per priority) ──► worker claims a batch ──►
//   execute ──► results_ (lock-free FIFO) ──► poll_cb runs callbacks ──► done
//
// With the io_uring executor (src/uring/ring.hpp), requests whose op the
// ring runs take a parallel path with the same states:
//
//   submit ──► the ring's queues[9] ──► SQE (at most depth in flight) ──►
//   kernel ──► CQE ──► poll_cb reaps it ──► callbacks ──► done
//
// * One lock. mu_ guards the ready queues and the pool bookkeeping.
//   Submission (the intake, a stack) and the result hand-off (results_, a
//   queue: req.hpp) are lock-free. The ring's own lock is never taken with
//   mu_ held; the ring may take mu_ under its lock (to hand a request to the
//   pool).
// * Workers claim several requests per lock acquisition (about nready /
//   nthreads, at most kMaxBatch), so queue traffic is amortised when the
//   queue is long and every thread gets work when it is short.
// * Waking: a submit signals one idle thread only if no thread is already on
//   its way (spinning or signalled). One worker at a time spins briefly
//   before sleeping, so a steady stream of submissions costs no futex calls.
//   A worker that leaves work behind wakes the next one (a wake chain).
// * The eventfd is written when results appear and nobody has written it
//   since poll_cb last reset it (efd_state_: a finishing worker moves it
//   idle -> writing -> written), and reset when poll_cb returns with nothing
//   left to take. The reset consumes the write, marks the state idle and
//   looks at results_ once more: a result pushed meanwhile (whose worker saw
//   "written" and did not write) makes it readable again. A reset first
//   waits for workers between their push and their write (pushers_), so
//   that none makes it readable afterwards for a result already taken. The
//   kernel also writes the eventfd when it posts ring completions, which
//   count as pending results (npending) until poll_cb reaps them: the reset
//   happens only when the completion queue is empty too, and the look
//   afterwards includes it. Inside flush() nothing is reset or written for
//   the poll thread's own use: flush settles the descriptor once, at its end.
// * The ring is fed from its queues at submission (from any thread, under
//   the ring's lock; submissions made by callbacks inside poll_cb are fed
//   together when poll_cb takes the next results or returns), and after each
//   reap. In a storm the ring's own driving thread reaps and feeds instead
//   and pushes its results into results_ like a worker (src/uring/ring.cpp).
//   max_parallel(0) stops the feeding as it stops the workers.
//
// Cancel state machine (both executors obey it):
//   ready    cancel sets `cancelled`; the worker (or the ring feeder) that
//            takes it skips the syscall and passes it straight to the result
//            queue.
//   execute  pool: the syscall runs to completion; the result is discarded.
//            ring: the canceller also submits IORING_OP_ASYNC_CANCEL for its
//            slot; the kernel either stops the op (ECANCELED) or lets it
//            finish; either way its completion arrives and is discarded.
//   pending  poll_cb finishes it without calling the callback.
//   done     nothing happens.
// A cancelled request still travels to the result queue so that group
// accounting and nreqs stay exact.
#pragma once

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <mutex>

#include "aio/context.hpp"
#include "engine/req.hpp"

namespace aio::detail {

class ring_executor;

/// The context whose ring submissions this thread defers: the one whose
/// poll_cb it is running, or an aio::batch's (nullptr: none).
extern constinit thread_local context_impl* polling_ctx;

/// CLOCK_MONOTONIC in nanoseconds.
std::int64_t now_ns() noexcept;

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/// Watch done() for up to ns nanoseconds without sleeping (the clock is read
/// every few hundred pauses); whether it became true.
template <class Done>
bool spin_until(Done done, std::int64_t ns) noexcept {
    std::int64_t until = 0;
    for (unsigned i = 0;; ++i) {
        if (done()) return true;
        if (i % 16 == 0) {
            std::int64_t now = now_ns();
            if (!until)
                until = now + ns;
            else if (now >= until)
                return false;
        }
        for (int k = 0; k < 32; ++k)
            cpu_relax();
    }
}

/// pthread_create for the engine's own threads (workers, the ring's driving
/// thread): the workers' stack size, every signal blocked. 0 or an errno.
int start_engine_thread(pthread_t& tid, void* (*entry)(void*), void* arg) noexcept;

/// Run the operation of r on the calling (worker) thread. Defined by the ops
/// layer (src/ops/dispatch.cpp): one switch over all op types.
void execute(req& r) noexcept;

/// Whether r's operation is one the poll thread may run itself while it
/// waits (context_impl::help): a metadata syscall that returns quickly
/// unless the filesystem is slow and retries EINTR, never one that can wait
/// on another thread (open of a FIFO, a lock, busy, library steps), move
/// data or sync, and not nop.
/// Defined by the ops layer.
bool quick_op(const req& r) noexcept;

class context_impl {
  public:
    explicit context_impl(const context_options& opts);
    ~context_impl();
    context_impl(const context_impl&) = delete;
    context_impl& operator=(const context_impl&) = delete;

    /// Queue r (with priority from the calling thread's next-request priority
    /// unless pri_set) and take over one reference. Safe from any thread.
    void submit(req* r);

    // result side (poll thread)
    int poll_fileno() const noexcept { return efd_.load(std::memory_order_relaxed); }
    int poll_cb(std::size_t* processed = nullptr);
    void poll_wait();
    int poll();
    void flush();

    // groups (poll thread)
    void group_add(group_req* g, req* r);
    void group_try_feed(group_req* g);
    void cancel(req* r) noexcept;
    void cancel_subs(group_req* g) noexcept;

    // tuning
    void min_parallel(unsigned n);
    void max_parallel(unsigned n);
    std::atomic<unsigned> max_poll_reqs_{0};
    std::atomic<double> max_poll_time_{0};
    std::atomic<unsigned> max_idle_{4};
    std::atomic<double> idle_timeout_{10.0};
    std::atomic<unsigned> max_outstanding_{0};
    unsigned parallel() const noexcept { return wanted_.load(std::memory_order_relaxed); }

    // counters
    // Each count is a difference of two monotonic counters: one written by
    // the producers (a locked add), one only by the poll thread (a plain
    // store). The poll thread's is read first, with acquire: what it counts
    // was counted by the producer before, so the difference is never
    // negative.
    std::size_t nreqs() const noexcept {
        std::size_t f = finished_.load(std::memory_order_acquire);
        return added_.load(std::memory_order_relaxed) - f;
    }
    /// Requests queued for a worker or the ring, not started (takes mu_).
    std::size_t nready() noexcept;
    std::size_t npending() const noexcept { return results_pending() + ring_ncompleted(); }
    std::size_t nthreads() const noexcept { return nthreads_.load(std::memory_order_relaxed); }

    void reinit();
    executor_kind executor() const noexcept;
    /// The io_uring executor, or nullptr (tests use it to shrink the ring).
    ring_executor* ring() const noexcept { return ring_; }

    /// Hand a finished request to the result queue (workers, ring reaper).
    void push_result(req* r);
    void push_results(req_queue& q);
    /// Queue an already counted request for the worker pool (the ring hands
    /// over requests it must not or could not run). Safe from any thread.
    void run_on_pool(req* r);
    /// Hand submissions deferred during poll_cb to the ring (poll thread).
    void feed_ring();
    /// The ring's driving thread stopped with completions left in the ring
    /// for poll_cb: make the descriptor readable.
    void ring_completions_left() noexcept { make_readable(); }

    // fork handlers (see fork.cpp)
    void lock_for_fork();
    void unlock_after_fork();

  private:
    static constexpr unsigned kMaxBatch = 32;
    static constexpr unsigned kMaxHelp = 16;  // at most this many per help()
    static constexpr int kPriorities = pri_max - pri_min + 1;

    // A worker thread and the batch it claimed. The owner takes items with
    // next.fetch_add; a thief (holding mu_) may take unstarted items the same
    // way, so every item runs exactly once. items/count change only under mu_.
    struct worker {
        pthread_t tid{};
        context_impl* ctx = nullptr;
        unsigned id = 0;
        bool exited = false;  // set (under mu_) right before the thread returns
        unsigned count = 0;
        req* items[kMaxBatch] = {};
        alignas(64) std::atomic<unsigned> next{0};
        // When the running request started (0: none).
        std::atomic<std::int64_t> busy_since{0};
    };

    // Snapshot of the pool for lock-free readers (submitters), published
    // under mu_ whenever one of its inputs changes.
    struct pool_view {
        unsigned parked;  // sleeping workers nobody has signalled yet
        unsigned awake;   // workers running, spinning, signalled or starting
        bool spinning, sentinel, can_start;
        bool slow;  // the sentinel saw slow requests (latency-bound work)
    };
    static std::uint64_t pack(const pool_view& v) noexcept;
    static pool_view unpack(std::uint64_t w) noexcept;
    bool need_wake(const pool_view& v) const noexcept;
    pool_view view() const noexcept;  // mu_ held
    void publish() noexcept;          // mu_ held

    static void* worker_entry(void* arg);
    void worker_loop(worker* w);
    bool wait_for_work(std::unique_lock<std::mutex>& lk, worker* w);
    bool spin(std::unique_lock<std::mutex>& lk);
    bool park(std::unique_lock<std::mutex>& lk, worker* w, bool voluntary);
    void release_spinner();                                                             // mu_ held
    bool surplus() const noexcept;                                                      // mu_ held
    std::uint64_t not_started(const worker* self) const noexcept;                       // mu_ held
    void start_watcher_if_stuck(const worker* self);                                    // mu_ held
    bool should_join(const worker* self, std::uint64_t seen, std::uint64_t seen_slow);  // mu_ held
    bool work_queued() const noexcept;                                                  // mu_ held
    void claim(worker* w);                                                              // mu_ held
    bool steal(worker* thief);                                                          // mu_ held
    bool run_batch(worker* w, bool stopping, bool on_poll_thread = false);
    void requeue_rest(worker* w);  // mu_ not held: w's unstarted items back to the queues
    bool help();                   // poll thread: run quick queued requests while waiting
    void start_thread();           // mu_ held
    void reap_exited();            // mu_ held: join threads that finished
    void wake_if_needed();         // mu_ held
    void wake_for_free_cpu();      // mu_ held
    void drain_intake();           // mu_ held
    void note_queued() noexcept;   // mu_ held: queue_nonempty_ = queued_ != 0

    std::size_t ring_nready() const noexcept;
    std::size_t ring_ncompleted() const noexcept;

    int finish(req* r);  // run callback, group bookkeeping, release
    void group_dec(group_req* g);
    req* next_result();                     // results_ or taken_ (ring completions), fairly
    bool results_waiting() const noexcept;  // pushed or posted, not yet taken
    void settle_readable();                 // end of poll_cb: reset or keep readable
    bool spin_for_results();                // poll_wait's short watch before poll(2)
    unsigned awake_workers() const noexcept {
        return unpack(pool_state_.load(std::memory_order_relaxed)).awake;
    }
    void make_readable() noexcept;
    void take_own_results(req_queue& q);  // poll thread: help()'s results
    static std::size_t mark_pending(const req_queue& q) noexcept;
    void reset_readable() noexcept;  // poll thread
    void wait_for_pushers() const noexcept;
    void drain_for_shutdown();
    void open_eventfd();
    void stop_threads();

    // ---- guarded by mu_ -------------------------------------------------------
    std::mutex mu_;
    std::condition_variable work_cv_;  // idle workers
    std::condition_variable exit_cv_;  // max_parallel / shutdown wait for exits
    req_queue ready_[kPriorities];
    std::size_t queued_ = 0;  // requests in ready_
    std::list<worker> workers_;
    unsigned nidle_ = 0;         // workers waiting on work_cv_
    unsigned nsignalled_ = 0;    // of those, already notified
    unsigned nstarting_ = 0;     // threads created that have not reached the queue yet
    worker* spinner_ = nullptr;  // the worker polling the intake before it sleeps
    bool sentinel_ = false;      // one parked worker watches the awake ones
    bool slow_ = false;          // the sentinel's verdict: requests are slow
    bool stopping_ = false;      // destructor: skip execution of claimed requests
    bool helping_ = false;       // the poll thread runs a batch (help): counts as a thread
    unsigned next_id_ = 0;
    unsigned ncpu_ = 1;
    std::atomic<unsigned> wanted_{8};
    std::atomic<std::size_t> nthreads_{0};
    alignas(64) std::atomic<std::uint64_t> pool_state_{0};  // pack(view())
    // slow_, for submitters (publish() keeps it; it rarely changes, so its
    // line stays in every core's cache).
    alignas(64) std::atomic<bool> slow_hint_{false};

    // ---- submission (lock-free) --------------------------------------------
    alignas(64) std::atomic<req*> intake_{nullptr};        // a Treiber stack, newest first
    std::atomic<bool> queue_nonempty_{false};              // queued_ != 0, for the spinner
    alignas(64) std::atomic<std::uint64_t> completed_{0};  // ever executed, for the sentinel
    std::atomic<std::uint64_t> slow_done_{0};  // of those, how many took kSlowNs or more

    // ---- result hand-off (lock-free) ----------------------------------------
    result_queue results_;  // finished by workers (and the ring, on drain)
    // The eventfd: 0 idle (reset), 1 a worker is writing it, 2 written.
    alignas(64) std::atomic<int> efd_state_{0};
    std::atomic<unsigned> pushers_{0};  // threads between push and write
    std::atomic<int> efd_{-1};

    // ---- poll thread only -------------------------------------------------
    req_queue taken_;          // ring completions reaped, being processed
    worker helper_;            // the batch the poll thread runs while it waits (help)
    unsigned since_reap_ = 0;  // results taken from results_ since the last reap
    bool draining_ = false;    // destructor: finish everything without callbacks
    bool in_flush_ = false;    // inside flush(): the descriptor is settled when it returns

    // nreqs() = added_ - finished_; results waiting = handed_ - taken_n_.
    alignas(64) std::atomic<std::size_t> added_{0};     // submitted, any thread
    alignas(64) std::atomic<std::size_t> handed_{0};    // results handed over (workers, reaper)
    alignas(64) std::atomic<std::size_t> finished_{0};  // poll thread only
    std::atomic<std::size_t> taken_n_{0};               // poll thread only
    std::size_t results_pending() const noexcept {
        std::size_t t = taken_n_.load(std::memory_order_acquire);
        return handed_.load(std::memory_order_acquire) - t;
    }
    // Poll thread: one writer, so a load and a store instead of a locked add.
    static void bump(std::atomic<std::size_t>& c) noexcept {
        c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }

    const bool helps_;                               // context_options::poll_wait_helps
    ring_executor* ring_ = nullptr;                  // set by the constructor and reinit() only
    executor_kind kind_ = executor_kind::automatic;  // as asked for (reinit makes a new ring)
    context_impl* fork_next_ = nullptr;              // registry of live contexts (fork.cpp)
    context_impl* fork_prev_ = nullptr;
    friend struct fork_registry;
    friend void fork_register(context_impl* c);
    friend void fork_unregister(context_impl* c);
};

/// Create a request of type R bound to ctx's engine (not yet submitted).
inline void bind(req* r, context_impl& ctx) noexcept {
    r->ctx = &ctx;
}

}  // namespace aio::detail
