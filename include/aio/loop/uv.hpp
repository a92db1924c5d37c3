// Attach an aio::context to a libuv loop: results are delivered by the loop.
//
//   uv_loop_t* loop = uv_default_loop();
//   aio::context ctx;
//   aio::loop::uv_attachment att(loop, ctx);   // a uv_poll_t on ctx.poll_fileno()
//   aio::stat("/etc", cb, ctx);
//   uv_run(loop, UV_RUN_DEFAULT);              // callbacks run inside uv_run
//
// A uv_poll_t handle (libuv polls level-triggered) calls ctx.poll_cb()
// whenever the context's descriptor is readable; when poll_cb returns early
// (max_poll_reqs / max_poll_time) the descriptor stays readable and the
// handle fires again on the next loop iteration.
//
// Rules: create, move and destroy the attachment on the loop's thread (or
// while the loop is not running); callbacks and coroutines of ctx then run
// on that thread. Destroying the attachment closes the handle with
// uv_close(); as for every libuv handle, its memory is freed by the close
// callback, so run the loop once more (uv_run(loop, UV_RUN_NOWAIT) will do)
// before uv_loop_close(). Destroy the attachment before the context (libuv
// must not watch a closed descriptor). An active handle keeps uv_run
// running. After ctx.reinit() (fork child; call uv_loop_fork(loop) too) the
// context has a new descriptor: destroy the attachment and create a new one.
//
// Exceptions: libuv is C and cannot unwind; an exception thrown by a callback
// is caught here, the loop is stopped with uv_stop() and the exception kept:
// call rethrow_if_error() after uv_run returns. The remaining results stay
// pending and are delivered when the loop runs again.
#pragma once

#include <uv.h>

#include <exception>
#include <system_error>
#include <utility>

#include "aio/context.hpp"

namespace aio::loop {

class uv_attachment {
  public:
    /// Throws std::system_error when libuv refuses the descriptor.
    uv_attachment(uv_loop_t* loop, context& ctx) : s_(new state) {
        s_->ctx = &ctx;
        if (int rc = uv_poll_init(loop, &s_->poll, ctx.poll_fileno()); rc < 0) {
            delete s_;  // never initialised: no uv_close
            throw std::system_error(-rc, std::generic_category(), "aio::loop::uv: uv_poll_init");
        }
        s_->poll.data = s_;
        if (int rc = uv_poll_start(&s_->poll, UV_READABLE, &uv_attachment::on_readable); rc < 0) {
            close();
            throw std::system_error(-rc, std::generic_category(), "aio::loop::uv: uv_poll_start");
        }
    }
    uv_attachment(uv_attachment&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
    uv_attachment& operator=(uv_attachment&& o) noexcept {
        if (this != &o) {
            detach();
            s_ = std::exchange(o.s_, nullptr);
        }
        return *this;
    }
    ~uv_attachment() { detach(); }

    /// Stop watching and close the handle (the destructor does this).
    void detach() noexcept {
        if (!s_) return;
        uv_poll_stop(&s_->poll);
        close();
    }
    explicit operator bool() const noexcept { return s_ != nullptr; }

    /// The first exception a callback threw (the loop was stopped for it).
    std::exception_ptr error() const noexcept { return s_ ? s_->error : nullptr; }
    /// Rethrow (and forget) that exception, if any.
    void rethrow_if_error() {
        if (s_ && s_->error) std::rethrow_exception(std::exchange(s_->error, nullptr));
    }

  private:
    struct state {
        uv_poll_t poll;
        context* ctx = nullptr;
        std::exception_ptr error;
    };

    void close() noexcept {
        uv_close(reinterpret_cast<uv_handle_t*>(&s_->poll),
                 [](uv_handle_t* h) { delete static_cast<state*>(h->data); });
        s_ = nullptr;
    }

    static void on_readable(uv_poll_t* h, int status, int) noexcept {
        auto* s = static_cast<state*>(h->data);
        if (status < 0) return;  // cannot happen for an eventfd; poll_cb next time
        try {
            s->ctx->poll_cb();
        } catch (...) {
            if (!s->error) s->error = std::current_exception();
            uv_stop(h->loop);
        }
    }

    state* s_;  // owned; freed by the close callback
};

/// One call: `auto att = aio::loop::attach(loop, ctx);`
inline uv_attachment attach(uv_loop_t* loop, context& ctx) {
    return uv_attachment(loop, ctx);
}

}  // namespace aio::loop
