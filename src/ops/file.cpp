// Descriptors: open, close, seek, read, write, readahead.
//
// read and write come in two shapes: into / from a caller-owned buffer, and
// with a std::string moved into the request and handed back in the result
// (IO::AIO's $data scalar). Both run one read(2)/pread(2) or write(2)/
// pwrite(2): offset nullopt uses and moves the descriptor's position, an
// explicit offset leaves it alone.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <memory>
#include <new>
#include <stdexcept>

#include "ops/exec.hpp"
#include "ops/fs_req.hpp"
#include "ops/submit.hpp"

namespace aio {

namespace detail {

namespace {

constexpr std::size_t max_io = static_cast<std::size_t>(SSIZE_MAX);

ssize_t do_read(int fd, bool at_position, std::int64_t offset, void* buf, std::size_t len) {
    return retry_eintr(
        [&] { return at_position ? ::read(fd, buf, len) : ::pread(fd, buf, len, offset); });
}

ssize_t do_write(int fd, bool at_position, std::int64_t offset, const void* buf, std::size_t len) {
    return retry_eintr(
        [&] { return at_position ? ::write(fd, buf, len) : ::pwrite(fd, buf, len, offset); });
}

// Owning read: grow data to dataoffset + length, read into it, then shrink it
// to dataoffset + bytes read (IO::AIO: "like sysread").
void read_owned(fs_req& f) noexcept {
    auto doff = static_cast<std::size_t>(f.dataoffset);
    auto len = static_cast<std::size_t>(f.length);
    try {
        f.data.resize(doff + len);
    } catch (const std::exception&) {  // bad_alloc, length_error
        return f.fail(ENOMEM);
    }
    ssize_t n = do_read(f.fd, f.at_position, f.offset, f.data.data() + doff, len);
    f.data.resize(doff + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    set_result(f, n);
}

// Where a dataoffset (negative: from the end) points into a buffer of size
// `size`; -1 when outside it. The end itself is inside (an empty range).
std::int64_t data_position(std::int64_t dataoffset, std::size_t size) noexcept {
    auto sz = static_cast<std::int64_t>(size);
    if (dataoffset < 0) dataoffset += sz;
    return dataoffset < 0 || dataoffset > sz ? -1 : dataoffset;
}

fs_req* new_io(op o, int fd, offset_t offset) {
    auto* r = new fs_req(o);
    r->fd = fd;
    r->at_position = !offset.has_value();
    r->offset = offset.value_or(0);
    return r;
}

}  // namespace

// fields: path, flags, mode
void exec_open(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    set_result(r, retry_eintr([&] { return ::openat(dirfd, path, f.flags, f.mode); }));
}

// fields: fd. Never retried: the descriptor is gone even when close says EINTR.
void exec_close(req& r) noexcept {
    set_result(r, ::close(static_cast<fs_req&>(r).fd));
}

// fields: fd, offset, flags = whence
void exec_seek(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    set_result(r, ::lseek(f.fd, f.offset, f.flags));
}

// fields: fd, offset / at_position, length; buf (caller's) or data + dataoffset
void exec_read(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    if (f.owned_buffer) return read_owned(f);
    set_result(r, do_read(f.fd, f.at_position, f.offset, f.buf, f.length));
}

void exec_write(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    const void* buf = f.owned_buffer ? f.data.data() + f.dataoffset : f.buf;
    set_result(r, do_write(f.fd, f.at_position, f.offset, buf, f.length));
}

// fields: fd, offset, length. Where readahead(2) is missing, reading the range
// into a scratch buffer has the same effect on the page cache.
void exec_readahead(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    if (::readahead(f.fd, f.offset, f.length) == 0) return set_result(r, 0);
    if (errno != ENOSYS) return set_result(r, -1);
    constexpr std::size_t scratch = 64 * 1024;
    std::unique_ptr<char[]> buf(new (std::nothrow) char[scratch]);
    if (!buf) return r.fail(ENOMEM);
    std::int64_t off = f.offset;
    for (std::uint64_t todo = f.length; todo > 0;) {
        auto want = static_cast<std::size_t>(std::min<std::uint64_t>(todo, scratch));
        ssize_t n = retry_eintr([&] { return ::pread(f.fd, buf.get(), want, off); });
        if (n < 0) return set_result(r, -1);
        if (n == 0) break;
        off += n;
        todo -= static_cast<std::uint64_t>(n);
    }
    set_result(r, 0);
}

}  // namespace detail

request<int> open(path_arg path, int flags, mode_t mode, callback<int> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::open);
    r->path = std::move(path);
    r->flags = flags;
    r->mode = mode;
    return detail::submit(ctx, r, std::move(cb));
}

request<void> close(int fd, callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::close);
    r->fd = fd;
    return detail::submit(ctx, r, std::move(cb));
}

