// Submission side of the engine: ready queues, the worker pool and the
// hand-off to the result queue. See context_impl.hpp for the design.
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "engine/context_impl.hpp"
#include "engine/fork.hpp"
#include "engine/priority.hpp"
#include "uring/ring.hpp"

namespace aio::detail {

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::size_t kWorkerStack = 4u << 20;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr std::size_t kWorkerStack = 4u << 20;
#else
constexpr std::size_t kWorkerStack = 256u << 10;
#endif
#else
// Ops use at most a few PATH_MAX buffers; 256 KiB leaves ample room.
constexpr std::size_t kWorkerStack = 256u << 10;
#endif

// How long the spinner polls for new work before sleeping, and how many
// pauses (a microsecond or two) it waits between two polls.
constexpr auto kSpin = std::chrono::microseconds(50);
constexpr int kPausesPerPoll = 64;
// How long a worker that just ran a small batch of quick requests waits
// before claiming again (see worker_loop).
constexpr int kGatherPauses = 16;
// Quick requests left queued behind a claim that justify waking a worker
// for a free CPU (wake_for_free_cpu).
constexpr std::size_t kWakeBacklog = 8;
// How often the sentinel checks that awake workers make progress.
constexpr auto kWatch = std::chrono::milliseconds(1);
constexpr std::int64_t kWatchNs = std::chrono::nanoseconds(kWatch).count();
// A request running this long holds up the rest of its batch: the sentinel
// takes them over. Well above a scheduler time slice, so that a worker
// merely preempted (more threads than cores) does not count.
constexpr std::int64_t kStuckNs = 10 * kWatchNs;
// A request running longer than this is "slow": its batch hands over the
// results done so far.
constexpr std::int64_t kSlowNs = 50000;
// At most this many quick requests run between two clock reads (run_batch).
constexpr unsigned kMaxStride = 16;

}  // namespace

// The CPUs this thread may run on (taskset, cpusets), which its workers
// inherit; the online count if the mask cannot be read.
static unsigned usable_cpus() noexcept {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return static_cast<unsigned>(CPU_COUNT(&set));
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? static_cast<unsigned>(n) : 1;
}

std::int64_t now_ns() noexcept {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

context_impl::context_impl(const context_options& opts)
    : helps_(opts.poll_wait_helps), kind_(opts.executor) {
    ncpu_ = usable_cpus();
    publish();  // submitters read the pool view before any worker exists
    open_eventfd();
    ring_ = ring_executor::create(*this, kind_);  // registers the eventfd
    fork_register(this);
}

context_impl::~context_impl() {
    fork_unregister(this);
    stop_threads();
    drain_for_shutdown();
    delete ring_;
    ::close(efd_.load());
}

void context_impl::open_eventfd() {
    int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "aio: eventfd");
    efd_.store(fd);
}

executor_kind context_impl::executor() const noexcept {
    return ring_ ? executor_kind::uring : executor_kind::pool;
}

std::size_t context_impl::nready() noexcept {
    std::lock_guard lk(mu_);
    drain_intake();
    return queued_ + ring_nready();
}

std::size_t context_impl::ring_nready() const noexcept {
    return ring_ ? ring_->nready() : 0;
}

std::size_t context_impl::ring_ncompleted() const noexcept {
    return ring_ ? ring_->ncompleted() : 0;
}

// ---- submission -------------------------------------------------------------

void context_impl::submit(req* r) {
    r->ctx = this;
    r->pri = static_cast<std::int8_t>(take_next_pri());
    r->state.store(req_state::ready, std::memory_order_relaxed);
    added_.fetch_add(1, std::memory_order_relaxed);

    if (r->is_group) {
        // Groups never execute: they go straight to the result phase, where
        // poll_cb finishes them at once when empty or delays them (libeio).
        push_result(r);
        return;
    }
    if (ring_ && ring_->accepts(*r)) {
        // The poll thread inside poll_cb defers: poll_cb feeds the ring as
        // soon as it takes the next results or returns, in one io_uring_enter.
        r->in_ring = true;
        ring_->submit(r, polling_ctx == this);
        return;
    }
    run_on_pool(r);
}

