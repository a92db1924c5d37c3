// Directories: readdir and readdirx.
//
// A directory is read with getdents64(2) straight into a 64 KiB buffer:
// open, a few getdents64, close. fdopendir/readdir adds an fstat and a fcntl
// per directory and reads 32 KiB per syscall; measured ~12% more CPU per
// small directory and ~5% per 10 000-entry one (docs/api/metadata.md). A
// tree scanner calls this tens of thousands of times.
//
// readdirx's orders (as IO::AIO / libeio 4.80 produce them):
//   DIRS_FIRST, all types known   directories first, in inode order; then the
//                                 rest, in the order a two-ended partition
//                                 leaves them
//   DIRS_FIRST, some DT_UNKNOWN   by (dir_score, inode)
//   STAT_ORDER                    by inode
//   STAT_ORDER | DIRS_FIRST       by (dir_score, inode)
// Entries with the same key (hard links in one directory) keep their
// directory order.
#include "ops/dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "ops/exec.hpp"
#include "ops/fs_req.hpp"
#include "ops/submit.hpp"

namespace aio {

namespace detail {

char* dents_buffer() {
    thread_local std::unique_ptr<char[]> buf;  // per thread, freed when it exits
    if (!buf) buf.reset(new char[kDentsBuf]);
    return buf.get();
}

namespace {

// Call fn(name, length, type, inode) for every entry of (dirfd, path) except
// "." and "..". Returns 0, or -1 with errno set. May throw bad_alloc.
template <class F>
int for_each_entry(int dirfd, const char* path, F&& fn) {
    dents_buffer();  // a bad_alloc before the directory is open
    int fd = retry_eintr([&] { return ::openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC); });
    if (fd < 0) return -1;
    struct closer {
        int fd;
        ~closer() {
            int e = errno;
            ::close(fd);
            errno = e;
        }
    } guard{fd};
    return read_dents(fd, [&](const char* name, std::size_t len, unsigned char type, ino_t ino) {
        fn(name, len, type, ino);
        return true;
    });
}

struct sort_key {
    unsigned score;
    std::uint64_t ino;
    std::size_t index;  // directory order, the tie-breaker
    bool operator<(const sort_key& o) const noexcept {
        if (score != o.score) return score < o.score;
        if (ino != o.ino) return ino < o.ino;
        return index < o.index;
    }
};

// Sort entries [first, last) by (score, inode, directory order); score is
// dir_score() when with_score, else 0.
void sort_range(std::vector<dirent_t>& v, std::size_t first, std::size_t last, bool with_score) {
    if (last - first < 2) return;
    std::vector<sort_key> keys;
    keys.reserve(last - first);
    for (std::size_t i = first; i < last; ++i)
        keys.push_back({with_score ? dir_score(v[i]) : 0u, v[i].ino, i});
    std::sort(keys.begin(), keys.end());
    std::vector<dirent_t> sorted;
    sorted.reserve(last - first);
    for (const auto& k : keys)
        sorted.push_back(std::move(v[k.index]));
    std::move(sorted.begin(), sorted.end(), v.begin() + static_cast<std::ptrdiff_t>(first));
}

// Known types: directories to the front (walking in from both ends and
// swapping a non-directory at the front with a directory from the back),
// then the directories by inode: the order IO::AIO 4.80 gives.
void dirs_to_front(std::vector<dirent_t>& v) {
    std::size_t front = 0, back = v.size();
    while (back > front) {
        if (v[front].type == DT_DIR) {
            ++front;
        } else if (v[--back].type == DT_DIR) {
            std::swap(v[front], v[back]);
            ++front;
        }
    }
    sort_range(v, 0, front, false);
}

}  // namespace

unsigned dir_score(const dirent_t& e) noexcept {
    if (e.type == DT_DIR) return 0;
    if (e.type != DT_UNKNOWN) return 7;
    if (!e.name.empty() && e.name[0] == '.') return 1;  // rare, and often directories
    if (e.name.find('.') != std::string::npos) return 7;
    // No dot: likely a directory, the shorter the likelier.
    std::size_t n = e.name.size();
    return n <= 1 ? 2 : n <= 3 ? 4 : n <= 6 ? 5 : 6;
}

unsigned order_entries(std::vector<dirent_t>& v, unsigned flags) {
    bool unknown =
        std::any_of(v.begin(), v.end(), [](const dirent_t& e) { return e.type == DT_UNKNOWN; });
    bool dirs_first = flags & READDIR_DIRS_FIRST;
    if (flags & READDIR_STAT_ORDER)
        sort_range(v, 0, v.size(), dirs_first);
    else if (dirs_first && unknown)
        sort_range(v, 0, v.size(), true);
    else if (dirs_first)
        dirs_to_front(v);
    return (flags & ~READDIR_FOUND_UNKNOWN) | READDIR_DENTS | (unknown ? READDIR_FOUND_UNKNOWN : 0);
}

void exec_readdir(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    try {
        std::vector<std::string> names;
        int rc = for_each_entry(
            dirfd, path, [&](const char* name, std::size_t len, unsigned char, std::uint64_t) {
                names.emplace_back(name, len);
            });
        if (rc < 0) return set_result(r, -1);
        f.result = static_cast<std::int64_t>(names.size());
        f.err = 0;
        f.out = std::move(names);
    } catch (const std::bad_alloc&) {
        r.fail(ENOMEM);
    }
}

void exec_readdirx(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    try {
        dir_entries out;
        int rc = for_each_entry(
            dirfd, path,
            [&](const char* name, std::size_t len, unsigned char type, std::uint64_t ino) {
                out.entries.push_back(dirent_t{std::string(name, len), type, ino});
            });
        if (rc < 0) return set_result(r, -1);
        out.flags = order_entries(out.entries, static_cast<unsigned>(f.flags));
        f.result = static_cast<std::int64_t>(out.entries.size());
        f.err = 0;
        f.out = std::move(out);
    } catch (const std::bad_alloc&) {
        r.fail(ENOMEM);
    }
}

}  // namespace detail

// ---- front functions ------------------------------------------------------------
// Fields: path; flags (readdirx). Results in out: vector<string> (readdir),
// dir_entries (readdirx); result is the number of entries.

request<std::vector<std::string>> readdir(path_arg path, callback<std::vector<std::string>> cb,
                                          context& ctx) {
    auto* r = new detail::fs_req(detail::op::readdir);
    r->path = std::move(path);
    return detail::submit(ctx, r, std::move(cb));
}

request<dir_entries> readdirx(path_arg path, unsigned flags, callback<dir_entries> cb,
                              context& ctx) {
    auto* r = new detail::fs_req(detail::op::readdirx);
    r->path = std::move(path);
    r->flags = static_cast<int>(flags);
    return detail::submit(ctx, r, std::move(cb));
}

}  // namespace aio
