// scandir: split a directory's entries into directories one can recurse into
// and everything else (IO::AIO's aio_scandir, "Implementation notes").
//
// Steps, each a request in the scandir's group at the caller's priority:
//
//  1. read — one custom request on a worker. Opens the directory once
//     (openat relative to the wd, O_RDONLY | O_DIRECTORY) and reads it with
//     getdents64. When every d_type is known the split is finished here: one
//     request, no stat at all. At the first DT_UNKNOWN it switches to the
//     careful route on the same descriptor: fstat, rewind, read everything
//     again, fstat. If both stats agree and the mtime is not the current
//     second, the directory's link count minus 2 is its number of
//     subdirectories. The descriptor becomes the result's wd, so callers (and
//     step 2) work relative to it.
//  2. classify — only for DT_UNKNOWN entries, at most maxreq at a time (a
//     group feeder with a limit), likely directories first in inode order
//     (readdirx's DIRS_FIRST order): stat("entry/.") fails for anything that
//     is not a directory or a symlink to one; when it succeeds, lstat("entry")
//     tells the two apart. Once the known number of directories has been
//     found, the remaining entries are non-directories without a stat.
//
// Differences from IO::AIO 4.80's Perl version, on purpose: it stats the
// directory before reading it even when d_type is known (and on ext4, whose
// link counts are >= 2, ignores d_type altogether); entries whose type is
// known are never stat'ed here; the wd is a read descriptor, not O_PATH plus
// a realpath.
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ops/composite/tree_internal.hpp"
#include "ops/dir.hpp"
#include "ops/fs_req.hpp"
#include "ops/submit.hpp"

namespace aio {

namespace detail {

std::string display_path(const path_arg& p) {
    if (p.path.empty() || p.path[0] == '/' || !p.dir || p.dir.is_cwd()) return p.path;
    if (p.path == ".") return p.dir.path();
    const std::string& base = p.dir.path();
    return base == "/" ? "/" + p.path : base + "/" + p.path;
}

result<scandir_t> take(req& r, tag<scandir_t>) {
    if (r.err) return errno_code(r.err);
    return std::move(static_cast<scandir_req&>(r).out);
}

namespace {

// The composite's state, shared by its steps (the group is referenced raw:
// it cannot finish, let alone be freed, while one of its steps is alive).
struct scan_state {
    context* ctx = nullptr;
    scandir_req* g = nullptr;
    int pri = 0;
    std::size_t maxreq = 4;
    bool nofollow = false;
    bool close_leaves = false;
    path_arg path;  // released by the read step, on the worker

    // written by the read step on a worker, read by the poll thread after the
    // result hand-off
    std::shared_ptr<wd_impl> opened;
    std::vector<std::string> dirs, nondirs;
    std::vector<dirent_t> unknown;  // DT_UNKNOWN entries, likely directories first
    long ndirs = -1;                // directories among `unknown`; -1: not known