// Lock-free intake; workers move it into the priority queues under mu_.
// The submitter reads the published pool view to decide whether a worker
// must be woken, and takes mu_ only then.
void context_impl::run_on_pool(req* r) {
    req* head = intake_.load(std::memory_order_relaxed);
    do
        r->next = head;
    while (!intake_.compare_exchange_weak(head, r, std::memory_order_seq_cst,
                                          std::memory_order_relaxed));
    // An earlier request still waits in the intake: its submitter has seen
    // to it that a worker will take the intake, and with it this request —
    // unless requests are slow, where each may need a thread of its own.
    // (The pool view's line changes whenever a worker parks, spins or
    // wakes; not reading it on every submission saves a cache miss.)
    if (head && !slow_hint_.load(std::memory_order_relaxed)) return;
    // seq_cst load after the seq_cst push: pairs with a parking worker's
    // publish-then-check (park), so one of the two sees the other.
    if (!need_wake(unpack(pool_state_.load(std::memory_order_seq_cst)))) return;
    std::lock_guard lk(mu_);
    wake_if_needed();
}

// Move submitted requests from the intake into the priority queues, in
// submission order. mu_ held.
void context_impl::drain_intake() {
    req* r = intake_.exchange(nullptr, std::memory_order_acquire);
    req* fifo = nullptr;
    while (r) {  // the stack is newest-first: reverse it
        req* next = r->next;
        r->next = fifo;
        fifo = r;
        r = next;
    }
    while (fifo) {
        req* next = fifo->next;
        ready_[fifo->pri - pri_min].push(fifo);
        ++queued_;
        fifo = next;
    }
    note_queued();
}

// Tell the spinner (which watches without the lock) whether requests wait
// in the queues: the poll thread's help() moves the intake there and may
// leave some. mu_ held, after every change of queued_.
void context_impl::note_queued() noexcept {
    bool any = queued_ != 0;
    if (queue_nonempty_.load(std::memory_order_relaxed) != any)
        queue_nonempty_.store(any, std::memory_order_relaxed);
}

bool context_impl::work_queued() const noexcept {
    return queued_ > 0 || intake_.load(std::memory_order_seq_cst) != nullptr;
}

// ---- waking policy ------------------------------------------------------------
//
// Waking a sleeping worker costs a futex call and, on a small machine, a
// context switch of the submitting thread. So a submitter wakes (or starts) a
// worker only when nobody is awake, or when nobody watches the queue: no
// worker spins on it and no parked worker is the sentinel.
//
// The sentinel is one parked worker that, while others are awake, sleeps with
// a short timeout (kWatch) and looks at the backlog: requests queued plus
// requests claimed but not started. It joins the awake workers when
//   * a request has run for kStuckNs (10 ms) while others wait behind it
//     in its batch (a stuck syscall: NFS, a failing disk), or
//   * most requests that finished since it last looked took kSlowNs or
//     more each (latency-bound work: more threads help), or
//   * more than two requests wait per awake worker and fewer workers are
//     awake than there are CPUs (CPU-bound work that another core can share).
// Quick requests never keep more workers awake than there are CPUs (plus
// the one on its way to become the sentinel): on two cores, eight threads
// stat'ing cached files only take turns, and a worker preempted mid-request
// looks slow. Once the sentinel has judged the requests slow, every claim
// that leaves work behind wakes another worker, up to max_parallel.
// If the queue is empty but a stuck worker holds unstarted requests in its
// batch, the sentinel steals one. Every claim that leaves work behind
// re-evaluates, so the pool grows quickly once the sentinel has joined.
// Fast requests (nops, cached stats) thus run on the workers already awake
// with no futex traffic, and slow ones on as many workers as it takes.

std::uint64_t context_impl::pack(const pool_view& v) noexcept {
    return std::uint64_t{v.parked & 0xffffu} | std::uint64_t{v.awake & 0xffffu} << 16 |
           std::uint64_t{v.spinning} << 32 | std::uint64_t{v.sentinel} << 33 |
           std::uint64_t{v.can_start} << 34 | std::uint64_t{v.slow} << 35;
}

