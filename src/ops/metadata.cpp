// Status and attributes: stat / lstat / fstat (statx, falling back to
// fstatat), statvfs, utime, chown, chmod, truncate.
//
// Every path goes through resolve() and an *at syscall on the wd's
// descriptor. Two calls have no *at form; how they are done for a
// (wd, relative) path:
//   statvfs   openat(O_PATH) the path, then fstatvfs the descriptor (an
//             O_PATH open never opens the object itself: no FIFO blocks, no
//             device driver runs).
//   truncate  openat(O_PATH) the path, then truncate("/proc/self/fd/N"):
//             the kernel follows the magic link, checks write permission on
//             the inode like truncate(2) and gives truncate(2)'s errors
//             (EISDIR, EINVAL for a FIFO). Without /proc: truncate of the
//             wd's recorded absolute path + "/" + path.
// Plain and absolute paths use the path syscalls (statvfs, truncate)
// directly.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <string>

#include "ops/exec.hpp"
#include "ops/fs_req.hpp"
#include "ops/submit.hpp"

namespace aio {

bool stat_t::has_btime() const noexcept {
    return (mask & STATX_BTIME) != 0;
}
bool stat_t::is_dir() const noexcept {
    return S_ISDIR(mode);
}
bool stat_t::is_reg() const noexcept {
    return S_ISREG(mode);
}
bool stat_t::is_lnk() const noexcept {
    return S_ISLNK(mode);
}

namespace detail {

namespace {

// Set once statx(2) turned out to be missing (ENOSYS) or filtered away
// (EPERM from a seccomp policy while fstatat works): from then on every stat
// goes straight to fstatat. Relaxed is enough: a stale false only costs one
// more failed statx.
std::atomic<bool> g_no_statx{false};

// The statx system call itself: glibc's statx() emulates a missing syscall
// with fstatat on every call (two syscalls each time); going direct lets us
// see ENOSYS once and remember it.
int sys_statx(int dirfd, const char* path, int flags, unsigned mask, struct statx* x) noexcept {
    return static_cast<int>(::syscall(SYS_statx, dirfd, path, flags, mask, x));
}

file_time to_time(const statx_timestamp& t) noexcept {
    return {t.tv_sec, t.tv_nsec};
}
file_time to_time(const timespec& t) noexcept {
    return {t.tv_sec, static_cast<std::uint32_t>(t.tv_nsec)};
}

void fill(stat_t& s, const struct stat& st) noexcept {
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.mode = st.st_mode;
    s.nlink = st.st_nlink;
    s.uid = st.st_uid;
    s.gid = st.st_gid;
    s.rdev = st.st_rdev;
    s.size = st.st_size;
    s.blksize = st.st_blksize;
    s.blocks = st.st_blocks;
    s.atime = to_time(st.st_atim);
    s.mtime = to_time(st.st_mtim);
    s.ctime = to_time(st.st_ctim);
    s.mask = STATX_BASIC_STATS;
}

// One stat of (dirfd, path) with fstatat flags: statx first, fstatat when
// statx is unavailable. AT_NO_AUTOMOUNT because stat(2) and lstat(2)
// never trigger an automount either.
void do_stat(fs_req& f, int dirfd, const char* path, int flags) noexcept {
    stat_t s;
    if (!g_no_statx.load(std::memory_order_relaxed)) {
        struct statx x;
        int rc = retry_eintr([&] {
            return sys_statx(dirfd, path, flags | AT_NO_AUTOMOUNT | AT_STATX_SYNC_AS_STAT,
                             STATX_BASIC_STATS | STATX_BTIME, &x);
        });
        if (rc == 0) {
            fill_stat(s, x);
            f.out = s;
            return set_result(f, 0);
        }
        if (errno != ENOSYS && errno != EPERM) return set_result(f, -1);
    }
    int statx_errno = errno;
    struct stat st;
    int rc = retry_eintr([&] { return ::fstatat(dirfd, path, &st, flags | AT_NO_AUTOMOUNT); });
    if (rc < 0) return set_result(f, -1);
    // statx failed but fstatat worked: statx is missing or filtered.
    if (!g_no_statx.load(std::memory_order_relaxed) &&
        (statx_errno == ENOSYS || statx_errno == EPERM))
        g_no_statx.store(true, std::memory_order_relaxed);
    fill(s, st);
    f.out = s;
    set_result(f, 0);
}

void stat_path(req& r, int flags) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    do_stat(f, dirfd, path, flags);
}

void fill(statvfs_t& o, const struct statvfs& v) noexcept {
    o.bsize = v.f_bsize;
    o.frsize = v.f_frsize;
    o.blocks = v.f_blocks;
    o.bfree = v.f_bfree;
    o.bavail = v.f_bavail;
    o.files = v.f_files;
    o.ffree = v.f_ffree;
    o.favail = v.f_favail;
    o.fsid = v.f_fsid;
    o.flag = v.f_flag;
    o.namemax = v.f_namemax;
}

// An O_PATH descriptor for (dirfd, path), following a final symlink like
// the path syscalls do. Opens nothing: safe on FIFOs and devices.
int open_path(int dirfd, const char* path) noexcept {
    return retry_eintr([&] { return ::openat(dirfd, path, O_PATH | O_CLOEXEC); });
}

// close() that keeps errno (the result of the call before it).
void close_keep_errno(int fd) noexcept {
    int e = errno;
    ::close(fd);
    errno = e;
}

timespec to_timespec(const std::optional<file_time>& t) noexcept {
    timespec ts{};
    if (!t) {
        ts.tv_nsec = UTIME_OMIT;
        return ts;
    }
    ts.tv_sec = static_cast<time_t>(t->sec);
    ts.tv_nsec = static_cast<long>(t->nsec);
    return ts;
}

// utimensat's times argument: null (both now) when both are nullopt.
const timespec* make_times(const fs_req& f, timespec (&ts)[2]) noexcept {
    if (!f.atime && !f.mtime) return nullptr;
    ts[0] = to_timespec(f.atime);
    ts[1] = to_timespec(f.mtime);
    return ts;
}

long long truncate_at(const fs_req& f, int dirfd, const char* path) noexcept {
    if (dirfd == AT_FDCWD)
        return retry_eintr([&] { return ::truncate(path, static_cast<off_t>(f.offset)); });
    int fd = open_path(dirfd, path);
    if (fd < 0) return -1;
    char proc[40];
    std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    int rc = retry_eintr([&] { return ::truncate(proc, static_cast<off_t>(f.offset)); });
    if (rc < 0 && errno == ENOENT && ::access("/proc/self/fd", F_OK) != 0) {
        // No /proc: fall back to the wd's recorded absolute path.
        try {
            std::string abs = f.path.dir.path() + "/" + path;
            rc = retry_eintr([&] { return ::truncate(abs.c_str(), static_cast<off_t>(f.offset)); });
        } catch (const std::bad_alloc&) {
            errno = ENOMEM;
            rc = -1;
        }
    }
    close_keep_errno(fd);
    return rc;
}

}  // namespace

void fill_stat(stat_t& s, const struct statx& x) noexcept {
    s.dev = makedev(x.stx_dev_major, x.stx_dev_minor);
    s.ino = x.stx_ino;
    s.mode = x.stx_mode;
    s.nlink = x.stx_nlink;
    s.uid = x.stx_uid;
    s.gid = x.stx_gid;
    s.rdev = makedev(x.stx_rdev_major, x.stx_rdev_minor);
    s.size = static_cast<std::int64_t>(x.stx_size);
    s.blksize = x.stx_blksize;
    s.blocks = static_cast<std::int64_t>(x.stx_blocks);
    s.atime = to_time(x.stx_atime);
    s.mtime = to_time(x.stx_mtime);
    s.ctime = to_time(x.stx_ctime);
    if (x.stx_mask & STATX_BTIME) s.btime = to_time(x.stx_btime);
    s.mask = x.stx_mask;
    s.attributes = x.stx_attributes;
    s.attributes_mask = x.stx_attributes_mask;
}

// ---- executors ----------------------------------------------------------------

void exec_stat(req& r) noexcept {
    stat_path(r, 0);
}

void exec_lstat(req& r) noexcept {
    stat_path(r, AT_SYMLINK_NOFOLLOW);
}

void exec_fstat(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    // statx(AT_FDCWD, "", AT_EMPTY_PATH) would stat the working directory.
    if (f.fd < 0) return r.fail(EBADF);
    do_stat(f, f.fd, "", AT_EMPTY_PATH);
}

void exec_statvfs(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    struct statvfs v;
    int rc;
    if (dirfd == AT_FDCWD) {
        rc = retry_eintr([&] { return ::statvfs(path, &v); });
    } else {
        int fd = open_path(dirfd, path);
        if (fd < 0) return set_result(r, -1);
        rc = retry_eintr([&] { return ::fstatvfs(fd, &v); });
        close_keep_errno(fd);
    }
    if (rc < 0) return set_result(r, -1);
    statvfs_t o;
    fill(o, v);
    f.out = o;
    set_result(r, 0);
}

void exec_fstatvfs(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    struct statvfs v;
    if (retry_eintr([&] { return ::fstatvfs(f.fd, &v); }) < 0) return set_result(r, -1);
    statvfs_t o;
    fill(o, v);
    f.out = o;
    set_result(r, 0);
}

void exec_utime(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    timespec ts[2];
    const timespec* times = make_times(f, ts);
    set_result(r, retry_eintr([&] { return ::utimensat(dirfd, path, times, 0); }));
}

void exec_futime(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    timespec ts[2];
    const timespec* times = make_times(f, ts);
    set_result(r, retry_eintr([&] { return ::futimens(f.fd, times); }));
}

void exec_chown(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    set_result(r, retry_eintr([&] { return ::fchownat(dirfd, path, f.uid, f.gid, 0); }));
}

void exec_fchown(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    set_result(r, retry_eintr([&] { return ::fchown(f.fd, f.uid, f.gid); }));
}

void exec_chmod(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    set_result(r, retry_eintr([&] { return ::fchmodat(dirfd, path, f.mode, 0); }));
}

void exec_fchmod(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    set_result(r, retry_eintr([&] { return ::fchmod(f.fd, f.mode); }));
}

void exec_truncate(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    set_result(r, truncate_at(f, dirfd, path));
}

void exec_ftruncate(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    set_result(r, retry_eintr([&] { return ::ftruncate(f.fd, static_cast<off_t>(f.offset)); }));
}

}  // namespace detail

