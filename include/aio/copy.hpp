// Composite file operations: load, copy, move, pathsync (IO::AIO's aio_load,
// aio_copy, aio_move, aio_pathsync) and the recursive cptree / mvtree that
// IO::AIO lists as TODO. See docs/api/copy.md.
//
// Each is a group of primitive requests, as in IO::AIO: the steps (open,
// fstat, the data loop, futime, fchmod, ...) are requests of their own, added
// to the group one after the other from the previous step's callback. So a
// composite is cancellable (cancelling its handle cancels every step; a
// cancelled composite never calls back), runs its steps at the priority that
// was current when it was started (aio::pri), counts them in nreqs, and runs
// its continuations inside poll_cb. Copying bytes is one step: a tight loop
// on a worker (reflink, copy_file_range, sendfile, read/write; holes kept).
//
// Start composites on the thread that runs poll_cb for their context (or
// while no poll_cb runs): the front function adds the first step to the
// group, which only that thread may do.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "aio/context.hpp"
#include "aio/function.hpp"
#include "aio/request.hpp"
#include "aio/result.hpp"
#include "aio/wd.hpp"

namespace aio {

// ---- load ----------------------------------------------------------------------

/// load's result: the number of bytes read and the string holding them.
struct load_t {
    std::size_t bytes = 0;
    std::string data;
};

namespace detail {
result<load_t> take(req& r, tag<load_t>);
}

/// Read the whole file at path (aio_load): open, fstat, read st_size bytes,
/// close. `data` is the file's contents and `bytes` its length. A file that
/// reports size 0 (procfs, sysfs) is read until end of file instead.
/// Errors: those of open (ENOENT, EACCES, ...), fstat and read (EISDIR, EIO).
request<load_t> load(path_arg path, callback<load_t> cb = {}, context& ctx = default_context());
/// The same, reading into `data` at `dataoffset` (negative: from the end) as
/// aio::read's string variant does: the string is resized to dataoffset +
/// bytes read and handed back. A dataoffset outside `data`: EINVAL.
request<load_t> load(path_arg path, std::string data, std::int64_t dataoffset,
                     callback<load_t> cb = {}, context& ctx = default_context());

// ---- copy, move, pathsync -------------------------------------------------------

/// Copy the file src to dst (aio_copy): dst is created with mode 0200 (an
/// existing file is truncated), the data copied, then the source's atime and
/// mtime (nanoseconds), mode and owner applied in that order; errors in those
/// are ignored, as in IO::AIO. A set-user/group-ID bit cleared by the chown
/// is put back with a final chmod. A data error (or a failing close) unlinks
/// the partial destination; so does a cancellation before the copy ended
/// (a cancelled copy leaves no destination). Errors: EISDIR (src or dst is a directory),
/// EINVAL (src and dst are the same file; nothing is touched), and those of
/// open, fstat, the data copy (EIO, ENOSPC, EDQUOT, ...) and close.
request<void> copy(path_arg src, path_arg dst, callback<void> cb = {},
                   context& ctx = default_context());
/// Move the file src to dst (aio_move): rename(2); when that fails with
/// EXDEV, copy() and then unlink src. Unlike IO::AIO, a failing unlink of
/// src is reported (the complete copy stays at dst).
request<void> move(path_arg src, path_arg dst, callback<void> cb = {},
                   context& ctx = default_context());
/// Open path read-only, fsync it, close it (aio_pathsync); for directories
/// after renames and the like. The result is fsync's (or open's) status.
request<void> pathsync(path_arg path, callback<void> cb = {}, context& ctx = default_context());

// ---- cptree, mvtree ----------------------------------------------------------------

/// What a tree copy did (for a failed one: what it did before it stopped).
struct cptree_stats {
    std::uint64_t entries = 0;    ///< entries created, the top one included
    std::uint64_t dirs = 0;       ///< directories
    std::uint64_t files = 0;      ///< regular files copied
    std::uint64_t symlinks = 0;   ///< symbolic links
    std::uint64_t specials = 0;   ///< fifos, sockets, device nodes
    std::uint64_t hardlinks = 0;  ///< entries made as hard links to an earlier copy
    std::uint64_t bytes = 0;      ///< sizes of the regular files copied
    bool renamed = false;         ///< mvtree: moved by rename(2), nothing copied
};

/// Progress of a tree copy, passed to cptree_options::progress.
struct cptree_progress {
    std::uint64_t entries_done = 0;
    std::uint64_t entries_total = 0;  ///< entries found so far
    std::uint64_t bytes_done = 0;     ///< of finished regular files
    std::uint64_t bytes_total = 0;    ///< sizes of the regular files found so far
    bool totals_final = false;        ///< the whole source has been listed
};

struct cptree_options {
    /// At most this many steps active at once (the group's feeder limit):
    /// files being copied, directories being listed or finished. 0: 1.
    std::size_t max_active = 16;
    /// Copy extended attributes (user.*, trusted.*, security.*, ACLs).
    bool xattrs = false;
    /// Called in poll_cb as entries finish (at most every `progress_every`
    /// entries, and once at the end of a successful copy).
    unique_function<void(const cptree_progress&)> progress;
    std::size_t progress_every = 1;
};

/// cptree's and mvtree's result: the statistics, or the first error together
/// with the path it happened on and the operation that failed. stats() holds
/// what was done either way.
template <>
class [[nodiscard]] result<cptree_stats> {
  public:
    using value_type = cptree_stats;

