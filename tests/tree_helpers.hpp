// Helpers for the scandir and rmtree tests: generated trees with every kind
// of entry, the synchronous truth (readdir + lstat), fork as another user.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "aio/aio.hpp"
#include "support.hpp"

namespace tree_test {

using names = std::vector<std::string>;

inline void mkdir_p(const std::string& p, mode_t mode = 0755) {
    ASSERT_EQ(::mkdir(p.c_str(), mode), 0) << p << ": " << std::strerror(errno);
}
inline void symlink_to(const std::string& target, const std::string& p) {
    ASSERT_EQ(::symlink(target.c_str(), p.c_str()), 0) << p << ": " << std::strerror(errno);
}
inline void touch(const std::string& p) {
    aio::testing::write_file(p, "x");
}

/// A directory with every kind of entry scandir must classify: directories
/// (empty, hidden, with a newline or 0xff in the name, without a dot and with
/// one), files (with and without dots, hidden, odd bytes), symlinks to a
/// directory, a file, nowhere, themselves and "/", and a fifo.
inline void make_mixed_dir(const std::string& root) {
    mkdir_p(root + "/d1");
    mkdir_p(root + "/d1/sub");
    touch(root + "/d1/a.txt");
    touch(root + "/d1/.hidden");
    symlink_to("../d2", root + "/d1/up");
    mkdir_p(root + "/d2");
    mkdir_p(root + "/empty");
    mkdir_p(root + "/.hiddendir");
    mkdir_p(root + "/dir.with.dots");
    mkdir_p(root + "/new\nline");
    mkdir_p(root +
            "/bad\xff"
            "dir");
    touch(root + "/file.txt");
    touch(root + "/noext");
    touch(root + "/x");
    touch(root + "/.hid");
    touch(root + "/nl\nfile");
    touch(root + "/\xfe\xff");
    touch(root + "/ -dash");
    symlink_to("d1", root + "/link_dir");
    symlink_to("file.txt", root + "/link_file");
    symlink_to("nowhere", root + "/dangling");
    symlink_to("loop", root + "/loop");
    symlink_to("/", root + "/link_root");
    ASSERT_EQ(::mkfifo((root + "/fifo").c_str(), 0644), 0);
}

/// Set a directory's mtime into the past, so that scandir trusts its link
/// count (it distrusts a directory modified in the current second).
inline void age(const std::string& dir) {
    timeval tv[2] = {{1000000000, 0}, {1000000000, 0}};
    ASSERT_EQ(::utimes(dir.c_str(), tv), 0) << dir;
}

/// readdir(3) + lstat(2): the split scandir must produce, sorted.
inline std::pair<names, names> sync_split(const std::string& path) {
    names dirs, nondirs;
    DIR* d = ::opendir(path.c_str());
    EXPECT_NE(d, nullptr) << path;
    if (!d) return {};
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n == "." || n == "..") continue;
        struct stat st;
        bool dir =
            ::fstatat(dirfd(d), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        (dir ? dirs : nondirs).push_back(n);
    }
    ::closedir(d);
    std::sort(dirs.begin(), dirs.end());
    std::sort(nondirs.begin(), nondirs.end());
    return {dirs, nondirs};
}

/// Every path below root (relative, sorted), directories with a trailing '/'.
inline std::set<std::string> list_tree(const std::string& root, const std::string& rel = "") {
    std::set<std::string> out;
    std::string dir = rel.empty() ? root : root + "/" + rel;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n == "." || n == "..") continue;
        std::string r = rel.empty() ? n : rel + "/" + n;
        struct stat st;
        if (::fstatat(dirfd(d), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
            out.insert(r + "/");
            auto sub = list_tree(root, r);
            out.insert(sub.begin(), sub.end());
        } else {
            out.insert(r);
        }
    }
    ::closedir(d);
    return out;
}

using aio::testing::exists;

/// Number of open descriptors of this process.
inline int open_fds() {
    int n = 0;
    DIR* d = ::opendir("/proc/self/fd");
    if (!d) return -1;
    while (dirent* e = ::readdir(d))
        if (e->d_name[0] != '.') ++n;
    ::closedir(d);
    return n;
}

/// Run fn in a forked child as uid/gid 65534 (nobody); its return value is
/// the child's exit status (10: could not drop privileges).
template <class F>
int as_nobody(F&& fn) {
    pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 ||
            ::setresuid(65534, 65534, 65534) != 0)
            ::_exit(10);
        ::_exit(fn());
    }
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/// scandir to completion.
inline aio::result<aio::scandir_t> scan(aio::context& ctx, aio::path_arg p, int maxreq = 0,
                                        unsigned flags = 0) {
    std::optional<aio::result<aio::scandir_t>> out;
    int calls = 0;
    aio::scandir(
        std::move(p), maxreq, flags,
        [&](aio::result<aio::scandir_t> r) {
            ++calls;
            out.emplace(std::move(r));
        },
        ctx);
    aio::testing::flush_or_fail(ctx);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(ctx.nreqs(), 0u);
    if (!out) return aio::errno_code(ETIMEDOUT);
    return std::move(*out);
}

/// A scandir result, sorted, to compare with sync_split.
inline std::pair<names, names> sorted(const aio::scandir_t& s) {
    names d = s.dirs, n = s.nondirs;
    std::sort(d.begin(), d.end());
    std::sort(n.begin(), n.end());
    return {d, n};
}

}  // namespace tree_test
