// Plumbing for composite operations: a group request per composite, steps
// submitted at the composite's priority and added to its group, and custom
// steps that run a function on a worker.
//
// Ownership: the composite's state (a shared_ptr) is captured by its step
// callbacks and custom functions; it holds a raw pointer to its group, which
// is alive whenever one of its steps' callbacks (or its feeder) runs. A step
// that acquires a resource (a descriptor) is a custom step that stores it in
// the state as a cp::unique_fd: a cancelled composite never runs the step's
// callback, so only the state's destructor can release it.
#pragma once

#include <cstdint>
#include <utility>

#include "aio/context.hpp"
#include "aio/request.hpp"
#include "engine/req.hpp"
#include "ops/fs_req.hpp"
#include "ops/op.hpp"
#include "ops/submit.hpp"

namespace aio::detail {

/// Make a group request of type G (derived from group_req) ready to submit.
template <class G>
G* new_group() {
    auto* g = new G;
    g->opcode = static_cast<std::uint8_t>(op::group);
    return g;
}

/// Record the composite's outcome in its group (read by the extractor).
inline void group_fail(group_req* g, int err) noexcept {
    g->err = err;
    g->result = -1;
}
inline void group_ok(group_req* g, std::int64_t v = 0) noexcept {
    g->err = 0;
    g->result = v;
}

/// The group a composite adds its steps to, its context and its priority.
struct step_sink {
    group_req* g = nullptr;
    context* ctx = nullptr;
    int pri = 0;

    /// Add a submitted request to the group.
    void add(const request_base& step) const {
        acquire(g);
        group h(g);
        h.add(step);
    }
    /// Submit a step with `submit()` (which calls a public op, passing *ctx)
    /// at the composite's priority, and add it to the group.
    template <class Submit>
    void step(Submit&& submit) const {
        aio::pri(pri);
        add(submit());
    }
    /// A custom step: fn(custom_req&) runs on a worker (it reports failure
    /// with r.fail(errno)); then cb runs in poll_cb with the step's status.
    template <class Fn>
    void custom(Fn&& fn, callback<void> cb) const {
        auto* c = new custom_req;
        c->fn = std::forward<Fn>(fn);
        aio::pri(pri);
        add(submit<void>(*ctx, c, std::move(cb)));
    }
};

}  // namespace aio::detail
