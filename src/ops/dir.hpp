// Directory listing internals shared with composite operations and tests.
#pragma once

#include <dirent.h>
#include <sys/types.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "aio/ops.hpp"
#include "ops/fs_req.hpp"

namespace aio::detail {

/// Size of the per-thread getdents64 buffer.
inline constexpr std::size_t kDentsBuf = 64u << 10;

/// The calling thread's getdents64 buffer (kDentsBuf bytes, freed when the
/// thread exits). Throws bad_alloc the first time if memory is short.
char* dents_buffer();

inline bool is_dot_or_dotdot(const char* n) noexcept {
    return n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'));
}

/// One getdents64(2) call on the open directory fd: calls
/// fn(name, length, d_type, inode) for each entry read except "." and "..",
/// until fn returns false (the rest of that batch is then skipped: use it to
/// stop on an error). Returns the bytes read (0 at the end of the directory)
/// or -1 with errno set. fn must not read a directory itself (the buffer is
/// the thread's).
template <class F>
ssize_t read_dents_batch(int fd, F&& fn) {
    char* buf = dents_buffer();
    ssize_t n = retry_eintr([&] { return ::getdents64(fd, buf, kDentsBuf); });
    for (ssize_t off = 0; off < n;) {
        auto* d = reinterpret_cast<struct dirent64*>(buf + off);
        off += d->d_reclen;
        if (is_dot_or_dotdot(d->d_name)) continue;
        std::size_t max = d->d_reclen - offsetof(struct dirent64, d_name);
        if (!fn(static_cast<const char*>(d->d_name), ::strnlen(d->d_name, max), d->d_type,
                d->d_ino))
            break;
    }
    return n;
}

/// Every entry of the open directory fd, as read_dents_batch; stops early
/// (returning 0) when fn returns false. Returns 0 or -1 with errno set.
template <class F>
int read_dents(int fd, F&& fn) {
    bool go_on = true;
    auto each = [&](const char* name, std::size_t len, unsigned char type, ino_t ino) {
        return go_on = fn(name, len, type, ino);
    };
    for (;;) {
        ssize_t n = read_dents_batch(fd, each);
        if (n <= 0 || !go_on) return n < 0 ? -1 : 0;
    }
}

/// The canonical path of the open directory fd, spelled as p: the kernel's
/// name for it (/proc/self/fd) when that names the same inode, else
/// realpath(3) of the spelled path when that does. False (errno set) when
/// neither does, e.g. the directory moved while we looked.
bool canonical_path(int fd, const path_arg& p, std::string& out);

/// Put entries (as read from the directory) in the order readdirx's flags ask
/// for, and return the flags readdirx reports: the caller's flags without
/// READDIR_FOUND_UNKNOWN, plus READDIR_DENTS, plus READDIR_FOUND_UNKNOWN when
/// an entry's type is DT_UNKNOWN.
unsigned order_entries(std::vector<dirent_t>& entries, unsigned flags);

/// readdirx's "likely a directory" score (0 = surely, 7 = unlikely), used
/// with READDIR_DIRS_FIRST.
unsigned dir_score(const dirent_t& e) noexcept;

}  // namespace aio::detail
