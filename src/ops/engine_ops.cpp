// nop, busy and the internal "custom" step of composite operations.
#include <time.h>

#include <cerrno>
#include <cmath>

#include "ops/exec.hpp"
#include "ops/fs_req.hpp"
#include "ops/submit.hpp"

namespace aio {

namespace detail {

void exec_nop(req& r) noexcept {
    r.result = 0;
}

void exec_busy(req& r) noexcept {
    std::int64_t ns = static_cast<fs_req&>(r).n[0];
    timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
    r.result = 0;
}

void exec_custom(req& r) noexcept {
    auto& c = static_cast<custom_req&>(r);
    if (c.fn) c.fn(c);
}

}  // namespace detail

request<void> nop(callback<void> cb, context& ctx) {
    return detail::submit(ctx, new detail::req, std::move(cb));
}

request<void> busy(double seconds, callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::busy);
    if (!(seconds >= 0) || seconds > 1e9)
        detail::preset_error(*r, EINVAL);
    else
        r->n[0] = static_cast<std::int64_t>(std::llround(seconds * 1e9));
    return detail::submit(ctx, r, std::move(cb));
}

}  // namespace aio
