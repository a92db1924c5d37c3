// The io_uring executor's interface to the engine.
//
// The engine asks accepts() at submission: requests the ring can run (their
// op has a probed opcode and their arguments need nothing the pool executor
// does differently) go to the ring's own priority queues; everything else
// goes to the worker pool. The ring moves queued requests into the kernel,
// highest priority first, while fewer than depth() are in flight: at
// submission, and after poll_cb reaped completions. Completions reach the
// engine through reap(), which poll_cb calls; the kernel signals the
// engine's eventfd (registered with the ring) when it posts completions.
//
// In a storm (the ring full, completions waiting, requests queued behind
// them) a thread of the ring's own reaps and refills the ring and hands the
// results to the engine's result queue, while submitters only push into a
// lock-free intake (ring.cpp: drive(), kick()).
//
// Locking: member functions take the ring's own lock (never while the
// caller holds the engine's mu_, and the ring calls back into the engine
// only after releasing it); submit() and feed() may instead leave the
// request to whoever holds it. has_completions(), nready(), ncompleted(),
// submitted() and driven() read atomics.
#pragma once

#include <cstddef>
#include <cstdint>

#include "aio/context.hpp"

namespace aio::detail {

class context_impl;
struct req;
struct req_queue;

class ring_executor {
  public:
    /// nullptr when io_uring is not wanted or not available (see ring.cpp
    /// for the rules: context_options, AIOPP_EXECUTOR, seccomp, probing).
    static ring_executor* create(context_impl& ctx, executor_kind kind);
    virtual ~ring_executor() = default;

    /// Whether r should run on the ring. Submitting thread, before r is queued.
    virtual bool accepts(const req& r) const noexcept = 0;
    /// Queue r (accepted) by its priority, then move queued requests into the
    /// ring unless `defer` (the caller is the poll thread inside poll_cb, or
    /// in an aio::batch, which feeds the ring when it returns or reaps) or
    /// the lock is taken (its holder, or the driving thread, feeds it).
    virtual void submit(req* r, bool defer) = 0;
    /// Move queued requests into free ring slots (any thread).
    virtual void feed() = 0;
    /// Poll thread: append completed requests to done (results set, state
    /// still execute), hand requests that must be re-run to the pool, and
    /// refill the ring. Nothing while the driving thread runs (it hands its
    /// results over through the engine's result queue).
    virtual void reap(req_queue& done) = 0;
    /// Whether the completion queue holds entries for poll_cb to reap: not
    /// while the driving thread runs (it reaps them, and makes the
    /// descriptor readable for any it leaves behind when it stops).
    virtual bool has_completions() const noexcept = 0;
    /// Requests queued for the ring and not yet in it.
    virtual std::size_t nready() const noexcept = 0;
    /// Completions posted by the kernel and not yet reaped.
    virtual std::size_t ncompleted() const noexcept = 0;
    /// r was cancelled: if it is in the ring, ask the kernel to cancel it.
    virtual void cancel(req* r) = 0;
    /// Destructor (no workers left): append every queued request unexecuted,
    /// cancel those in the ring and wait for all of them.
    virtual void drain(req_queue& done) = 0;
    /// After fork, in the child: free queued requests, abandon those in the
    /// ring and release the mapping without touching the parent's ring.
    virtual void abandon() = 0;
    /// In a fork child, from the atfork handler (before any other code):
    /// the ring is the parent's; from now on accept nothing, reap nothing,
    /// cancel nothing, and drain only what is queued (until reinit()).
    virtual void forked() noexcept = 0;
    /// Fork handlers: hold the ring's lock across fork().
    virtual void lock() = 0;
    virtual void unlock() = 0;

    /// Maximum requests in the ring at once (tests shrink it; clamped to
    /// 1..the ring's size).
    virtual void depth(unsigned n) = 0;
    virtual unsigned depth() const noexcept = 0;
    /// Requests of op type `opcode` ever submitted to the kernel (tests and
    /// diagnostics: which ops really ran on the ring).
    virtual std::uint64_t submitted(std::uint8_t opcode) const noexcept = 0;
    /// Requests the driving thread put into the ring (tests and diagnostics).
    virtual std::uint64_t driven() const noexcept = 0;
};

}  // namespace aio::detail
