// Helpers for the metadata / namespace / dir / wd tests: run one request to
// completion, compare with the synchronous syscall.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "aio/aio.hpp"
#include "support.hpp"

namespace meta_test {

/// Submit one request with start(callback) and flush: its result.
template <class T, class Start>
aio::result<T> call(aio::context& ctx, Start&& start) {
    std::optional<aio::result<T>> out;
    int calls = 0;
    start([&](aio::result<T> r) {
        ++calls;
        out.emplace(std::move(r));
    });
    aio::testing::flush_or_fail(ctx);
    EXPECT_EQ(calls, 1);
    if (!out) return aio::result<T>(aio::errno_code(ETIMEDOUT));
    return std::move(*out);
}

/// Error of a result as an errno value (0 on success).
template <class T>
int err(const aio::result<T>& r) {
    return r.err();
}

/// errno of a synchronous call returning < 0 on failure, 0 on success.
template <class F>
int sync_errno(F&& f) {
    errno = 0;
    return f() < 0 ? errno : 0;
}

/// Open a wd synchronously (through the library), failing the test on error.
inline aio::wd open_wd(aio::context& ctx, const std::string& path) {
    auto r = call<aio::wd>(ctx, [&](auto cb) { aio::wd_open(path, std::move(cb), ctx); });
    EXPECT_TRUE(r) << path << ": " << r.error().message();
    return r ? *r : aio::wd{};
}

/// statx(2) as the library calls it for stat (flags 0) and lstat
/// (AT_SYMLINK_NOFOLLOW).
inline int sync_statx(int dirfd, const char* path, int flags, struct statx& x) {
    return ::statx(dirfd, path, flags | AT_NO_AUTOMOUNT, STATX_BASIC_STATS | STATX_BTIME, &x);
}

/// Every stat_t field against a synchronous statx of the same object.
inline void expect_same(const aio::stat_t& s, const struct statx& x) {
    EXPECT_EQ(s.dev, makedev(x.stx_dev_major, x.stx_dev_minor));
    EXPECT_EQ(s.ino, x.stx_ino);
    EXPECT_EQ(s.mode, x.stx_mode);
    EXPECT_EQ(s.nlink, x.stx_nlink);
    EXPECT_EQ(s.uid, x.stx_uid);
    EXPECT_EQ(s.gid, x.stx_gid);
    EXPECT_EQ(s.rdev, makedev(x.stx_rdev_major, x.stx_rdev_minor));
    EXPECT_EQ(s.size, static_cast<std::int64_t>(x.stx_size));
    EXPECT_EQ(s.blksize, static_cast<std::int64_t>(x.stx_blksize));
    EXPECT_EQ(s.blocks, static_cast<std::int64_t>(x.stx_blocks));
    EXPECT_EQ(s.atime, (aio::file_time{x.stx_atime.tv_sec, x.stx_atime.tv_nsec}));
    EXPECT_EQ(s.mtime, (aio::file_time{x.stx_mtime.tv_sec, x.stx_mtime.tv_nsec}));
    EXPECT_EQ(s.ctime, (aio::file_time{x.stx_ctime.tv_sec, x.stx_ctime.tv_nsec}));
    EXPECT_EQ(s.has_btime(), (x.stx_mask & STATX_BTIME) != 0);
    if (s.has_btime()) {
        EXPECT_EQ(s.btime, (aio::file_time{x.stx_btime.tv_sec, x.stx_btime.tv_nsec}));
    }
    EXPECT_EQ(s.mask, x.stx_mask);
    EXPECT_EQ(s.attributes, x.stx_attributes);
    EXPECT_EQ(s.attributes_mask, x.stx_attributes_mask);
}

/// The struct stat fields of a stat_t against a synchronous fstatat.
inline void expect_same(const aio::stat_t& s, const struct stat& st) {
    EXPECT_EQ(s.dev, st.st_dev);
    EXPECT_EQ(s.ino, st.st_ino);
    EXPECT_EQ(s.mode, st.st_mode);
    EXPECT_EQ(s.nlink, st.st_nlink);
    EXPECT_EQ(s.uid, st.st_uid);
    EXPECT_EQ(s.gid, st.st_gid);
    EXPECT_EQ(s.rdev, st.st_rdev);
    EXPECT_EQ(s.size, st.st_size);
    EXPECT_EQ(s.blksize, st.st_blksize);
    EXPECT_EQ(s.blocks, st.st_blocks);
    EXPECT_EQ(s.atime, (aio::file_time{st.st_atim.tv_sec, std::uint32_t(st.st_atim.tv_nsec)}));
    EXPECT_EQ(s.mtime, (aio::file_time{st.st_mtim.tv_sec, std::uint32_t(st.st_mtim.tv_nsec)}));
    EXPECT_EQ(s.ctime, (aio::file_time{st.st_ctim.tv_sec, std::uint32_t(st.st_ctim.tv_nsec)}));
}

/// Run fn in a forked child and return its exit status (fn's return value);
/// 255 when the child died abnormally. For seccomp and privilege-drop tests.
template <class F>
int in_child(F&& fn) {
    pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) ::_exit(fn());
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

/// An embedded NUL, for bad-input tests.
inline std::string with_nul(const std::string& p) {
    return p + std::string(1, '\0') + "x";
}

}  // namespace meta_test
