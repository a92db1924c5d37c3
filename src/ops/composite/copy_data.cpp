// The data loop and the metadata helpers behind copy and cptree (see
// copy_common.hpp). Runs on workers only.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "aio/sys_sendfile.hpp"
#include "ops/composite/copy_common.hpp"
#include "ops/fs_req.hpp"

namespace aio::detail::cp {

namespace {

// Bytes per copy_file_range / sendfile call: large enough to cost nothing,
// small enough to notice cancellation of a huge copy within a second or so.
constexpr std::uint64_t kChunk = 64u << 20;

// copy_file_range's ways of saying "not for these two descriptors".
bool cfr_unsupported(int e) noexcept {
    return e == EXDEV || e == EINVAL || e == EOPNOTSUPP || e == ENOTSUP || e == ENOSYS ||
           e == EBADF;
}

// Errors of a combined read+write call that concern the destination.
bool dst_error(int e) noexcept {
    return e == ENOSPC || e == EDQUOT || e == EFBIG || e == EROFS;
}

bool cancelled(const data_progress& p) noexcept {
    return p.cancelled && p.cancelled->load(std::memory_order_relaxed);
}

void count(const data_progress& p, std::uint64_t n) noexcept {
    if (p.bytes) p.bytes->fetch_add(n, std::memory_order_relaxed);
}

// Copy [off, off + len) of src to the same offsets in dst. Sets *eof to the
// offset where the source ended early, if it did.
bool copy_range(int src, int dst, std::uint64_t off, std::uint64_t len, caps& c, bool& use_cfr,
                const data_progress& p, std::uint64_t* eof, failure& f) noexcept {
    std::uint64_t done = 0;
    while (done < len) {
        if (cancelled(p)) return fail(f, ECANCELED, "copy", true);
        std::size_t want = static_cast<std::size_t>(std::min(len - done, kChunk));
        loff_t pos = static_cast<loff_t>(off + done);
        if (use_cfr) {
            loff_t in = pos, out = pos;
            ssize_t n =
                retry_eintr([&] { return ::copy_file_range(src, &in, dst, &out, want, 0); });
            if (n > 0) {
                done += static_cast<std::uint64_t>(n);
                count(p, static_cast<std::uint64_t>(n));
                continue;
            }
            if (n == 0) {
                *eof = off + done;
                return true;
            }
            int e = errno;
            if (!cfr_unsupported(e)) return fail(f, e, "copy_file_range", dst_error(e));
            use_cfr = false;
            if (e == ENOSYS || e == EOPNOTSUPP || e == ENOTSUP || e == EXDEV)
                c.no_cfr.store(true, std::memory_order_relaxed);
        }
        // sendfile (or its read/write emulation) writes at dst's position.
        if (::lseek(dst, pos, SEEK_SET) < 0) return fail(f, errno, "lseek", true);
        ssize_t n = sys::sendfile(dst, src, pos, want);
        if (n < 0) {
            int e = errno;
            return fail(f, e, dst_error(e) ? "write" : "read", dst_error(e));
        }
        if (n == 0) {
            *eof = off + done;
            return true;
        }
        done += static_cast<std::uint64_t>(n);
        count(p, static_cast<std::uint64_t>(n));
    }
    return true;
}

// The data ranges of a sparse file, copied one by one; holes are skipped
// and re-created by the final ftruncate.
bool copy_sparse(int src, int dst, std::uint64_t size, caps& c, bool& use_cfr,
                 const data_progress& p, failure& f) noexcept {
    std::uint64_t off = 0, end = size;
    while (off < size) {
        off_t d = ::lseek(src, static_cast<off_t>(off), SEEK_DATA);
        if (d < 0) {
            if (errno == ENXIO) break;  // only a hole is left
            // no SEEK_DATA here: the rest is data
            d = static_cast<off_t>(off);
        }
        if (static_cast<std::uint64_t>(d) >= size) break;
        off_t h = ::lseek(src, d, SEEK_HOLE);
        std::uint64_t stop =
            h < 0 ? size : std::min<std::uint64_t>(static_cast<std::uint64_t>(h), size);
        if (stop <= static_cast<std::uint64_t>(d)) stop = size;
        std::uint64_t eof = ~std::uint64_t{0};
        if (!copy_range(src, dst, static_cast<std::uint64_t>(d),
                        stop - static_cast<std::uint64_t>(d), c, use_cfr, p, &eof, f))
            return false;
        if (eof != ~std::uint64_t{0}) {
            end = eof;
            break;
        }
        off = stop;
    }
    if (retry_eintr([&] { return ::ftruncate(dst, static_cast<off_t>(end)); }) < 0)
        return fail(f, errno, "ftruncate", true);
    return true;
}

bool try_clone(int src, int dst, caps& c) noexcept {
    if (c.no_clone.load(std::memory_order_relaxed)) return false;
    if (::ioctl(dst, FICLONE, src) == 0) return true;
    int e = errno;
    if (e == EOPNOTSUPP || e == ENOTTY || e == EXDEV || e == EINVAL || e == ENOSYS || e == ENOTSUP)
        c.no_clone.store(true, std::memory_order_relaxed);
    return false;
}

}  // namespace

meta to_meta(const struct stat& st) noexcept {
    meta m;
    m.mode = st.st_mode;
    m.uid = st.st_uid;
    m.gid = st.st_gid;
    m.nlink = st.st_nlink;
    m.size = st.st_size;
    m.blocks = st.st_blocks;
    m.dev = st.st_dev;
    m.ino = st.st_ino;
    m.rdev = st.st_rdev;
    m.atime = st.st_atim;
    m.mtime = st.st_mtim;
    return m;
}

bool copy_data(int src, int dst, const meta& m, caps& c, const data_progress& p,
               failure& f) noexcept {
    if (m.size <= 0) return true;
    auto size = static_cast<std::uint64_t>(m.size);
    if (try_clone(src, dst, c)) {
        count(p, size);
        return true;
    }
    bool use_cfr = !c.no_cfr.load(std::memory_order_relaxed);
    if (static_cast<std::uint64_t>(m.blocks) * 512 < size)
        return copy_sparse(src, dst, size, c, use_cfr, p, f);
    std::uint64_t eof = ~std::uint64_t{0};
    return copy_range(src, dst, 0, size, c, use_cfr, p, &eof, f);
}

// ---- extended attributes -----------------------------------------------------------

namespace {

struct fd_side {
    int fd;
    ssize_t list(char* b, std::size_t n) const noexcept { return ::flistxattr(fd, b, n); }
    ssize_t get(const char* k, void* b, std::size_t n) const noexcept {
        return ::fgetxattr(fd, k, b, n);
    }
    int set(const char* k, const void* b, std::size_t n) const noexcept {
        return ::fsetxattr(fd, k, b, n, 0);
    }
};

struct path_side {
    const char* path;
    ssize_t list(char* b, std::size_t n) const noexcept { return ::llistxattr(path, b, n); }
    ssize_t get(const char* k, void* b, std::size_t n) const noexcept {
        return ::lgetxattr(path, k, b, n);
    }
    int set(const char* k, const void* b, std::size_t n) const noexcept {
        return ::lsetxattr(path, k, b, n, 0);
    }
};

bool no_xattr_support(int e) noexcept {
    return e == ENOTSUP || e == EOPNOTSUPP || e == ENOSYS;
}

// Read a size-then-fill xattr call into buf, retrying while it grows.
template <class F>
ssize_t fill(std::vector<char>& buf, F&& call) {
    for (;;) {
        ssize_t n = call(nullptr, 0);
        if (n <= 0) return n;
        buf.resize(static_cast<std::size_t>(n));
        n = call(buf.data(), buf.size());
        if (n >= 0 || errno != ERANGE) return n;
    }
}

template <class S, class D>
bool copy_xattrs_impl(const S& src, const D& dst, failure& f) noexcept {
    try {
        std::vector<char> names, value;
        ssize_t n = fill(names, [&](char* b, std::size_t sz) { return src.list(b, sz); });
        if (n < 0) {
            if (no_xattr_support(errno)) return true;
            return fail(f, errno, "listxattr", false);
        }
        for (std::size_t i = 0; i < static_cast<std::size_t>(n);) {
            const char* name = names.data() + i;
            i += std::strlen(name) + 1;
            ssize_t v = fill(value, [&](char* b, std::size_t sz) { return src.get(name, b, sz); });
            if (v < 0) {
                if (errno == ENODATA) continue;  // removed since the listing
                return fail(f, errno, "getxattr", false);
            }
            if (dst.set(name, value.data(), static_cast<std::size_t>(v)) < 0) {
                int e = errno;
                if (no_xattr_support(e) || e == EPERM || e == EACCES) continue;
                return fail(f, e, "setxattr", true);
            }
        }
        return true;
    } catch (const std::bad_alloc&) {
        return fail(f, ENOMEM, "listxattr", false);
    }
}

}  // namespace

bool copy_xattrs(int src, int dst, failure& f) noexcept {
    return copy_xattrs_impl(fd_side{src}, fd_side{dst}, f);
}

bool copy_xattrs(const char* src, const char* dst, failure& f) noexcept {
    return copy_xattrs_impl(path_side{src}, path_side{dst}, f);
}

// ---- owner, mode, times ------------------------------------------------------------------

namespace {

bool ignorable_chown(int e) noexcept {
    return e == EPERM || e == EINVAL;
}

}  // namespace

bool apply_meta_fd(int dst, const meta& m, bool chown, bool chmod, int xattrs_from,
                   failure& f) noexcept {
    if (chown && ::fchown(dst, m.uid, m.gid) < 0 && !ignorable_chown(errno))
        return fail(f, errno, "chown", true);
    if (xattrs_from >= 0 && !copy_xattrs(xattrs_from, dst, f)) return false;
    if (chmod && ::fchmod(dst, m.mode & 07777) < 0) return fail(f, errno, "chmod", true);
    timespec ts[2] = {m.atime, m.mtime};
    if (::futimens(dst, ts) < 0) return fail(f, errno, "utimensat", true);
    return true;
}

bool apply_meta_at(int dirfd, const char* name, const meta& m, bool chown, const char* xattr_src,
                   const char* dst_path, failure& f) noexcept {
    if (chown && ::fchownat(dirfd, name, m.uid, m.gid, AT_SYMLINK_NOFOLLOW) < 0 &&
        !ignorable_chown(errno))
        return fail(f, errno, "chown", true);
    if (xattr_src && !copy_xattrs(xattr_src, dst_path, f)) return false;
    if (!S_ISLNK(m.mode) && ::fchmodat(dirfd, name, m.mode & 07777, 0) < 0)
        return fail(f, errno, "chmod", true);
    timespec ts[2] = {m.atime, m.mtime};
    if (::utimensat(dirfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
        return fail(f, errno, "utimensat", true);
    return true;
}

int open_source(int dirfd, const char* name, int flags, caps& c) noexcept {
    if (!c.no_noatime.load(std::memory_order_relaxed)) {
        int fd = retry_eintr([&] { return ::openat(dirfd, name, flags | O_NOATIME); });
        if (fd >= 0 || errno != EPERM) return fd;
        c.no_noatime.store(true, std::memory_order_relaxed);
    }
    return retry_eintr([&] { return ::openat(dirfd, name, flags); });
}

at_path::at_path(int dirfd, const char* name) noexcept : p_(buf_) {
    if (dirfd == AT_FDCWD || name[0] == '/') {
        p_ = name;
        return;
    }
    int n = std::snprintf(buf_, sizeof buf_, "/proc/self/fd/%d/%s", dirfd, name);
    if (n < 0 || static_cast<std::size_t>(n) >= sizeof buf_) buf_[0] = '\0';  // calls fail ENOENT
}

}  // namespace aio::detail::cp
