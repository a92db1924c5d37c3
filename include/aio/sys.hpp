// Synchronous system helpers (IO::AIO's "MISCELLANEOUS FUNCTIONS").
//
// These run on the calling thread and block like the syscall they wrap; they
// do not touch any aio::context. Errors are values: each returns
// aio::result<T> holding the value or the errno the call failed with
// (posix_fadvise and posix_madvise return their error number instead of
// setting errno; that number is what the result holds). Nothing here throws
// for an I/O error; bad arguments (a zero length, a negative offset, an
// embedded NUL) give EINVAL. Descriptors are plain ints, never closed by aio
// except where a function documents that it returns new ones.
//
// The system's flag values are in aio/constants.hpp (aio::prot_read,
// aio::map_shared, aio::splice_f_move, ...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "aio/result.hpp"
#include "aio/wd.hpp"

namespace aio::sys {

// ---- advice ------------------------------------------------------------------

/// posix_fadvise(2) on [offset, offset+len) of fd (len 0: to the end of the
/// file). advice: aio::fadv_*. Errors: EBADF, EINVAL (bad advice, negative
/// len), ESPIPE (a pipe or FIFO).
result<void> fadvise(int fd, std::int64_t offset, std::int64_t len, int advice) noexcept;

/// posix_madvise(3) on [addr, addr+len). advice: aio::madv_*. Errors: EINVAL
/// (addr not page-aligned, bad advice), ENOMEM (range not mapped). Note that
/// glibc does nothing for madv_dontneed (POSIX_MADV_DONTNEED), by design.
result<void> madvise(void* addr, std::size_t len, int advice) noexcept;

/// mprotect(2) on [addr, addr+len). prot: aio::prot_*. Errors: EINVAL
/// (addr not page-aligned), ENOMEM (range not mapped), EACCES.
result<void> mprotect(void* addr, std::size_t len, int prot) noexcept;

/// munlock(2): undo aio::mlock on [addr, addr+len).
result<void> munlock(const void* addr, std::size_t len) noexcept;
/// munlockall(2): undo aio::mlockall.
result<void> munlockall() noexcept;

// ---- memory maps ---------------------------------------------------------------

/// An owned memory map: unmapped (munmap) when destroyed. Move-only. An
/// empty mapping (default-constructed, moved from, released or unmapped)
/// has data() == nullptr and size() == 0.
class mapping {
  public:
    mapping() noexcept = default;
    /// Adopt [addr, addr+length), which must have come from mmap(2).
    mapping(void* addr, std::size_t length) noexcept : addr_(addr), len_(length) {}
    mapping(mapping&& o) noexcept
        : addr_(std::exchange(o.addr_, nullptr)), len_(std::exchange(o.len_, 0)) {}
    mapping& operator=(mapping&& o) noexcept;
    mapping(const mapping&) = delete;
    mapping& operator=(const mapping&) = delete;
    ~mapping();

    char* data() const noexcept { return static_cast<char*>(addr_); }
    std::size_t size() const noexcept { return len_; }
    bool empty() const noexcept { return addr_ == nullptr; }
    explicit operator bool() const noexcept { return addr_ != nullptr; }
    /// The mapped bytes as a span (empty for an empty mapping).
    std::span<char> bytes() const noexcept { return {data(), len_}; }

    /// Give up ownership: the caller must munmap the returned range.
    std::span<char> release() noexcept;
    /// munmap now. The mapping is empty afterwards even if munmap failed
    /// (the range is then in whatever state the kernel left it). An empty
    /// mapping unmaps successfully.
    result<void> unmap() noexcept;