context_impl::pool_view context_impl::unpack(std::uint64_t w) noexcept {
    return {static_cast<unsigned>(w & 0xffff),
            static_cast<unsigned>(w >> 16 & 0xffff),
            (w >> 32 & 1) != 0,
            (w >> 33 & 1) != 0,
            (w >> 34 & 1) != 0,
            (w >> 35 & 1) != 0};
}

bool context_impl::need_wake(const pool_view& v) const noexcept {
    if (v.parked == 0 && !v.can_start) return false;  // nobody to wake or start
    if (v.awake == 0 || v.slow) return true;
    // Quick work: a worker per core, and one more on its way to watch them.
    if (v.awake > ncpu_) return false;
    return !v.sentinel && !v.spinning;  // nobody watches the queue
}

context_impl::pool_view context_impl::view() const noexcept {
    unsigned threads = static_cast<unsigned>(nthreads_.load(std::memory_order_relaxed));
    unsigned parked = nidle_ - nsignalled_;
    return {parked,
            threads - parked,
            spinner_ != nullptr,
            sentinel_,
            threads + helping_ < wanted_.load(std::memory_order_relaxed) && !stopping_,
            slow_};
}

void context_impl::publish() noexcept {
    if (slow_hint_.load(std::memory_order_relaxed) != slow_)
        slow_hint_.store(slow_, std::memory_order_relaxed);
    pool_state_.store(pack(view()), std::memory_order_seq_cst);
}

// mu_ held.
void context_impl::wake_if_needed() {
    if (!work_queued() || !need_wake(view())) return;
    // Workers already on their way (signalled or starting) cover that much work.
    drain_intake();
    if (nsignalled_ + nstarting_ >= queued_) return;
    if (nidle_ > nsignalled_) {
        ++nsignalled_;
        publish();
        work_cv_.notify_one();
    } else {
        start_thread();
    }
}

// Workers (and the ring's driving thread) run syscalls for the engine: a
// small stack, and none of the application's signals.
int start_engine_thread(pthread_t& tid, void* (*entry)(void*), void* arg) noexcept {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, kWorkerStack);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&tid, &attr, entry, arg);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    pthread_attr_destroy(&attr);
    return rc;
}

void context_impl::start_thread() {
    reap_exited();
    worker& w = workers_.emplace_back();
    w.ctx = this;
    w.id = next_id_++;
    int rc = start_engine_thread(w.tid, &worker_entry, &w);
    if (rc != 0) {
        // Out of threads: existing workers (if any) will get to the queue.
        workers_.pop_back();
        if (nthreads_.load() == 0)
            std::fprintf(stderr, "aio: cannot start a worker thread: %s\n", std::strerror(rc));
        return;
    }
    nthreads_.fetch_add(1, std::memory_order_relaxed);
    ++nstarting_;
    publish();
}

void context_impl::reap_exited() {
    for (auto it = workers_.begin(); it != workers_.end();) {
        if (it->exited) {
            pthread_join(it->tid, nullptr);
            it = workers_.erase(it);
        } else {
            ++it;
        }
    }
}

// ---- workers ----------------------------------------------------------------

void* context_impl::worker_entry(void* arg) {
    auto* w = static_cast<worker*>(arg);
    char name[16];
    std::snprintf(name, sizeof name, "aio-%u", w->id);
    pthread_setname_np(pthread_self(), name);
    w->ctx->worker_loop(w);
    return nullptr;
}

void context_impl::worker_loop(worker* w) {
    std::unique_lock lk(mu_);
    --nstarting_;
    publish();
    for (;;) {
        if (!w->count && !wait_for_work(lk, w)) break;
        wake_if_needed();  // work left behind: make sure someone is on it
        wake_for_free_cpu();
        // Slow requests: work held in blocked workers' batches needs a
        // sentinel to steal it even when the queue is empty.
        if (slow_) start_watcher_if_stuck(w);
        bool stopping = stopping_;
        unsigned batch = w->count;
        lk.unlock();
        bool fast = run_batch(w, stopping);
        // A small batch of quick requests: the submitter is the bottleneck.
        // Give it a moment to queue more before going back for them, rather
        // than pulling every request's cache line across as it is written.
        if (fast && batch < kMaxBatch / 4)
            for (int i = 0; i < kGatherPauses; ++i)
                cpu_relax();
        lk.lock();
        w->count = 0;
        // More workers awake than CPUs, and the work is quick (CPU-bound:
        // cached stats, nops): step aside rather than time-share a core. The
        // sentinel brings workers back when requests start waiting.
        if (fast && view().awake > ncpu_ && !surplus() && !park(lk, w, true)) break;
    }
    nthreads_.fetch_sub(1, std::memory_order_relaxed);
    w->exited = true;
    publish();
    exit_cv_.notify_all();
}

