// Submitting a typed request: the one place where a front function's
// callback<T> is attached and the request handed to the engine.
#pragma once

#include "aio/context.hpp"
#include "engine/context_impl.hpp"

namespace aio::detail {

template <class T>
request<T> submit(context& ctx, req* r, callback<T> cb) {
    // The creation reference goes to the handle; one more for the engine.
    // r is not shared yet: a plain store, not a locked add (which would wait
    // for the stores that built the request).
    r->refs.store(r->refs.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    request<T> h(r);
    // Built in place: r is new, so there is no callback to replace.
    if (cb) r->complete.emplace<typed_completion<T>>(std::move(cb));
    ctx.impl().submit(r);
    return h;
}

/// Fail r before it executes (argument checks at submission): it still goes
/// through the queue so the error arrives through the callback like any other.
inline void preset_error(req& r, int err) noexcept {
    r.err = err;
    r.result = -1;
}

}  // namespace aio::detail
