// Worker-side building blocks shared by copy, cptree and mvtree: the data
// loop (reflink, copy_file_range, sendfile, read/write; holes kept), copying
// extended attributes, applying owner/mode/times, and a descriptor that
// closes itself. Everything here is synchronous, never throws, and reports
// failures as (errno, call, which side) so that callers can name the path.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <utility>

namespace aio::detail::cp {

/// A descriptor closed on destruction (close errors are not reported: use
/// close_checked where they matter).
class unique_fd {
  public:
    unique_fd() noexcept = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& o) noexcept {
        reset(std::exchange(o.fd_, -1));
        return *this;
    }
    ~unique_fd() { reset(); }
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    int release() noexcept { return std::exchange(fd_, -1); }
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

  private:
    int fd_ = -1;
};

/// The parts of struct stat a copy needs.
struct meta {
    mode_t mode = 0;
    uid_t uid = 0;
    gid_t gid = 0;
    nlink_t nlink = 0;
    off_t size = 0;
    blkcnt_t blocks = 0;
    dev_t dev = 0;
    ino_t ino = 0;
    dev_t rdev = 0;
    timespec atime{}, mtime{};
};
meta to_meta(const struct stat& st) noexcept;

/// A failed call: errno, the call's name, and whether it was about the
/// destination (else the source).
struct failure {
    int err = 0;
    const char* op = "";
    bool on_dst = false;
};

/// Set f and return false (for `return fail(...)`).
inline bool fail(failure& f, int err, const char* op, bool on_dst) noexcept {
    f = {err, op, on_dst};
    return false;
}

/// Fast paths that failed for good during one operation, shared by its
/// workers so that each file does not pay for the same failing syscall.
struct caps {
    std::atomic<bool> no_clone{false};       // FICLONE refused (no reflink here)
    std::atomic<bool> no_cfr{false};         // copy_file_range refused
    std::atomic<bool> no_noatime{false};     // O_NOATIME refused (EPERM: not the owner)
    std::atomic<bool> no_tmpfile{false};     // O_TMPFILE unsupported (or no way to link one)
    std::atomic<bool> no_empty_path{false};  // linkat(AT_EMPTY_PATH) refused (no capability)
};

/// What the data loop reports as it goes (may be null).
struct data_progress {
    std::atomic<std::uint64_t>* bytes = nullptr;   // added to per chunk
    const std::atomic<bool>* cancelled = nullptr;  // checked between chunks: ECANCELED
};

/// Copy the data of the regular file src (described by m) into dst, which
/// must be empty and writable at offset 0. Tries FICLONE (whole file), then
/// per range copy_file_range, then aio::sys::sendfile (which falls back to
/// read/write). When m says the file has fewer blocks than its size, only
/// the data ranges found with SEEK_DATA/SEEK_HOLE are copied and dst is
/// truncated to the full size, so holes stay holes. If the source turns out
/// shorter than m.size, the copy ends there (dst gets the shorter length).
/// Returns false with f set on failure.
bool copy_data(int src, int dst, const meta& m, caps& c, const data_progress& p,
               failure& f) noexcept;

/// Copy every extended attribute of src to dst: descriptors (fd variants) or
/// paths not followed if symlinks (path variants). A source without xattr
/// support has none; names the destination refuses (ENOTSUP, EOPNOTSUPP,
/// EPERM, EACCES: no support, or a namespace reserved to root) are skipped.
bool copy_xattrs(int src, int dst, failure& f) noexcept;
bool copy_xattrs(const char* src, const char* dst, failure& f) noexcept;

/// Apply m's owner, mode and times to the open dst (owner first, so that the
/// chmod restores set-id bits a chown cleared; times last). Owner changes
/// failing with EPERM or EINVAL are ignored (an unprivileged copy, as cp -a).
/// With xattrs_from >= 0, copies its xattrs after the chown (which clears
/// security.capability) and before the chmod. chown / chmod false: the
/// caller knows that dst already has that owner / mode.
bool apply_meta_fd(int dst, const meta& m, bool chown, bool chmod, int xattrs_from,
                   failure& f) noexcept;

/// The same for the entry `name` in directory dirfd, not following symlinks
/// (the mode is skipped for symlinks: Linux has no lchmod). xattr_src is a
/// path to copy xattrs from (nullptr: none); dst_path names the entry for
/// the xattr calls (e.g. /proc/self/fd/N/name).
bool apply_meta_at(int dirfd, const char* name, const meta& m, bool chown, const char* xattr_src,
                   const char* dst_path, failure& f) noexcept;

/// openat for reading a source file without changing its atime: O_NOATIME
/// first, unless c says it is refused here (EPERM: we are not the owner).
int open_source(int dirfd, const char* name, int flags, caps& c) noexcept;

/// "/proc/self/fd/<dirfd>/<name>" (or name itself when dirfd is AT_FDCWD):
/// a path for the calls that have no *at variant (the xattr calls).
struct at_path {
    at_path(int dirfd, const char* name) noexcept;
    const char* c_str() const noexcept { return p_; }

  private:
    char buf_[4096 + 64];
    const char* p_;
};

}  // namespace aio::detail::cp
