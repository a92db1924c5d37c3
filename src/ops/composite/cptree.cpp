// cptree: copy a tree, as a group of custom steps fed at a bounded rate.
//
// Design note.
// * Every directory is opened once, in the source (read-only, O_NOFOLLOW)
//   and in the destination (after mkdirat, mode 0700 while it is filled);
//   every entry is then handled as (descriptor, name) with the *at calls. A
//   `node` holds a directory's two descriptors while any of its entries is
//   unfinished; the `top` node holds the parents of src and dst.
// * Steps (all custom requests, so a step that opened something can close it
//   even when cancelled):
//     dir      open the source directory, mkdir + open the destination, list
//              the first chunk of entries (getdents64 + lstat of each)
//     list     list the next chunk
//     file     open, copy the data (copy_common's loop) into a temporary
//              name, owner/xattrs/mode/times, close, rename into place
//     symlink  readlink + symlink, owner/xattrs/times (not followed)
//     special  mknod (fifo, socket, device), owner/xattrs/mode/times
//     link     link() to the first copy of a file with several names
//     finish   a directory's owner/xattrs/mode/times, after all its entries
//   Per regular file that is one request: the round trip through poll_cb
//   costs more than the syscalls of a small file, and one request per file
//   is what makes "no partial file" hold under cancellation.
// * Tasks wait in a LIFO stack; the group's feeder submits one per call while
//   fewer than options.max_active are active. LIFO makes the walk depth
//   first, which bounds the open directories to about depth + max_active.
// * Everything except the step bodies runs on the poll thread: the stack,
//   the nodes' counters, the hard-link map and the statistics need no locks.
//   Workers only read what was set before their step was submitted (the
//   nodes' descriptors and owners) and the shared `caps` atomics.
// * The first error records (errno, path, call) in the group, cancels the
//   group's other steps (running ones stop at their next chunk and remove
//   their temporary file) and stops the feeding.
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "aio/copy.hpp"
#include "ops/composite/composite.hpp"
#include "ops/composite/copy_common.hpp"
#include "ops/composite/cptree.hpp"