// Wait until w holds a batch (true) or should exit (false). mu_ held.
bool context_impl::wait_for_work(std::unique_lock<std::mutex>& lk, worker* w) {
    for (;;) {
        if (surplus()) {
            if (spinner_ == w) release_spinner();
            return false;
        }
        if (work_queued()) {
            // Quick work and every core has a worker, or the helping poll
            // thread takes the last place max_parallel allows: step aside
            // (help() wakes a worker for what it leaves).
            if ((!slow_ && view().awake > ncpu_) ||
                view().awake + helping_ > wanted_.load(std::memory_order_relaxed)) {
                // Watch rather than take turns with them (this one
                // becomes the sentinel if there is none).
                if (spinner_ == w) release_spinner();
                if (!park(lk, w, true)) return false;
                if (w->count) return true;
                continue;
            }
            claim(w);
            if (w->count) return true;
            continue;
        }
        if (!spinner_) {
            spinner_ = w;
            publish();
        }
        if (spinner_ == w) {
            if (spin(lk)) continue;
            release_spinner();  // seq_cst publish, then the intake is checked again
            if (work_queued()) continue;
        }
        if (!park(lk, w, false)) return false;
        if (w->count) return true;  // the sentinel stole a batch
    }
}

// Poll the intake without the lock until work arrives (true) or kSpin passes
// without any (false). The intake is read only every microsecond or two:
// each read pulls its cache line away from the submitting core, and a short
// delay lets submissions accumulate into one batch.
bool context_impl::spin(std::unique_lock<std::mutex>& lk) {
    lk.unlock();
    std::int64_t until = now_ns() + std::chrono::nanoseconds(kSpin).count();
    bool found = false;
    for (;;) {
        for (int i = 0; i < kPausesPerPoll; ++i)
            cpu_relax();
        if (intake_.load(std::memory_order_relaxed) != nullptr ||
            queue_nonempty_.load(std::memory_order_relaxed)) {
            found = true;
            break;
        }
        if (now_ns() >= until) break;
    }
    lk.lock();
    return found;
}

// More threads than wanted (max_parallel lowered, or shutdown). mu_ held.
bool context_impl::surplus() const noexcept {
    return nthreads_.load(std::memory_order_relaxed) > wanted_.load(std::memory_order_relaxed);
}

void context_impl::release_spinner() {
    spinner_ = nullptr;
    publish();
}

// Sleep until signalled. Returns false if this worker should exit (idle
// timeout). The sentinel may come back holding a stolen batch. A voluntary
// park (a surplus worker stepping aside) sleeps even though work is queued:
// enough other workers are awake for it. mu_ held.
bool context_impl::park(std::unique_lock<std::mutex>& lk, worker* w, bool voluntary) {
    // Publish first, then look at the intake once more (both seq_cst): a
    // submitter either sees us parked or we see its request.
    ++nidle_;
    // Someone to watch: a worker awake, or signalled and on its way (a
    // worker stepping aside for signalled ones must become the sentinel:
    // parked untimed, it would be woken again by the first submission that
    // finds no sentinel, only to step aside again).
    bool sentinel = !sentinel_ && nthreads_.load(std::memory_order_relaxed) > nidle_ - nsignalled_;
    if (sentinel) sentinel_ = true;
    publish();
    bool timed_out = false;
    std::uint64_t seen = completed_.load(std::memory_order_relaxed);
    std::uint64_t seen_slow = slow_done_.load(std::memory_order_relaxed);
    // Exit and work are both checked under mu_ before sleeping: max_parallel
    // and the destructor change wanted_ and notify under mu_.
    if ((voluntary || !work_queued()) && !surplus()) {
        if (sentinel) {
            timed_out = work_cv_.wait_for(lk, kWatch) == std::cv_status::timeout;
        } else if (nidle_ > max_idle_.load(std::memory_order_relaxed)) {
            auto timeout = std::chrono::duration<double>(idle_timeout_.load());
            timed_out = work_cv_.wait_for(lk, timeout) == std::cv_status::timeout;
        } else {
            work_cv_.wait(lk);
        }
    }
    if (sentinel) sentinel_ = false;
    if (nsignalled_) --nsignalled_;
    --nidle_;
    publish();
    if (surplus()) return false;
    if (sentinel) {
        if (timed_out && should_join(w, seen, seen_slow)) {
            if (!work_queued() && steal(w)) start_watcher_if_stuck(w);
            return true;
        }
        return true;
    }
    return !(timed_out && !work_queued() && nidle_ >= max_idle_.load(std::memory_order_relaxed));
}

