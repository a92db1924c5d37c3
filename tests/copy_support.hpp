// Helpers for the copy and cptree tests: a snapshot of a tree (everything a
// faithful copy must reproduce, read without changing any atime), a rich
// sample tree, and waiting for one composite's result.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "aio/aio.hpp"
#include "support.hpp"

namespace aio::testing {

/// One entry of a snapshot.
struct snap_entry {
    mode_t mode = 0;
    uid_t uid = 0;
    gid_t gid = 0;
    off_t size = 0;  // regular files and symlinks
    timespec atime{}, mtime{};
    dev_t rdev = 0;
    std::string content;                            // file data, symlink target
    std::vector<std::pair<off_t, off_t>> data_map;  // data ranges (SEEK_DATA/SEEK_HOLE)
    std::map<std::string, std::string> xattrs;
    std::string link_group;  // for nlink > 1: the first path (sorted) of the inode

    bool operator==(const snap_entry& o) const {
        return mode == o.mode && uid == o.uid && gid == o.gid && size == o.size &&
               atime.tv_sec == o.atime.tv_sec && atime.tv_nsec == o.atime.tv_nsec &&
               mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
               rdev == o.rdev && content == o.content && data_map == o.data_map &&
               xattrs == o.xattrs && link_group == o.link_group;
    }
};

struct snapshot_options {
    bool xattrs = true;
    bool times = true;
    bool atimes = true;
    bool dir_atimes = true;  // false for trees read through aiopp-testfs (it reads
                             // its backing directories without O_NOATIME)
};

using snapshot = std::map<std::string, snap_entry>;

inline std::string describe(const std::string& path, const snap_entry& e) {
    std::ostringstream o;
    o << path << ": mode " << std::oct << e.mode << std::dec << " uid " << e.uid << " gid " << e.gid
      << " size " << e.size << " atime " << e.atime.tv_sec << "." << e.atime.tv_nsec << " mtime "
      << e.mtime.tv_sec << "." << e.mtime.tv_nsec << " rdev " << e.rdev << " content#"
      << std::hash<std::string>{}(e.content) << " ranges " << e.data_map.size() << " xattrs "
      << e.xattrs.size() << " link " << e.link_group;
    return o.str();
}

namespace detail_snap {

inline void read_xattrs(const std::string& path, snap_entry& e) {
    char names[8192];
    ssize_t n = ::llistxattr(path.c_str(), names, sizeof names);
    for (ssize_t i = 0; i < n;) {
        std::string name = names + i;
        i += static_cast<ssize_t>(name.size()) + 1;
        char val[8192];
        ssize_t v = ::lgetxattr(path.c_str(), name.c_str(), val, sizeof val);
        if (v >= 0) e.xattrs[name] = std::string(val, static_cast<std::size_t>(v));
    }
}

inline void read_file(const std::string& path, snap_entry& e) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NOATIME | O_CLOEXEC);
    if (fd < 0) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ADD_FAILURE() << "open " << path << ": " << std::strerror(errno);
        return;
    }
    char buf[65536];
    for (off_t off = 0;;) {
        ssize_t n = ::pread(fd, buf, sizeof buf, off);
        if (n <= 0) break;
        e.content.append(buf, static_cast<std::size_t>(n));
        off += n;
    }
    for (off_t off = 0; off < e.size;) {
        off_t d = ::lseek(fd, off, SEEK_DATA);
        if (d < 0) break;
        off_t h = ::lseek(fd, d, SEEK_HOLE);
        if (h < 0) h = e.size;
        e.data_map.emplace_back(d, h);
        off = h;
    }
    ::close(fd);
}

