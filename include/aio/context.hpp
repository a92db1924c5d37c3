// aio::context — the request engine: priority queues, a worker pool, a result
// queue and the pollable descriptor an event loop watches.
//
// Life of a request: ready (queued) -> execute (a worker runs the syscall) ->
// pending (result queued) -> result (poll_cb runs the callback) -> done.
// Callbacks run only inside poll_cb / poll / flush, on the caller's thread.
// Submitting is safe from any thread; poll_cb must be called by one thread
// at a time (the "poll thread").
//
// Several contexts may coexist; aio::default_context() is the process-wide
// one that the free functions without a context argument use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "aio/request.hpp"

namespace aio {

namespace detail {
class context_impl;
}

/// Which executor runs requests.
enum class executor_kind : std::uint8_t {
    automatic,  ///< io_uring where the kernel supports an op, worker threads otherwise
                ///< (the AIOPP_EXECUTOR environment variable may force one: "pool", "uring")
    pool,       ///< worker threads only
    uring,      ///< io_uring for every op the ring supports (falls back to the pool
                ///< if io_uring is unavailable)
};

struct context_options {
    executor_kind executor = executor_kind::automatic;
    /// Whether poll_wait() (and so poll(), flush() and a poll_cb() held by
    /// max_outstanding) runs quick queued requests itself instead of
    /// sleeping while workers run them: metadata requests queued for the
    /// pool only (stat, lstat, fstat, statvfs, readlink, realpath, utime,
    /// chown, chmod, mknod, link, symlink, rename, mkdir, rmdir, seek, wd;
    /// not those the io_uring executor runs), never more at once than
    /// max_parallel() allows, and never while the pool has judged requests
    /// slow. Off: requests run on worker threads only.
    bool poll_wait_helps = true;
};

class context {
  public:
    context();
    explicit context(const context_options& opts);
    /// Destroying a context with requests in flight is allowed: queued requests
    /// are cancelled, the destructor waits for requests already executing in a
    /// worker to return, then frees every request without calling callbacks.
    ~context();
    context(const context&) = delete;
    context& operator=(const context&) = delete;

    // ---- result processing ------------------------------------------------
    /// The descriptor to watch for readability: readable exactly while results
    /// are pending. Changes after reinit().
    int poll_fileno() const noexcept;
    /// Process pending results (run callbacks). Returns 0 when all were
    /// processed, -1 when it returned early (max_poll_reqs / max_poll_time);
    /// the descriptor then stays readable. Blocks while nreqs() is at or above
    /// max_outstanding(). Exceptions from callbacks propagate; the request that
    /// threw is finished, the others stay pending.
    int poll_cb();
    /// Wait until a result is pending or no request is outstanding.
    void poll_wait();
    /// poll_wait() then poll_cb(); returns the number of requests processed.
    int poll();
    /// Process results until no request is outstanding.
    void flush();

    // ---- tuning (the manual's control functions) --------------------------
    void max_poll_reqs(unsigned n) noexcept;  ///< 0 = unlimited (default)
    unsigned max_poll_reqs() const noexcept;
    void max_poll_time(double seconds) noexcept;  ///< 0 = unlimited (default)
    double max_poll_time() const noexcept;
    /// Raise the number of worker threads started on demand (default 8).
    void min_parallel(unsigned n);
    /// Lower the thread limit; stops surplus threads and blocks until they
    /// exited. 0 queues requests without executing them.
    void max_parallel(unsigned n);
    /// The current thread limit (as set by min_parallel / max_parallel).
    unsigned parallel() const noexcept;
    void max_idle(unsigned n) noexcept;  ///< idle threads kept (default 4)
    unsigned max_idle() const noexcept;
    void idle_timeout(double seconds) noexcept;  ///< default 10
    double idle_timeout() const noexcept;
    /// poll functions block while nreqs() >= n; 0 = no limit (default).
    void max_outstanding(unsigned n) noexcept;
    unsigned max_outstanding() const noexcept;

    // ---- counters -----------------------------------------------------------
    std::size_t nreqs() const noexcept;     ///< ready + execute + pending
    std::size_t nready() const noexcept;    ///< queued, not executing
    std::size_t npending() const noexcept;  ///< executed, callback not yet run
    std::size_t nthreads() const noexcept;  ///< live worker threads

    /// In a fork child: abandon the parent's requests and threads and start
    /// afresh (a new poll_fileno). Calling it anywhere else is undefined.
    void reinit();

    /// Which executor this context ended up with (pool when io_uring is off
    /// or unavailable).
    executor_kind executor() const noexcept;

    detail::context_impl& impl() noexcept { return *impl_; }

  private:
    std::unique_ptr<detail::context_impl> impl_;
};

/// The process-wide context used by the operations that take no context.
context& default_context();

/// A submission batch (beyond IO::AIO). While it lives, the requests this
/// thread submits to `ctx` that go to the io_uring executor are queued but
/// not yet handed to the kernel; when it ends they enter the ring together,
/// in one io_uring_enter, instead of one system call per request while the
/// ring has free slots. Requests for the worker pool start as usual. Waiting
/// in a batch is safe: poll_wait(), poll(), flush() and poll_cb() hand over
/// what is held first. Batches nest (the outermost on a context hands
/// over). Without the io_uring executor a batch changes nothing. (Callbacks
/// run by poll_cb are in such a batch already.) A batch belongs to the
/// thread that made it and must end, on that thread, before `ctx` is
/// destroyed.
class batch {
  public:
    explicit batch(context& ctx = default_context()) noexcept;
    ~batch();
    batch(const batch&) = delete;
    batch& operator=(const batch&) = delete;

  private:
    detail::context_impl* ctx_;
    detail::context_impl* outer_;  // the batch (or poll_cb) this one is inside
};

// ---- next-request priority (aioreq_pri / aioreq_nice) -----------------------
// Per thread: the priority applied to the next request this thread submits,
// to any context; it resets to 0 after each request.

constexpr int pri_min = -4;
constexpr int pri_max = 4;
constexpr int pri_default = 0;

/// The priority the next request would get.
int pri() noexcept;
/// Set the next request's priority (clamped to -4..4); returns the previous value.
int pri(int next) noexcept;
/// Subtract delta from the next request's priority (cumulative, clamped).
void nice(int delta) noexcept;

// ---- engine-level requests -------------------------------------------------
// Like every operation, these take the callback and then the context last;
// both may be omitted (no callback; the default context).

/// Does nothing, but goes through a worker like any request.
request<void> nop(callback<void> cb = {}, context& ctx = default_context());
/// Occupies a worker for the given time (debugging and benchmarks).
request<void> busy(double seconds, callback<void> cb = {}, context& ctx = default_context());

/// Create a group (aio_group); add requests to it with group::add.
group make_group(callback<std::int64_t> cb = {}, context& ctx = default_context());

}  // namespace aio
