// The group request behind cptree and mvtree: it carries their result (the
// statistics, and the first error's path and failing call).
#pragma once

#include <fcntl.h>

#include <cerrno>
#include <string>

#include "aio/copy.hpp"
#include "engine/req.hpp"
#include "ops/composite/copy_common.hpp"
#include "ops/fs_req.hpp"

namespace aio::detail {

struct cptree_group : group_req {
    cptree_stats stats;
    std::string path;  // where the first error happened
    std::string op;    // the call that failed
};

/// Record a failure (the first one wins: later ones are ignored).
inline void tree_fail(cptree_group* g, int err, std::string path, std::string op,
                      const cptree_stats& stats) {
    if (g->err) return;
    g->err = err;
    g->result = -1;
    g->path = std::move(path);
    g->op = std::move(op);
    g->stats = stats;
}

// A path split into its parent directory and last component.
inline void split(std::string path, std::string& parent, std::string& name) {
    while (path.size() > 1 && path.back() == '/')
        path.pop_back();
    if (path == "/") {
        parent = "/";
        name = ".";
        return;
    }
    auto slash = path.rfind('/');
    if (slash == std::string::npos) {
        parent = ".";
        name = path;
    } else {
        parent = slash == 0 ? "/" : path.substr(0, slash);
        name = path.substr(slash + 1);
    }
}

// The path as the caller would write it, for error reports.
inline std::string shown(const path_arg& p) {
    std::string s = p.path;
    while (s.size() > 1 && s.back() == '/')
        s.pop_back();
    if (!s.empty() && s[0] != '/' && !p.dir.is_cwd() && !p.dir.is_null())
        s = p.dir.path() + "/" + s;
    return s;
}

// Open the parent of path (O_PATH) and return the last component.
inline bool open_parent(req& r, const path_arg& p, cp::unique_fd& parent, std::string& name,
                        cp::failure& f, bool on_dst) {
    int dirfd;
    const char* path;
    if (!resolve(r, p, dirfd, path)) return cp::fail(f, r.err, "open", on_dst);
    std::string dir;
    split(path, dir, name);
    int fd =
        retry_eintr([&] { return ::openat(dirfd, dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC); });
    if (fd < 0) return cp::fail(f, errno, "open", on_dst);
    parent.reset(fd);
    return true;
}

}  // namespace aio::detail
