// Submission side of the engine: ready queues, the worker pool and the
// hand-off to the result queue. See context_impl.hpp for the design.
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

// How long the spinning worker polls for new work before sleeping.
constexpr auto kSpin = std::chrono::microseconds(30);
// How often the sentinel checks that awake workers make progress.
constexpr auto kWatch = std::chrono::milliseconds(1);

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

}  // namespace

context_impl::context_impl(const context_options& opts) {
    open_eventfd();
    ring_ = ring_executor::create(*this, opts.executor);
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

// ---- submission -------------------------------------------------------------

void context_impl::submit(req* r) {
    r->ctx = this;
    r->pri = static_cast<std::int8_t>(take_next_pri());
    r->state.store(req_state::ready, std::memory_order_relaxed);
    nreqs_.fetch_add(1, std::memory_order_relaxed);

    if (r->is_group) {
        // Groups never execute: they go straight to the result phase, where
        // poll_cb finishes them at once when empty or delays them (libeio).
        push_result(r);
        return;
    }
    if (ring_ && ring_->try_submit(r)) return;

    // Lock-free intake (a Treiber stack); workers move it into the priority
    // queues under mu_. The submitter takes mu_ only to wake a worker.
    req* head = intake_.load(std::memory_order_relaxed);
    do
        r->next = head;
    while (!intake_.compare_exchange_weak(head, r, std::memory_order_release,
                                          std::memory_order_relaxed));
    nready_.fetch_add(1);  // seq_cst: pairs with the parking check in wait_for_work
    if (!need_wake()) return;
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
        fifo = next;
    }
}

// Decide whether the ready queue needs another worker. mu_ held.
//
// Waking a sleeping worker costs a futex call and, on a small machine, a
// context switch on the submitting thread, so we wake only when the workers
// already awake (spinning, executing, signalled or starting) will not get to
// the queue soon:
//   * nobody is awake, or
//   * the queue is longer than the number of awake workers (a burst), or
//   * no parked worker is watching the awake ones (the sentinel, below).
// A worker stuck in a slow syscall is noticed by the sentinel, which sleeps
// with a short timeout while others are awake and takes queued work itself
// when no request completed in the meantime.
bool context_impl::need_wake() const noexcept {
    std::int64_t ready = nready_.load();
    if (ready <= 0) return false;
    std::int64_t threads = static_cast<std::int64_t>(nthreads_.load());
    std::int64_t awake = threads - nidle_.load() + nsignalled_.load();
    if (awake > 0 && ready <= awake && (sentinel_.load() || spinning_.load())) return false;
    return true;
}

void context_impl::wake_if_needed() {
    if (!need_wake()) return;
    if (nidle_.load() > nsignalled_.load()) {
        ++nsignalled_;
        work_cv_.notify_one();
    } else if (nthreads_.load() < wanted_.load() && !stopping_) {
        start_thread();
    }
}

void context_impl::start_thread() {
    reap_exited();
    worker& w = workers_.emplace_back();
    w.ctx = this;
    w.id = next_id_++;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, kWorkerStack);
    // Workers must not receive the application's signals.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&w.tid, &attr, &worker_entry, &w);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        // Out of threads: existing workers (if any) will get to the queue.
        workers_.pop_back();
        if (nthreads_.load() == 0)
            std::fprintf(stderr, "aio: cannot start a worker thread: %s\n", std::strerror(rc));
        return;
    }
    nthreads_.fetch_add(1, std::memory_order_relaxed);
    ++nstarting_;
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

// Claim requests, highest priority first. mu_ held.
// One at a time while the queue is short, so that a slow request never holds
// up others that an idle thread could run; when the queue is long enough that
// every thread has plenty, about nready/threads at once (at most kMaxBatch) to
// amortise the lock.
void context_impl::claim(req_queue& batch) {
    drain_intake();
    std::size_t ready = static_cast<std::size_t>(std::max<std::int64_t>(nready_.load(), 0));
    std::size_t threads = std::max<std::size_t>(wanted_.load(std::memory_order_relaxed), 1);
    std::size_t want = ready > 2 * threads ? std::min<std::size_t>(ready / threads, kMaxBatch) : 1;
    std::size_t got = 0;
    for (int p = kPriorities - 1; p >= 0 && got < want; --p) {
        while (got < want) {
            req* r = ready_[p].pop();
            if (!r) break;
            r->state.store(req_state::execute, std::memory_order_relaxed);
            batch.push(r);
            ++got;
        }
    }
    nready_.fetch_sub(static_cast<std::int64_t>(got));
}

