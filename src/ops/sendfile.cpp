// sendfile: the synchronous aio::sys::sendfile and the request that runs it
// on a worker. Native sendfile(2) first; a kernel that refuses the pair of
// descriptors (a file opened O_APPEND, an old kernel, ...) gets the same copy
// done with pread + write, as libeio does.
#include "aio/sys_sendfile.hpp"

#include <sys/sendfile.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <memory>
#include <new>

#include "ops/exec.hpp"
#include "ops/fs_req.hpp"
#include "ops/submit.hpp"

namespace aio {

namespace {

// Linux transfers at most this much per read/write/sendfile call.
constexpr std::size_t max_chunk = 0x7ffff000;
constexpr std::size_t copy_buffer = 64 * 1024;

// The errors with which sendfile(2) says "not for these descriptors".
bool emulate_after(int e) noexcept {
    return e == ENOSYS || e == EINVAL || e == ENOTSUP || e == EOPNOTSUPP || e == EAFNOSUPPORT ||
           e == EPROTOTYPE || e == ENOTSOCK;
}

// Bytes done so far, or -1 (errno kept) when nothing was done.
ssize_t partial(std::size_t done) noexcept {
    return done ? static_cast<ssize_t>(done) : -1;
}

// The emulation: pread from in_fd at off, write to out_fd at its position.
ssize_t copy_emulated(int out_fd, int in_fd, off_t off, std::size_t length) noexcept {
    std::unique_ptr<char[]> buf(new (std::nothrow) char[copy_buffer]);
    if (!buf) {
        errno = ENOMEM;
        return -1;
    }
    std::size_t done = 0;
    while (done < length) {
        std::size_t want = std::min(length - done, copy_buffer);
        ssize_t got = detail::retry_eintr([&] { return ::pread(in_fd, buf.get(), want, off); });
        if (got < 0) return partial(done);
        if (got == 0) break;  // end of input
        ssize_t put = detail::retry_eintr(
            [&] { return ::write(out_fd, buf.get(), static_cast<std::size_t>(got)); });
        if (put < 0) return partial(done);
        done += static_cast<std::size_t>(put);
        off += put;
        if (put < got) break;  // out_fd is full (non-blocking, disk full): report what went
    }
    return static_cast<ssize_t>(done);
}

}  // namespace

ssize_t sys::sendfile(int out_fd, int in_fd, std::int64_t in_offset, std::size_t length) noexcept {
    if (in_offset < 0 || length > static_cast<std::size_t>(SSIZE_MAX)) {
        errno = EINVAL;
        return -1;
    }
    off_t off = in_offset;
    std::size_t done = 0;
    do {
        std::size_t want = std::min(length - done, max_chunk);
        ssize_t n = detail::retry_eintr([&] { return ::sendfile(out_fd, in_fd, &off, want); });
        if (n < 0) {
            if (done) return static_cast<ssize_t>(done);  // e.g. EAGAIN after progress
            if (emulate_after(errno)) return copy_emulated(out_fd, in_fd, in_offset, length);
            return -1;
        }
        if (n == 0) break;  // end of input (or length 0)
        done += static_cast<std::size_t>(n);
        // a short transfer is retried: the next call says EOF, EAGAIN or continues
    } while (done < length);
    return static_cast<ssize_t>(done);
}

namespace detail {

// fields: fd = out_fd, fd2 = in_fd, offset = in_offset, length
void exec_sendfile(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    set_result(r, sys::sendfile(f.fd, f.fd2, f.offset, static_cast<std::size_t>(f.length)));
}

}  // namespace detail

request<std::size_t> sendfile(int out_fd, int in_fd, std::int64_t in_offset, std::size_t length,
                              callback<std::size_t> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::sendfile);
    r->fd = out_fd;
    r->fd2 = in_fd;
    r->offset = in_offset;
    r->length = length;
    return detail::submit(ctx, r, std::move(cb));
}

}  // namespace aio