// Requests not started yet: queued, in the intake, or waiting in the
// batches of workers other than `self`. mu_ held.
std::uint64_t context_impl::not_started(const worker* self) const noexcept {
    std::uint64_t waiting = queued_ + (intake_.load() != nullptr);
    for (const worker& v : workers_) {
        unsigned next = v.next.load(std::memory_order_relaxed);
        if (&v != self && next < v.count) waiting += v.count - next;
    }
    return waiting;
}

// With no sentinel, requests waiting in the batches of busy workers
// (blocked in slow syscalls, say) are invisible to wake_if_needed, which
// looks at the queue: provide a sentinel — a parked worker, or one more
// thread while the pool may grow — which steals them. Called when
// min_parallel raises the limit, after each steal, and after each claim
// while requests are slow. mu_ held.
void context_impl::start_watcher_if_stuck(const worker* self) {
    pool_view v = view();
    if (v.sentinel || nstarting_ != 0 || nsignalled_ != 0 || not_started(self) == 0) return;
    if (v.parked != 0) {
        // A worker parked while another was the sentinel sleeps untimed:
        // wake it; finding no queued work, it parks again as the sentinel.
        ++nsignalled_;
        publish();
        work_cv_.notify_one();
    } else if (v.can_start) {
        start_thread();
    }
}

// Whether the sentinel should join the awake workers (see the waking policy
// above); `seen` and `seen_slow` are completed_ and slow_done_ from when it
// went to sleep. Also renders the verdict on slow_. mu_ held.
bool context_impl::should_join(const worker* self, std::uint64_t seen, std::uint64_t seen_slow) {
    // The verdict on slow_: slow requests (most of those that finished since
    // the last look took kSlowNs or more) make a latency-bound pool,
    // where more threads help. Until a sentinel sees quick ones again, every
    // claim that leaves work behind wakes another worker (need_wake). With
    // nothing finished, the verdict stands (unless a request is stuck).
    std::uint64_t done = completed_.load(std::memory_order_relaxed) - seen;
    std::uint64_t slow = slow_done_.load(std::memory_order_relaxed) - seen_slow;
    if (done) slow_ = 2 * slow >= done;
    std::uint64_t waiting = not_started(self);
    std::int64_t now = now_ns();
    for (const worker& v : workers_) {
        std::int64_t since = v.busy_since.load(std::memory_order_relaxed);
        if (&v == self || !since || now - since < kStuckNs) continue;
        // A stuck request; if others wait behind it in its batch, take them over.
        slow_ = true;
        if (v.next.load(std::memory_order_relaxed) < v.count) {
            publish();
            return true;
        }
    }
    publish();
    if (waiting == 0) return false;
    if (slow_) return true;
    // The others awake: the view counts this worker, no longer parked, too.
    unsigned awake = view().awake;
    if (awake) --awake;
    // Quick requests (CPU-bound): only a spare core helps.
    return waiting > 2u * awake && awake < ncpu_;
}