namespace aio {

namespace detail {

namespace {

using cp::failure;
using cp::meta;
using cp::unique_fd;

constexpr std::size_t kListChunk = 256;       // entries listed per step (at least)
constexpr std::size_t kDentsBuf = 32 * 1024;  // getdents64 buffer

struct node {
    std::shared_ptr<node> parent;
    std::string rel;  // relative to the roots ("" for the root directory)
    bool top = false;
    unique_fd src, dst;
    meta st;            // the source directory, applied when finished
    uid_t dst_uid = 0;  // owner of the destination directory as created
    gid_t dst_gid = 0;
    uid_t new_uid = 0;  // owner that entries created in dst get
    gid_t new_gid = 0;
    std::size_t pending = 1;  // unfinished entries, + 1 until fully listed
};

struct entry {
    std::string name;
    meta st;
};

enum class kind : std::uint8_t { root, dir, list, file, symlink, special, link, finish };

struct task {
    kind k = kind::root;
    std::shared_ptr<node> dir;  // the entry's directory (list, finish: the directory itself)
    entry e;
    std::string target;       // link: the first copy, relative to top->dst
    bool first_link = false;  // has several names: others wait for this copy
};

// One step's inputs and outputs (shared by its worker body and callback).
struct job {
    task t;
    failure f;
    std::string fail_name;  // the failing entry when it is not t's (listing)
    // dir / root
    unique_fd src, dst;
    meta st;
    uid_t dst_uid = 0, new_uid = 0;
    gid_t dst_gid = 0, new_gid = 0;
    std::vector<entry> entries;
    bool eof = false;
};

struct dev_ino {
    dev_t dev;
    ino_t ino;
    bool operator==(const dev_ino&) const = default;
};
struct dev_ino_hash {
    std::size_t operator()(const dev_ino& k) const noexcept {
        return std::hash<std::uint64_t>{}(static_cast<std::uint64_t>(k.ino) * 0x9e3779b97f4a7c15u ^
                                          static_cast<std::uint64_t>(k.dev));
    }
};

struct link_info {
    bool done = false;
    std::string rel;  // where the first copy went, relative to top->dst
    std::vector<task> waiters;
};

std::atomic<std::uint64_t> temp_counter{0};

// Whether a directory with identity `d` is dirfd or one of its ancestors.
bool is_ancestor(int dirfd, const meta& d, failure& f) {
    unique_fd cur(
        retry_eintr([&] { return ::openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC); }));
    if (!cur) return !cp::fail(f, errno, "open", true);
    struct stat a;
    if (::fstat(cur.get(), &a) < 0) return !cp::fail(f, errno, "stat", true);
    for (;;) {
        if (a.st_dev == d.dev && a.st_ino == d.ino) return true;
        unique_fd up(::openat(cur.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
        struct stat b;
        if (!up || ::fstat(up.get(), &b) < 0) return false;              // cannot look further
        if (b.st_dev == a.st_dev && b.st_ino == a.st_ino) return false;  // reached "/"
        cur = std::move(up);
        a = b;
    }
}

// Owner that a new entry gets in a directory created as (mode, gid).
void new_owner(const struct stat& d, uid_t& uid, gid_t& gid) {
    uid = ::geteuid();
    gid = (d.st_mode & S_ISGID) ? d.st_gid : ::getegid();
}

// List entries of the directory fd until at least kListChunk or the end.
bool list_chunk(int fd, job& j, failure& f) {
    std::unique_ptr<char[]> buf(new (std::nothrow) char[kDentsBuf]);
    if (!buf) return cp::fail(f, ENOMEM, "getdents", false);
    try {
        while (j.entries.size() < kListChunk) {
            ssize_t n = retry_eintr([&] { return ::getdents64(fd, buf.get(), kDentsBuf); });
            if (n < 0) return cp::fail(f, errno, "getdents", false);
            if (n == 0) {
                j.eof = true;
                break;
            }
            for (ssize_t off = 0; off < n;) {
                auto* d = reinterpret_cast<struct dirent64*>(buf.get() + off);
                off += d->d_reclen;
                const char* name = d->d_name;
                if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]))) continue;
                struct stat st;
                if (::fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                    if (errno == ENOENT) continue;  // gone since getdents
                    j.fail_name = name;
                    return cp::fail(f, errno, "lstat", false);
                }
                j.entries.push_back({name, cp::to_meta(st)});
            }
        }
    } catch (const std::bad_alloc&) {
        return cp::fail(f, ENOMEM, "getdents", false);
    }
    return true;
}

// Put the finished temporary file `tmp` in place as `name`, never replacing
// anything: renameat2(RENAME_NOREPLACE), or link + unlink where the
// filesystem lacks that flag.
bool publish(int dirfd, const char* tmp, const char* name, failure& f) {
    if (::renameat2(dirfd, tmp, dirfd, name, RENAME_NOREPLACE) == 0) return true;
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        return cp::fail(f, errno, "rename", true);
    if (::linkat(dirfd, tmp, dirfd, name, 0) < 0) return cp::fail(f, errno, "link", true);
    ::unlinkat(dirfd, tmp, 0);
    return true;
}

struct tree_state : std::enable_shared_from_this<tree_state> {
    step_sink s;
    cptree_group* g = nullptr;
    path_arg src, dst;
    std::string src_shown, dst_shown;
    std::string dst_name;  // the destination root's name in top->dst
    cptree_options opt;
    cp::caps caps;
    std::atomic<std::uint64_t> bytes_live{0};
    std::shared_ptr<node> top;
    std::vector<task> stack;
    std::unordered_map<dev_ino, link_info, dev_ino_hash> links;
    cptree_stats stats;
    cptree_progress prog;
    std::size_t unlisted = 0;  // directories not fully listed yet
    std::size_t since_report = 0;
    bool feeding = false;
    bool failed = false;

