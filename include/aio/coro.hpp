// C++20 coroutines for aiopp (Coro::AIO for C++).
//
//   aio::task<> show(std::string path) {
//       auto st = co_await aio::stat(path);        // result<stat_t>, never throws
//       if (st) std::printf("%lld bytes\n", (long long)st->size);
//   }
//   aio::sync_wait(ctx, show("/etc/passwd"));      // or aio::spawn(show(...)) in a loop
//
// * `co_await request` works in any coroutine type: it yields the request's
//   aio::result<T> (value or errno), exactly what its callback would have got.
//   The awaiter replaces the request's callback.
// * aio::task<T>: lazy, symmetric transfer, exceptions propagate to the
//   awaiter; aio::spawn runs one on its own, aio::sync_wait runs one to
//   completion by driving a context's poll loop.
// * Cancellation: destroying a suspended coroutine cancels the request it
//   waits for; aio::with_stop(req, token) (or a token given to the task)
//   cancels it when the token is stopped and resumes the awaiter with
//   std::errc::operation_canceled.
// * aio::when_all(r1, r2, ...) waits for several requests (an aio group).
//
// Threading requirement: a coroutine that awaits requests runs on the poll
// thread of their context, the thread that calls poll_cb (directly, through
// sync_wait, or through an event-loop adapter in aio/loop/). That is what
// makes attaching the callback at the co_await race-free: the result can only
// be delivered by poll_cb, which cannot run while the coroutine itself runs.
// Coroutines are always resumed from inside poll_cb on that thread. A
// std::stop_source may be stopped from any thread. See docs/api/coro.md.
#pragma once

#include <array>
#include <atomic>
#include <cerrno>
#include <concepts>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "aio/context.hpp"
#include "aio/request.hpp"
#include "aio/result.hpp"

namespace aio {

template <class T = void>
class task;

namespace detail {

/// Create and submit a group on the context `anchor` was submitted to, like
/// make_group(cb, that context). Safe from any thread; leaves the calling
/// thread's next-request priority alone. Used to hop to the poll thread: an
/// empty group finishes (and calls cb) in the next poll_cb, without a worker.
group group_beside(req* anchor, callback<std::int64_t> cb);
/// Preconditions of when_all: every request non-null, unfinished, in no
/// group, pairwise distinct, all on one context. Throws std::invalid_argument
/// (null handle, mixed contexts) or std::logic_error (the rest).
void check_when_all(const request_base* const* reqs, std::size_t n);

inline std::error_code canceled() noexcept {
    return errno_code(ECANCELED);
}

template <class R>
concept request_handle = std::derived_from<std::remove_cvref_t<R>, request_base> && requires {
    typename std::remove_cvref_t<R>::value_type;
};

template <class R>
using request_value_t = typename std::remove_cvref_t<R>::value_type;

/// What ends a suspension, and the one atomic that decides who does.
///
/// A suspended awaiter can be ended by
///   (a) its result: the completion callback, in poll_cb (poll thread);
///   (b) a stop request: a std::stop_callback, on whatever thread called
///       request_stop();
///   (c) the loss of its callback: the request was cancelled by someone else
///       or its callback replaced, so it will never call back; noticed when
///       the engine destroys the callback unused (poll thread).
/// (b) and (c) must not resume the coroutine where they happen (another
/// thread; or deep inside the engine), so they only move the state
/// waiting -> stopping with a compare-exchange, and the winner posts an empty
/// group whose callback ("the hop", poll thread) does the cancelling and the
/// resuming. Being a CAS from `waiting`, at most one of (b), (c) posts, and
/// neither once (a) has moved the state to done. (a) and the hop both run on
/// the poll thread, so they are never concurrent: whichever runs first sets
/// done and resumes; the hop does nothing if the state is no longer
/// `stopping`, and (a) cannot run after the hop (the hop cancels the request
/// on the poll thread, and a request cancelled there never calls back).
/// A result that arrives before the hop is therefore delivered even when a
/// stop was requested: nothing is lost.
///
/// After resuming (or when destroyed while suspended) the awaiter calls
/// disarm(): destroying the std::stop_callback waits for a concurrent (b) to
/// return, so afterwards `post_` can be read and no other thread refers to
/// the awaiter; a hop still queued is cancelled (poll thread: it will not run).
class waiter {
  public:
    /// Awaiters may be moved only before they suspend (GCC moves the operand
    /// of co_await into the frame); the state is not moved.
    waiter(waiter&& o) noexcept : stopped_(o.stopped_) {}
    waiter& operator=(waiter&&) = delete;