// Claim work into w, highest priority first. One request while the queue is
// short, so that each slow request gets its own thread; an even share among
// the awake workers (at most kMaxBatch) once it is long, so that a long queue
// costs one lock per batch. mu_ held.
void context_impl::claim(worker* w) {
    drain_intake();
    // Shared among the workers awake, or as many as there are CPUs for
    // them: a worker must not take everything while a CPU is free for
    // another (wake_for_free_cpu wakes one for the rest).
    unsigned threads = static_cast<unsigned>(nthreads_.load(std::memory_order_relaxed));
    std::size_t awake = std::max({view().awake, std::min(ncpu_, threads), 1u});
    std::size_t want = queued_ > 2 * awake ? std::min<std::size_t>(queued_ / awake, kMaxBatch) : 1;
    unsigned got = 0;
    for (int p = kPriorities - 1; p >= 0 && got < want; --p) {
        while (got < want) {
            req* r = ready_[p].pop();
            if (!r) break;
            r->state.store(req_state::execute, std::memory_order_relaxed);
            w->items[got++] = r;
        }
    }
    queued_ -= got;
    note_queued();
    w->count = got;
    w->next.store(0, std::memory_order_release);
}

// A worker left quick work queued behind its claim while a CPU has no
// worker: wake a parked one for it (the submitters' rule wakes nobody while
// a sentinel watches, and the sentinel looks only every kWatch). mu_ held.
void context_impl::wake_for_free_cpu() {
    // A few requests left are not worth a wake-up (a futex call here, a
    // context switch there): the claimer comes back for them first.
    if (slow_ || queued_ < kWakeBacklog || nsignalled_ + nstarting_ != 0 || nidle_ == 0) return;
    if (view().awake >= ncpu_) return;
    ++nsignalled_;
    publish();
    work_cv_.notify_one();
}

// Take one unstarted request from another worker's batch into thief's. mu_ held.
bool context_impl::steal(worker* thief) {
    for (worker& v : workers_) {
        if (&v == thief || v.exited || v.next.load(std::memory_order_relaxed) >= v.count) continue;
        unsigned i = v.next.fetch_add(1, std::memory_order_acq_rel);
        if (i < v.count) {
            thief->items[0] = v.items[i];
            thief->count = 1;
            thief->next.store(0, std::memory_order_release);
            return true;
        }
    }
    return false;
}

// Execute w's batch. Results go to the result queue in one hand-off at the
// end, except that a slow request hands over what is done so far, so a slow
// syscall never holds back the results of fast ones, and gives the rest of
// the batch back to the queues (requeue_rest). Counts the requests
// that took kSlowNs or more (slow_done_) and returns whether most were
// quicker: a count, not an average, so that a worker preempted once in a
// while (more threads than CPUs) does not make quick work look slow.
//
// The clock is read after every request while requests are slow, and only
// after every `stride` requests (doubling up to kMaxStride) while they are
// quick: on a virtual machine a clock read can cost more than a quick
// request (measured: a third of a worker's time on nops). A span of
// requests that took less than kSlowNs together holds no slow one; a slow
// span counts as one slow request and sets the stride back to 1.
bool context_impl::run_batch(worker* w, bool stopping, bool on_poll_thread) {
    req_queue done;
    std::uint64_t n = 0, n_slow = 0;  // in `done`
    std::uint64_t ran = 0, slow = 0;  // in the whole batch
    // Handed over together, so that the sentinel's two counts match.
    auto hand_over = [&] {
        if (on_poll_thread)
            take_own_results(done);
        else
            push_results(done);
        if (n_slow) slow_done_.fetch_add(n_slow, std::memory_order_relaxed);
        completed_.fetch_add(n, std::memory_order_relaxed);
        n = n_slow = 0;
    };
    unsigned stride = 1, in_span = 0;
    // Ends the span of requests run since t: whether it was slow.
    std::int64_t t = now_ns();
    auto end_span = [&] {
        std::int64_t t1 = now_ns();
        bool was_slow = t1 - t >= kSlowNs;
        if (was_slow) {
            ++slow;
            ++n_slow;
            stride = 1;
        } else if (stride < kMaxStride) {
            stride *= 2;
        }
        in_span = 0;
        t = t1;
        return was_slow;
    };
    w->busy_since.store(t, std::memory_order_relaxed);
    for (;;) {
        unsigned i = w->next.fetch_add(1, std::memory_order_acq_rel);
        if (i >= w->count) break;
        req* r = w->items[i];
        if (!stopping && !r->cancelled.load(std::memory_order_relaxed)) execute(*r);
        done.push(r);
        ++n;
        ++ran;
        if (++in_span < stride) continue;
        if (end_span() && w->next.load(std::memory_order_relaxed) < w->count) {
            hand_over();
            if (!stopping) requeue_rest(w);
        }
        w->busy_since.store(t, std::memory_order_relaxed);
    }
    if (in_span) end_span();
    w->busy_since.store(0, std::memory_order_relaxed);
    hand_over();
    return 2 * slow < ran;
}

