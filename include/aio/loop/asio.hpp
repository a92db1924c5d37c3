// Attach an aio::context to a (standalone) Asio io_context: results are
// delivered by the io_context.
//
//   asio::io_context io;
//   aio::context ctx;
//   aio::loop::asio_attachment att(io, ctx);   // waits on ctx.poll_fileno()
//   aio::stat("/etc", cb, ctx);
//   io.run();                                  // callbacks run inside run()
//
// A posix::stream_descriptor on the context's descriptor waits for
// readability and calls ctx.poll_cb(). Asio's epoll reactor registers
// descriptors edge-triggered; whether a new async_wait on a descriptor that
// is still readable completes depends on the Asio version (1.22 re-arms with
// EPOLL_CTL_MOD, older ones wait for a new edge). So the attachment does not
// rely on it: when poll_cb returns early (max_poll_reqs / max_poll_time) it
// posts itself to run poll_cb again; otherwise it waits again (a result
// arriving after poll_cb emptied the queue writes the eventfd: a new edge).
//
// Rules: run the io_context on one thread only (poll_cb must not run on two
// threads at once); callbacks and coroutines of ctx run there. Create, move
// and destroy the attachment on that thread or while the io_context is not
// running; destroy it before the io_context and the context. The pending
// wait counts as work: io.run() does not return while attached. After
// ctx.reinit() (fork child; io.notify_fork too) the context has a new
// descriptor: destroy the attachment and create a new one.
//
// Exceptions thrown by callbacks propagate out of io_context::run(), as Asio
// does for its own handlers; the attachment stays armed (it posts itself
// first), so calling run() again (after restart()) goes on delivering.
#pragma once

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>

#include <memory>
#include <system_error>
#include <utility>

#include "aio/context.hpp"

namespace aio::loop {

class asio_attachment {
  public:
    asio_attachment(::asio::io_context& io, context& ctx) : s_(std::make_shared<state>(io, ctx)) {
        s_->wait();
    }
    asio_attachment(asio_attachment&&) noexcept = default;
    asio_attachment& operator=(asio_attachment&& o) noexcept {
        if (this != &o) {
            detach();
            s_ = std::move(o.s_);
        }
        return *this;
    }
    ~asio_attachment() { detach(); }

    /// Stop watching (the destructor does this). A handler already queued
    /// finds the attachment detached and does nothing.
    void detach() noexcept {
        if (!s_) return;
        s_->attached = false;
        std::error_code ec;
        s_->sd.cancel(ec);
        s_->sd.release();  // the descriptor belongs to the context: never close it
        s_.reset();
    }
    explicit operator bool() const noexcept { return static_cast<bool>(s_); }

  private:
    struct state : std::enable_shared_from_this<state> {
        state(::asio::io_context& io, context& c) : sd(io, c.poll_fileno()), ctx(&c) {}
        ~state() {
            if (sd.is_open()) sd.release();
        }
        void wait() {
            sd.async_wait(::asio::posix::descriptor_base::wait_read,
                          [self = shared_from_this()](const std::error_code& ec) {
                              if (!ec) self->ready();
                          });
        }
        void again() {
            ::asio::post(sd.get_executor(), [self = shared_from_this()] { self->ready(); });
        }
        void ready() {
            if (!attached) return;
            int rc;
            try {
                rc = ctx->poll_cb();
            } catch (...) {
                if (attached) again();  // results may remain, with no new edge to come
                throw;
            }
            if (!attached) return;  // a callback detached us
            if (rc < 0)
                again();
            else
                wait();
        }

        ::asio::posix::stream_descriptor sd;
        context* ctx;
        bool attached = true;
    };

    std::shared_ptr<state> s_;
};

/// One call: `auto att = aio::loop::attach(io, ctx);`
inline asio_attachment attach(::asio::io_context& io, context& ctx) {
    return asio_attachment(io, ctx);
}

}  // namespace aio::loop
