// Fork support.
//
// pthread_atfork handlers take every live context's locks before fork() and
// release them in both processes afterwards, so the child inherits queues
// that no worker was halfway through changing. The child has none of the
// parent's threads: reinit() (called by the user in the child) forgets the
// workers, frees every queued or pending request without calling back, and
// opens a fresh eventfd. Requests that were executing in a parent worker at
// fork time, and groups waiting for them, are abandoned (not freed). The
// same holds for the io_uring executor: the child frees the requests queued
// for the ring, abandons those in it, drops its mapping of the parent's ring
// without reaping or submitting anything (the ring's memory is shared with
// the parent), and sets up a ring of its own.
#include <pthread.h>
#include <unistd.h>

#include <mutex>
#include <new>

#include "engine/context_impl.hpp"
#include "engine/fork.hpp"
#include "uring/ring.hpp"

namespace aio::detail {

struct fork_registry {
    std::mutex mu;
    context_impl* head = nullptr;

    static fork_registry& get() {
        static fork_registry* r = new fork_registry;  // never destroyed: used at exit
        return *r;
    }
    static void prepare() {
        auto& reg = get();
        reg.mu.lock();
        for (context_impl* c = reg.head; c; c = c->fork_next_)
            c->lock_for_fork();
    }
    static void after() {
        auto& reg = get();
        for (context_impl* c = reg.head; c; c = c->fork_next_)
            c->unlock_after_fork();
        reg.mu.unlock();
    }
    // In the child, before anything else runs: the rings are the parent's
    // (shared memory); no context may touch its ring again, whether or not
    // the child calls reinit() (a child that exits without it still runs
    // the destructors).
    static void child() {
        auto& reg = get();
        for (context_impl* c = reg.head; c; c = c->fork_next_) {
            if (c->ring_) c->ring_->forked();
        }
        after();
    }
};

void fork_register(context_impl* c) {
    static std::once_flag once;
    std::call_once(once, [] {
        pthread_atfork(&fork_registry::prepare, &fork_registry::after, &fork_registry::child);
    });
    auto& reg = fork_registry::get();
    std::lock_guard lk(reg.mu);
    c->fork_prev_ = nullptr;
    c->fork_next_ = reg.head;
    if (reg.head) reg.head->fork_prev_ = c;
    reg.head = c;
}

void fork_unregister(context_impl* c) {
    auto& reg = fork_registry::get();
    std::lock_guard lk(reg.mu);
    if (c->fork_prev_)
        c->fork_prev_->fork_next_ = c->fork_next_;
    else
        reg.head = c->fork_next_;
    if (c->fork_next_) c->fork_next_->fork_prev_ = c->fork_prev_;
}

void context_impl::lock_for_fork() {
    if (ring_) ring_->lock();  // first: the ring may take mu_ under its lock
    mu_.lock();
}

void context_impl::unlock_after_fork() {
    mu_.unlock();
    if (ring_) ring_->unlock();
}

void context_impl::reinit() {
    // Condition variables may count the parent's waiting workers; start over.
    new (&work_cv_) std::condition_variable;
    new (&exit_cv_) std::condition_variable;
    if (ring_) {
        ring_->abandon();
        delete ring_;
        ring_ = nullptr;
    }
    workers_.clear();  // the threads do not exist here; their batches are abandoned
    nthreads_.store(0);
    nidle_ = 0;
    nsignalled_ = 0;
    nstarting_ = 0;
    spinner_ = nullptr;
    sentinel_ = false;
    helping_ = false;  // a helping poll thread other than the forking one is gone too
    helper_.count = 0;
    drain_intake();
    for (auto& q : ready_) {
        while (req* r = q.pop()) {
            r->state.store(req_state::done);
            release(r);
        }
    }
    queued_ = 0;
    note_queued();
    completed_.store(0);
    publish();
    req_queue finished;
    while (req* r = results_.pop())
        finished.push(r);
    results_.reset();  // a push cut short by fork() is abandoned
    for (req_queue* q : {&finished, &taken_}) {
        while (req* r = q->pop()) {
            r->state.store(req_state::done);
            release(r);
        }
    }
    added_.store(0);
    finished_.store(0);
    handed_.store(0);
    taken_n_.store(0);
    ::close(efd_.load());
    efd_state_.store(0);
    open_eventfd();
    // A ring of the child's own (the parent's is shared memory: never touched
    // here), or the pool if io_uring is unavailable now.
    ring_ = ring_executor::create(*this, kind_);
}

}  // namespace aio::detail