// A batch is claimed in priority order, which freezes that order while it
// runs: a request submitted meanwhile, however urgent, waits for the whole
// batch. For quick requests that is a few microseconds; behind a slow one
// (a blocked read, busy) it would be a priority inversion for as long as it
// blocked. So after a slow request, if a request of higher priority than
// the rest of the batch now waits in the queues, the unstarted rest goes
// back to the front of its queues, in order, and the next claim sees it
// beside the newer one. Only then: a batch of equal priorities (a stat
// storm, where a preempted worker's span looks slow too) keeps its
// requests. Items are taken with next.fetch_add under mu_, as a thief
// takes them.
void context_impl::requeue_rest(worker* w) {
    std::lock_guard lk(mu_);
    if (w->next.load(std::memory_order_relaxed) >= w->count) return;  // a thief took the rest
    drain_intake();
    int lowest = w->items[w->count - 1]->pri - pri_min;  // claimed highest first
    bool overtaken = false;
    for (int p = kPriorities - 1; p > lowest && !overtaken; --p)
        overtaken = !ready_[p].empty();
    if (!overtaken) return;
    req* rest[kMaxBatch];
    unsigned n = 0;
    for (unsigned i; (i = w->next.fetch_add(1, std::memory_order_acq_rel)) < w->count;)
        rest[n++] = w->items[i];
    while (n) {  // last first, so that each queue keeps the batch's order at its front
        req* r = rest[--n];
        r->state.store(req_state::ready, std::memory_order_relaxed);
        ready_[r->pri - pri_min].push_front(r);
        ++queued_;
    }
    note_queued();
    publish();
    wake_if_needed();  // given back by the helping poll thread, nobody may be awake for it
}

// ---- the poll thread helps ------------------------------------------------------
//
// On two cores, a poll thread that sleeps in poll_wait while workers run
// quick requests leaves a core to three threads (two workers and itself,
// waking for every batch of results): context switches, eventfd writes and
// spinning cost more than the requests. So poll_wait, which blocks anyway,
// runs quick queued requests itself (quick_op, and only while the sentinel
// has not judged the work slow): a share of the queue, as a worker claims
// it, at most kMaxHelp. The results go straight to taken_: no push, no
// eventfd wake-up. It never runs more requests at once than max_parallel
// allows (its thread counts as one), and takes no request ahead of a
// higher-priority one it may not run. Signals are not blocked (two
// syscalls per batch): the application's handlers may interrupt these
// syscalls, which the ops retry on EINTR, so no request fails because it
// ran on the application's thread. Nops are not run: the poll thread is
// the bottleneck of empty requests, and their round trip is what a nop
// measures.
// The helper does not count as an awake worker. Counted during each batch,
// it made a worker park at every help and another wake up after it
// (measured: the depth-32 stat storm 1.8-2.0 us per file, against
// 1.15-1.55 uncounted, depending on the vCPUs' placement: PERFORMANCE.md).
// Counted from its first help until it sleeps in poll(2), the workers
// parked and stayed parked behind a poll thread that ran nearly everything
// itself (depth 1024: 1.9 us, the poll thread 89 % of the requests).

