// Sync: sync, syncfs, fsync, fdatasync, sync_file_range — with IO::AIO's
// fallbacks for kernels or descriptors that lack the finer-grained calls.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "ops/exec.hpp"
#include "ops/fs_req.hpp"
#include "ops/submit.hpp"

namespace aio {

namespace detail {

namespace {

// fdatasync(2), or fsync(2) where it is missing (ENOSYS) or refused for this
// kind of descriptor (EINVAL).
int data_sync(int fd) noexcept {
    int rc = retry_eintr([&] { return ::fdatasync(fd); });
    if (rc < 0 && (errno == ENOSYS || errno == EINVAL))
        rc = retry_eintr([&] { return ::fsync(fd); });
    return rc;
}

fs_req* new_fd_req(op o, int fd) {
    auto* r = new fs_req(o);
    r->fd = fd;
    return r;
}

}  // namespace

void exec_sync(req& r) noexcept {
    ::sync();
    set_result(r, 0);
}

// Without syncfs(2) everything is synced, and the caller still learns (ENOSYS)
// that more than its filesystem was.
void exec_syncfs(req& r) noexcept {
    int rc = retry_eintr([&] { return ::syncfs(static_cast<fs_req&>(r).fd); });
    if (rc < 0 && errno == ENOSYS) {
        ::sync();
        errno = ENOSYS;
    }
    set_result(r, rc);
}

void exec_fsync(req& r) noexcept {
    set_result(r, retry_eintr([&] { return ::fsync(static_cast<fs_req&>(r).fd); }));
}

void exec_fdatasync(req& r) noexcept {
    set_result(r, data_sync(static_cast<fs_req&>(r).fd));
}

// fields: fd, offset, length = nbytes, flags. Falls back to fdatasync when the
// kernel lacks sync_file_range(2).
void exec_sync_file_range(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int rc = retry_eintr([&] {
        return ::sync_file_range(f.fd, f.offset, static_cast<off_t>(f.length),
                                 static_cast<unsigned>(f.flags));
    });
    if (rc < 0 && errno == ENOSYS) rc = data_sync(f.fd);
    set_result(r, rc);
}

}  // namespace detail

request<void> sync(callback<void> cb, context& ctx) {
    return detail::submit(ctx, new detail::fs_req(detail::op::sync), std::move(cb));
}

request<void> syncfs(int fd, callback<void> cb, context& ctx) {
    return detail::submit(ctx, detail::new_fd_req(detail::op::syncfs, fd), std::move(cb));
}

request<void> fsync(int fd, callback<void> cb, context& ctx) {
    return detail::submit(ctx, detail::new_fd_req(detail::op::fsync, fd), std::move(cb));
}

request<void> fdatasync(int fd, callback<void> cb, context& ctx) {
    return detail::submit(ctx, detail::new_fd_req(detail::op::fdatasync, fd), std::move(cb));
}

request<void> sync_file_range(int fd, std::int64_t offset, std::int64_t nbytes, unsigned flags,
                              callback<void> cb, context& ctx) {
    auto* r = detail::new_fd_req(detail::op::sync_file_range, fd);
    r->offset = offset;
    r->length = static_cast<std::uint64_t>(nbytes);
    r->flags = static_cast<int>(flags);
    return detail::submit(ctx, r, std::move(cb));
}

}  // namespace aio
