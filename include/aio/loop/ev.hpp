// Attach an aio::context to a libev loop: results are delivered by the loop.
//
//   struct ev_loop* loop = EV_DEFAULT;
//   aio::context ctx;
//   aio::loop::ev_attachment att(loop, ctx);   // watches ctx.poll_fileno()
//   aio::stat("/etc", cb, ctx);
//   ev_run(loop, 0);                           // callbacks run inside ev_run
//
// An ev_io watcher (level-triggered, as every libev watcher) calls
// ctx.poll_cb() whenever the context's descriptor is readable; when poll_cb
// returns early (max_poll_reqs / max_poll_time) the descriptor stays
// readable and the watcher fires again on the next loop iteration, after the
// loop's other watchers had their turn.
//
// Rules: create, move and destroy the attachment on the loop's thread (or
// while the loop is not running); callbacks and coroutines of ctx then run
// on that thread. Destroy the attachment before the loop and the context.
// An active watcher keeps ev_run running, like any libev watcher. After
// ctx.reinit() (fork child; call ev_loop_fork(loop) too) the context has a
// new descriptor: destroy the attachment and create a new one.
//
// Exceptions: libev is C and cannot unwind; an exception thrown by a callback
// is caught here, the loop is stopped with ev_break(loop, EVBREAK_ALL) and
// the exception is kept: call rethrow_if_error() after ev_run returns. The
// remaining results stay pending and are delivered when the loop runs again.
#pragma once

#include <ev.h>

#include <exception>
#include <memory>
#include <utility>

#include "aio/context.hpp"

namespace aio::loop {

class ev_attachment {
  public:
    ev_attachment(struct ev_loop* loop, context& ctx) : s_(std::make_unique<state>()) {
        s_->loop = loop;
        s_->ctx = &ctx;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
        ev_io_init(&s_->io, &ev_attachment::on_readable, ctx.poll_fileno(), EV_READ);
#pragma GCC diagnostic pop
        s_->io.data = s_.get();
        ev_io_start(loop, &s_->io);
    }
    ev_attachment(ev_attachment&&) noexcept = default;
    ev_attachment& operator=(ev_attachment&& o) noexcept {
        if (this != &o) {
            detach();
            s_ = std::move(o.s_);
        }
        return *this;
    }
    ~ev_attachment() {
        detach();
    }

    /// Stop watching (the destructor does this).
    void detach() noexcept {
        if (s_) ev_io_stop(s_->loop, &s_->io);
        s_.reset();
    }
    explicit operator bool() const noexcept {
        return static_cast<bool>(s_);
    }

    /// The first exception a callback threw (the loop was stopped for it).
    std::exception_ptr error() const noexcept {
        return s_ ? s_->error : nullptr;
    }
    /// Rethrow (and forget) that exception, if any.
    void rethrow_if_error() {
        if (s_ && s_->error) std::rethrow_exception(std::exchange(s_->error, nullptr));
    }

  private:
    struct state {
        ev_io io;
        struct ev_loop* loop = nullptr;
        context* ctx = nullptr;
        std::exception_ptr error;
    };

    static void on_readable(struct ev_loop* loop, ev_io* w, int) noexcept {
        auto* s = static_cast<state*>(w->data);
        try {
            s->ctx->poll_cb();
        } catch (...) {
            if (!s->error) s->error = std::current_exception();
            ev_break(loop, EVBREAK_ALL);
        }
    }

    std::unique_ptr<state> s_;
};

/// One call: `auto att = aio::loop::attach(loop, ctx);`
inline ev_attachment attach(struct ev_loop* loop, context& ctx) {
    return ev_attachment(loop, ctx);
}

}  // namespace aio::loop