  private:
    void* addr_ = nullptr;
    std::size_t len_ = 0;
};

/// mmap(2) `length` bytes of fd at `offset` (fd -1 with aio::map_anonymous
/// for anonymous memory). prot: aio::prot_*; flags: aio::map_*. Errors:
/// EINVAL (length 0, negative or unaligned offset, bad flags), EBADF,
/// EACCES, ENODEV, ENOMEM, ...
result<mapping> mmap(std::size_t length, int prot, int flags, int fd = -1,
                     std::int64_t offset = 0) noexcept;

/// madvise / mprotect / munlock on part of a mapping: [offset, offset+length)
/// with length nullopt meaning "to the end"; a length reaching past the end
/// is reduced to fit (as IO::AIO does for its scalars). offset > size():
/// EINVAL.
result<void> madvise(const mapping& m, std::size_t offset, std::optional<std::size_t> length,
                     int advice) noexcept;
result<void> mprotect(const mapping& m, std::size_t offset, std::optional<std::size_t> length,
                      int prot) noexcept;
result<void> munlock(const mapping& m, std::size_t offset = 0,
                     std::optional<std::size_t> length = std::nullopt) noexcept;

// ---- pipes and zero-copy -------------------------------------------------------

/// splice(2) up to `length` bytes from fd_in to fd_out (one must be a
/// pipe). An offset of nullopt passes NULL (use and advance the
/// descriptor's position, IO::AIO's undef); a value reads/writes at that
/// offset without moving the position. flags: aio::splice_f_*. The result
/// is the number of bytes moved (0 at end of input). Errors: EBADF, EINVAL
/// (neither is a pipe, an offset for a pipe, a negative offset), ESPIPE,
/// EAGAIN (splice_f_nonblock).
result<std::size_t> splice(int fd_in, std::optional<std::int64_t> off_in, int fd_out,
                           std::optional<std::int64_t> off_out, std::size_t length,
                           unsigned flags) noexcept;

/// tee(2): duplicate up to `length` bytes from pipe fd_in to pipe fd_out
/// without consuming them. Errors: EBADF, EINVAL (not pipes, same pipe).
result<std::size_t> tee(int fd_in, int fd_out, std::size_t length, unsigned flags) noexcept;

/// The pipe's buffer size (fcntl F_GETPIPE_SZ). Errors: EBADF (not a pipe).
result<int> pipesize(int fd) noexcept;
/// Set the pipe's buffer size (F_SETPIPE_SZ) and return the size the
/// kernel chose (at least new_size, rounded up to a power-of-two number of
/// pages). Errors: EBADF (not a pipe), EINVAL (negative), EPERM (above
/// /proc/sys/fs/pipe-max-size without CAP_SYS_RESOURCE), EBUSY.
result<int> pipesize(int fd, int new_size) noexcept;

/// The two ends of a new pipe: {read end, write end}. The caller owns both.
using pipe_fds = std::pair<int, int>;
/// pipe2(2). flags: 0 or aio::o_cloexec | aio::o_nonblock | aio::o_direct.
/// Errors: EINVAL (bad flags), EMFILE, ENFILE.
result<pipe_fds> pipe2(int flags = 0) noexcept;

/// eventfd(2): a new descriptor (the caller owns it). flags:
/// aio::efd_*. Errors: EINVAL, EMFILE, ENFILE, ENODEV.
result<int> eventfd(unsigned initval = 0, int flags = 0) noexcept;

/// memfd_create(2): a new anonymous-file descriptor (the caller owns it).
/// flags: aio::mfd_* (IO::AIO's default is 0; aio::mfd_cloexec is usually
/// what you want). Errors: EINVAL (embedded NUL, name longer than 249
/// bytes, bad flags), EMFILE, ENFILE, ENOMEM.
result<int> memfd_create(std::string_view name, unsigned flags = 0) noexcept;

// ---- device numbers --------------------------------------------------------------
// glibc's <sys/sysmacros.h> defines major/minor/makedev as function-like
// macros; the parentheses around the names keep these declarations intact.
// In a file that includes <sys/sysmacros.h>, call them as
// (aio::sys::major)(dev).

/// The major number of a device number (stat_t::dev / rdev), glibc's layout.
constexpr unsigned(major)(std::uint64_t dev) noexcept {
    return static_cast<unsigned>(((dev >> 8) & 0xfffu) | ((dev >> 32) & ~0xfffu));
}
/// The minor number of a device number.
constexpr unsigned(minor)(std::uint64_t dev) noexcept {
    return static_cast<unsigned>((dev & 0xffu) | ((dev >> 12) & ~0xffu));
}
/// The device number of (major, minor); inverse of major() and minor().
constexpr std::uint64_t(makedev)(unsigned maj, unsigned min) noexcept {
    const std::uint64_t M = maj, m = min;
    return ((M & 0xfffu) << 8) | ((M & ~std::uint64_t{0xfff}) << 32) | (m & 0xffu) |
           ((m & ~std::uint64_t{0xff}) << 12);
}

// ---- filesystem types --------------------------------------------------------------

/// One row of IO::AIO's table of Linux filesystem magic numbers.
struct fs_type_name {
    std::uint32_t magic;    ///< statfs f_type
    std::string_view name;  ///< as IO::AIO's manual spells it, e.g. "ext2/ext3/ext4"
};

/// Every row of the table under aio_statvfs in the IO::AIO manual.
inline constexpr fs_type_name fs_type_names[] = {
    {0x0000adf5, "adfs"},
    {0x0000adff, "affs"},
    {0x5346414f, "afs"},
    {0x09041934, "anon-inode filesystem"},
    {0x00000187, "autofs"},
    {0x42465331, "befs"},
    {0x1badface, "bfs"},
    {0x42494e4d, "binfmt_misc"},
    {0x9123683e, "btrfs"},
    {0x0027e0eb, "cgroupfs"},
    {0xff534d42, "cifs"},
    {0x73757245, "coda"},
    {0x012ff7b7, "coh"},
    {0x28cd3d45, "cramfs"},
    {0x453dcd28, "cramfs-wend (wrong endianness)"},
    {0x64626720, "debugfs"},
    {0x00001373, "devfs"},
    {0x00001cd1, "devpts"},
    {0x0000f15f, "ecryptfs"},
    {0x00414a53, "efs"},
    {0x0000137d, "ext"},
    {0x0000ef53, "ext2/ext3/ext4"},
    {0x0000ef51, "ext2"},
    {0xf2f52010, "f2fs"},
    {0x00004006, "fat"},
    {0x65735546, "fuseblk"},
    {0x65735543, "fusectl"},
    {0x0bad1dea, "futexfs"},
    {0x01161970, "gfs2"},
    {0x47504653, "gpfs"},
    {0x00004244, "hfs"},
    {0xf995e849, "hpfs"},
    {0x00c0ffee, "hostfs"},
    {0x958458f6, "hugetlbfs"},
    {0x2bad1dea, "inotifyfs"},
    {0x00009660, "isofs"},
    {0x000072b6, "jffs2"},
    {0x3153464a, "jfs"},
    {0x6b414653, "k-afs"},
    {0x0bd00bd0, "lustre"},
    {0x0000137f, "minix"},
    {0x0000138f, "minix 30 char names"},
    {0x00002468, "minix v2"},
    {0x00002478, "minix v2 30 char names"},
    {0x00004d5a, "minix v3"},
    {0x19800202, "mqueue"},
    {0x00004d44, "msdos"},
    {0x0000564c, "novell"},
    {0x00006969, "nfs"},
    {0x6e667364, "nfsd"},
    {0x00003434, "nilfs"},
    {0x5346544e, "ntfs"},
    {0x00009fa1, "openprom"},
    {0x7461636f, "ocfs2"},
    {0x00009fa0, "proc"},
    {0x6165676c, "pstorefs"},
    {0x0000002f, "qnx4"},
    {0x68191122, "qnx6"},
    {0x858458f6, "ramfs"},
    {0x52654973, "reiserfs"},
    {0x00007275, "romfs"},
    {0x67596969, "rpc_pipefs"},
    {0x73636673, "securityfs"},
    {0xf97cff8c, "selinux"},
    {0x0000517b, "smb"},
    {0x534f434b, "sockfs"},
    {0x73717368, "squashfs"},
    {0x62656572, "sysfs"},
    {0x012ff7b6, "sysv2"},
    {0x012ff7b5, "sysv4"},
    {0x01021994, "tmpfs"},
    {0x15013346, "udf"},
    {0x00011954, "ufs"},
    {0x54190100, "ufs byteswapped"},
    {0x00009fa2, "usbdevfs"},
    {0x01021997, "v9fs"},
    {0xa501fcf5, "vxfs"},
    {0xabba1974, "xenfs"},
    {0x012ff7b4, "xenix"},
    {0x58465342, "xfs"},
    {0x012fd16d, "xia"},
};

/// The filesystem name for a statfs f_type magic number ("" when the table
/// does not know it). Magic numbers are 32-bit; a value sign-extended from
/// 32 bits (as a 32-bit f_type may be) is accepted too.
constexpr std::string_view fs_name(std::uint64_t magic) noexcept {
    const std::uint64_t high = magic >> 32;
    if (high != 0 && high != 0xffffffffu) return {};
    for (const auto& row : fs_type_names)
        if (row.magic == static_cast<std::uint32_t>(magic)) return row.name;
    return {};
}

/// statfs(2) f_type of the filesystem `path` lives on (a wd-relative path is
/// resolved against the wd's descriptor; the path itself is followed if it is
/// a symlink). Errors: as statfs (ENOENT, ENOTDIR, EACCES, ...), EINVAL for
/// an embedded NUL, ENOENT for a null wd.
result<std::uint64_t> fs_magic(const path_arg& path) noexcept;
/// fstatfs(2) f_type of the filesystem fd is on. Errors: EBADF.
result<std::uint64_t> fs_magic(int fd) noexcept;

/// fs_name(fs_magic(path)): the name of the filesystem `path` is on ("" for a
/// filesystem the table does not know).
result<std::string_view> fs_name_of(const path_arg& path) noexcept;
/// fs_name(fs_magic(fd)).
result<std::string_view> fs_name_of(int fd) noexcept;

}  // namespace aio::sys

// The synchronous sendfile (aio::sys::sendfile) lives in its own header.
#if __has_include("aio/sys_sendfile.hpp")
#include "aio/sys_sendfile.hpp"
#endif