inline void walk(const std::string& root, const std::string& rel, const snapshot_options& o,
                 snapshot& out, std::map<std::pair<dev_t, ino_t>, std::set<std::string>>& inodes) {
    std::string path = rel.empty() ? root : root + "/" + rel;
    struct stat st;
    if (::lstat(path.c_str(), &st) < 0) {
        ADD_FAILURE() << "lstat " << path << ": " << std::strerror(errno);
        return;
    }
    snap_entry e;
    e.mode = st.st_mode;
    e.uid = st.st_uid;
    e.gid = st.st_gid;
    if (o.times) {
        e.mtime = st.st_mtim;
        if (o.atimes && !S_ISLNK(st.st_mode) && (o.dir_atimes || !S_ISDIR(st.st_mode)))
            e.atime = st.st_atim;
    }
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) e.rdev = st.st_rdev;
    if (S_ISREG(st.st_mode)) {
        e.size = st.st_size;
        read_file(path, e);
    } else if (S_ISLNK(st.st_mode)) {
        e.size = st.st_size;
        char buf[4096];
        ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
        if (n >= 0) e.content.assign(buf, static_cast<std::size_t>(n));
    }
    if (o.xattrs) read_xattrs(path, e);
    if (!S_ISDIR(st.st_mode) && st.st_nlink > 1)
        inodes[{st.st_dev, st.st_ino}].insert(rel.empty() ? "." : rel);
    std::string key = rel.empty() ? "." : rel;
    if (S_ISDIR(st.st_mode)) {
        int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOATIME | O_CLOEXEC);
        if (fd < 0) fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR* d = fd >= 0 ? ::fdopendir(fd) : nullptr;
        std::vector<std::string> names;
        while (d) {
            dirent* de = ::readdir(d);
            if (!de) break;
            std::string n = de->d_name;
            if (n != "." && n != "..") names.push_back(n);
        }
        if (d) ::closedir(d);
        for (auto& n : names)
            walk(root, rel.empty() ? n : rel + "/" + n, o, out, inodes);
    }
    out[key] = e;  // times as lstat saw them, before we read anything
}

}  // namespace detail_snap

/// Everything about the tree at root that a faithful copy reproduces
/// (inode numbers and ctimes excepted; directory sizes too). Reads with
/// O_NOATIME, so taking a snapshot changes no atime.
inline snapshot take_snapshot(const std::string& root, const snapshot_options& o = {}) {
    snapshot out;
    std::map<std::pair<dev_t, ino_t>, std::set<std::string>> inodes;
    detail_snap::walk(root, "", o, out, inodes);
    for (auto& [k, paths] : inodes)
        for (auto& p : paths)
            out[p].link_group = *paths.begin();
    return out;
}

/// Compare two snapshots entry by entry, reporting every difference.
inline ::testing::AssertionResult same_tree(const snapshot& a, const snapshot& b) {
    std::ostringstream diff;
    int n = 0;
    for (auto& [k, e] : a) {
        auto it = b.find(k);
        if (it == b.end()) {
            if (n++ < 20) diff << "only in first: " << k << "\n";
        } else if (!(e == it->second)) {
            if (n++ < 20)
                diff << "differs:\n  " << describe(k, e) << "\n  " << describe(k, it->second)
                     << "\n";
        }
    }
    for (auto& [k, e] : b)
        if (!a.count(k) && n++ < 20) diff << "only in second: " << k << "\n";
    if (n) return ::testing::AssertionFailure() << n << " differences\n" << diff.str();
    return ::testing::AssertionSuccess();
}

inline timespec ts(time_t s, long ns) {
    return timespec{s, ns};
}

/// Set atime and mtime (nanoseconds) of path, not following symlinks.
inline void set_times(const std::string& path, timespec at, timespec mt) {
    timespec t[2] = {at, mt};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), t, AT_SYMLINK_NOFOLLOW), 0) << path;
}