  protected:
    enum : std::uint8_t { idle, waiting, stopping, done };
    /// The hop's work (poll thread, state already done): cancel what is
    /// awaited and record operation_canceled where no result arrived.
    using stopped_fn = void (*)(waiter&) noexcept;

    explicit waiter(stopped_fn f) noexcept : stopped_(f) {}
    ~waiter() = default;

    bool suspended() const noexcept {
        auto s = state_.load(std::memory_order_acquire);
        return s == waiting || s == stopping;
    }
    /// Poll thread, in await_suspend, after the callbacks are in place.
    void arm(std::coroutine_handle<> h, req* anchor, const std::stop_token& st) {
        h_ = h;
        anchor_ = anchor;
        state_.store(waiting, std::memory_order_release);
        if (st.stop_possible()) stop_cb_.emplace(st, on_stop{this});  // may call claim() now
    }
    /// (a): true if the caller is the one to resume (always, for a live waiter).
    bool finish() noexcept { return state_.exchange(done, std::memory_order_acq_rel) != done; }
    /// (b) and (c).
    void claim() noexcept {
        std::uint8_t s = waiting;
        if (!state_.compare_exchange_strong(s, stopping, std::memory_order_acq_rel)) return;
        post_ = group_beside(anchor_, [this](result<std::int64_t>) { hop(); });
    }
    void disarm() noexcept {
        stop_cb_.reset();
        if (post_) {
            post_.cancel();
            post_ = group();
        }
    }
    std::atomic<std::uint8_t> state_{idle};
    std::coroutine_handle<> h_;

  private:
    struct on_stop {
        waiter* w;
        void operator()() const noexcept { w->claim(); }
    };
    void hop() {
        if (state_.load(std::memory_order_acquire) != stopping) return;
        state_.store(done, std::memory_order_relaxed);
        stopped_(*this);
        h_.resume();
    }

    stopped_fn stopped_;
    req* anchor_ = nullptr;  // the context to hop to (a request the derived class holds)
    std::optional<std::stop_callback<on_stop>> stop_cb_;
    group post_;  // the hop, once posted
};

}  // namespace detail

// ---- co_await on a request ---------------------------------------------------------------

/// Awaiter for a request<T>: `co_await req` or `co_await aio::with_stop(req, token)`
/// yields result<T>. Movable only before it suspends (the co_await expression
/// creates it in place; GCC may move it into the frame first).
///
/// What the awaiter sees:
/// * the request's result (value or errno), when it completed first;
/// * operation_canceled (ECANCELED) when the token was stopped before the
///   co_await (the request is cancelled, no suspension), or while suspended
///   before the result reached poll_cb (the request is cancelled; if it was
///   already executing, its result is discarded, as with request::cancel);
/// * operation_canceled when the request was cancelled by other means
///   (another handle, a group it is in) or its callback replaced;
/// * std::logic_error thrown from co_await when the request had already
///   finished (its result went to its own callback) or the handle is null;
///   a request cancelled before the co_await yields operation_canceled.
/// Destroying the coroutine while it is suspended here cancels the request.
template <class T>
class [[nodiscard]] request_awaiter : detail::waiter {
  public:
    explicit request_awaiter(request<T> r, std::stop_token st = {}) noexcept
        : waiter(&stopped), req_(std::move(r)), token_(std::move(st)) {}
    request_awaiter(request_awaiter&& o) noexcept
        : waiter(std::move(o)), req_(std::move(o.req_)), token_(std::move(o.token_)) {}
    ~request_awaiter() {
        if (!suspended()) return;
        disarm();  // first: no other thread may still refer to us
        state_.store(done, std::memory_order_relaxed);
        req_.set_callback({});  // our callback holds a pointer to us
        req_.cancel();
    }

