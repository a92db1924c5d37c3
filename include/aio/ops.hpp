// Every operation, as a function that submits a request and returns its handle.
//
// Conventions (see docs/API.md for each operation's details):
// * The last two parameters are always the callback and the context; both
//   may be omitted (no callback; aio::default_context()).
// * The callback receives result<T>: the value, or the errno the syscall
//   failed with (result::error()). Cancelled requests never call back.
// * Paths are aio::path_arg: a path, or {wd, "relative"} (see wd.hpp).
// * Descriptors are plain ints; aio never closes a descriptor you pass it
//   (except close()).
// * Buffers passed by pointer must stay valid until the callback ran (or the
//   request was cancelled before it started); buffers passed as std::string
//   are moved into the request and handed back in the result.
// * Bad arguments (embedded NUL in a path, a null wd, negative lengths,
//   offsets outside a buffer) fail the request with EINVAL / ENOENT through
//   the callback; nothing is ever written outside a caller's buffer.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aio/context.hpp"
#include "aio/request.hpp"
#include "aio/wd.hpp"

namespace aio {

// ---- flags specific to aio (the system's constants are in constants.hpp) -----

/// readdirx flags (values as in IO::AIO / libeio).
inline constexpr unsigned READDIR_DENTS = 0x01;          ///< (names are always returned with types)
inline constexpr unsigned READDIR_DIRS_FIRST = 0x02;     ///< likely directories first
inline constexpr unsigned READDIR_STAT_ORDER = 0x04;     ///< order for stat()ing (inode order)
inline constexpr unsigned READDIR_FOUND_UNKNOWN = 0x80;  ///< set on return: a type was DT_UNKNOWN
/// mtouch flag: dirty every page (read and write back one byte).
inline constexpr int MT_MODIFY = 0x01;

// ---- result types ------------------------------------------------------------

/// A timestamp with nanoseconds.
struct file_time {
    std::int64_t sec = 0;
    std::uint32_t nsec = 0;
    friend bool operator==(const file_time&, const file_time&) = default;
};

/// File status from statx(2) (fstatat(2) where statx is missing): everything
/// struct stat has, plus the birth time where the filesystem records it.
struct stat_t {
    std::uint64_t dev = 0;
    std::uint64_t ino = 0;
    std::uint32_t mode = 0;
    std::uint64_t nlink = 0;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::uint64_t rdev = 0;
    std::int64_t size = 0;
    std::int64_t blksize = 0;
    std::int64_t blocks = 0;  // 512-byte units
    file_time atime, mtime, ctime;
    file_time btime;         // valid when has_btime()
    std::uint32_t mask = 0;  // STATX_* fields the kernel filled in
    std::uint64_t attributes = 0;
    std::uint64_t attributes_mask = 0;