request<std::int64_t> seek(int fd, std::int64_t offset, int whence, callback<std::int64_t> cb,
                           context& ctx) {
    auto* r = new detail::fs_req(detail::op::seek);
    r->fd = fd;
    r->offset = offset;
    r->flags = whence;
    return detail::submit(ctx, r, std::move(cb));
}

request<std::size_t> read(int fd, offset_t offset, void* buf, std::size_t length,
                          callback<std::size_t> cb, context& ctx) {
    auto* r = detail::new_io(detail::op::read, fd, offset);
    r->buf = buf;
    r->length = length;
    if (length > detail::max_io)
        detail::preset_error(*r, EINVAL);
    else if (!buf && length)
        detail::preset_error(*r, EFAULT);
    return detail::submit(ctx, r, std::move(cb));
}

request<std::size_t> write(int fd, offset_t offset, const void* buf, std::size_t length,
                           callback<std::size_t> cb, context& ctx) {
    auto* r = detail::new_io(detail::op::write, fd, offset);
    r->buf = const_cast<void*>(buf);  // only ever read from
    r->length = length;
    if (length > detail::max_io)
        detail::preset_error(*r, EINVAL);
    else if (!buf && length)
        detail::preset_error(*r, EFAULT);
    return detail::submit(ctx, r, std::move(cb));
}

request<io_data> read(int fd, offset_t offset, std::size_t length, std::string data,
                      std::int64_t dataoffset, callback<io_data> cb, context& ctx) {
    auto* r = detail::new_io(detail::op::read, fd, offset);
    r->owned_buffer = true;
    r->length = length;
    r->dataoffset = detail::data_position(dataoffset, data.size());
    r->data = std::move(data);
    if (length > detail::max_io || r->dataoffset < 0) detail::preset_error(*r, EINVAL);
    return detail::submit(ctx, r, std::move(cb));
}

request<io_data> write(int fd, offset_t offset, std::optional<std::size_t> length, std::string data,
                       std::int64_t dataoffset, callback<io_data> cb, context& ctx) {
    auto* r = detail::new_io(detail::op::write, fd, offset);
    r->owned_buffer = true;
    r->dataoffset = detail::data_position(dataoffset, data.size());
    std::size_t avail =
        r->dataoffset < 0 ? 0 : data.size() - static_cast<std::size_t>(r->dataoffset);
    r->length = length.value_or(avail);
    r->data = std::move(data);
    if (r->dataoffset < 0 || r->length > avail || r->length > detail::max_io) {
        r->dataoffset = 0;  // never used: the request is failed
        detail::preset_error(*r, EINVAL);
    }
    return detail::submit(ctx, r, std::move(cb));
}

request<void> readahead(int fd, std::int64_t offset, std::size_t length, callback<void> cb,
                        context& ctx) {
    auto* r = detail::new_io(detail::op::readahead, fd, offset);
    r->length = length;
    return detail::submit(ctx, r, std::move(cb));
}

}  // namespace aio