    bool await_ready() noexcept {
        if (!req_ || req_.done()) return true;
        if (token_.stop_requested()) {
            req_.cancel();
            res_.emplace(detail::canceled());
            return true;
        }
        return false;
    }
    void await_suspend(std::coroutine_handle<> h) {
        req_.set_callback(completion{this});
        arm(h, req_.native(), token_);
    }
    result<T> await_resume() {
        disarm();
        if (res_) return std::move(*res_);
        if (req_.cancelled()) return detail::canceled();
        throw std::logic_error(
            "aio: co_await on a request that already finished (its result went to its callback)");
    }

  private:
    // The request's callback. Destroyed unused (engine skipped it) -> case (c).
    struct completion {
        request_awaiter* self;
        explicit completion(request_awaiter* s) noexcept : self(s) {}
        completion(completion&& o) noexcept : self(std::exchange(o.self, nullptr)) {}
        completion& operator=(completion&&) = delete;
        ~completion() {
            if (!self) return;
            self->lost_ = true;  // the request is no longer ours to cancel
            self->claim();
        }
        void operator()(result<T> r) {
            request_awaiter* s = std::exchange(self, nullptr);
            if (!s->finish()) return;
            s->res_.emplace(std::move(r));
            s->h_.resume();
        }
    };
    static void stopped(waiter& w) noexcept {
        auto& self = static_cast<request_awaiter&>(w);
        if (!self.lost_) {
            self.req_.set_callback({});
            self.req_.cancel();
        }
        self.res_.emplace(detail::canceled());
    }

    request<T> req_;
    std::stop_token token_;
    std::optional<result<T>> res_;
    bool lost_ = false;  // our callback was dropped unused (poll thread only)
};

/// co_await on any request handle (request<T>, group, composite operations).
template <class T>
request_awaiter<T> operator co_await(const request<T>& r) noexcept {
    return request_awaiter<T>(r);
}

// ---- when_all ------------------------------------------------------------------------------

namespace detail {

/// Common part of the when_all awaiters: the group and the stop plumbing.
/// Derived classes hold the requests and the result slots.
class when_all_base : protected waiter {
  public:
    /// Used by aio::task: give the awaitable the task's token unless it has one.
    void inherit_stop_token(const std::stop_token& st) noexcept {
        if (!token_.stop_possible()) token_ = st;
    }

  protected:
    using fill_fn = void (*)(when_all_base&) noexcept;
    when_all_base(std::stop_token st, fill_fn fill) noexcept
        : waiter(&stopped), token_(std::move(st)), fill_canceled_(fill) {}
    when_all_base(when_all_base&& o) noexcept
        : waiter(std::move(o)), token_(std::move(o.token_)), fill_canceled_(o.fill_canceled_) {}
    ~when_all_base() = default;
    // Destructor of the derived class, first thing.
    void abandon() noexcept {
        if (!suspended()) return;
        disarm();
        state_.store(done, std::memory_order_relaxed);
        grp_.cancel();  // every request still running; no callback of ours will run
    }
    // The group finished: every subrequest's callback has run (or was skipped).
    struct group_done {
        when_all_base* self;
        void operator()(result<std::int64_t>) const {
            if (!self->finish()) return;
            self->fill_canceled_(*self);
            self->h_.resume();
        }
    };
    static void stopped(waiter& w) noexcept {
        auto& self = static_cast<when_all_base&>(w);
        self.grp_.cancel();
        self.fill_canceled_(self);
    }
    void start(std::coroutine_handle<> h, req* anchor) { arm(h, anchor, token_); }

    std::stop_token token_;
    group grp_;
    fill_fn fill_canceled_;
};

template <class T, class Self, std::size_t I>
struct slot_callback {
    Self* self;
    void operator()(result<T> r) const { std::get<I>(self->res_).emplace(std::move(r)); }
};

}  // namespace detail

/// Awaiter of when_all(r1, r2, ...): yields std::tuple<result<T1>, result<T2>, ...>,
/// in argument order. The requests are put in one aio group; the coroutine is
/// resumed when the group finishes (every request finished). Their callbacks
/// are replaced. A request cancelled by other means yields operation_canceled.
/// Throws (from co_await, before suspending) std::invalid_argument for a null
/// handle or requests of different contexts, std::logic_error for a request
/// already finished, already in a group, or given twice.
/// Stop: requests whose result has not reached poll_cb are cancelled and
/// yield operation_canceled; the others keep their result; resumed at once.
/// Destroying the suspended coroutine cancels every request.
template <class... T>
class [[nodiscard]] when_all_awaiter : public detail::when_all_base {
  public:
    explicit when_all_awaiter(std::tuple<request<T>...> reqs, std::stop_token st = {}) noexcept
        : when_all_base(std::move(st), &fill_canceled), reqs_(std::move(reqs)) {}
    when_all_awaiter(when_all_awaiter&& o) noexcept
        : when_all_base(std::move(o)), reqs_(std::move(o.reqs_)) {}
    ~when_all_awaiter() { abandon(); }