    bool has_btime() const noexcept;
    bool is_dir() const noexcept;
    bool is_reg() const noexcept;
    bool is_lnk() const noexcept;
};

/// statvfs(2), as IO::AIO's aio_statvfs hash.
struct statvfs_t {
    std::uint64_t bsize = 0, frsize = 0, blocks = 0, bfree = 0, bavail = 0;
    std::uint64_t files = 0, ffree = 0, favail = 0, fsid = 0, flag = 0, namemax = 0;
};

/// A directory entry: name, DT_* type (DT_UNKNOWN when the filesystem does not
/// say), inode number.
struct dirent_t {
    std::string name;
    unsigned char type = 0;
    std::uint64_t ino = 0;
    friend bool operator==(const dirent_t&, const dirent_t&) = default;
};

/// readdirx's result: the entries and the flags (READDIR_FOUND_UNKNOWN added
/// when any entry's type was DT_UNKNOWN).
struct dir_entries {
    std::vector<dirent_t> entries;
    unsigned flags = 0;
};

/// One FIEMAP extent: [logical, physical, length, flags].
struct extent {
    std::uint64_t logical = 0, physical = 0, length = 0;
    std::uint32_t flags = 0;
    friend bool operator==(const extent&, const extent&) = default;
};

/// fiemap's result: the extents, and their number (with count 0 requested,
/// only `count` is filled in).
struct fiemap_t {
    std::vector<extent> extents;
    std::size_t count = 0;
};

/// Result of the owning read/write variants: the bytes transferred and the
/// buffer, handed back.
struct io_data {
    std::size_t bytes = 0;
    std::string data;
};

namespace detail {
result<int> take(req& r, tag<int>);
result<std::size_t> take(req& r, tag<std::size_t>);
result<stat_t> take(req& r, tag<stat_t>);
result<statvfs_t> take(req& r, tag<statvfs_t>);
result<std::string> take(req& r, tag<std::string>);
result<std::vector<std::string>> take(req& r, tag<std::vector<std::string>>);
result<dir_entries> take(req& r, tag<dir_entries>);
result<fiemap_t> take(req& r, tag<fiemap_t>);
result<io_data> take(req& r, tag<io_data>);
result<wd> take(req& r, tag<wd>);
}  // namespace detail

using offset_t = std::optional<std::int64_t>;  ///< nullopt: the descriptor's position

// ---- working directories -----------------------------------------------------

/// Canonicalise path and open it (O_PATH | O_DIRECTORY) as a working directory.
request<wd> wd_open(path_arg path, callback<wd> cb = {}, context& ctx = default_context());

// ---- descriptors -----------------------------------------------------------------

/// open(2)/openat(2); the result is the new descriptor (O_CLOEXEC is not added).
request<int> open(path_arg path, int flags, mode_t mode, callback<int> cb = {},
                  context& ctx = default_context());
request<void> close(int fd, callback<void> cb = {}, context& ctx = default_context());
/// lseek(2), including SEEK_DATA / SEEK_HOLE; the result is the new offset.
request<std::int64_t> seek(int fd, std::int64_t offset, int whence, callback<std::int64_t> cb = {},
                           context& ctx = default_context());

/// Read into a caller-owned buffer (pread, or read at the current position
/// when offset is nullopt); the result is the number of bytes read.
request<std::size_t> read(int fd, offset_t offset, void* buf, std::size_t length,
                          callback<std::size_t> cb = {}, context& ctx = default_context());
/// Write from a caller-owned buffer.
request<std::size_t> write(int fd, offset_t offset, const void* buf, std::size_t length,
                           callback<std::size_t> cb = {}, context& ctx = default_context());
/// Read `length` bytes into `data` at `dataoffset` (negative: from the end).
/// Like IO::AIO's $data, the string is grown or shrunk to dataoffset + bytes
/// read and handed back in the result. dataoffset outside data: EINVAL.
request<io_data> read(int fd, offset_t offset, std::size_t length, std::string data,
                      std::int64_t dataoffset, callback<io_data> cb = {},
                      context& ctx = default_context());
/// Write `length` bytes (nullopt: the rest of the buffer) of `data` starting
/// at `dataoffset` (negative: from the end). A length beyond the buffer or a
/// dataoffset outside it: EINVAL.
request<io_data> write(int fd, offset_t offset, std::optional<std::size_t> length, std::string data,
                       std::int64_t dataoffset, callback<io_data> cb = {},
                       context& ctx = default_context());
/// Copy length bytes from in_fd at in_offset to out_fd's current position with
/// sendfile(2), emulated with read/write where the kernel refuses (ENOSYS,
/// EINVAL, ENOTSUP, EOPNOTSUPP, EAFNOSUPPORT, EPROTOTYPE, ENOTSOCK). The
/// result is the number of bytes written.
request<std::size_t> sendfile(int out_fd, int in_fd, std::int64_t in_offset, std::size_t length,
                              callback<std::size_t> cb = {}, context& ctx = default_context());
/// readahead(2) (emulated by reading where missing).
request<void> readahead(int fd, std::int64_t offset, std::size_t length, callback<void> cb = {},
                        context& ctx = default_context());

// ---- status --------------------------------------------------------------------

request<stat_t> stat(path_arg path, callback<stat_t> cb = {}, context& ctx = default_context());
request<stat_t> lstat(path_arg path, callback<stat_t> cb = {}, context& ctx = default_context());
request<stat_t> fstat(int fd, callback<stat_t> cb = {}, context& ctx = default_context());
request<statvfs_t> statvfs(path_arg path, callback<statvfs_t> cb = {},
                           context& ctx = default_context());
request<statvfs_t> fstatvfs(int fd, callback<statvfs_t> cb = {}, context& ctx = default_context());

// ---- attributes -------------------------------------------------------------------

/// Set access and modification times (nanoseconds). Both nullopt: now. One
/// nullopt: that time is left unchanged.
request<void> utime(path_arg path, std::optional<file_time> atime, std::optional<file_time> mtime,
                    callback<void> cb = {}, context& ctx = default_context());
request<void> futime(int fd, std::optional<file_time> atime, std::optional<file_time> mtime,
                     callback<void> cb = {}, context& ctx = default_context());
/// chown(2); -1 leaves uid or gid unchanged.
request<void> chown(path_arg path, uid_t uid, gid_t gid, callback<void> cb = {},
                    context& ctx = default_context());
request<void> fchown(int fd, uid_t uid, gid_t gid, callback<void> cb = {},
                     context& ctx = default_context());
request<void> chmod(path_arg path, mode_t mode, callback<void> cb = {},
                    context& ctx = default_context());
request<void> fchmod(int fd, mode_t mode, callback<void> cb = {}, context& ctx = default_context());
request<void> truncate(path_arg path, std::int64_t length, callback<void> cb = {},
                       context& ctx = default_context());
request<void> ftruncate(int fd, std::int64_t length, callback<void> cb = {},
                        context& ctx = default_context());
/// fallocate(2): mode 0 / FALLOC_FL_KEEP_SIZE / PUNCH_HOLE / COLLAPSE_RANGE / ZERO_RANGE.
request<void> allocate(int fd, int mode, std::int64_t offset, std::int64_t length,
                       callback<void> cb = {}, context& ctx = default_context());
/// FIEMAP: extents of [start, start+length) (length nullopt: whole file).
/// count nullopt: all extents (looping past the kernel's per-call limit);
/// count 0: only the number of extents; otherwise at most count extents.
request<fiemap_t> fiemap(int fd, std::uint64_t start, std::optional<std::uint64_t> length,
                         std::uint32_t flags, std::optional<std::uint32_t> count,
                         callback<fiemap_t> cb = {}, context& ctx = default_context());

// ---- names ---------------------------------------------------------------------------

request<void> unlink(path_arg path, callback<void> cb = {}, context& ctx = default_context());
request<void> mknod(path_arg path, mode_t mode, dev_t dev, callback<void> cb = {},
                    context& ctx = default_context());
request<void> link(path_arg oldpath, path_arg newpath, callback<void> cb = {},
                   context& ctx = default_context());
/// Create newpath as a symlink containing target.
request<void> symlink(std::string target, path_arg newpath, callback<void> cb = {},
                      context& ctx = default_context());
request<std::string> readlink(path_arg path, callback<std::string> cb = {},
                              context& ctx = default_context());
/// Canonical absolute path with symlinks resolved; a wd alone gives its path.
request<std::string> realpath(path_arg path, callback<std::string> cb = {},
                              context& ctx = default_context());
/// rename(2); ({wd, "."}, x) renames the wd's directory itself.
request<void> rename(path_arg oldpath, path_arg newpath, callback<void> cb = {},
                     context& ctx = default_context());
/// renameat2(2) with RENAME_NOREPLACE / RENAME_EXCHANGE / RENAME_WHITEOUT;
/// flags 0 is rename().
request<void> rename2(path_arg oldpath, path_arg newpath, unsigned flags, callback<void> cb = {},
                      context& ctx = default_context());
request<void> mkdir(path_arg path, mode_t mode, callback<void> cb = {},
                    context& ctx = default_context());
/// rmdir(2); {wd, "."} removes the wd's directory itself.
request<void> rmdir(path_arg path, callback<void> cb = {}, context& ctx = default_context());
/// All entries except "." and "..", unsorted.
request<std::vector<std::string>> readdir(path_arg path, callback<std::vector<std::string>> cb = {},
                                          context& ctx = default_context());
/// readdir with READDIR_* flags (DENTS, DIRS_FIRST, STAT_ORDER); the result
/// always carries names, types and inodes.
request<dir_entries> readdirx(path_arg path, unsigned flags, callback<dir_entries> cb = {},
                              context& ctx = default_context());

// ---- sync ----------------------------------------------------------------------------------

request<void> sync(callback<void> cb = {}, context& ctx = default_context());
/// syncfs(2); where missing, runs sync() and fails with ENOSYS.
request<void> syncfs(int fd, callback<void> cb = {}, context& ctx = default_context());
request<void> fsync(int fd, callback<void> cb = {}, context& ctx = default_context());
/// fdatasync(2), falling back to fsync.
request<void> fdatasync(int fd, callback<void> cb = {}, context& ctx = default_context());
/// sync_file_range(2), falling back to fdatasync.
request<void> sync_file_range(int fd, std::int64_t offset, std::int64_t nbytes, unsigned flags,
                              callback<void> cb = {}, context& ctx = default_context());

// ---- memory --------------------------------------------------------------------------------

/// msync(2) of [addr, addr+length) (addr is rounded down to a page).
request<void> msync(void* addr, std::size_t length, int flags, callback<void> cb = {},
                    context& ctx = default_context());
/// Touch every page of the range: read one byte per page, or with MT_MODIFY
/// read and write it back (dirtying the page).
request<void> mtouch(void* addr, std::size_t length, int flags, callback<void> cb = {},
                     context& ctx = default_context());
request<void> mlock(void* addr, std::size_t length, callback<void> cb = {},
                    context& ctx = default_context());
request<void> mlockall(int flags, callback<void> cb = {}, context& ctx = default_context());

// ---- control -------------------------------------------------------------------------------

/// fcntl(2) with an integer argument; the result is fcntl's return value.
request<int> fcntl(int fd, int cmd, long arg, callback<int> cb = {},
                   context& ctx = default_context());
/// fcntl(2) with a pointer argument (struct flock, f_owner_ex, ...).
request<int> fcntl(int fd, int cmd, void* arg, callback<int> cb = {},
                   context& ctx = default_context());
/// ioctl(2); arg must stay valid until the callback.
request<int> ioctl(int fd, unsigned long request, void* arg, callback<int> cb = {},
                   context& ctx = default_context());

}  // namespace aio