bool context_impl::help() {
    if (!helps_) return false;
    std::unique_lock lk(mu_);
    drain_intake();
    unsigned threads = static_cast<unsigned>(nthreads_.load(std::memory_order_relaxed));
    // Its thread counts against max_parallel like an awake worker's (parked
    // ones run nothing; wait_for_work keeps a woken one from running while
    // the helper holds the last place).
    if (slow_ || stopping_ || helping_ || queued_ == 0 ||
        view().awake + 1 > wanted_.load(std::memory_order_relaxed))
        return false;
    // A share, as a worker would claim (claim), counting the poll thread.
    std::size_t awake = std::max(view().awake, std::min(ncpu_, threads)) + 1;
    std::size_t want = queued_ > 2 * awake ? std::min<std::size_t>(queued_ / awake, kMaxHelp) : 1;
    unsigned got = 0;
    for (int p = kPriorities - 1; p >= 0 && got < want; --p) {
        req* r = ready_[p].head;
        for (; r && got < want && quick_op(*r); r = ready_[p].head) {
            ready_[p].pop();
            r->state.store(req_state::execute, std::memory_order_relaxed);
            helper_.items[got++] = r;
        }
        if (r || got) break;  // a request it may not run, or a batch: stop at this priority
    }
    if (!got) return false;
    queued_ -= got;
    note_queued();
    helper_.count = got;
    helper_.next.store(0, std::memory_order_relaxed);
    helping_ = true;
    publish();
    lk.unlock();
    run_batch(&helper_, false, true);
    lk.lock();
    helper_.count = 0;
    helping_ = false;
    publish();
    exit_cv_.notify_all();  // max_parallel waits for the helper too
    wake_if_needed();       // a worker that stepped aside for it
    return true;
}

// The helper's finished requests: the poll thread's own queue. Poll thread.
void context_impl::take_own_results(req_queue& q) {
    handed_.fetch_add(mark_pending(q), std::memory_order_release);
    taken_.splice(q);
}

// Move q's requests to the pending state; how many there are.
std::size_t context_impl::mark_pending(const req_queue& q) noexcept {
    std::size_t n = 0;
    for (req* r = q.head; r; r = r->next) {
        r->state.store(req_state::pending, std::memory_order_relaxed);
        ++n;
    }
    return n;
}

// ---- hand-off to the result queue --------------------------------------------

void context_impl::push_result(req* r) {
    req_queue q;
    q.push(r);
    push_results(q);
}

// Hand q over to the poll thread in one push.
void context_impl::push_results(req_queue& q) {
    if (q.empty()) return;
    std::size_t n = mark_pending(q);
    // Counted as a pusher first: whoever sees these results (through handed_
    // or the queue) and then waits for the pushers finds the descriptor
    // readable (poll_wait, reset_readable).
    pushers_.fetch_add(1, std::memory_order_seq_cst);
    handed_.fetch_add(n, std::memory_order_release);
    results_.push(q.head, q.tail);
    q.head = q.tail = nullptr;
    make_readable();
    pushers_.fetch_sub(1, std::memory_order_release);
}

void context_impl::make_readable() noexcept {
    // seq_cst: after the push above, so that a reset either sees the push
    // (and makes the descriptor readable itself) or we see its "idle".
    if (efd_state_.load(std::memory_order_seq_cst) != 0) return;
    int idle = 0;
    if (!efd_state_.compare_exchange_strong(idle, 1, std::memory_order_seq_cst)) return;
    std::uint64_t one = 1;
    ssize_t n;
    do
        n = ::write(efd_.load(std::memory_order_relaxed), &one, sizeof one);
    while (n < 0 && errno == EINTR);
    efd_state_.store(2, std::memory_order_release);
}

// ---- pool size ----------------------------------------------------------------

void context_impl::min_parallel(unsigned n) {
    {
        std::lock_guard lk(mu_);
        if (wanted_.load() < n) wanted_.store(n);
        publish();
        wake_if_needed();
        start_watcher_if_stuck(nullptr);
    }
    if (ring_) ring_->feed();  // max_parallel(0) may have held requests back
}

void context_impl::max_parallel(unsigned n) {
    std::unique_lock lk(mu_);
    if (wanted_.load() > n) wanted_.store(n);
    publish();
    work_cv_.notify_all();
    exit_cv_.wait(lk, [&] { return nthreads_.load() + helping_ <= wanted_.load(); });
    reap_exited();
}

void context_impl::stop_threads() {
    std::unique_lock lk(mu_);
    stopping_ = true;
    wanted_.store(0);
    publish();
    work_cv_.notify_all();
    exit_cv_.wait(lk, [&] { return nthreads_.load() == 0; });
    reap_exited();
}

}  // namespace aio::detail