    bool await_ready() {
        if constexpr (sizeof...(T) == 0) {
            return true;
        } else {
            auto v = std::apply(
                [](const auto&... r) {
                    return std::array<const request_base*, sizeof...(T)>{&r...};
                },
                reqs_);
            detail::check_when_all(v.data(), v.size());
            if (!token_.stop_requested()) return false;
            std::apply([](auto&... r) { (r.cancel(), ...); }, reqs_);
            fill_canceled(*this);
            return true;
        }
    }
    void await_suspend(std::coroutine_handle<> h) {
        if constexpr (sizeof...(T) > 0) {  // (never suspends otherwise)
            detail::req* anchor = std::get<0>(reqs_).native();
            grp_ = detail::group_beside(anchor, group_done{this});
            set_callbacks(std::index_sequence_for<T...>{});
            std::apply([this](auto&... r) { grp_.add(r...); }, reqs_);
            start(h, anchor);
        }
    }
    std::tuple<result<T>...> await_resume() {
        disarm();
        return std::apply([](auto&... r) { return std::tuple<result<T>...>(std::move(*r)...); },
                          res_);
    }

  private:
    template <class, class, std::size_t>
    friend struct detail::slot_callback;

    template <std::size_t... I>
    void set_callbacks(std::index_sequence<I...>) {
        (std::get<I>(reqs_).set_callback(
             detail::slot_callback<std::tuple_element_t<I, std::tuple<T...>>, when_all_awaiter, I>{
                 this}),
         ...);
    }
    static void fill_canceled(when_all_base& b) noexcept {
        std::apply([](auto&... r) { ((r ? void() : void(r.emplace(detail::canceled()))), ...); },
                   static_cast<when_all_awaiter&>(b).res_);
    }

    std::tuple<request<T>...> reqs_;
    std::tuple<std::optional<result<T>>...> res_;
};

/// Awaiter of when_all(std::vector<request<T>>): yields std::vector<result<T>>
/// in the same order. Same rules as the variadic form; an empty vector
/// completes at once.
template <class T>
class [[nodiscard]] when_all_range_awaiter : public detail::when_all_base {
  public:
    explicit when_all_range_awaiter(std::vector<request<T>> reqs, std::stop_token st = {})
        : when_all_base(std::move(st), &fill_canceled),
          reqs_(std::move(reqs)),
          res_(reqs_.size()) {}
    when_all_range_awaiter(when_all_range_awaiter&& o) noexcept
        : when_all_base(std::move(o)), reqs_(std::move(o.reqs_)), res_(std::move(o.res_)) {}
    ~when_all_range_awaiter() { abandon(); }

    bool await_ready() {
        if (reqs_.empty()) return true;
        std::vector<const request_base*> v;
        v.reserve(reqs_.size());
        for (auto& r : reqs_)
            v.push_back(&r);
        detail::check_when_all(v.data(), v.size());
        if (!token_.stop_requested()) return false;
        for (auto& r : reqs_)
            r.cancel();
        fill_canceled(*this);
        return true;
    }
    void await_suspend(std::coroutine_handle<> h) {
        detail::req* anchor = reqs_.front().native();
        grp_ = detail::group_beside(anchor, group_done{this});
        for (std::size_t i = 0; i < reqs_.size(); ++i)
            reqs_[i].set_callback([this, i](result<T> r) { res_[i].emplace(std::move(r)); });
        for (auto& r : reqs_)
            grp_.add(r);
        start(h, anchor);
    }
    std::vector<result<T>> await_resume() {
        disarm();
        std::vector<result<T>> out;
        out.reserve(res_.size());
        for (auto& r : res_)
            out.push_back(std::move(*r));
        return out;
    }

