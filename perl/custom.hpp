// The two IO::AIO requests that are not aiopp operations, run as the
// library's internal custom step (a function executed on a worker):
//   aio_close  dup2 of a dead pipe over the descriptor, so the descriptor is
//              closed but its number stays taken until Perl closes the handle;
//   aio_slurp  open + read + close of a file as a single request.
// Both use private headers (src/ops): see docs/perl.md.
#pragma once

#include "glue.hpp"  // includes ops/fs_req.hpp and ops/submit.hpp before perl.h

namespace plaio {

inline aio::request<std::int64_t> custom_dup2(int from, int to) {
    auto* r = new aio::detail::custom_req;
    r->fn = [from, to](aio::detail::custom_req& c) {
        if (::dup2(from, to) < 0)
            c.fail(errno);
        else
            c.result = 0;
    };
    return aio::detail::submit<std::int64_t>(ctx(), r, {});
}

struct slurp_state {
    aio::path_arg path;
    std::int64_t offset = 0;
    std::uint64_t length = 0;
    char* buf = nullptr;  // the scalar's buffer when the length is known
    std::string data;     // otherwise the bytes read
};

inline std::string& slurp_buffer(preq* p) {
    return static_cast<slurp_state*>(p->ext)->data;
}

inline void slurp_run(slurp_state& st, aio::detail::custom_req& r) {
    int dirfd;
    const char* path;
    if (!aio::detail::resolve(r, st.path, dirfd, path)) return;
    int fd = aio::detail::retry_eintr([&] { return ::openat(dirfd, path, O_RDONLY | O_CLOEXEC); });
    if (fd < 0) return r.fail(errno);
    std::int64_t off = st.offset;
    std::uint64_t len = st.length;
    if (off < 0 || len == 0) {
        struct stat sb;
        if (::fstat(fd, &sb) < 0) {
            int e = errno;
            ::close(fd);
            return r.fail(e);
        }
        if (off < 0) off += sb.st_size;
        if (len == 0) len = sb.st_size > off ? static_cast<std::uint64_t>(sb.st_size - off) : 0;
    }
    char* dst = st.buf;
    if (!dst) {
        try {
            st.data.resize(len);
        } catch (const std::exception&) {
            ::close(fd);
            return r.fail(ENOMEM);
        }
        dst = st.data.data();
    }
    std::uint64_t done = 0;
    int err = 0;
    while (done < len) {
        ssize_t n = ::pread(fd, dst + done, len - done, off + static_cast<std::int64_t>(done));
        if (n < 0) {
            if (errno == EINTR) continue;
            err = errno;
            break;
        }
        if (n == 0) break;
        done += static_cast<std::uint64_t>(n);
    }
    ::close(fd);
    if (err) return r.fail(err);
    if (!st.buf) st.data.resize(done);
    r.result = static_cast<std::int64_t>(done);
}

/// Read [offset, offset+length) of path (offset < 0: from the end; length 0:
/// to the end) into buf, or into the request's own buffer when buf is null.
inline aio::request<std::int64_t> custom_slurp(aio::path_arg path, std::int64_t offset,
                                               std::uint64_t length, char* buf, preq* p) {
    auto* st = new slurp_state{std::move(path), offset, length, buf, {}};
    p->ext = st;
    p->ext_free = [](void* s) { delete static_cast<slurp_state*>(s); };
    auto* r = new aio::detail::custom_req;
    r->fn = [st](aio::detail::custom_req& c) { slurp_run(*st, c); };
    return aio::detail::submit<std::int64_t>(ctx(), r, {});
}

}  // namespace plaio