// ---- front functions --------------------------------------------------------------
// Fields: path (path ops) or fd (descriptor ops); utime: atime, mtime;
// chown: uid, gid; chmod: mode; truncate: offset (the new length).

namespace {

template <class T>
request<T> submit_path(detail::op o, path_arg path, callback<T> cb, context& ctx) {
    auto* r = new detail::fs_req(o);
    r->path = std::move(path);
    return detail::submit(ctx, r, std::move(cb));
}

template <class T>
request<T> submit_fd(detail::op o, int fd, callback<T> cb, context& ctx) {
    auto* r = new detail::fs_req(o);
    r->fd = fd;
    return detail::submit(ctx, r, std::move(cb));
}

}  // namespace

request<stat_t> stat(path_arg path, callback<stat_t> cb, context& ctx) {
    return submit_path(detail::op::stat, std::move(path), std::move(cb), ctx);
}

request<stat_t> lstat(path_arg path, callback<stat_t> cb, context& ctx) {
    return submit_path(detail::op::lstat, std::move(path), std::move(cb), ctx);
}

request<stat_t> fstat(int fd, callback<stat_t> cb, context& ctx) {
    return submit_fd(detail::op::fstat, fd, std::move(cb), ctx);
}

request<statvfs_t> statvfs(path_arg path, callback<statvfs_t> cb, context& ctx) {
    return submit_path(detail::op::statvfs, std::move(path), std::move(cb), ctx);
}