  private:
    static void fill_canceled(when_all_base& b) noexcept {
        for (auto& r : static_cast<when_all_range_awaiter&>(b).res_)
            if (!r) r.emplace(detail::canceled());
    }

    std::vector<request<T>> reqs_;
    std::vector<std::optional<result<T>>> res_;
};

/// Wait for several requests: `auto [a, b] = co_await aio::when_all(r1, r2);`
template <class... R>
requires(detail::request_handle<R>&&...)
    when_all_awaiter<detail::request_value_t<R>...> when_all(R&&... reqs) {
    return when_all_awaiter<detail::request_value_t<R>...>(
        std::tuple<request<detail::request_value_t<R>>...>(std::forward<R>(reqs)...));
}
template <class T>
when_all_range_awaiter<T> when_all(std::vector<request<T>> reqs) {
    return when_all_range_awaiter<T>(std::move(reqs));
}

// ---- task ------------------------------------------------------------------------------------

/// `std::stop_token st = co_await aio::this_stop_token;` inside an aio::task:
/// the task's stop token (empty when it has none).
struct this_stop_token_t {
    explicit constexpr this_stop_token_t() = default;
};
inline constexpr this_stop_token_t this_stop_token{};

namespace detail {

template <class P>
concept inherits_stop = requires(P& p, const std::stop_token& st) {
    p.inherit_stop_token(st);
};

struct task_promise_base {
    // Starting and finishing a child task. The awaiter starts the child with
    // resume() inside await_suspend; if the child ends before resume()
    // returns, the awaiter must simply not suspend (returning false), because
    // transferring back to it by handle would nest one stack frame per
    // synchronously completing child: GCC turns symmetric transfer into a
    // tail call only when optimising. `state_` settles who continues the
    // awaiter: running -> waiting (awaiter, after resume() returned: it
    // suspends) or running -> ended (child ended first: the awaiter goes on
    // without suspending); waiting -> ended: the child transfers to the
    // awaiter (symmetric transfer). Atomic so that a child resumed on another
    // thread by a foreign awaitable is still handled correctly.
    enum : std::uint8_t { running, waiting, ended };
    struct final_awaiter {
        bool await_ready() const noexcept { return false; }
        template <class P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) const noexcept {
            auto& p = h.promise();
            if (p.state_.exchange(ended, std::memory_order_acq_rel) == waiting)
                return p.continuation_;
            return std::noop_coroutine();
        }
        void await_resume() const noexcept {}
    };
    struct token_awaiter {
        std::stop_token st;
        bool await_ready() const noexcept { return true; }
        void await_suspend(std::coroutine_handle<>) const noexcept {}
        std::stop_token await_resume() noexcept { return std::move(st); }
    };

    std::suspend_always initial_suspend() const noexcept { return {}; }
    final_awaiter final_suspend() const noexcept { return {}; }
    void unhandled_exception() noexcept { error_ = std::current_exception(); }

    // Requests awaited in the task get its stop token; so do child tasks and
    // when_all (unless they have one of their own). Anything else is awaited
    // unchanged.
    template <class A>
    decltype(auto) await_transform(A&& a) {
        if constexpr (request_handle<A>) {
            return request_awaiter<request_value_t<A>>(std::forward<A>(a), stop_);
        } else if constexpr (std::same_as<std::remove_cvref_t<A>, this_stop_token_t>) {
            return token_awaiter{stop_};
        } else {
            if constexpr (inherits_stop<A>) {
                if (stop_.stop_possible()) a.inherit_stop_token(stop_);
            }
            return std::forward<A>(a);
        }
    }

    std::coroutine_handle<> continuation_;
    std::atomic<std::uint8_t> state_{running};
    std::stop_token stop_;
    std::exception_ptr error_;
};

template <class T>
struct task_promise final : task_promise_base {
    task<T> get_return_object() noexcept;
    template <class U = T>
    requires std::convertible_to<U&&, T>
    void return_value(U&& v) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
        value_.emplace(std::forward<U>(v));
    }
    T& get() & {
        if (error_) std::rethrow_exception(error_);
        return *value_;
    }
    T&& get() && {
        if (error_) std::rethrow_exception(error_);
        return std::move(*value_);
    }
    std::optional<T> value_;
};

