// The two pieces of aio/coro.hpp that need the engine's view of a request:
// which context it belongs to, and whether it is in a group.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "aio/coro.hpp"
#include "engine/context_impl.hpp"
#include "ops/op.hpp"

namespace aio::detail {

group group_beside(req* anchor, callback<std::int64_t> cb) {
    if (!anchor || !anchor->ctx) throw std::logic_error("aio: request was never submitted");
    auto* g = new group_req;
    g->opcode = static_cast<std::uint8_t>(op::group);
    group h(g);  // the creation reference becomes the handle's
    acquire(g);  // and one for the engine
    if (cb) h.set_callback(std::move(cb));
    // submit() consumes the thread's next-request priority (aio::pri); this
    // group is ours, not the user's next request: keep it for them.
    int next = pri();
    anchor->ctx->submit(g);
    pri(next);
    return h;
}

void check_when_all(const request_base* const* reqs, std::size_t n) {
    std::vector<const req*> seen;
    seen.reserve(n);
    const context_impl* ctx = nullptr;
    for (std::size_t i = 0; i < n; ++i) {
        const req* r = reqs[i]->native();
        if (!r) throw std::invalid_argument("aio::when_all: null request handle");
        if (r->state.load(std::memory_order_acquire) == req_state::done)
            throw std::logic_error("aio::when_all: request already finished");
        if (r->grp) throw std::logic_error("aio::when_all: request is already in a group");
        if (i == 0)
            ctx = r->ctx;
        else if (r->ctx != ctx)
            throw std::invalid_argument("aio::when_all: requests belong to different contexts");
        seen.push_back(r);
    }
    std::sort(seen.begin(), seen.end());
    if (std::adjacent_find(seen.begin(), seen.end()) != seen.end())
        throw std::logic_error("aio::when_all: the same request given twice");
}

}  // namespace aio::detail