request<statvfs_t> fstatvfs(int fd, callback<statvfs_t> cb, context& ctx) {
    return submit_fd(detail::op::fstatvfs, fd, std::move(cb), ctx);
}

request<void> utime(path_arg path, std::optional<file_time> atime, std::optional<file_time> mtime,
                    callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::utime);
    r->path = std::move(path);
    r->atime = atime;
    r->mtime = mtime;
    return detail::submit(ctx, r, std::move(cb));
}

request<void> futime(int fd, std::optional<file_time> atime, std::optional<file_time> mtime,
                     callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::futime);
    r->fd = fd;
    r->atime = atime;
    r->mtime = mtime;
    return detail::submit(ctx, r, std::move(cb));
}

request<void> chown(path_arg path, uid_t uid, gid_t gid, callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::chown);
    r->path = std::move(path);
    r->uid = uid;
    r->gid = gid;
    return detail::submit(ctx, r, std::move(cb));
}

request<void> fchown(int fd, uid_t uid, gid_t gid, callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::fchown);
    r->fd = fd;
    r->uid = uid;
    r->gid = gid;
    return detail::submit(ctx, r, std::move(cb));
}

request<void> chmod(path_arg path, mode_t mode, callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::chmod);
    r->path = std::move(path);
    r->mode = mode;
    return detail::submit(ctx, r, std::move(cb));
}

request<void> fchmod(int fd, mode_t mode, callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::fchmod);
    r->fd = fd;
    r->mode = mode;
    return detail::submit(ctx, r, std::move(cb));
}

request<void> truncate(path_arg path, std::int64_t length, callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::truncate);
    r->path = std::move(path);
    r->offset = length;
    return detail::submit(ctx, r, std::move(cb));
}

request<void> ftruncate(int fd, std::int64_t length, callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::ftruncate);
    r->fd = fd;
    r->offset = length;
    return detail::submit(ctx, r, std::move(cb));
}

}  // namespace aio