    // ---- paths ------------------------------------------------------------------

    std::string rel_of(const node& dir, const std::string& name) const {
        if (dir.top) return {};
        return dir.rel.empty() ? name : dir.rel + "/" + name;
    }
    std::string path_of(const node& dir, const std::string& name, bool on_dst) const {
        const std::string& root = on_dst ? dst_shown : src_shown;
        if (dir.top) return root;
        return root + "/" + rel_of(dir, name);
    }
    std::string dir_path(const node& dir, bool on_dst) const {
        const std::string& root = on_dst ? dst_shown : src_shown;
        return dir.rel.empty() ? root : root + "/" + dir.rel;
    }

    // ---- feeding ------------------------------------------------------------------

    void arm() {
        if (feeding || failed || stack.empty()) return;
        feeding = true;
        acquire(g);
        group h(g);
        h.feed([st = shared_from_this()](group&) { st->feed_one(); });
    }

    void feed_one() {
        if (failed || stack.empty()) {
            feeding = false;  // adding nothing removes the feeder
            return;
        }
        task t = std::move(stack.back());
        stack.pop_back();
        run(std::move(t));
    }

    void run(task t) {
        auto j = std::make_shared<job>();
        j->t = std::move(t);
        s.custom([st = shared_from_this(), j](custom_req& r) { st->work(*j, r); },
                 [st = shared_from_this(), j](result<void> r) { st->done(*j, r); });
    }

    // ---- worker side --------------------------------------------------------------

    void work(job& j, custom_req& r) noexcept {
        bool ok = false;
        try {
            switch (j.t.k) {
                case kind::root:
                    ok = do_root(j, r);
                    break;
                case kind::dir:
                    ok = do_dir(j);
                    break;
                case kind::list:
                    ok = list_chunk(j.t.dir->src.get(), j, j.f);
                    break;
                case kind::file:
                    ok = do_file(j, r);
                    break;
                case kind::symlink:
                    ok = do_symlink(j);
                    break;
                case kind::special:
                    ok = do_special(j);
                    break;
                case kind::link:
                    ok = do_link(j);
                    break;
                case kind::finish:
                    ok = do_finish(j);
                    break;
            }
        } catch (const std::bad_alloc&) {
            ok = cp::fail(j.f, ENOMEM, "copy", false);
        }
        if (!ok) r.fail(j.f.err ? j.f.err : EIO);
    }

    // The entry's name in the destination (the top entry's is dst's).
    const char* dname(const job& j) const {
        return j.t.dir->top ? dst_name.c_str() : j.t.e.name.c_str();
    }

    bool chown_needed(const node& dir, const meta& m) const {
        return m.uid != dir.new_uid || m.gid != dir.new_gid;
    }