template <class T>
struct task_promise<T&> final : task_promise_base {
    task<T&> get_return_object() noexcept;
    void return_value(T& v) noexcept { value_ = &v; }
    T& get() {
        if (error_) std::rethrow_exception(error_);
        return *value_;
    }
    T* value_ = nullptr;
};

template <>
struct task_promise<void> final : task_promise_base {
    task<void> get_return_object() noexcept;
    void return_void() const noexcept {}
    void get() const {
        if (error_) std::rethrow_exception(error_);
    }
};

}  // namespace detail

/// A lazily started coroutine returning T (task<> for void). `co_await task`
/// starts it and resumes the awaiter with its value (or rethrows its
/// exception) by symmetric transfer. co_await on an lvalue task yields a
/// reference to the value kept in the task; on an rvalue, the value itself.
/// Destroying a task destroys its coroutine frame — if the coroutine is
/// suspended on a request, the request is cancelled (see request_awaiter);
/// destroying a task while it runs is undefined.
/// Stop token: a task started by spawn/sync_wait with a token, or awaited
/// by a task that has one, passes it to every request, when_all and child
/// task it awaits (see with_stop).
template <class T>
class [[nodiscard]] task {
  public:
    using promise_type = detail::task_promise<T>;
    using value_type = T;

    task() noexcept = default;
    explicit task(std::coroutine_handle<promise_type> h) noexcept : h_(h) {}
    task(task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
    task& operator=(task&& o) noexcept {
        if (this != &o) {
            if (h_) h_.destroy();
            h_ = std::exchange(o.h_, {});
        }
        return *this;
    }
    ~task() {
        if (h_) h_.destroy();
    }

    explicit operator bool() const noexcept { return static_cast<bool>(h_); }
    /// The coroutine ran to its end (returned or threw).
    bool done() const noexcept { return !h_ || h_.done(); }

    /// Give the task a stop token (replaces one it would inherit).
    void set_stop_token(std::stop_token st) noexcept {
        if (h_) h_.promise().stop_ = std::move(st);
    }
    /// Used when awaited by an aio::task: take the parent's token unless set.
    void inherit_stop_token(const std::stop_token& st) noexcept {
        if (h_ && !h_.promise().stop_.stop_possible()) h_.promise().stop_ = st;
    }

    auto operator co_await() & noexcept { return awaiter<false>{h_}; }
    auto operator co_await() && noexcept { return awaiter<true>{h_}; }

    std::coroutine_handle<promise_type> handle() const noexcept { return h_; }

  private:
    template <bool Rvalue>
    struct awaiter {
        std::coroutine_handle<promise_type> h;
        bool await_ready() const noexcept { return !h || h.done(); }
        bool await_suspend(std::coroutine_handle<> cont) noexcept {
            auto& p = h.promise();
            p.continuation_ = cont;
            h.resume();  // runs the child to its first suspension (or its end)
            std::uint8_t s = detail::task_promise_base::running;
            return p.state_.compare_exchange_strong(s, detail::task_promise_base::waiting,
                                                    std::memory_order_acq_rel);
        }
        // rvalue task: the value itself (moved out); lvalue: a reference to it.
        std::conditional_t<Rvalue || std::is_void_v<T> || std::is_reference_v<T>, T,
                           std::add_lvalue_reference_t<T>>
        await_resume() {
            if (!h) throw std::logic_error("aio::task: co_await on an empty task");
            if constexpr (Rvalue && !std::is_reference_v<T> && !std::is_void_v<T>)
                return std::move(h.promise()).get();
            else
                return h.promise().get();
        }
    };

    std::coroutine_handle<promise_type> h_;
};

namespace detail {
template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
    return task<T>(std::coroutine_handle<task_promise>::from_promise(*this));
}
template <class T>
task<T&> task_promise<T&>::get_return_object() noexcept {
    return task<T&>(std::coroutine_handle<task_promise>::from_promise(*this));
}
inline task<void> task_promise<void>::get_return_object() noexcept {
    return task<void>(std::coroutine_handle<task_promise>::from_promise(*this));
}
}  // namespace detail

// ---- stop tokens -----------------------------------------------------------------------------

