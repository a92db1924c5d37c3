// Request handles and groups — IO::AIO::REQ and IO::AIO::GRP for C++.
//
// Every operation returns a handle to the request it submitted. Keeping the
// handle is optional (the request runs either way, like a void-context call
// in Perl); it lets you cancel the request, replace its callback or add it to
// a group. Handles are reference counted and may outlive the request and
// even its context: on a finished request every method is a harmless no-op.
//
// Threading: cancel() of a plain request is safe from any thread. Everything
// that touches callbacks or group membership (set_callback, group::add,
// cancel of a group, feed, limit, ...) belongs to the thread that runs
// poll_cb for the request's context.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "aio/function.hpp"
#include "aio/result.hpp"

namespace aio {

class context;
class group;

/// A callback receives the request's result: its value or the errno it failed with.
template <class T>
using callback = unique_function<void(result<T>)>;

/// Where a request is in its life (the manual's states).
enum class req_state : std::uint8_t { ready, execute, pending, result, done };

namespace detail {
struct req;
void acquire(req* r) noexcept;
void release(req* r) noexcept;
// Room for a typed_completion: a callback<T> (four words and its table).
using completion = unique_function<void(req&), 5 * sizeof(void*)>;
void set_completion(req* r, completion c);
/// Tag for the result extractors: detail::take(req&, tag<T>) moves the
/// request's typed result out. Overloads live next to each result type.
template <class T>
struct tag {};
result<void> take(req& r, tag<void>);
result<std::int64_t> take(req& r, tag<std::int64_t>);
/// The completion that delivers a request's typed result to a callback<T>
/// (it fits the completion's inline buffer: no allocation).
template <class T>
struct typed_completion {
    unique_function<void(result<T>)> cb;
    void operator()(req& r) {
        if (cb) cb(take(r, tag<T>{}));  // ADL: overloads live beside each T
    }
};
}  // namespace detail

/// Untyped handle to a request (IO::AIO::REQ).
class request_base {
  public:
    request_base() noexcept = default;
    /// Adopt a reference to r (the library's own constructors use this).
    explicit request_base(detail::req* r) noexcept : r_(r) {}
    request_base(const request_base& o) noexcept : r_(o.r_) {
        if (r_) detail::acquire(r_);
    }
    request_base(request_base&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
    request_base& operator=(request_base o) noexcept {
        std::swap(r_, o.r_);
        return *this;
    }
    ~request_base() {
        if (r_) detail::release(r_);
    }

    explicit operator bool() const noexcept { return r_ != nullptr; }

    /// Cancel: a request that has not started executing never executes; a
    /// cancelled request never calls its callback. A request already executing
    /// runs to completion (its result is discarded). Cancelling a group
    /// cancels every request in it, recursively, and removes its feeder.
    void cancel() noexcept;
    bool cancelled() const noexcept;
    /// Current state; req_state::done once the callback ran (or was skipped).
    req_state state() const noexcept;
    bool done() const noexcept { return state() == req_state::done; }
    /// The priority the request was submitted with (-4..4).
    int priority() const noexcept;

    detail::req* native() const noexcept { return r_; }

  protected:
    detail::req* r_ = nullptr;
};

/// Typed handle: T is what the callback's result<T> carries.
template <class T>
class request : public request_base {
  public:
    using value_type = T;
    using request_base::request_base;

    /// Replace (or set) the callback (IO::AIO's `cb $req`). Takes effect if the
    /// callback has not run yet. Call from the poll_cb thread.
    void set_callback(callback<T> cb) {
        if (!r_) return;
        detail::completion c;
        c.emplace<detail::typed_completion<T>>(std::move(cb));
        detail::set_completion(r_, std::move(c));
    }
};

/// A group (IO::AIO::GRP): a request that finishes when every request added
/// to it has finished. Its callback receives the value set with set_result()
/// (default 0), or the error set with set_errno().
class group : public request<std::int64_t> {
  public:
    using feeder = unique_function<void(group&)>;
    group() noexcept = default;
    explicit group(detail::req* r) noexcept : request<std::int64_t>(r) {}

    /// Add requests (any kind, including groups). Throws std::logic_error when
    /// the group's callback already ran, or when a request is already finished
    /// or in another group. Adding to a cancelled group cancels the request.
    template <class... R>
    void add(const R&... reqs) {
        (add_one(reqs), ...);
    }
    void add_one(const request_base& r);

    /// Cancel every subrequest and remove the feeder; the group itself still
    /// finishes normally and calls its callback.
    void cancel_subs();
    /// Result passed to the callback. set_result also clears the errno, as
    /// IO::AIO's result() takes the current (here: no) errno.
    void set_result(std::int64_t v);
    void set_errno(int err);

    /// Feeder: called whenever fewer than limit() requests are active in the
    /// group; it should add more. A feeder that adds nothing is removed.
    /// Setting a feeder while the limit is 0 raises the limit to 2.
    void feed(feeder f);
    /// Feeder limit; 0 pauses feeding.
    void limit(std::size_t n);
    std::size_t limit() const noexcept;
    /// Number of active (unfinished) requests in the group.
    std::size_t size() const noexcept;
};

}  // namespace aio
