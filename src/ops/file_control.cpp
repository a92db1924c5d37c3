// Control: fcntl, ioctl, fallocate and FIEMAP.
//
// fiemap asks the kernel for extents in chunks of a few hundred and continues
// after the last one returned, so that "all extents" (count nullopt) works on
// files with any number of extents and bounded memory (IO::AIO works around
// kernels that return only part of a large extent list the same way).
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

#include "ops/exec.hpp"
#include "ops/fs_req.hpp"
#include "ops/submit.hpp"

namespace aio {

namespace detail {

namespace {

fs_req* new_fd_req(op o, int fd) {
    auto* r = new fs_req(o);
    r->fd = fd;
    return r;
}

constexpr std::uint64_t fiemap_whole = FIEMAP_MAX_OFFSET;
constexpr std::uint32_t fiemap_chunk = 256;  // extents per ioctl

// One FS_IOC_FIEMAP call for up to `n` extents of [start, start+length);
// appends them to out. Returns the number mapped (extents appended, or with
// n == 0 the number the kernel counted), or -1 with errno.
long fiemap_call(int fd, std::uint64_t start, std::uint64_t length, std::uint32_t flags,
                 std::uint32_t n, std::vector<extent>& out, std::vector<unsigned char>& buf) {
    buf.assign(sizeof(::fiemap) + std::size_t{n} * sizeof(::fiemap_extent), 0);
    auto* fm = reinterpret_cast<::fiemap*>(buf.data());
    fm->fm_start = start;
    fm->fm_length = length;
    fm->fm_flags = flags;
    fm->fm_extent_count = n;
    if (retry_eintr([&] { return ::ioctl(fd, FS_IOC_FIEMAP, fm); }) < 0) return -1;
    std::uint32_t got = n ? std::min(fm->fm_mapped_extents, n) : fm->fm_mapped_extents;
    if (n)
        for (std::uint32_t i = 0; i < got; ++i) {
            const ::fiemap_extent& e = fm->fm_extents[i];
            out.push_back({e.fe_logical, e.fe_physical, e.fe_length, e.fe_flags});
        }
    return got;
}

// All extents of the range (count nullopt), or at most `max` of them.
// FIEMAP_FLAG_SYNC is only needed on the first call.
int fiemap_collect(fs_req& f, fiemap_t& res) {
    std::uint64_t start = static_cast<std::uint64_t>(f.offset);
    std::uint64_t len = f.opt_length.value_or(fiemap_whole);
    // end of the range; "to the end of the file" stays open-ended
    std::uint64_t end = len >= fiemap_whole - start ? fiemap_whole : start + len;
    bool bounded = f.opt_count.has_value();
    std::uint64_t left = bounded ? *f.opt_count : std::numeric_limits<std::uint64_t>::max();
    auto flags = static_cast<std::uint32_t>(f.flags);
    std::vector<unsigned char> buf;
    std::uint64_t pos = start;
    for (;;) {  // at least one call, so that the kernel checks the arguments
        auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(left, fiemap_chunk));
        std::uint64_t span = end == fiemap_whole ? fiemap_whole : end - pos;
        long got = fiemap_call(f.fd, pos, span, flags, n, res.extents, buf);
        if (got < 0) return -1;
        flags &= ~static_cast<std::uint32_t>(FIEMAP_FLAG_SYNC);
        if (got == 0) break;
        left -= static_cast<std::uint64_t>(got);
        const extent& last = res.extents.back();
        if ((last.flags & FIEMAP_EXTENT_LAST) || left == 0) break;
        std::uint64_t next = last.logical + last.length;
        if (next <= pos || next >= end) break;  // no progress, or the range is covered
        pos = next;
    }
    res.count = res.extents.size();
    return 0;
}

}  // namespace

// fields: fd, cmd, arg (integer) or buf (pointer)
void exec_fcntl(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    set_result(r, retry_eintr([&] { return ::fcntl(f.fd, static_cast<int>(f.cmd), f.arg); }));
}

void exec_fcntl_ptr(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    set_result(r, retry_eintr([&] { return ::fcntl(f.fd, static_cast<int>(f.cmd), f.buf); }));
}

void exec_ioctl(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    set_result(r, retry_eintr([&] { return ::ioctl(f.fd, f.cmd, f.buf); }));
}

// fields: fd, flags = mode, offset, length. No emulation: a filesystem
// without the mode says EOPNOTSUPP, a kernel without fallocate ENOSYS.
void exec_allocate(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    set_result(r, retry_eintr([&] {
                   return ::fallocate(f.fd, f.flags, f.offset, static_cast<off_t>(f.length));
               }));
}

// fields: fd, offset = start, opt_length, flags, opt_count; result in out.
void exec_fiemap(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    try {
        fiemap_t res;
        if (f.opt_count == 0u) {
            std::vector<unsigned char> buf;
            long n = fiemap_call(f.fd, static_cast<std::uint64_t>(f.offset),
                                 f.opt_length.value_or(fiemap_whole),
                                 static_cast<std::uint32_t>(f.flags), 0, res.extents, buf);
            if (n < 0) return set_result(r, -1);
            res.count = static_cast<std::size_t>(n);
        } else if (fiemap_collect(f, res) < 0) {
            return set_result(r, -1);
        }
        r.result = static_cast<std::int64_t>(res.count);
        r.err = 0;
        f.out = std::move(res);
    } catch (const std::bad_alloc&) {
        r.fail(ENOMEM);
    }
}

}  // namespace detail

request<int> fcntl(int fd, int cmd, long arg, callback<int> cb, context& ctx) {
    auto* r = detail::new_fd_req(detail::op::fcntl, fd);
    r->cmd = static_cast<unsigned long>(cmd);
    r->arg = arg;
    return detail::submit(ctx, r, std::move(cb));
}

request<int> fcntl(int fd, int cmd, void* arg, callback<int> cb, context& ctx) {
    auto* r = detail::new_fd_req(detail::op::fcntl_ptr, fd);
    r->cmd = static_cast<unsigned long>(cmd);
    r->buf = arg;
    return detail::submit(ctx, r, std::move(cb));
}

request<int> ioctl(int fd, unsigned long request, void* arg, callback<int> cb, context& ctx) {
    auto* r = detail::new_fd_req(detail::op::ioctl, fd);
    r->cmd = request;
    r->buf = arg;
    return detail::submit(ctx, r, std::move(cb));
}

request<void> allocate(int fd, int mode, std::int64_t offset, std::int64_t length,
                       callback<void> cb, context& ctx) {
    auto* r = detail::new_fd_req(detail::op::allocate, fd);
    r->flags = mode;
    r->offset = offset;
    r->length = static_cast<std::uint64_t>(length);
    return detail::submit(ctx, r, std::move(cb));
}

request<fiemap_t> fiemap(int fd, std::uint64_t start, std::optional<std::uint64_t> length,
                         std::uint32_t flags, std::optional<std::uint32_t> count,
                         callback<fiemap_t> cb, context& ctx) {
    auto* r = detail::new_fd_req(detail::op::fiemap, fd);
    r->offset = static_cast<std::int64_t>(start);
    r->opt_length = length;
    r->flags = static_cast<int>(flags);
    r->opt_count = count;
    return detail::submit(ctx, r, std::move(cb));
}

}  // namespace aio
