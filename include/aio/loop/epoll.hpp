// Attach an aio::context to a plain epoll loop.
//
//   int ep = epoll_create1(EPOLL_CLOEXEC);
//   aio::context ctx;
//   aio::loop::epoll_attachment att(ep, ctx);  // EPOLLIN, level-triggered
//   for (;;) {
//       epoll_event evs[16];
//       int n = epoll_wait(ep, evs, 16, -1);
//       for (int i = 0; i < n; ++i)
//           if (!att.dispatch(evs[i])) { /* one of your own descriptors */ }
//   }
//
// The context's descriptor is registered level-triggered, so when poll_cb
// returns early (max_poll_reqs / max_poll_time) the descriptor stays
// readable and the next epoll_wait reports it again. dispatch(ev) recognises
// the attachment's events by their epoll_data (by default a pointer to the
// attachment's state; pass your own data to the constructor if your loop
// dispatches on it) and calls ctx.poll_cb(); exceptions from callbacks
// propagate out of dispatch().
//
// Rules: callbacks and coroutines of ctx run on the thread that calls
// dispatch, which must be one thread at a time. Destroy the attachment
// before the context. Fork: the epoll instance is shared with the parent,
// so a child creates its own epoll instance; after ctx.reinit() the context
// has a new descriptor: destroy the attachment (harmless in the child) and
// create a new one on the child's epoll instance.
#pragma once

#include <sys/epoll.h>

#include <cerrno>
#include <memory>
#include <system_error>
#include <utility>

#include "aio/context.hpp"

namespace aio::loop {

class epoll_attachment {
  public:
    /// Register ctx.poll_fileno() with epfd. Throws std::system_error.
    epoll_attachment(int epfd, context& ctx) : s_(std::make_unique<state>()) {
        epoll_data_t data{};
        data.ptr = s_.get();
        init(epfd, ctx, data);
    }
    /// Same, with the epoll_data your loop dispatches on.
    epoll_attachment(int epfd, context& ctx, epoll_data_t data) : s_(std::make_unique<state>()) {
        init(epfd, ctx, data);
    }
    epoll_attachment(epoll_attachment&&) noexcept = default;
    epoll_attachment& operator=(epoll_attachment&& o) noexcept {
        if (this != &o) {
            detach();
            s_ = std::move(o.s_);
        }
        return *this;
    }
    ~epoll_attachment() { detach(); }

    /// Deregister (the destructor does this).
    void detach() noexcept {
        if (!s_) return;
        epoll_event ev{};  // errors ignored: e.g. EBADF/ENOENT in a fork child after reinit
        ::epoll_ctl(s_->epfd, EPOLL_CTL_DEL, s_->fd, &ev);
        s_.reset();
    }
    explicit operator bool() const noexcept { return static_cast<bool>(s_); }

    /// If ev is this attachment's event: run ctx.poll_cb() and return true.
    bool dispatch(const epoll_event& ev) {
        if (!s_ || ev.data.u64 != s_->data.u64) return false;
        s_->ctx->poll_cb();
        return true;
    }
    /// The epoll_data the descriptor is registered with.
    epoll_data_t data() const noexcept { return s_ ? s_->data : epoll_data_t{}; }

  private:
    struct state {
        int epfd = -1;
        int fd = -1;
        context* ctx = nullptr;
        epoll_data_t data{};
    };
    void init(int epfd, context& ctx, epoll_data_t data) {
        s_->epfd = epfd;
        s_->fd = ctx.poll_fileno();
        s_->ctx = &ctx;
        s_->data = data;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data = data;
        if (::epoll_ctl(epfd, EPOLL_CTL_ADD, s_->fd, &ev) < 0)
            throw std::system_error(errno, std::generic_category(), "aio::loop::epoll: epoll_ctl");
    }

    std::unique_ptr<state> s_;
};

/// One call: `auto att = aio::loop::attach_epoll(epfd, ctx);`
inline epoll_attachment attach_epoll(int epfd, context& ctx) {
    return epoll_attachment(epfd, ctx);
}

}  // namespace aio::loop
