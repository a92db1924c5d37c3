// mvtree: rename, or (across filesystems) cptree and then remove the source.
//
// The removal is a small internal remover in the style of cptree (it can be
// replaced by aio::rmtree once that is available): each directory is opened
// once (O_NOFOLLOW), read completely, its non-directories unlinked relative
// to its descriptor; subdirectories are removed the same way, depth first,
// and a directory is rmdir'ed relative to its parent's descriptor after its
// last subdirectory. At most options.max_active steps run at once (feeder).
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "aio/copy.hpp"
#include "aio/ops.hpp"
#include "ops/composite/composite.hpp"
#include "ops/composite/copy_common.hpp"
#include "ops/composite/cptree.hpp"
#include "ops/dir.hpp"

namespace aio {

namespace detail {

namespace {

using cp::failure;
using cp::unique_fd;

struct rm_node {
    std::shared_ptr<rm_node> parent;
    std::string name;         // in parent
    std::string rel;          // relative to the removed root
    unique_fd fd;             // the directory, read-only
    std::size_t pending = 0;  // subdirectories not yet removed
};

enum class rm_kind : std::uint8_t { root, dir, rmdir };

struct rm_job {
    rm_kind k = rm_kind::root;
    std::shared_ptr<rm_node> parent;  // dir: the parent; rmdir: the node itself
    std::string name;
    failure f;
    std::string fail_name;  // an entry of the directory that could not be removed
    unique_fd fd;
    std::vector<std::string> subdirs;
    bool is_dir = false;  // root: the source is a directory
};

// Read dir completely; unlink every non-directory, collect the directories.
bool empty_dir(int fd, rm_job& j) {
    std::vector<std::pair<std::string, unsigned char>> names;
    int rc;
    try {
        rc = read_dents(fd, [&](const char* name, std::size_t, unsigned char type, ino_t) {
            names.emplace_back(name, type);
            return true;
        });
    } catch (const std::bad_alloc&) {
        return cp::fail(j.f, ENOMEM, "getdents", false);
    }
    if (rc < 0) return cp::fail(j.f, errno, "getdents", false);
    for (auto& [name, type] : names) {
        if (type == DT_UNKNOWN) {
            struct stat st;
            if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
                if (errno == ENOENT) continue;
                j.fail_name = name;
                return cp::fail(j.f, errno, "lstat", false);
            }
            type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
        }
        if (type == DT_DIR) {
            j.subdirs.push_back(std::move(name));
        } else if (::unlinkat(fd, name.c_str(), 0) < 0 && errno != ENOENT) {
            j.fail_name = name;
            return cp::fail(j.f, errno, "unlink", false);
        }
    }
    return true;
}

struct remover : std::enable_shared_from_this<remover> {
    step_sink s;
    cptree_group* g = nullptr;
    path_arg path;
    std::string shown_path;
    std::size_t max_active = 16;
    std::shared_ptr<rm_node> top;  // the parent of the removed root
    std::vector<rm_job> stack;
    bool feeding = false, failed = false;
    unique_function<void()> on_success;

    void start() {
        rm_job j;
        j.parent = top;
        run(std::move(j));
    }

    void run(rm_job job) {
        auto j = std::make_shared<rm_job>(std::move(job));
        s.custom([st = shared_from_this(), j](custom_req& r) { st->work(*j, r); },
                 [st = shared_from_this(), j](result<void> r) { st->done(*j, r); });
    }

    void arm() {
        if (feeding || failed || stack.empty()) return;
        feeding = true;
        acquire(g);
        group h(g);
        h.feed([st = shared_from_this()](group&) {
            if (st->failed || st->stack.empty()) {
                st->feeding = false;
                return;
            }
            rm_job j = std::move(st->stack.back());
            st->stack.pop_back();
            st->run(std::move(j));
        });
    }

    void work(rm_job& j, custom_req& r) noexcept {
        bool ok = false;
        try {
            ok = j.k == rm_kind::root  ? do_root(j, r)
                 : j.k == rm_kind::dir ? do_dir(j)
                                       : do_rmdir(j);
        } catch (const std::bad_alloc&) {
            ok = cp::fail(j.f, ENOMEM, "unlink", false);
        }
        if (!ok) r.fail(j.f.err ? j.f.err : EIO);
    }

