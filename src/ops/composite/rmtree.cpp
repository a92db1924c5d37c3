// rmtree: delete a tree bottom-up, built on scandir (IO::AIO's aio_rmtree).
//
// One flat group with a feeder drains a stack of tasks, so at most kLimit
// steps are active at any time however wide or deep the tree is:
//   scan(dir)          scandir(dir, SCANDIR_NOFOLLOW) relative to the parent's
//                      descriptor; pushes an unlink per non-directory and a
//                      scan per subdirectory (or the dir's rmdir when empty)
//   unlink(dir, name)  unlink relative to dir's descriptor
//   rmdir(dir)         once every child of dir is gone (or failed), relative
//                      to the parent's descriptor; the root's rmdir status is
//                      the composite's result
// The stack makes the walk depth-first, which bounds the directories held
// open to about the depth of the tree times the limit. Nothing is looked up
// by full path after the root, and no symlink is ever followed: a directory
// swapped for a symlink mid-way fails to open (ENOTDIR) and is then unlinked
// by nobody — its rmdir fails, which is reported.
//
// Errors: every rmdir runs even when something below it failed (like IO::AIO;
// it then fails with ENOTEMPTY). The tree_error gets the first failure that
// is not merely the echo of a failure below: an unlink, a scandir whose
// directory could then not be removed, or an rmdir of a directory whose
// children were all removed.
//
// Cancelling: steps not yet started never run; the tree left behind is the
// original minus whole entries (an rmdir only ever runs on an emptied
// directory), and a later rmtree finishes the job.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ops/composite/tree_internal.hpp"
#include "ops/submit.hpp"

namespace aio {

namespace detail {

namespace {

constexpr std::size_t kLimit = 16;  // active steps in one rmtree
constexpr int kScanMaxreq = 4;      // scandir's own stat limit (DT_UNKNOWN only)

struct node {
    std::shared_ptr<node> parent;  // null for the root
    std::string name;              // in the parent directory
    std::string path;              // for messages
    wd dir;                        // this directory, once scanned
    std::size_t pending = 0;       // children not finished yet
    bool failed_below = false;     // a child could not be removed
    std::error_code scan_error;
};

struct task {
    enum kind { scan, unlink, rmdir } what;
    std::shared_ptr<node> n;
    std::string name;  // unlink: the entry in n
};

struct rm_state {
    context* ctx = nullptr;
    group_req* g = nullptr;  // raw: alive while any step is
    int pri = 0;
    path_arg root;  // as the caller gave it
    std::shared_ptr<tree_error> first;
    std::vector<task> todo;  // a stack: depth first
    bool feeding = false;    // the group has our feeder
};

using state_ptr = std::shared_ptr<rm_state>;

void feed(const state_ptr& s);

void record(rm_state& s, std::error_code ec, const std::string& path, const char* op) {
    if (s.first && !s.first->error) *s.first = tree_error{ec, path, op};
}

void push(const state_ptr& s, task t) {
    s->todo.push_back(std::move(t));
    feed(s);
}

void child_done(const state_ptr& s, const std::shared_ptr<node>& dir) {
    if (--dir->pending == 0) push(s, {task::rmdir, dir, {}});
}

// The path of n as a step argument: relative to its parent's descriptor.
path_arg where(const rm_state& s, const node& n) {
    if (!n.parent) return s.root;
    return path_arg(n.parent->dir, n.name);
}

void start_scan(const state_ptr& s, std::shared_ptr<node> n) {
    aio::pri(s->pri);
    auto h = aio::scandir(
        where(*s, *n), kScanMaxreq, SCANDIR_NOFOLLOW,
        [s, n](result<scandir_t> r) {
            if (!r) {
                n->scan_error = r.error();
                return push(s, {task::rmdir, n, {}});
            }
            n->dir = std::move(r->dir);
            n->pending = r->dirs.size() + r->nondirs.size();
            if (!n->pending) return push(s, {task::rmdir, n, {}});
            for (auto& d : r->dirs) {
                auto child = std::make_shared<node>();
                child->parent = n;
                child->path = n->path + "/" + d;
                child->name = std::move(d);
                s->todo.push_back({task::scan, std::move(child), {}});
            }
            for (auto& f : r->nondirs)
                s->todo.push_back({task::unlink, n, std::move(f)});
            feed(s);
        },
        *s->ctx);
    add_step(s->g, h);
}

void start_unlink(const state_ptr& s, std::shared_ptr<node> n, std::string name) {
    aio::pri(s->pri);
    std::string rel = name;
    auto h = aio::unlink(
        {n->dir, std::move(rel)},
        [s, n, name = std::move(name)](result<void> r) {
            if (!r) {
                record(*s, r.error(), n->path + "/" + name, "unlink");
                n->failed_below = true;
            }
            child_done(s, n);
        },
        *s->ctx);
    add_step(s->g, h);
}

void start_rmdir(const state_ptr& s, std::shared_ptr<node> n) {
    aio::pri(s->pri);
    auto h = aio::rmdir(
        where(*s, *n),
        [s, n](result<void> r) {
            if (!r && !n->failed_below) {
                if (n->scan_error)
                    record(*s, n->scan_error, n->path, "scandir");
                else
                    record(*s, r.error(), n->path, "rmdir");
            }
            n->dir = wd{};  // close it now, not when the last sibling goes
            if (!n->parent) {
                s->g->err = r.err();
                s->g->result = r ? 0 : -1;
                return;
            }
            if (!r) n->parent->failed_below = true;
            child_done(s, n->parent);
        },
        *s->ctx);
    add_step(s->g, h);
}

// Called by the group while it has fewer than kLimit active steps.
void run_one(const state_ptr& s) {
    if (s->todo.empty()) {
        s->feeding = false;  // adds nothing: the engine drops the feeder
        return;
    }
    task t = std::move(s->todo.back());
    s->todo.pop_back();
    switch (t.what) {
        case task::scan:
            return start_scan(s, std::move(t.n));
        case task::unlink:
            return start_unlink(s, std::move(t.n), std::move(t.name));
        case task::rmdir:
            return start_rmdir(s, std::move(t.n));
    }
}

// (Re)install the feeder after new tasks appeared.
void feed(const state_ptr& s) {
    if (s->feeding || s->todo.empty()) return;
    s->feeding = true;
    acquire(s->g);
    group grp(s->g);
    grp.limit(kLimit);
    grp.feed([s](group&) { run_one(s); });
}

}  // namespace

}  // namespace detail

request<void> rmtree(path_arg path, std::shared_ptr<tree_error> first_error, callback<void> cb,
                     context& ctx) {
    int pri = aio::pri();
    auto* g = new detail::group_req;
    g->opcode = static_cast<std::uint8_t>(detail::op::group);
    auto handle = detail::submit(ctx, g, std::move(cb));
    auto s = std::make_shared<detail::rm_state>();
    s->ctx = &ctx;
    s->g = g;
    s->pri = pri;
    s->first = std::move(first_error);
    auto root = std::make_shared<detail::node>();
    root->path = detail::display_path(path);
    s->root = std::move(path);
    // The first step goes in right away: the group must not finish empty.
    detail::start_scan(s, std::move(root));
    return handle;
}

request<void> rmtree(path_arg path, callback<void> cb, context& ctx) {
    return rmtree(std::move(path), nullptr, std::move(cb), ctx);
}

}  // namespace aio
