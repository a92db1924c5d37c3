// Public face of the engine: aio::context, request handles, groups, the
// next-request priority, and the engine-level requests (nop, busy, group).
#include "aio/context.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "engine/context_impl.hpp"
#include "engine/priority.hpp"
#include "ops/op.hpp"

namespace aio {

// ---- request handles --------------------------------------------------------

namespace detail {

void acquire(req* r) noexcept {
    r->refs.fetch_add(1, std::memory_order_relaxed);
}

void release(req* r) noexcept {
    if (r->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete r;
}

// The engine's reference is usually the last (the handle was dropped at
// submission): then no other can be taken (that needs one), and the request
// is freed without a locked instruction; the acquire pairs with the release
// of whoever dropped the one before. Not for handles: when a handle drops
// its reference a worker may still be writing the line, and a look before
// the drop would fetch it twice (measured slower).
void release_engine_ref(req* r) noexcept {
    if (r->refs.load(std::memory_order_acquire) == 1)
        delete r;
    else
        release(r);
}

void set_completion(req* r, completion c) {
    if (r->state.load(std::memory_order_acquire) == req_state::done) return;
    r->complete = std::move(c);
}

result<void> take(req& r, tag<void>) {
    if (r.err) return errno_code(r.err);
    return {};
}

result<std::int64_t> take(req& r, tag<std::int64_t>) {
    if (r.err) return errno_code(r.err);
    return r.result;
}

namespace {
thread_local int next_pri = pri_default;
}

int take_next_pri() noexcept {
    return std::exchange(next_pri, pri_default);
}

}  // namespace detail

void request_base::cancel() noexcept {
    if (!r_ || r_->state.load(std::memory_order_acquire) == req_state::done) return;
    if (r_->ctx)
        r_->ctx->cancel(r_);
    else
        r_->cancelled.store(true, std::memory_order_relaxed);
}

bool request_base::cancelled() const noexcept {
    return r_ && r_->cancelled.load(std::memory_order_relaxed);
}

req_state request_base::state() const noexcept {
    return r_ ? r_->state.load(std::memory_order_acquire) : req_state::done;
}

int request_base::priority() const noexcept {
    return r_ ? r_->pri : 0;
}

// ---- priorities ---------------------------------------------------------------

int pri() noexcept {
    return detail::next_pri;
}

int pri(int next) noexcept {
    return std::exchange(detail::next_pri, std::clamp(next, pri_min, pri_max));
}

void nice(int delta) noexcept {
    detail::next_pri = std::clamp(detail::next_pri - delta, pri_min, pri_max);
}

// ---- groups ---------------------------------------------------------------------

namespace {
detail::group_req* as_group(detail::req* r) {
    return static_cast<detail::group_req*>(r);
}
}  // namespace

void group::add_one(const request_base& rb) {
    detail::req* r = rb.native();
    if (!r_ || !r) return;
    auto* g = as_group(r_);
    if (g->finished)
        throw std::logic_error("aio::group::add: cannot add requests after the group finished");
    if (r == r_) throw std::logic_error("aio::group::add: a group cannot contain itself");
    if (r->state.load(std::memory_order_acquire) == req_state::done)
        throw std::logic_error("aio::group::add: request already finished");
    if (r->grp) throw std::logic_error("aio::group::add: request is already in a group");
    g->ctx->group_add(g, r);
}

void group::cancel_subs() {
    if (!r_ || as_group(r_)->finished) return;
    r_->ctx->cancel_subs(as_group(r_));
}

void group::set_result(std::int64_t v) {
    if (!r_) return;
    r_->result = v;
    r_->err = 0;
}

void group::set_errno(int err) {
    if (r_) r_->err = err;
}

void group::feed(feeder f) {
    if (!r_) return;
    auto* g = as_group(r_);
    if (g->finished || g->cancelled.load(std::memory_order_relaxed)) return;
    g->feeder = std::move(f);
    if (g->limit == 0) g->limit = 2;
    g->ctx->group_try_feed(g);
}

void group::limit(std::size_t n) {
    if (!r_) return;
    auto* g = as_group(r_);
    g->limit = n;
    if (!g->finished) g->ctx->group_try_feed(g);
}

std::size_t group::limit() const noexcept {
    return r_ ? as_group(r_)->limit : 0;
}

std::size_t group::size() const noexcept {
    return r_ ? as_group(r_)->size : 0;
}

// ---- context --------------------------------------------------------------------

context::context() : context(context_options{}) {}
context::context(const context_options& opts)
    : impl_(std::make_unique<detail::context_impl>(opts)) {}
context::~context() = default;

int context::poll_fileno() const noexcept {
    return impl_->poll_fileno();
}
int context::poll_cb() {
    return impl_->poll_cb();
}
void context::poll_wait() {
    impl_->poll_wait();
}
int context::poll() {
    return impl_->poll();
}
void context::flush() {
    impl_->flush();
}

void context::max_poll_reqs(unsigned n) noexcept {
    impl_->max_poll_reqs_.store(n);
}
unsigned context::max_poll_reqs() const noexcept {
    return impl_->max_poll_reqs_.load();
}
void context::max_poll_time(double s) noexcept {
    impl_->max_poll_time_.store(s > 0 ? s : 0);
}
double context::max_poll_time() const noexcept {
    return impl_->max_poll_time_.load();
}
void context::min_parallel(unsigned n) {
    impl_->min_parallel(n);
}
void context::max_parallel(unsigned n) {
    impl_->max_parallel(n);
}
unsigned context::parallel() const noexcept {
    return impl_->parallel();
}
void context::max_idle(unsigned n) noexcept {
    impl_->max_idle_.store(n);
}
unsigned context::max_idle() const noexcept {
    return impl_->max_idle_.load();
}
void context::idle_timeout(double s) noexcept {
    impl_->idle_timeout_.store(s > 0 ? s : 0);
}
double context::idle_timeout() const noexcept {
    return impl_->idle_timeout_.load();
}
void context::max_outstanding(unsigned n) noexcept {
    impl_->max_outstanding_.store(n);
}
unsigned context::max_outstanding() const noexcept {
    return impl_->max_outstanding_.load();
}

std::size_t context::nreqs() const noexcept {
    return impl_->nreqs();
}
std::size_t context::nready() const noexcept {
    return impl_->nready();
}
std::size_t context::npending() const noexcept {
    return impl_->npending();
}
std::size_t context::nthreads() const noexcept {
    return impl_->nthreads();
}

void context::reinit() {
    impl_->reinit();
}
executor_kind context::executor() const noexcept {
    return impl_->executor();
}

context& default_context() {
    static context ctx;
    return ctx;
}

// A batch is the deferral poll_cb applies to the submissions its callbacks
// make (polling_ctx: the ring queues them; feed_ring hands them over).
batch::batch(context& ctx) noexcept
    : ctx_(&ctx.impl()), outer_(std::exchange(detail::polling_ctx, &ctx.impl())) {}

batch::~batch() {
    detail::polling_ctx = outer_;
    if (outer_ != ctx_) ctx_->feed_ring();  // nested: the outer one hands over
}

// ---- groups as requests -------------------------------------------------------

group make_group(callback<std::int64_t> cb, context& ctx) {
    auto* g = new detail::group_req;
    g->opcode = static_cast<std::uint8_t>(detail::op::group);
    group h(g);
    detail::acquire(g);
    if (cb) h.set_callback(std::move(cb));
    ctx.impl().submit(g);
    return h;
}

}  // namespace aio