    // classify step
    wd dir;
    std::size_t next = 0;  // next entry of `unknown` to stat
};

// A name directly inside the wd: one component, not "." or "..".
bool is_single_name(const std::string& p) noexcept {
    return p.find('/') == std::string::npos && !is_dot_or_dotdot(p.c_str());
}

// The canonical path of an open directory (as wd_open records it), or,
// when the kernel and realpath(3) both fail to name it (no /proc, directory
// moved), the spelled path.
std::string canonical_or_spelled(int fd, const path_arg& p) {
    std::string out;
    return canonical_path(fd, p, out) ? out : display_path(p);
}

// Open the directory for reading. Sets `canonical` when the path is known
// without asking the kernel (a plain name inside a wd, not a symlink).
int open_dir(const scan_state& s, int dirfd, const char* path, std::string& canonical) {
    const int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
    const path_arg& p = s.path;
    bool under_wd = p.path[0] != '/' && !p.dir.is_cwd();
    if (under_wd && p.path == ".") {
        canonical = p.dir.path();
        return retry_eintr([&] { return ::openat(dirfd, path, flags); });
    }
    bool single = under_wd && is_single_name(p.path);
    int fd = -1;
    if (s.nofollow || single) {
        fd = retry_eintr([&] { return ::openat(dirfd, path, flags | O_NOFOLLOW); });
        if (fd >= 0 || s.nofollow || errno != ENOTDIR) {
            if (fd >= 0 && single) canonical = display_path(p);
            return fd;
        }
        // ENOTDIR: a file, or a symlink to follow
    }
    return retry_eintr([&] { return ::openat(dirfd, path, flags); });
}

struct dir_hash {
    dev_t dev;
    ino_t ino;
    nlink_t nlink;
    off_t size;
    time_t mtime;
    long mtime_ns;
    bool operator==(const dir_hash&) const = default;
};

bool hash_dir(int fd, dir_hash& h) {
    struct stat st;
    if (::fstat(fd, &st) < 0) return false;
    h = {st.st_dev, st.st_ino, st.st_nlink, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
    return true;
}

// The careful route (some d_type unknown): stat, read everything, stat.
int read_careful(scan_state& s, int fd) {
    s.dirs.clear();
    s.nondirs.clear();
    dir_hash before{}, after{};
    bool ok = hash_dir(fd, before);
    time_t now = ::time(nullptr);
    if (::lseek(fd, 0, SEEK_SET) < 0) return -1;
    std::vector<dirent_t> all;
    int rc = read_dents(fd, [&](const char* n, std::size_t len, unsigned char t, ino_t ino) {
        all.push_back(dirent_t{std::string(n, len), t, ino});
        return true;
    });
    if (rc < 0) return -1;
    ok = ok && hash_dir(fd, after) && before == after && after.mtime < now;
    order_entries(all, READDIR_DIRS_FIRST);  // (likely-directory score, inode)
    long known_dirs = 0;
    for (auto& e : all) {
        if (e.type == DT_DIR) {
            s.dirs.push_back(std::move(e.name));
            ++known_dirs;
        } else if (e.type != DT_UNKNOWN) {
            s.nondirs.push_back(std::move(e.name));
        } else {
            s.unknown.push_back(std::move(e));
        }
    }
    // With a trustworthy link count of at least 2, nlink - 2 directories.
    long left = ok && after.nlink >= 2 ? static_cast<long>(after.nlink) - 2 - known_dirs : -1;
    s.ndirs = left >= 0 ? left : -1;
    return 0;
}

// Step 1, on a worker. Lets go of the parent directory before it returns:
// when that was the last reference, the parent is closed here, not on the
// poll thread (closing a directory that was read is not free: ext4 frees its
// readdir cache then).
void read_step(scan_state& s, req& r) noexcept {
    struct release_parent {
        path_arg& p;
        ~release_parent() { p = path_arg{}; }
    } release{s.path};
    int dirfd;
    const char* path;
    if (!resolve(r, s.path, dirfd, path)) return;
    try {
        std::string canonical;
        struct owned_fd {
            int fd;
            ~owned_fd() {
                if (fd >= 0) ::close(fd);
            }
        } dir{open_dir(s, dirfd, path, canonical)};
        if (dir.fd < 0) return set_result(r, -1);
        std::vector<std::pair<ino_t, std::string>> dirs;
        bool unknown = false;
        int rc =
            read_dents(dir.fd, [&](const char* n, std::size_t len, unsigned char t, ino_t ino) {
                if (t == DT_UNKNOWN) {
                    unknown = true;
                    return false;
                }
                if (t == DT_DIR)
                    dirs.emplace_back(ino, std::string(n, len));
                else
                    s.nondirs.emplace_back(n, len);
                return true;
            });
        if (rc == 0 && unknown) rc = read_careful(s, dir.fd);
        if (rc < 0) return set_result(r, -1);
        if (!unknown) {  // directories in inode order, as readdirx DIRS_FIRST has them
            // (directories cannot be hard-linked: the inodes are distinct)
            std::sort(dirs.begin(), dirs.end(),
                      [](const auto& a, const auto& b) { return a.first < b.first; });
            s.dirs.reserve(dirs.size());
            for (auto& d : dirs)
                s.dirs.push_back(std::move(d.second));
        }
        r.err = 0;
        r.result = 0;
        // Nothing to recurse into: the directory is closed here, on the worker.
        if (s.close_leaves && s.dirs.empty() && s.unknown.empty()) return;
        auto impl = std::make_shared<wd_impl>();
        impl->path =
            canonical.empty() ? canonical_or_spelled(dir.fd, s.path) : std::move(canonical);
        impl->fd = std::exchange(dir.fd, -1);
        s.opened = std::move(impl);
    } catch (const std::bad_alloc&) {
        r.fail(ENOMEM);
    }
}

void stat_entry(const std::shared_ptr<scan_state>& s, std::string name);

// Everything not yet stat'ed is a non-directory (the directories are all found).
void rest_are_nondirs(scan_state& s) {
    for (; s.next < s.unknown.size(); ++s.next)
        s.g->out.nondirs.push_back(std::move(s.unknown[s.next].name));
}

void lstat_entry(const std::shared_ptr<scan_state>& s, std::string name) {
    aio::pri(s->pri);
    std::string rel = name;
    auto h = aio::lstat(
        {s->dir, std::move(rel)},
        [s, name = std::move(name)](result<stat_t> r) mutable {
            auto& out = s->g->out;
            if (!r || !r->is_dir()) return out.nondirs.push_back(std::move(name));
            out.dirs.push_back(std::move(name));
            if (s->ndirs > 0 && --s->ndirs == 0) rest_are_nondirs(*s);
        },
        *s->ctx);
    add_step(s->g, h);
}

void stat_entry(const std::shared_ptr<scan_state>& s, std::string name) {
    aio::pri(s->pri);
    auto h = aio::stat(
        {s->dir, name + "/."},
        [s, name = std::move(name)](result<stat_t> r) mutable {
            // Fails for anything that is neither a directory nor a symlink to one.
            if (!r) return s->g->out.nondirs.push_back(std::move(name));
            lstat_entry(s, std::move(name));
        },
        *s->ctx);
    add_step(s->g, h);
}

// Step 1's continuation, on the poll thread.
void after_read(const std::shared_ptr<scan_state>& s, result<void> r) {
    scandir_req* g = s->g;
    if (!r) {
        g->err = r.err();
        g->result = -1;
        return;
    }
    if (s->opened) s->dir = wd(std::shared_ptr<const wd_impl>(std::move(s->opened)));
    g->out.dir = s->dir;
    g->out.dirs = std::move(s->dirs);
    g->out.nondirs = std::move(s->nondirs);
    if (s->unknown.empty()) return;  // the group finishes after this callback
    if (s->ndirs == 0) return rest_are_nondirs(*s);
    acquire(g);
    group grp(g);
    grp.limit(s->maxreq);
    grp.feed([s](group&) {
        if (s->next >= s->unknown.size()) return;  // adds nothing: the feeder goes
        stat_entry(s, std::move(s->unknown[s->next++].name));
    });
}

}  // namespace

}  // namespace detail

request<scandir_t> scandir(path_arg path, int maxreq, unsigned flags, callback<scandir_t> cb,
                           context& ctx) {
    int pri = aio::pri();
    auto* g = new detail::scandir_req;
    auto handle = detail::submit(ctx, g, std::move(cb));
    auto s = std::make_shared<detail::scan_state>();
    s->ctx = &ctx;
    s->g = g;
    s->pri = pri;
    s->maxreq = maxreq > 0 ? static_cast<std::size_t>(maxreq) : 4;
    s->nofollow = (flags & SCANDIR_NOFOLLOW) != 0;
    s->close_leaves = (flags & SCANDIR_CLOSE_LEAVES) != 0;
    s->path = std::move(path);
    auto* c = new detail::custom_req;
    c->fn = [s](detail::custom_req& r) { detail::read_step(*s, r); };
    aio::pri(pri);
    auto step = detail::submit<void>(ctx, c, [s](result<void> r) { detail::after_read(s, r); });
    detail::add_step(g, step);
    return handle;
}

request<scandir_t> scandir(path_arg path, int maxreq, callback<scandir_t> cb, context& ctx) {
    return scandir(std::move(path), maxreq, 0, std::move(cb), ctx);
}

}  // namespace aio
