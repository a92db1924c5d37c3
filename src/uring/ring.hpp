// The io_uring executor's interface to the engine.
//
// The engine offers each request to the ring first; try_submit() returns
// false for anything the ring cannot run (the request then goes to the
// worker pool). Completions are reaped into the engine's result queue by
// reap(), which poll_cb calls; the ring signals the engine's eventfd.
#pragma once

#include "aio/context.hpp"

namespace aio::detail {

class context_impl;
struct req;

class ring_executor {
  public:
    /// nullptr when io_uring is not wanted or not available.
    static ring_executor* create(context_impl& ctx, executor_kind kind);
    virtual ~ring_executor() = default;

    /// Take r if the ring can run it now (mu_ not held).
    virtual bool try_submit(req* r) = 0;
    /// Move completed requests to the engine's result queue.
    virtual void reap() = 0;
    /// Whether completions are waiting to be reaped.
    virtual bool has_completions() = 0;
    /// Ask the kernel to cancel r (r->in_ring is set).
    virtual void cancel(req* r) = 0;
    /// Wait for every request in the ring and hand it to the result queue.
    virtual void drain() = 0;
    /// After fork, in the child: forget the parent's ring without touching it.
    virtual void abandon() = 0;
};

}  // namespace aio::detail