/// A tree with one of everything cptree must reproduce, at root (created).
/// Run as root (device nodes, chown, trusted.* xattrs).
inline void make_sample_tree(const std::string& root, bool with_devices = true) {
    auto mk = [](const std::string& p, mode_t m) { ASSERT_EQ(::mkdir(p.c_str(), m), 0) << p; };
    auto file = [](const std::string& p, const std::string& data, mode_t m) {
        write_file(p, data, m);
        ASSERT_EQ(::chmod(p.c_str(), m), 0);
    };
    mk(root, 0755);
    mk(root + "/sub", 0750);
    mk(root + "/sub/deep", 0700);
    mk(root + "/sub/deep/deeper", 0755);
    mk(root + "/ro", 0555);  // filled below as root (no permission checks)
    mk(root + "/sticky", 01777);
    mk(root + "/sgid", 02775);
    mk(root + "/empty", 0711);
    file(root + "/a.txt", "hello, world\n", 0644);
    file(root + "/empty.txt", "", 0600);
    file(root + "/suid", "#!/bin/sh\n", 04755);
    file(root + "/sgidfile", "x", 02711);
    std::string big(1 << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<char>((i * 7919) >> 3);
    file(root + "/sub/big.bin", big, 0640);
    file(root + "/sub/deep/deeper/leaf", "leaf", 0400);
    file(root + "/ro/inside", "read-only dir", 0444);
    file(root + "/sgid/f", "gid", 0664);
    // sparse: data, a 1 MiB hole, data, and a hole at the end
    {
        std::string p = root + "/sparse.img";
        int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ASSERT_GE(fd, 0);
        std::string blk(4096, 'S');
        ASSERT_EQ(::pwrite(fd, blk.data(), blk.size(), 0), 4096);
        ASSERT_EQ(::pwrite(fd, blk.data(), blk.size(), 1 << 20), 4096);
        ASSERT_EQ(::ftruncate(fd, 3 << 20), 0);
        ::close(fd);
    }
    // owners
    ASSERT_EQ(::chown((root + "/a.txt").c_str(), 1234, 5678), 0);
    ASSERT_EQ(::chown((root + "/sub").c_str(), 4321, 8765), 0);
    ASSERT_EQ(::chown((root + "/suid").c_str(), 1000, 1000), 0);
    ASSERT_EQ(::chmod((root + "/suid").c_str(), 04755), 0);  // chown cleared it
    ASSERT_EQ(::chmod((root + "/sgidfile").c_str(), 02711), 0);
    // symlinks: relative, absolute, dangling, to a directory; one with an owner
    ASSERT_EQ(::symlink("a.txt", (root + "/link").c_str()), 0);
    ASSERT_EQ(::symlink("/etc/hostname", (root + "/abslink").c_str()), 0);
    ASSERT_EQ(::symlink("nowhere/at/all", (root + "/dangling").c_str()), 0);
    ASSERT_EQ(::symlink("sub", (root + "/dirlink").c_str()), 0);
    ASSERT_EQ(::lchown((root + "/dangling").c_str(), 2222, 3333), 0);
    // hard links: three names across directories, and a pair in one directory
    ASSERT_EQ(::link((root + "/sub/big.bin").c_str(), (root + "/big.hard").c_str()), 0);
    ASSERT_EQ(::link((root + "/sub/big.bin").c_str(), (root + "/sub/deep/big.hard2").c_str()), 0);
    file(root + "/sub/pair1", "pair", 0644);
    ASSERT_EQ(::link((root + "/sub/pair1").c_str(), (root + "/sub/pair2").c_str()), 0);
    // fifo, socket, devices
    ASSERT_EQ(::mkfifo((root + "/fifo").c_str(), 0620), 0);
    ASSERT_EQ(::mknod((root + "/sock").c_str(), S_IFSOCK | 0755, 0), 0);
    if (with_devices) {
        ASSERT_EQ(::mknod((root + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
        ASSERT_EQ(::mknod((root + "/blk").c_str(), S_IFBLK | 0600, makedev(7, 200)), 0);
    }
    // xattrs (user.* on files and directories; trusted.* also on a symlink)
    ASSERT_EQ(::setxattr((root + "/a.txt").c_str(), "user.color", "blue", 4, 0), 0);
    ASSERT_EQ(::setxattr((root + "/sub").c_str(), "user.dir", "yes", 3, 0), 0);
    ::lsetxattr((root + "/link").c_str(), "trusted.aiopp", "sym", 3, 0);  // if the fs allows
    // times with nanoseconds, directories last (their contents changed them)
    int i = 0;
    std::vector<std::string> all;
    for (auto* p : {"a.txt", "empty.txt", "suid", "sgidfile", "sub/big.bin", "sub/pair1",
                    "sub/deep/deeper/leaf", "ro/inside", "sgid/f", "sparse.img", "link", "abslink",
                    "dangling", "dirlink", "fifo", "sock"})
        all.push_back(p);
    if (with_devices) {
        all.push_back("null");
        all.push_back("blk");
    }
    for (const std::string& p : all) {
        ++i;
        set_times(root + "/" + p, ts(1500000000 + i, 123456789 - i),
                  ts(1400000000 + i, 987654321 - i));
    }
    for (auto* d : {"sub/deep/deeper", "sub/deep", "sub", "ro", "sticky", "sgid", "empty", ""}) {
        ++i;
        std::string p = *d ? root + "/" + d : root;
        set_times(p, ts(1600000000 + i, 111111111 * (i % 9)), ts(1300000000 + i, 222222222));
    }
}

/// Run one request and wait for its result.
template <class T, class Submit>
std::optional<aio::result<T>> run_one(aio::context& ctx, Submit&& submit) {
    std::optional<aio::result<T>> out;
    submit(aio::callback<T>([&out](aio::result<T> r) { out.emplace(std::move(r)); }));
    flush_or_fail(ctx);
    return out;
}

/// Names below root that look like cptree's temporary files.
inline std::vector<std::string> temp_files(const std::string& root) {
    std::vector<std::string> out;
    std::string cmd = "find " + shell_quote(root) + " -name '.aiopp-cptree*'";
    std::string s;
    run(cmd, &s);
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

}  // namespace aio::testing