/// Await a request with a stop token: `co_await aio::with_stop(aio::stat(p), token)`.
/// See request_awaiter for what the awaiter sees.
template <detail::request_handle R>
request_awaiter<detail::request_value_t<R>> with_stop(R&& r, std::stop_token st) noexcept {
    return request_awaiter<detail::request_value_t<R>>(std::forward<R>(r), std::move(st));
}
/// Give a task a stop token: every request it awaits uses it.
template <class T>
task<T> with_stop(task<T> t, std::stop_token st) noexcept {
    t.set_stop_token(std::move(st));
    return t;
}
/// when_all with a stop token: `co_await aio::with_stop(aio::when_all(a, b), token)`.
template <class... T>
when_all_awaiter<T...>&& with_stop(when_all_awaiter<T...>&& w, std::stop_token st) noexcept {
    w.inherit_stop_token(st);
    return std::move(w);
}
template <class T>
when_all_range_awaiter<T>&& with_stop(when_all_range_awaiter<T>&& w, std::stop_token st) noexcept {
    w.inherit_stop_token(st);
    return std::move(w);
}

// ---- running tasks ---------------------------------------------------------------------------

namespace detail {

struct detached_task {
    struct promise_type {
        detached_task get_return_object() const noexcept { return {}; }
        std::suspend_never initial_suspend() const noexcept { return {}; }
        std::suspend_never final_suspend() const noexcept { return {}; }
        void return_void() const noexcept {}
        [[noreturn]] void unhandled_exception() const noexcept { std::terminate(); }
    };
};

template <class T>
detached_task run_detached(task<T> t) {
    co_await std::move(t);
}

template <class T>
inline constexpr bool is_task = false;
template <class T>
inline constexpr bool is_task<task<T>> = true;

template <class A>
decltype(auto) get_awaiter(A&& a) {
    if constexpr (requires { std::forward<A>(a).operator co_await(); })
        return std::forward<A>(a).operator co_await();
    else if constexpr (requires { operator co_await(std::forward<A>(a)); })
        return operator co_await(std::forward<A>(a));
    else
        return std::forward<A>(a);
}
template <class A>
using await_result_t = decltype(get_awaiter(std::declval<A>()).await_resume());

}  // namespace detail

/// Start a task on its own (detached): it runs now, on the calling thread,
/// until its first suspension, and frees itself when it ends. An exception
/// escaping a spawned task calls std::terminate (like std::thread): catch
/// inside. The calling thread must be the poll thread of the contexts the
/// task uses.
template <class T>
void spawn(task<T> t, std::stop_token st = {}) {
    if (st.stop_possible()) t.set_stop_token(std::move(st));
    detail::run_detached(std::move(t));
}

/// Run a task to completion on the calling thread, driving ctx's poll loop
/// (poll_wait + poll_cb) until the task ends; returns its value or rethrows
/// its exception. Callbacks of other requests on ctx run meanwhile. Throws
/// std::logic_error if the task is suspended while nothing is outstanding on
/// ctx (it could never be resumed). Do not call it from inside a callback or
/// a coroutine running in ctx's poll_cb.
template <class T>
T sync_wait(context& ctx, task<T> t, std::stop_token st = {}) {
    if (!t) throw std::logic_error("aio::sync_wait: empty task");
    if (st.stop_possible()) t.set_stop_token(std::move(st));
    auto h = t.handle();
    if (!h.done()) h.resume();  // (a task awaited before may have ended already)
    while (!h.done()) {
        if (ctx.nreqs() == 0)
            throw std::logic_error(
                "aio::sync_wait: the task waits, but nothing is outstanding on the context");
        ctx.poll_wait();
        ctx.poll_cb();
    }
    if constexpr (std::is_void_v<T>)
        h.promise().get();
    else if constexpr (std::is_reference_v<T>)
        return h.promise().get();
    else
        return std::move(h.promise()).get();
}

/// sync_wait for any awaitable (a request, when_all, ...): awaited inside a task.
template <class A>
requires(!detail::is_task<std::remove_cvref_t<A>>) auto sync_wait(context& ctx, A&& awaitable,
                                                                  std::stop_token st = {})
    -> std::remove_cvref_t<detail::await_result_t<A>> {
    using R = std::remove_cvref_t<detail::await_result_t<A>>;
    auto wrap = [](A& a) -> task<R> { co_return co_await static_cast<A&&>(a); };
    return sync_wait(ctx, wrap(awaitable), std::move(st));
}

}  // namespace aio
