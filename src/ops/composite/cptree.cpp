// cptree: copy a tree, as a group of custom steps fed at a bounded rate.
//
// Design note.
// * Every directory is opened once, in the source (read-only, O_NOFOLLOW)
//   and in the destination (after mkdirat, mode 0700 while it is filled);
//   every entry is then handled as (descriptor, name) with the *at calls. A
//   `node` holds a directory's two descriptors while any of its entries is
//   unfinished; the `top` node holds the parents of src and dst.
// * Steps (all custom requests, so that a step that opened something can
//   close it even when it is cancelled):
//     root     open the parents of src and dst, lstat src, refuse dst inside src
//     dir      open the source directory, mkdir + open the destination, list
//              the first chunk of entries (getdents64 + lstat of each), copy
//              the chunk's small entries at once; a directory found complete
//              that way (a leaf, usually) is finished in the same step
//     list     list the next chunk (and copy its small entries)
//     batch    copy some entries of one directory: files (open, data loop
//              into a temporary name, owner/xattrs/mode/times, close, rename
//              into place), symlinks, fifos, sockets, device nodes
//     link     link() to the first copy of a file with several names
//     finish   a directory's owner/xattrs/mode/times, after all its entries
//   Why so coarse: a round trip through poll_cb costs more than the syscalls
//   of a small file, and parallel creates in one directory fight for its
//   lock. Batching per directory makes a typical leaf directory one request
//   and spreads the concurrent steps over different directories. A file of
//   kOwnStep bytes or more gets a step of its own (large copies in parallel).
// * Tasks wait in a LIFO stack; the group's feeder submits one per call while
//   fewer than options.max_active steps are active. LIFO makes the walk depth
//   first, which bounds the open directories to about depth + max_active.
// * Everything except the step bodies runs on the poll thread: the stack,
//   the nodes' counters, the hard-link map and the statistics need no locks.
//   Workers read only what was set before their step was submitted (the
//   nodes' descriptors and owners) and the shared atomics.
// * The first error records (errno, path, call) in the group, cancels the
//   group's other steps (running ones stop at their next file or data chunk
//   and remove their temporary file) and stops the feeding.
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/xattr.h>
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
#include "ops/dir.hpp"

namespace aio {

namespace detail {

namespace {

using cp::failure;
using cp::meta;
using cp::unique_fd;

constexpr std::size_t kListChunk = 256;         // entries listed per step (at least)
constexpr std::size_t kBatchEntries = 64;       // entries copied per step (at most)
constexpr std::uint64_t kBatchBytes = 1 << 20;  // file data copied per step (about)
constexpr std::uint64_t kOwnStep = 256 << 10;   // a file this big gets a step of its own

// A directory pair as the workers use it.
struct dirs {
    int src = -1, dst = -1;
    uid_t uid = 0;  // owner that entries created in dst get
    gid_t gid = 0;
    bool acl = false;  // dst has a default ACL (new files' modes ignore the umask)
};

struct node {
    std::shared_ptr<node> parent;
    std::string rel;  // relative to the roots ("" for the root directory)
    bool top = false;
    unique_fd src, dst;
    meta st;  // the source directory, applied when finished
    uid_t dst_uid = 0, new_uid = 0;
    gid_t dst_gid = 0, new_gid = 0;
    bool acl = false;
    std::size_t pending = 1;  // unfinished entries, + 1 until fully listed