    bool do_root(job& j, custom_req& r) {
        auto& t = *j.t.dir;  // the top node, filled in here
        std::string name;
        if (!open_parent(r, src, t.src, name, j.f, false)) return false;
        j.t.e.name = name;
        struct stat st;
        if (::fstatat(t.src.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
            return cp::fail(j.f, errno, "lstat", false);
        j.st = cp::to_meta(st);
        if (!open_parent(r, dst, t.dst, dst_name, j.f, true)) return false;
        struct stat d;
        if (::fstat(t.dst.get(), &d) < 0) return cp::fail(j.f, errno, "stat", true);
        new_owner(d, j.new_uid, j.new_gid);
        if (S_ISDIR(st.st_mode) && is_ancestor(t.dst.get(), j.st, j.f)) {
            if (!j.f.err) j.f = {EINVAL, "cptree", true};  // dst inside src
            return false;
        }
        return true;
    }

    bool do_dir(job& j) {
        const node& p = *j.t.dir;
        const char* name = j.t.e.name.c_str();
        j.src.reset(cp::open_source(p.src.get(), name,
                                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, caps));
        if (!j.src) return cp::fail(j.f, errno, "open", false);
        struct stat st;
        if (::fstat(j.src.get(), &st) < 0) return cp::fail(j.f, errno, "stat", false);
        j.st = cp::to_meta(st);
        const char* to = dname(j);
        if (::mkdirat(p.dst.get(), to, 0700) < 0) return cp::fail(j.f, errno, "mkdir", true);
        j.dst.reset(retry_eintr([&] {
            return ::openat(p.dst.get(), to, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }));
        if (!j.dst) return cp::fail(j.f, errno, "open", true);
        struct stat d;
        if (::fstat(j.dst.get(), &d) < 0) return cp::fail(j.f, errno, "stat", true);
        j.dst_uid = d.st_uid;
        j.dst_gid = d.st_gid;
        new_owner(d, j.new_uid, j.new_gid);
        return list_chunk(j.src.get(), j, j.f);
    }

    bool do_file(job& j, custom_req& r) {
        const node& p = *j.t.dir;
        const char* name = j.t.e.name.c_str();
        unique_fd in(cp::open_source(p.src.get(), name,
                                     O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, caps));
        if (!in) return cp::fail(j.f, errno, "open", false);
        struct stat st;
        if (::fstat(in.get(), &st) < 0) return cp::fail(j.f, errno, "stat", false);
        if (!S_ISREG(st.st_mode)) return cp::fail(j.f, ESTALE, "open", false);  // replaced
        j.st = cp::to_meta(st);
        char tmp[64];
        unique_fd out;
        for (int tries = 0; !out; ++tries) {
            std::snprintf(tmp, sizeof tmp, ".aiopp-cptree.%d.%llu", static_cast<int>(::getpid()),
                          static_cast<unsigned long long>(temp_counter.fetch_add(1)));
            out.reset(retry_eintr([&] {
                return ::openat(p.dst.get(), tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            }));
            if (!out && (errno != EEXIST || tries > 8)) return cp::fail(j.f, errno, "open", true);
        }
        cp::data_progress dp{&bytes_live, &r.cancelled};
        bool ok = cp::copy_data(in.get(), out.get(), j.st, caps, dp, j.f) &&
                  cp::apply_meta_fd(out.get(), j.st, chown_needed(p, j.st),
                                    opt.xattrs ? in.get() : -1, j.f);
        if (ok) {
            int fd = out.release();
            if (::close(fd) < 0 && errno != EINTR) ok = cp::fail(j.f, errno, "close", true);
        }
        if (ok) ok = publish(p.dst.get(), tmp, dname(j), j.f);
        if (!ok) ::unlinkat(p.dst.get(), tmp, 0);
        return ok;
    }

    // After creating an entry in place: owner, xattrs, mode, times; an
    // entry whose attributes cannot be applied is removed again.
    bool finish_entry(job& j) {
        const node& p = *j.t.dir;
        const char* name = dname(j);
        cp::at_path from(p.src.get(), j.t.e.name.c_str()), to(p.dst.get(), name);
        if (cp::apply_meta_at(p.dst.get(), name, j.st, chown_needed(p, j.st),
                              opt.xattrs ? from.c_str() : nullptr, to.c_str(), j.f))
            return true;
        ::unlinkat(p.dst.get(), name, 0);
        return false;
    }

    bool do_symlink(job& j) {
        const node& p = *j.t.dir;
        const char* name = j.t.e.name.c_str();
        j.st = j.t.e.st;
        std::string target(static_cast<std::size_t>(j.st.size > 0 ? j.st.size : 0) + 1, '\0');
        for (;;) {
            ssize_t n = ::readlinkat(p.src.get(), name, target.data(), target.size());
            if (n < 0) return cp::fail(j.f, errno, "readlink", false);
            if (static_cast<std::size_t>(n) < target.size()) {
                target.resize(static_cast<std::size_t>(n));
                break;
            }
            target.resize(target.size() * 2);  // grew since the lstat
        }
        if (::symlinkat(target.c_str(), p.dst.get(), dname(j)) < 0)
            return cp::fail(j.f, errno, "symlink", true);
        return finish_entry(j);
    }

    bool do_special(job& j) {
        const node& p = *j.t.dir;
        j.st = j.t.e.st;
        if (::mknodat(p.dst.get(), dname(j), (j.st.mode & S_IFMT) | 0600, j.st.rdev) < 0)
            return cp::fail(j.f, errno, "mknod", true);
        return finish_entry(j);
    }

    bool do_link(job& j) {
        const node& p = *j.t.dir;
        std::string from = dst_name + "/" + j.t.target;
        if (::linkat(top->dst.get(), from.c_str(), p.dst.get(), j.t.e.name.c_str(), 0) < 0)
            return cp::fail(j.f, errno, "link", true);
        return true;
    }

    bool do_finish(job& j) {
        const node& n = *j.t.dir;
        bool chown = n.st.uid != n.dst_uid || n.st.gid != n.dst_gid;
        return cp::apply_meta_fd(n.dst.get(), n.st, chown, opt.xattrs ? n.src.get() : -1, j.f);
    }

    // ---- poll-thread side ----------------------------------------------------------

    void done(job& j, const result<void>& r) {
        if (failed) return;
        if (!r) return error(j, r.err());
        switch (j.t.k) {
            case kind::root:
                return after_root(j);
            case kind::dir:
                return after_dir(j);
            case kind::list:
                return after_list(j.t.dir, j);
            case kind::file:
                ++stats.files;
                stats.bytes += static_cast<std::uint64_t>(j.st.size);
                return after_entry(j);
            case kind::symlink:
                ++stats.symlinks;
                return after_entry(j);
            case kind::special:
                ++stats.specials;
                return after_entry(j);
            case kind::link:
                ++stats.hardlinks;
                return after_entry(j);
            case kind::finish:
                ++stats.dirs;
                ++stats.entries;
                return entry_done(j.t.dir->parent);
        }
    }

    void error(const job& j, int err) {
        failed = true;
        const node& d = *j.t.dir;
        std::string path;
        bool on_dst = j.f.on_dst;
        switch (j.t.k) {
            case kind::root:
                path = on_dst ? dst_shown : src_shown;
                break;
            case kind::list:
                path = j.fail_name.empty() ? dir_path(d, false) : path_of(d, j.fail_name, false);
                break;
            case kind::finish:
                path = dir_path(d, true);
                break;
            case kind::dir:
                if (!j.fail_name.empty()) {
                    node tmp;  // the listed directory, not yet a node
                    tmp.rel = rel_of(d, j.t.e.name);
                    path = path_of(tmp, j.fail_name, false);
                    break;
                }
                [[fallthrough]];
            default:
                path = path_of(d, j.t.e.name, on_dst);
        }
        tree_fail(g, err, std::move(path), j.f.op && *j.f.op ? j.f.op : "copy", stats);
        stack.clear();
        acquire(g);
        group h(g);
        h.cancel_subs();
    }

    void report(bool force = false) {
        if (!opt.progress) return;
        if (!force && ++since_report < (opt.progress_every ? opt.progress_every : 1)) return;
        since_report = 0;
        prog.bytes_done = bytes_live.load(std::memory_order_relaxed);
        prog.totals_final = unlisted == 0;
        opt.progress(prog);
    }

    void after_root(job& j) {
        top->new_uid = j.new_uid;
        top->new_gid = j.new_gid;
        entry e{j.t.e.name, j.st};
        dispatch(top, std::move(e));
        acquire(g);
        group h(g);
        h.limit(opt.max_active ? opt.max_active : 1);
        arm();
    }

    void after_dir(job& j) {
        auto n = std::make_shared<node>();
        n->parent = j.t.dir;
        n->rel = rel_of(*j.t.dir, j.t.e.name);
        n->src = std::move(j.src);
        n->dst = std::move(j.dst);
        n->st = j.st;
        n->dst_uid = j.dst_uid;
        n->dst_gid = j.dst_gid;
        n->new_uid = j.new_uid;
        n->new_gid = j.new_gid;
        ++unlisted;
        after_list(n, j);
    }

    void after_list(const std::shared_ptr<node>& n, job& j) {
        std::size_t mark = stack.size();
        for (auto& e : j.entries)
            dispatch(n, std::move(e));
        if (j.eof) {
            --unlisted;
            dir_progress(n);
        } else {
            task t;
            t.k = kind::list;
            t.dir = n;
            // below the entries just pushed: they are copied before more are listed
            stack.insert(stack.begin() + static_cast<std::ptrdiff_t>(mark), std::move(t));
        }
        arm();
    }

    // An entry of n (or n's listing) finished: finish n when nothing is left.
    void dir_progress(const std::shared_ptr<node>& n) {
        if (--n->pending) return;
        task t;
        t.k = kind::finish;
        t.dir = n;
        stack.push_back(std::move(t));
    }

    void after_entry(job& j) {
        ++stats.entries;
        if (j.t.first_link) {
            auto it = links.find({j.t.e.st.dev, j.t.e.st.ino});
            if (it != links.end()) {
                it->second.done = true;
                for (auto& w : it->second.waiters)
                    stack.push_back(std::move(w));
                it->second.waiters.clear();
            }
        }
        entry_done(j.t.dir);
    }

    void entry_done(const std::shared_ptr<node>& dir) {
        ++prog.entries_done;
        if (dir->top) return succeed();
        report();
        dir_progress(dir);
        arm();
    }

    void succeed() {
        g->stats = stats;
        group_ok(g);
        report(true);
    }

    // Queue the copy of entry e of directory n.
    void dispatch(const std::shared_ptr<node>& n, entry e) {
        task t;
        t.dir = n;
        ++prog.entries_total;
        if (!n->top) ++n->pending;
        mode_t type = e.st.mode & S_IFMT;
        if (type == S_IFDIR) {
            t.k = kind::dir;
        } else {
            t.k = type == S_IFREG ? kind::file : type == S_IFLNK ? kind::symlink : kind::special;
            if (e.st.nlink > 1 && !n->top) {
                auto [it, fresh] = links.try_emplace(dev_ino{e.st.dev, e.st.ino});
                if (fresh) {
                    it->second.rel = rel_of(*n, e.name);
                    t.first_link = true;
                } else {
                    t.k = kind::link;
                    t.target = it->second.rel;
                    t.e = std::move(e);
                    if (it->second.done)
                        stack.push_back(std::move(t));
                    else
                        it->second.waiters.push_back(std::move(t));
                    return;
                }
            }
            if (type == S_IFREG) prog.bytes_total += static_cast<std::uint64_t>(e.st.size);
        }
        t.e = std::move(e);
        stack.push_back(std::move(t));
    }
};

}  // namespace

result<cptree_stats> take(req& r, tag<cptree_stats>) {
    auto& g = static_cast<cptree_group&>(r);
    if (r.err) return {errno_code(r.err), std::move(g.path), std::move(g.op), g.stats};
    return g.stats;
}

}  // namespace detail

request<cptree_stats> cptree(path_arg src, path_arg dst, cptree_options options,
                             callback<cptree_stats> cb, context& ctx) {
    int p = aio::pri();
    auto* g = detail::new_group<detail::cptree_group>();
    auto h = detail::submit<cptree_stats>(ctx, g, std::move(cb));
    auto st = std::make_shared<detail::tree_state>();
    st->s = {g, &ctx, p};
    st->g = g;
    st->src_shown = detail::shown(src);
    st->dst_shown = detail::shown(dst);
    st->src = std::move(src);
    st->dst = std::move(dst);
    st->opt = std::move(options);
    st->top = std::make_shared<detail::node>();
    st->top->top = true;
    detail::task t;
    t.k = detail::kind::root;
    t.dir = st->top;
    st->run(std::move(t));
    return h;
}

}  // namespace aio