    bool do_root(rm_job& j, custom_req& r) {
        if (!open_parent(r, path, top->fd, j.name, j.f, false)) return false;
        struct stat st;
        if (::fstatat(top->fd.get(), j.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
            return cp::fail(j.f, errno, "lstat", false);
        if (!S_ISDIR(st.st_mode)) {
            if (::unlinkat(top->fd.get(), j.name.c_str(), 0) < 0)
                return cp::fail(j.f, errno, "unlink", false);
            return true;
        }
        j.is_dir = true;
        return do_dir(j);
    }

    bool do_dir(rm_job& j) {
        j.fd.reset(retry_eintr([&] {
            return ::openat(j.parent->fd.get(), j.name.c_str(),
                            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }));
        if (!j.fd) return cp::fail(j.f, errno, "open", false);
        return empty_dir(j.fd.get(), j);
    }

    bool do_rmdir(rm_job& j) {
        const rm_node& n = *j.parent;
        if (::unlinkat(n.parent->fd.get(), n.name.c_str(), AT_REMOVEDIR) < 0)
            return cp::fail(j.f, errno, "rmdir", false);
        return true;
    }

    std::string path_of(const rm_node& dir, const std::string& name) const {
        if (!dir.parent) return shown_path;  // the top: name is the root
        std::string rel = dir.rel.empty() ? name : dir.rel + "/" + name;
        return shown_path + "/" + rel;
    }

    void done(rm_job& j, const result<void>& r) {
        if (failed) return;
        if (!r) return error(j, r.err());
        if (j.k == rm_kind::rmdir) return child_done(j.parent->parent);
        if (j.k == rm_kind::root && !j.is_dir) return succeed();
        auto n = std::make_shared<rm_node>();
        n->parent = j.parent;
        n->name = j.name;
        n->rel = j.parent == top ? std::string()
                                 : (j.parent->rel.empty() ? j.name : j.parent->rel + "/" + j.name);
        n->fd = std::move(j.fd);
        n->pending = j.subdirs.size() + 1;
        for (auto& d : j.subdirs) {
            rm_job c;
            c.k = rm_kind::dir;
            c.parent = n;
            c.name = std::move(d);
            stack.push_back(std::move(c));
        }
        if (j.k == rm_kind::root) {
            acquire(g);
            group h(g);
            h.limit(max_active ? max_active : 1);
        }
        child_done(n);
    }

    // A subdirectory of n (or n's own listing) is gone: rmdir n when empty.
    void child_done(const std::shared_ptr<rm_node>& n) {
        if (n == top) return succeed();
        if (--n->pending == 0) {
            rm_job j;
            j.k = rm_kind::rmdir;
            j.parent = n;
            stack.push_back(std::move(j));
        }
        arm();
    }

    void error(const rm_job& j, int err) {
        failed = true;
        std::string p;
        if (j.k == rm_kind::rmdir) {
            p = path_of(*j.parent->parent, j.parent->name);
        } else {
            p = path_of(*j.parent, j.name);
            if (!j.fail_name.empty()) p += "/" + j.fail_name;
        }
        tree_fail(g, err, std::move(p), j.f.op, g->stats);
        stack.clear();
    }

    void succeed() {
        if (on_success) on_success();
    }
};

struct mvtree_state : std::enable_shared_from_this<mvtree_state> {
    step_sink s;
    cptree_group* g = nullptr;
    path_arg src, dst;
    cptree_options opt;

    void start() {
        s.step([&] {
            return aio::rename2(
                src, dst, RENAME_NOREPLACE,
                [st = shared_from_this()](result<void> r) { st->renamed(r, true); }, *s.ctx);
        });
    }

    void renamed(const result<void>& r, bool noreplace) {
        if (r) {
            g->stats.renamed = true;
            return group_ok(g);
        }
        if (r.err() == EXDEV) return copy();
        if (noreplace && r.err() == EINVAL) return check_then_rename();
        tree_fail(g, r.err(), shown(src), "rename", g->stats);
    }

    // No RENAME_NOREPLACE here: refuse an existing dst, then plain rename.
    void check_then_rename() {
        s.step([&] {
            return aio::lstat(
                dst,
                [st = shared_from_this()](result<stat_t> r) {
                    if (r) return tree_fail(st->g, EEXIST, shown(st->dst), "rename", st->g->stats);
                    if (r.err() != ENOENT)
                        return tree_fail(st->g, r.err(), shown(st->dst), "lstat", st->g->stats);
                    st->s.step([&] {
                        return aio::rename(
                            st->src, st->dst, [st](result<void> r2) { st->renamed(r2, false); },
                            *st->s.ctx);
                    });
                },
                *s.ctx);
        });
    }

    void copy() {
        s.step([&] {
            return aio::cptree(
                src, dst, std::move(opt),
                [st = shared_from_this()](result<cptree_stats> r) {
                    st->g->stats = r.stats();
                    if (!r) return tree_fail(st->g, r.err(), r.path(), r.op(), r.stats());
                    st->remove();
                },
                *s.ctx);
        });
    }

    // Remove the source in a nested group, so that its feeder limit does not
    // interfere with this group's own steps.
    void remove() {
        auto* sub = new_group<cptree_group>();
        aio::pri(s.pri);
        auto h =
            submit<cptree_stats>(*s.ctx, sub, [st = shared_from_this()](result<cptree_stats> r) {
                if (!r) return tree_fail(st->g, r.err(), r.path(), r.op(), st->g->stats);
                group_ok(st->g);
            });
        s.add(h);
        auto rm = std::make_shared<remover>();
        rm->s = {sub, s.ctx, s.pri};
        rm->g = sub;
        rm->path = src;
        rm->shown_path = shown(src);
        rm->max_active = 16;
        rm->top = std::make_shared<rm_node>();
        rm->on_success = [sub] { group_ok(sub); };
        rm->start();
    }
};

}  // namespace

}  // namespace detail

request<cptree_stats> mvtree(path_arg src, path_arg dst, cptree_options options,
                             callback<cptree_stats> cb, context& ctx) {
    int p = aio::pri();
    auto* g = detail::new_group<detail::cptree_group>();
    auto h = detail::submit<cptree_stats>(ctx, g, std::move(cb));
    auto st = std::make_shared<detail::mvtree_state>();
    st->s = {g, &ctx, p};
    st->g = g;
    st->src = std::move(src);
    st->dst = std::move(dst);
    st->opt = std::move(options);
    st->start();
    return h;
}

}  // namespace aio