    dirs pair() const { return {src.get(), dst.get(), new_uid, new_gid, acl}; }
};

struct entry {
    std::string name;
    meta st;            // lstat when listed; for files, fstat once copied
    bool done = false;  // copied by the step that listed it
};

enum class kind : std::uint8_t { root, dir, list, batch, link, finish };

struct task {
    kind k = kind::root;
    std::shared_ptr<node> dir;  // where the entries are (list, finish: the directory itself)
    entry e;                    // dir, link: the entry
    std::vector<entry> batch;   // batch: the entries
    std::string target;         // link: the first copy, relative to top->dst
    bool first_link = false;    // batch of one file with several names
};

// One step's inputs and outputs (shared by its worker body and callback).
struct job {
    task t;
    failure f;
    std::string fail_name;  // the failing entry inside the listed/batched directory
    bool finished = false;  // dir: the directory was completed in this step
    // dir: the new pair
    unique_fd src, dst;
    meta st;
    uid_t dst_uid = 0, new_uid = 0;
    gid_t dst_gid = 0, new_gid = 0;
    bool acl = false;
    // dir, list: what was listed (done: copied here); batch: entries copied
    std::vector<entry> entries;
    std::size_t ndone = 0;
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

std::atomic<std::uint64_t> op_counter{0};

bool is_dir(const meta& m) {
    return S_ISDIR(m.mode);
}
bool is_reg(const meta& m) {
    return S_ISREG(m.mode);
}
std::uint64_t file_bytes(const meta& m) {
    return is_reg(m) && m.size > 0 ? static_cast<std::uint64_t>(m.size) : 0;
}
// An entry copied by the step that lists it (else it gets a task).
bool small_entry(const meta& m) {
    return !is_dir(m) && m.nlink <= 1 && file_bytes(m) < kOwnStep;
}

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

// Owner that a new entry gets in directory d.
void new_owner(const struct stat& d, uid_t& uid, gid_t& gid) {
    uid = ::geteuid();
    gid = (d.st_mode & S_ISGID) ? d.st_gid : ::getegid();
}

// Whether directory fd has a default ACL (which replaces the umask for the
// modes of new entries); when unsure, yes.
bool has_default_acl(int fd) {
    const char* name = "system.posix_acl_default";
    ssize_t n = ::fgetxattr(fd, name, nullptr, 0);
    if (n < 0 && errno == EBADF) {  // an O_PATH descriptor (the top)
        char proc[64];
        std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        n = ::getxattr(proc, name, nullptr, 0);
    }
    return n >= 0 || (errno != ENODATA && errno != ENOTSUP && errno != EOPNOTSUPP);
}

// The process umask, from /proc (reading it with umask(2) would change it
// for a moment under other threads); -1 when unknown.
int read_umask() {
    FILE* f = std::fopen("/proc/self/status", "re");
    if (!f) return -1;
    char line[256];
    unsigned mask = 0;
    bool found = false;
    while (!found && std::fgets(line, sizeof line, f))
        found = std::sscanf(line, "Umask: %o", &mask) == 1;
    std::fclose(f);
    return found ? static_cast<int>(mask & 0777) : -1;
}

// List entries of the directory fd until at least kListChunk or the end.
bool list_chunk(int fd, job& j) {
    bool ok = true;
    auto each = [&](const char* name, std::size_t, unsigned char, ino_t) {
        struct stat st;
        if (::fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT) return true;  // gone since getdents
            j.fail_name = name;
            return ok = cp::fail(j.f, errno, "lstat", false);
        }
        j.entries.push_back({name, cp::to_meta(st)});
        return true;
    };
    while (j.entries.size() < kListChunk) {
        ssize_t n;
        try {
            n = read_dents_batch(fd, each);
        } catch (const std::bad_alloc&) {
            return cp::fail(j.f, ENOMEM, "getdents", false);
        }
        if (!ok) return false;
        if (n < 0) return cp::fail(j.f, errno, "getdents", false);
        if (n == 0) {
            j.eof = true;
            break;
        }
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
    std::string dst_name;    // the destination root's name in top->dst
    std::string tmp_prefix;  // temporary names: prefix + counter
    int umask_now = -1;      // the umask when the copy started (-1: unknown)
    cptree_options opt;
    cp::caps caps;
    std::atomic<std::uint64_t> bytes_live{0};
    std::atomic<std::uint64_t> tmp_counter{0};
    std::shared_ptr<node> top;
    std::vector<task> stack;
    std::unordered_map<dev_ino, link_info, dev_ino_hash> links;
    cptree_stats stats;
    cptree_progress prog;
    std::size_t unlisted = 0;  // directories not fully listed yet
    std::size_t since_report = 0;
    bool feeding = false;
    bool failed = false;

    // ---- paths --------------------------------------------------------------------

    std::string rel_of(const node& dir, const std::string& name) const {
        if (dir.top) return {};
        return dir.rel.empty() ? name : dir.rel + "/" + name;
    }
    std::string path_of(const node& dir, const std::string& name, bool on_dst) const {
        const std::string& root = on_dst ? dst_shown : src_shown;
        std::string rel = rel_of(dir, name);
        return rel.empty() ? root : root + "/" + rel;
    }
    std::string path_in(const std::string& rel, bool on_dst) const {
        const std::string& root = on_dst ? dst_shown : src_shown;
        return rel.empty() ? root : root + "/" + rel;
    }
    // The entry's name in the destination (the top entry's is dst's).
    const char* dname(const node& dir, const entry& e) const {
        return dir.top ? dst_name.c_str() : e.name.c_str();
    }

    // ---- feeding ---------------------------------------------------------------------

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

    // ---- worker side ------------------------------------------------------------------

    void work(job& j, custom_req& r) noexcept {
        bool ok = false;
        try {
            switch (j.t.k) {
                case kind::root:
                    ok = do_root(j, r);
                    break;
                case kind::dir:
                    ok = do_dir(j, r);
                    break;
                case kind::list:
                    ok = list_chunk(j.t.dir->src.get(), j) &&
                         copy_listed(*j.t.dir, j.t.dir->pair(), j, r);
                    break;
                case kind::batch:
                    ok = do_batch(j, r);
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

    static bool chown_needed(const dirs& d, const meta& m) {
        return m.uid != d.uid || m.gid != d.gid;
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
        j.acl = has_default_acl(t.dst.get());
        if (S_ISDIR(st.st_mode) && is_ancestor(t.dst.get(), j.st, j.f)) {
            if (!j.f.err) j.f = {EINVAL, "cptree", true};  // dst inside src
            return false;
        }
        return true;
    }

    bool do_dir(job& j, custom_req& r) {
        const node& p = *j.t.dir;
        const char* name = j.t.e.name.c_str();
        j.src.reset(cp::open_source(p.src.get(), name,
                                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, caps));
        if (!j.src) return cp::fail(j.f, errno, "open", false);
        struct stat st;
        if (::fstat(j.src.get(), &st) < 0) return cp::fail(j.f, errno, "stat", false);
        j.st = cp::to_meta(st);
        const char* to = dname(p, j.t.e);
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
        j.acl = has_default_acl(j.dst.get());
        dirs pair{j.src.get(), j.dst.get(), j.new_uid, j.new_gid, j.acl};
        if (!list_chunk(j.src.get(), j)) return false;
        node self;  // for names only
        if (!copy_listed(self, pair, j, r)) return false;
        if (!j.eof) return true;
        for (const auto& e : j.entries)
            if (!e.done) return true;
        // complete: finish the directory here (its fail_name stays empty)
        j.finished = true;
        return cp::apply_meta_fd(j.dst.get(), j.st, j.st.uid != j.dst_uid || j.st.gid != j.dst_gid,
                                 true, opt.xattrs ? j.src.get() : -1, j.f);
    }

    // Copy the small entries just listed, up to one batch's worth.
    bool copy_listed(const node& n, const dirs& pair, job& j, custom_req& r) {
        std::size_t count = 0;
        std::uint64_t bytes = 0;
        for (auto& e : j.entries) {
            if (!small_entry(e.st)) continue;
            std::uint64_t b = file_bytes(e.st);
            if (count >= kBatchEntries || (count && bytes + b > kBatchBytes)) break;
            if (r.cancelled.load(std::memory_order_relaxed))
                return cp::fail(j.f, ECANCELED, "copy", true);
            if (!copy_entry(pair, e, dname(n, e), r, j.f)) {
                j.fail_name = e.name;
                return false;
            }
            ++count;
            bytes += b;
        }
        return true;
    }

    bool do_batch(job& j, custom_req& r) {
        const node& n = *j.t.dir;
        dirs pair = n.pair();
        for (auto& e : j.t.batch) {
            if (r.cancelled.load(std::memory_order_relaxed))
                return cp::fail(j.f, ECANCELED, "copy", true);
            if (!copy_entry(pair, e, dname(n, e), r, j.f)) {
                j.fail_name = e.name;
                return false;
            }
            ++j.ndone;
        }
        return true;
    }

    // Copy one non-directory entry; marks it done.
    bool copy_entry(const dirs& d, entry& e, const char* to, custom_req& r, failure& f) {
        bool ok;
        switch (e.st.mode & S_IFMT) {
            case S_IFREG:
                ok = copy_file(d, e, to, r, f);
                break;
            case S_IFLNK:
                ok = copy_symlink(d, e, to, f);
                break;
            default:
                ok = copy_special(d, e, to, f);
                break;
        }
        e.done = ok;
        return ok;
    }

    // The file being written: unnamed (O_TMPFILE) until it is linked into
    // place, or, where the filesystem cannot do that, a temporary name
    // renamed into place.
    struct temp_out {
        unique_fd fd;
        bool named = false;
        char name[96] = {};
    };

    bool make_temp(const dirs& d, mode_t mode, temp_out& t, failure& f) {
        if (!caps.no_tmpfile.load(std::memory_order_relaxed)) {
            t.fd.reset(retry_eintr(
                [&] { return ::openat(d.dst, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode); }));
            if (t.fd) return true;
            if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOSYS)
                return cp::fail(f, errno, "open", true);
            caps.no_tmpfile.store(true, std::memory_order_relaxed);
        }
        t.named = true;
        for (int tries = 0;; ++tries) {
            std::snprintf(t.name, sizeof t.name, "%s%llu", tmp_prefix.c_str(),
                          static_cast<unsigned long long>(tmp_counter.fetch_add(1)));
            t.fd.reset(retry_eintr([&] {
                return ::openat(d.dst, t.name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
            }));
            if (t.fd) return true;
            if (errno != EEXIST || tries > 8) return cp::fail(f, errno, "open", true);
        }
    }

    // Give the unnamed file t its name: linkat(AT_EMPTY_PATH), or through
    // /proc/self/fd without CAP_DAC_READ_SEARCH. `impossible`: neither works
    // here (no /proc), so unnamed files cannot be used.
    bool link_unnamed(const dirs& d, temp_out& t, const char* to, bool& impossible, failure& f) {
        if (!caps.no_empty_path.load(std::memory_order_relaxed)) {
            if (::linkat(t.fd.get(), "", d.dst, to, AT_EMPTY_PATH) == 0) return true;
            if (errno != ENOENT && errno != EPERM) return cp::fail(f, errno, "link", true);
            caps.no_empty_path.store(true, std::memory_order_relaxed);
        }
        char proc[64];
        std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", t.fd.get());
        if (::linkat(AT_FDCWD, proc, d.dst, to, AT_SYMLINK_FOLLOW) == 0) return true;
        impossible = errno == ENOENT;
        return cp::fail(f, errno, "link", true);
    }

    // Whether a file created with mode (m.mode & 0777) in d needs a chmod.
    bool chmod_needed(const dirs& d, const meta& m) const {
        if (opt.xattrs || d.acl || umask_now < 0 || (m.mode & 07000)) return true;
        mode_t bits = m.mode & 0777;
        return (bits & ~static_cast<mode_t>(umask_now)) != bits;
    }

    bool copy_file(const dirs& d, entry& e, const char* to, custom_req& r, failure& f) {
        unique_fd in(cp::open_source(d.src, e.name.c_str(),
                                     O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, caps));
        if (!in) return cp::fail(f, errno, "open", false);
        struct stat st;
        if (::fstat(in.get(), &st) < 0) return cp::fail(f, errno, "stat", false);
        if (!S_ISREG(st.st_mode)) return cp::fail(f, ESTALE, "open", false);  // replaced
        e.st = cp::to_meta(st);
        temp_out t;
        if (!make_temp(d, e.st.mode & 0777, t, f)) return false;
        cp::data_progress dp{&bytes_live, &r.cancelled};
        bool ok = cp::copy_data(in.get(), t.fd.get(), e.st, caps, dp, f) &&
                  cp::apply_meta_fd(t.fd.get(), e.st, chown_needed(d, e.st), chmod_needed(d, e.st),
                                    opt.xattrs ? in.get() : -1, f);
        if (!ok) {
            if (t.named) ::unlinkat(d.dst, t.name, 0);
            return false;
        }
        if (t.named) {
            if (::close(t.fd.release()) < 0 && errno != EINTR)
                ok = cp::fail(f, errno, "close", true);
            if (ok) ok = publish(d.dst, t.name, to, f);
            if (!ok) ::unlinkat(d.dst, t.name, 0);
            return ok;
        }
        bool impossible = false;
        if (!link_unnamed(d, t, to, impossible, f)) {
            if (!impossible) return false;
            caps.no_tmpfile.store(true, std::memory_order_relaxed);
            f = {};
            return copy_file(d, e, to, r, f);  // again, with a named temporary
        }
        if (::close(t.fd.release()) < 0 && errno != EINTR) {
            ::unlinkat(d.dst, to, 0);  // linked, but the data may not be there
            return cp::fail(f, errno, "close", true);
        }
        return true;
    }

    // After creating a symlink or special file in place: owner, xattrs, mode,
    // times; an entry whose attributes cannot be applied is removed again.
    bool finish_entry(const dirs& d, const entry& e, const char* to, failure& f) {
        cp::at_path from(d.src, e.name.c_str()), at(d.dst, to);
        if (cp::apply_meta_at(d.dst, to, e.st, chown_needed(d, e.st),
                              opt.xattrs ? from.c_str() : nullptr, at.c_str(), f))
            return true;
        ::unlinkat(d.dst, to, 0);
        return false;
    }

    bool copy_symlink(const dirs& d, const entry& e, const char* to, failure& f) {
        std::string target(static_cast<std::size_t>(e.st.size > 0 ? e.st.size : 0) + 1, '\0');
        for (;;) {
            ssize_t n = ::readlinkat(d.src, e.name.c_str(), target.data(), target.size());
            if (n < 0) return cp::fail(f, errno, "readlink", false);
            if (static_cast<std::size_t>(n) < target.size()) {
                target.resize(static_cast<std::size_t>(n));
                break;
            }
            target.resize(target.size() * 2);  // grew since the lstat
        }
        if (::symlinkat(target.c_str(), d.dst, to) < 0) return cp::fail(f, errno, "symlink", true);
        return finish_entry(d, e, to, f);
    }

    bool copy_special(const dirs& d, const entry& e, const char* to, failure& f) {
        if (::mknodat(d.dst, to, (e.st.mode & S_IFMT) | 0600, e.st.rdev) < 0)
            return cp::fail(f, errno, "mknod", true);
        return finish_entry(d, e, to, f);
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
        return cp::apply_meta_fd(n.dst.get(), n.st, chown, true, opt.xattrs ? n.src.get() : -1,
                                 j.f);
    }

    // ---- poll-thread side ------------------------------------------------------------

    void done(job& j, const result<void>& r) {
        if (failed) return;
        count_copied(j);
        if (!r) return error(j, r.err());
        switch (j.t.k) {
            case kind::root:
                return after_root(j);
            case kind::dir:
                return after_dir(j);
            case kind::list:
                return after_list(j.t.dir, j);
            case kind::batch:
                return after_batch(j);
            case kind::link:
                ++stats.hardlinks;
                ++stats.entries;
                return entries_done(j.t.dir, 1);
            case kind::finish:
                ++stats.dirs;
                ++stats.entries;
                return entries_done(j.t.dir->parent, 1);
        }
    }

    void count(const meta& m) {
        ++stats.entries;
        switch (m.mode & S_IFMT) {
            case S_IFREG:
                ++stats.files;
                stats.bytes += file_bytes(m);
                break;
            case S_IFLNK:
                ++stats.symlinks;
                break;
            case S_IFDIR:
                ++stats.dirs;
                break;
            default:
                ++stats.specials;
                break;
        }
    }

    // Statistics of the entries a step copied (also when it then failed).
    void count_copied(const job& j) {
        if (j.t.k == kind::batch) {
            for (std::size_t i = 0; i < j.ndone; ++i)
                count(j.t.batch[i].st);
        } else if (j.t.k == kind::dir || j.t.k == kind::list) {
            for (const auto& e : j.entries)
                if (e.done) count(e.st);
        }
    }

    void error(const job& j, int err) {
        failed = true;
        const node& d = *j.t.dir;
        bool on_dst = j.f.on_dst;
        std::string path;
        switch (j.t.k) {
            case kind::root:
                path = on_dst ? dst_shown : src_shown;
                break;
            case kind::dir: {
                std::string rel = rel_of(d, j.t.e.name);
                if (!j.fail_name.empty())
                    path = path_in(rel.empty() ? j.fail_name : rel + "/" + j.fail_name, on_dst);
                else
                    path = path_in(rel, on_dst);
                break;
            }
            case kind::list:
                path =
                    j.fail_name.empty() ? path_in(d.rel, on_dst) : path_of(d, j.fail_name, on_dst);
                break;
            case kind::batch:
                path = path_of(d, j.fail_name, on_dst);
                break;
            case kind::link:
                path = path_of(d, j.t.e.name, on_dst);
                break;
            case kind::finish:
                path = path_in(d.rel, true);
                break;
        }
        tree_fail(g, err, std::move(path), *j.f.op ? j.f.op : "copy", stats);
        stack.clear();
        acquire(g);
        group h(g);
        h.cancel_subs();
    }

    // Call the progress callback once progress_every entries finished since
    // the last call (and at the end).
    void report(std::size_t n, bool force = false) {
        if (!opt.progress) return;
        since_report += n;
        if (!force && since_report < (opt.progress_every ? opt.progress_every : 1)) return;
        since_report = 0;
        prog.bytes_done = bytes_live.load(std::memory_order_relaxed);
        prog.totals_final = unlisted == 0;
        opt.progress(prog);
    }

    void after_root(job& j) {
        top->new_uid = j.new_uid;
        top->new_gid = j.new_gid;
        top->acl = j.acl;
        ++prog.entries_total;
        dispatch(top, entry{j.t.e.name, j.st});
        acquire(g);
        group h(g);
        h.limit(opt.max_active ? opt.max_active : 1);
        arm();
    }

    void after_dir(job& j) {
        const auto& parent = j.t.dir;
        if (j.finished) {  // listed, copied and finished in one step
            prog.entries_total += j.entries.size();
            prog.entries_done += j.entries.size();
            for (const auto& e : j.entries)
                prog.bytes_total += file_bytes(e.st);
            report(j.entries.size());
            ++stats.dirs;
            ++stats.entries;
            return entries_done(parent, 1);
        }
        auto n = std::make_shared<node>();
        n->parent = parent;
        n->rel = rel_of(*parent, j.t.e.name);
        n->src = std::move(j.src);
        n->dst = std::move(j.dst);
        n->st = j.st;
        n->dst_uid = j.dst_uid;
        n->dst_gid = j.dst_gid;
        n->new_uid = j.new_uid;
        n->new_gid = j.new_gid;
        n->acl = j.acl;
        ++unlisted;
        after_list(n, j);
    }

    void after_list(const std::shared_ptr<node>& n, job& j) {
        std::size_t mark = stack.size();
        std::size_t copied = 0;
        std::vector<entry> batch;
        std::uint64_t batch_bytes = 0;
        auto flush = [&] {
            if (batch.empty()) return;
            task t;
            t.k = kind::batch;
            t.dir = n;
            t.batch = std::move(batch);
            stack.push_back(std::move(t));
            batch.clear();
            batch_bytes = 0;
        };
        for (auto& e : j.entries) {
            ++prog.entries_total;
            if (e.done) {
                prog.bytes_total += file_bytes(e.st);
                ++copied;
                continue;
            }
            if (!small_entry(e.st)) {
                dispatch(n, std::move(e));
                continue;
            }
            ++n->pending;
            prog.bytes_total += file_bytes(e.st);
            batch_bytes += file_bytes(e.st);
            batch.push_back(std::move(e));
            if (batch.size() >= kBatchEntries || batch_bytes >= kBatchBytes) flush();
        }
        flush();
        prog.entries_done += copied;
        report(copied);
        if (j.eof) {
            --unlisted;
            unit_done(n, 1);  // the listing
        } else {
            task t;
            t.k = kind::list;
            t.dir = n;
            // below the entries just queued: they are copied before more are listed
            stack.insert(stack.begin() + static_cast<std::ptrdiff_t>(mark), std::move(t));
        }
        arm();
    }

    void after_batch(job& j) {
        const auto& n = j.t.dir;
        if (j.t.first_link) {
            const meta& m = j.t.batch[0].st;
            auto it = links.find({m.dev, m.ino});
            if (it != links.end()) {
                it->second.done = true;
                for (auto& w : it->second.waiters)
                    stack.push_back(std::move(w));
                it->second.waiters.clear();
            }
        }
        entries_done(n, j.t.batch.size());
    }

    // count entries of dir finished.
    void entries_done(const std::shared_ptr<node>& dir, std::size_t count) {
        prog.entries_done += count;
        if (dir->top) return succeed();
        report(count);
        unit_done(dir, count);
        arm();
    }

    // count of dir's pending units (entries, its listing) finished: queue
    // the directory's own finish when nothing is left.
    void unit_done(const std::shared_ptr<node>& dir, std::size_t count) {
        dir->pending -= count;
        if (dir->pending) return;
        task t;
        t.k = kind::finish;
        t.dir = dir;
        stack.push_back(std::move(t));
    }

    void succeed() {
        g->stats = stats;
        group_ok(g);
        report(0, true);
    }

    // Queue the copy of entry e of directory n (which counts it as pending).
    void dispatch(const std::shared_ptr<node>& n, entry e) {
        task t;
        t.dir = n;
        if (!n->top) ++n->pending;
        if (is_dir(e.st)) {
            t.k = kind::dir;
            t.e = std::move(e);
            stack.push_back(std::move(t));
            return;
        }
        t.k = kind::batch;
        if (e.st.nlink > 1 && !n->top) {
            auto [it, fresh] = links.try_emplace(dev_ino{e.st.dev, e.st.ino});
            if (!fresh) {
                t.k = kind::link;
                t.target = it->second.rel;
                t.e = std::move(e);
                if (it->second.done)
                    stack.push_back(std::move(t));
                else
                    it->second.waiters.push_back(std::move(t));
                return;
            }
            it->second.rel = rel_of(*n, e.name);
            t.first_link = true;
        }
        prog.bytes_total += file_bytes(e.st);
        t.batch.push_back(std::move(e));
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
    st->tmp_prefix = ".aiopp-cptree." + std::to_string(::getpid()) + "." +
                     std::to_string(detail::op_counter.fetch_add(1)) + ".";
    st->umask_now = detail::read_umask();
    st->top = std::make_shared<detail::node>();
    st->top->top = true;
    detail::task t;
    t.k = detail::kind::root;
    t.dir = st->top;
    st->run(std::move(t));
    return h;
}

}  // namespace aio