// Wait until there is work (true) or this worker should exit (false). mu_ held.
bool context_impl::wait_for_work(std::unique_lock<std::mutex>& lk) {
    bool spun = false;
    for (;;) {
        if (nthreads_.load(std::memory_order_relaxed) > wanted_.load(std::memory_order_relaxed))
            return false;
        if (nready_.load() > 0) return true;

        if (!spinning_.load() && !spun) {
            // Poll for a short while without the lock: a steady stream of
            // submissions is then picked up without any futex call.
            spinning_ = true;
            lk.unlock();
            auto until = std::chrono::steady_clock::now() + kSpin;
            unsigned n = 0;
            while (nready_.load(std::memory_order_relaxed) <= 0) {
                cpu_relax();
                if ((++n & 63) == 0 && std::chrono::steady_clock::now() >= until) break;
            }
            lk.lock();
            spinning_ = false;  // seq_cst, then nready_ is read again above
            spun = true;
            continue;
        }

        ++nidle_;  // seq_cst: a submitter either sees us idle or we see its request
        if (nready_.load() > 0) {
            --nidle_;
            return true;
        }
        bool others_awake = static_cast<std::int64_t>(nthreads_.load()) > nidle_.load();
        bool sentinel = !sentinel_.load() && others_awake;
        bool timed_out = false;
        std::uint64_t seen = completed_.load(std::memory_order_relaxed);
        if (sentinel) {
            sentinel_ = true;
            timed_out = work_cv_.wait_for(lk, kWatch) == std::cv_status::timeout;
            sentinel_ = false;
        } else if (nidle_.load() > static_cast<std::int64_t>(max_idle_.load())) {
            auto timeout = std::chrono::duration<double>(idle_timeout_.load());
            timed_out = work_cv_.wait_for(lk, timeout) == std::cv_status::timeout;
        } else {
            work_cv_.wait(lk);
        }
        if (nsignalled_.load() > 0) --nsignalled_;
        --nidle_;
        if (sentinel) {
            // Queued work and no request finished while we slept: the awake
            // workers are stuck in slow syscalls; take the work ourselves.
            if (nready_.load() > 0 &&
                (!timed_out || completed_.load(std::memory_order_relaxed) == seen))
                return true;
            continue;
        }
        if (timed_out && nready_.load() <= 0 &&
            nidle_.load() >= static_cast<std::int64_t>(max_idle_.load()))
            return false;
    }
}

void context_impl::worker_loop(worker* w) {
    std::unique_lock lk(mu_);
    --nstarting_;
    for (;;) {
        if (!wait_for_work(lk)) break;
        req_queue batch;
        claim(batch);
        // A burst: make sure enough other workers are on it.
        wake_if_needed();
        bool stopping = stopping_;
        lk.unlock();

        std::uint64_t n = 0;
        for (req* r = batch.head; r; r = r->next, ++n)
            if (!stopping && !r->cancelled.load(std::memory_order_relaxed)) execute(*r);
        push_results(batch);
        completed_.fetch_add(n, std::memory_order_relaxed);
        lk.lock();
    }
    nthreads_.fetch_sub(1, std::memory_order_relaxed);
    w->exited = true;
    exit_cv_.notify_all();
}

// ---- hand-off to the result queue --------------------------------------------

void context_impl::push_result(req* r) {
    r->state.store(req_state::pending, std::memory_order_relaxed);
    npending_.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lk(res_mu_);
    results_.push(r);
    if (!efd_armed_) make_readable();
}

void context_impl::push_results(req_queue& q) {
    std::size_t n = 0;
    for (req* r = q.head; r; r = r->next) {
        r->state.store(req_state::pending, std::memory_order_relaxed);
        ++n;
    }
    if (!n) return;
    npending_.fetch_add(n, std::memory_order_relaxed);
    std::lock_guard lk(res_mu_);
    results_.splice(q);
    if (!efd_armed_) make_readable();
}

void context_impl::make_readable() {
    efd_armed_ = true;
    std::uint64_t one = 1;
    ssize_t n;
    do
        n = ::write(efd_.load(std::memory_order_relaxed), &one, sizeof one);
    while (n < 0 && errno == EINTR);
}

// ---- pool size ----------------------------------------------------------------

void context_impl::min_parallel(unsigned n) {
    std::lock_guard lk(mu_);
    if (wanted_.load() < n) wanted_.store(n);
    wake_if_needed();
}

void context_impl::max_parallel(unsigned n) {
    std::unique_lock lk(mu_);
    if (wanted_.load() > n) wanted_.store(n);
    work_cv_.notify_all();
    exit_cv_.wait(lk, [&] { return nthreads_.load() <= wanted_.load(); });
    reap_exited();
}

void context_impl::stop_threads() {
    std::unique_lock lk(mu_);
    stopping_ = true;
    wanted_.store(0);
    work_cv_.notify_all();
    exit_cv_.wait(lk, [&] { return nthreads_.load() == 0; });
    reap_exited();
}

}  // namespace aio::detail
