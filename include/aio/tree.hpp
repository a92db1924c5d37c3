// Directory trees: scandir (split a directory into subdirectories and the
// rest) and rmtree (delete a tree), composite requests in the manner of
// IO::AIO's aio_scandir and aio_rmtree. See docs/api/tree.md.
//
// Both work relative to directory descriptors: a directory is opened once,
// its entries are stat'ed, unlinked and recursed into as (descriptor, name),
// never by walking a full path again.
#pragma once

#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "aio/context.hpp"
#include "aio/request.hpp"
#include "aio/wd.hpp"

namespace aio {

/// scandir's result: the directory itself, opened once, and its entries split
/// in two. Names are relative to the directory (no "." or ".."), in no
/// particular order.
struct scandir_t {
    /// The scanned directory as a working directory: recurse with
    /// scandir({dir, name}, ...) instead of building paths. Its descriptor is
    /// a read-only directory descriptor (usable with every *at call).
    wd dir;
    std::vector<std::string> dirs;     ///< directories you can recurse into
    std::vector<std::string> nondirs;  ///< everything else, symlinks to directories included
};

namespace detail {
result<scandir_t> take(req& r, tag<scandir_t>);
}

/// scandir flag: do not follow a symlink in the last component of the path
/// (it fails with ENOTDIR, like a file). rmtree uses it for every directory.
inline constexpr unsigned SCANDIR_NOFOLLOW = 0x01;
/// scandir flag: for walkers that need the directory only to recurse into
/// it — a directory without subdirectories is closed right away on the
/// worker and the result's dir is null (closing a directory that was read is
/// not free: ext4 frees its readdir cache then).
inline constexpr unsigned SCANDIR_CLOSE_LEAVES = 0x02;

/// Scan a directory and split its entries into directories and everything
/// else, with at most maxreq requests outstanding (<= 0: 4). Uses d_type
/// when the filesystem reports it for every entry (one request, no stat);
/// otherwise the manual's heuristics (link count, stat "entry/." for likely
/// directories first, lstat to exclude symlinks). Symlinks in the path are
/// followed (as aio_scandir does) unless flags has SCANDIR_NOFOLLOW.
/// Errors: those of opening and reading the directory (ENOENT, ENOTDIR,
/// EACCES, ELOOP, EMFILE, EINVAL for a NUL in the path, ...).
request<scandir_t> scandir(path_arg path, int maxreq, callback<scandir_t> cb = {},
                           context& ctx = default_context());
request<scandir_t> scandir(path_arg path, int maxreq, unsigned flags, callback<scandir_t> cb = {},
                           context& ctx = default_context());

/// The first step of a tree operation that went wrong, for error messages:
/// result<void> can only carry an errno, and rmtree's result is the status of
/// the final rmdir (usually ENOTEMPTY when something deeper failed).
struct tree_error {
    std::error_code error;  ///< empty: no step failed
    std::string path;       ///< the entry: the path passed to rmtree + "/" + relative names
    std::string op;         ///< "scandir", "unlink" or "rmdir"
};

/// Delete the tree at path, path included (like `rm -rf`, but a symlink at
/// path is not followed and not removed: ENOTDIR). The result is the status
/// of the final rmdir of path (IO::AIO's aio_rmtree): success means the tree
/// is gone. Concurrency is bounded (a feeder keeps at most 16 steps active).
request<void> rmtree(path_arg path, callback<void> cb = {}, context& ctx = default_context());
/// The same, and when a step fails, *first_error receives the first failure
/// that left something behind (set before the callback runs; untouched when
/// nothing failed). A null pointer is allowed.
request<void> rmtree(path_arg path, std::shared_ptr<tree_error> first_error, callback<void> cb = {},
                     context& ctx = default_context());

}  // namespace aio