    result(cptree_stats v) : stats_(v) {}             // NOLINT: implicit, like result<T>
    result(std::error_code ec) noexcept : ec_(ec) {}  // NOLINT
    result(std::error_code ec, std::string path, std::string op, cptree_stats partial)
        : stats_(partial), ec_(ec), path_(std::move(path)), op_(std::move(op)) {}

    bool has_value() const noexcept { return !ec_; }
    explicit operator bool() const noexcept { return has_value(); }
    std::error_code error() const noexcept { return ec_; }
    int err() const noexcept { return ec_.value(); }
    /// The path of the entry the first error happened on (source or
    /// destination, whichever the failing call was about); "" on success.
    const std::string& path() const noexcept { return path_; }
    /// The call that failed ("open", "read", "write", "mkdir", ...).
    const std::string& op() const noexcept { return op_; }
    /// What was done, also after a failure.
    const cptree_stats& stats() const noexcept { return stats_; }

    /// The statistics; on failure throws std::filesystem::filesystem_error
    /// carrying the error and the path.
    const cptree_stats& value() const {
        check();
        return stats_;
    }
    cptree_stats value_or(const cptree_stats& dflt) const { return ec_ ? dflt : stats_; }
    const cptree_stats& operator*() const noexcept { return stats_; }
    const cptree_stats* operator->() const noexcept { return &stats_; }

  private:
    void check() const {
        if (ec_) throw std::filesystem::filesystem_error("aio::cptree: " + op_, path_, ec_);
    }
    cptree_stats stats_;
    std::error_code ec_;
    std::string path_, op_;
};

namespace detail {
result<cptree_stats> take(req& r, tag<cptree_stats>);
}

/// Copy the tree at src to dst, like `cp -a src dst` when dst does not exist:
/// directories, regular files (holes kept; reflinked where the filesystem
/// shares extents), symlinks (as symlinks), hard links (as hard links, when
/// several names of one file are inside src), fifos, sockets and device
/// nodes (device nodes need CAP_MKNOD); owners, modes, and atime/mtime with
/// nanoseconds (a directory's after its contents); extended attributes with
/// options.xattrs. src itself may be a file or symlink (copied as one entry);
/// symlinks are never followed, except in src's and dst's leading components.
///
/// dst must not exist (EEXIST); its parent must. dst inside src: EINVAL. The
/// source is never modified (files are read with O_NOATIME where allowed).
/// Steps run concurrently, at most options.max_active at a time; each
/// directory is opened once and its entries used as (descriptor, name).
///
/// Failure: the first error stops the copy (the other steps are cancelled;
/// running ones stop at their next file or chunk) and is reported with its
/// path and failing call; the callback runs once nothing changes any more.
/// The destination then holds no partially written file: a file is written
/// unnamed (O_TMPFILE) and linked into place when complete, or, where the
/// filesystem cannot do that, under a temporary name in its directory that
/// is renamed into place (and removed on error). What remains: the
/// directories already created (mode 0700 and current times unless they
/// were finished) and the complete entries in them. The same holds for a
/// cancelled cptree. Owner changes failing with EPERM or EINVAL (not root)
/// are ignored, as cp -a does.
request<cptree_stats> cptree(path_arg src, path_arg dst, cptree_options options = {},
                             callback<cptree_stats> cb = {}, context& ctx = default_context());

/// Move the tree at src to dst: renameat2(RENAME_NOREPLACE) (dst must not
/// exist: EEXIST); when that fails with EXDEV, cptree(src, dst, options) and,
/// only after the whole copy succeeded, remove src. stats().renamed tells
/// which happened. A failed copy leaves src untouched (and dst as cptree
/// leaves it); a failure while removing src leaves the complete copy at dst
/// and what could not be removed at src (the error names it).
request<cptree_stats> mvtree(path_arg src, path_arg dst, cptree_options options = {},
                             callback<cptree_stats> cb = {}, context& ctx = default_context());

}  // namespace aio
