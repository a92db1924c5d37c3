// Every constant the IO::AIO manual names, with this system's value.
//
// Naming: each constant is IO::AIO's name in lower case, in namespace aio:
// IO::AIO::O_DIRECT is aio::o_direct, IO::AIO::FIEMAP_EXTENT_LAST is
// aio::fiemap_extent_last. The upper-case spelling cannot be used: the C
// library defines O_DIRECT, SEEK_SET, EBADR, ... as macros, and <string> alone
// pulls in SEEK_SET and <cerrno> EBADR, so `aio::SEEK_SET` would expand to
// `aio::0` in nearly every program. The system macros themselves stay
// available and have the same values.
//
// A constant the system lacks is 0 (as in IO::AIO), so code can test for it:
// `if (aio::o_tmpfile == 0) ...`. Values come from the system headers this
// file includes (glibc with _GNU_SOURCE, which g++ always defines, and the
// kernel's uapi headers), never from a table of our own.
//
// aio::constant_table lists every constant under its IO::AIO name, for
// lookup by name (find_constant("O_DIRECT")), e.g. by the Perl front end.
// PAGESIZE is a run-time value: aio::pagesize().
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string_view>

#if __has_include(<linux/falloc.h>)
#include <linux/falloc.h>
#endif
#if __has_include(<linux/fiemap.h>)
#include <linux/fiemap.h>
#endif
#if __has_include(<asm-generic/hugetlb_encode.h>)
#include <asm-generic/hugetlb_encode.h>
#endif

#include "aio/ops.hpp"  // READDIR_* and MT_MODIFY

namespace aio {

// ---- Open flags (open(2), pipe2(2)): aio::open's flags
inline constexpr int o_rdonly = static_cast<int>(O_RDONLY);
inline constexpr int o_wronly = static_cast<int>(O_WRONLY);
inline constexpr int o_rdwr = static_cast<int>(O_RDWR);
inline constexpr int o_accmode = static_cast<int>(O_ACCMODE);
inline constexpr int o_creat = static_cast<int>(O_CREAT);
inline constexpr int o_excl = static_cast<int>(O_EXCL);
inline constexpr int o_trunc = static_cast<int>(O_TRUNC);
inline constexpr int o_append = static_cast<int>(O_APPEND);
inline constexpr int o_nonblock = static_cast<int>(O_NONBLOCK);
inline constexpr int o_noctty = static_cast<int>(O_NOCTTY);
#ifdef O_ASYNC
inline constexpr int o_async = static_cast<int>(O_ASYNC);
#else
inline constexpr int o_async = 0;
#endif
#ifdef O_DIRECT
inline constexpr int o_direct = static_cast<int>(O_DIRECT);
#else
inline constexpr int o_direct = 0;
#endif
#ifdef O_NOATIME
inline constexpr int o_noatime = static_cast<int>(O_NOATIME);
#else
inline constexpr int o_noatime = 0;
#endif
#ifdef O_CLOEXEC
inline constexpr int o_cloexec = static_cast<int>(O_CLOEXEC);
#else
inline constexpr int o_cloexec = 0;
#endif
#ifdef O_NOFOLLOW
inline constexpr int o_nofollow = static_cast<int>(O_NOFOLLOW);
#else
inline constexpr int o_nofollow = 0;
#endif
#ifdef O_DIRECTORY
inline constexpr int o_directory = static_cast<int>(O_DIRECTORY);
#else
inline constexpr int o_directory = 0;
#endif
#ifdef O_DSYNC
inline constexpr int o_dsync = static_cast<int>(O_DSYNC);
#else
inline constexpr int o_dsync = 0;
#endif
#ifdef O_RSYNC
inline constexpr int o_rsync = static_cast<int>(O_RSYNC);
#else
inline constexpr int o_rsync = 0;
#endif
#ifdef O_SYNC
inline constexpr int o_sync = static_cast<int>(O_SYNC);
#else
inline constexpr int o_sync = 0;
#endif
#ifdef O_PATH
inline constexpr int o_path = static_cast<int>(O_PATH);
#else
inline constexpr int o_path = 0;
#endif
#ifdef O_TMPFILE
inline constexpr int o_tmpfile = static_cast<int>(O_TMPFILE);
#else
inline constexpr int o_tmpfile = 0;
#endif
#ifdef O_EXEC
inline constexpr int o_exec = static_cast<int>(O_EXEC);
#else
inline constexpr int o_exec = 0;
#endif
#ifdef O_SEARCH
inline constexpr int o_search = static_cast<int>(O_SEARCH);
#else
inline constexpr int o_search = 0;
#endif
#ifdef O_TTY_INIT
inline constexpr int o_tty_init = static_cast<int>(O_TTY_INIT);
#else
inline constexpr int o_tty_init = 0;
#endif

// ---- File types (stat_t::mode & s_ifmt); S_IFWHT is 0 on Linux
inline constexpr unsigned s_ifmt = static_cast<unsigned>(S_IFMT);
inline constexpr unsigned s_ififo = static_cast<unsigned>(S_IFIFO);
inline constexpr unsigned s_ifchr = static_cast<unsigned>(S_IFCHR);
inline constexpr unsigned s_ifdir = static_cast<unsigned>(S_IFDIR);
inline constexpr unsigned s_ifblk = static_cast<unsigned>(S_IFBLK);
inline constexpr unsigned s_ifreg = static_cast<unsigned>(S_IFREG);
inline constexpr unsigned s_iflnk = static_cast<unsigned>(S_IFLNK);
inline constexpr unsigned s_ifsock = static_cast<unsigned>(S_IFSOCK);
#ifdef S_IFWHT
inline constexpr unsigned s_ifwht = static_cast<unsigned>(S_IFWHT);
#else
inline constexpr unsigned s_ifwht = 0;
#endif

// ---- lseek whence (aio::seek)
inline constexpr int seek_set = static_cast<int>(SEEK_SET);
inline constexpr int seek_cur = static_cast<int>(SEEK_CUR);
inline constexpr int seek_end = static_cast<int>(SEEK_END);
#ifdef SEEK_DATA
inline constexpr int seek_data = static_cast<int>(SEEK_DATA);
#else
inline constexpr int seek_data = 0;
#endif
#ifdef SEEK_HOLE
inline constexpr int seek_hole = static_cast<int>(SEEK_HOLE);
#else
inline constexpr int seek_hole = 0;
#endif

// ---- statvfs flags (statvfs_t::flag)
inline constexpr std::uint64_t st_rdonly = static_cast<std::uint64_t>(ST_RDONLY);
inline constexpr std::uint64_t st_nosuid = static_cast<std::uint64_t>(ST_NOSUID);
#ifdef ST_NODEV
inline constexpr std::uint64_t st_nodev = static_cast<std::uint64_t>(ST_NODEV);
#else
inline constexpr std::uint64_t st_nodev = 0;
#endif
#ifdef ST_NOEXEC
inline constexpr std::uint64_t st_noexec = static_cast<std::uint64_t>(ST_NOEXEC);
#else
inline constexpr std::uint64_t st_noexec = 0;
#endif
#ifdef ST_SYNCHRONOUS
inline constexpr std::uint64_t st_synchronous = static_cast<std::uint64_t>(ST_SYNCHRONOUS);
#else
inline constexpr std::uint64_t st_synchronous = 0;
#endif
#ifdef ST_MANDLOCK
inline constexpr std::uint64_t st_mandlock = static_cast<std::uint64_t>(ST_MANDLOCK);
#else
inline constexpr std::uint64_t st_mandlock = 0;
#endif
#ifdef ST_WRITE
inline constexpr std::uint64_t st_write = static_cast<std::uint64_t>(ST_WRITE);
#else
inline constexpr std::uint64_t st_write = 0;
#endif
#ifdef ST_APPEND
inline constexpr std::uint64_t st_append = static_cast<std::uint64_t>(ST_APPEND);
#else
inline constexpr std::uint64_t st_append = 0;
#endif
#ifdef ST_IMMUTABLE
inline constexpr std::uint64_t st_immutable = static_cast<std::uint64_t>(ST_IMMUTABLE);
#else
inline constexpr std::uint64_t st_immutable = 0;
#endif
#ifdef ST_NOATIME
inline constexpr std::uint64_t st_noatime = static_cast<std::uint64_t>(ST_NOATIME);
#else
inline constexpr std::uint64_t st_noatime = 0;
#endif
#ifdef ST_NODIRATIME
inline constexpr std::uint64_t st_nodiratime = static_cast<std::uint64_t>(ST_NODIRATIME);
#else
inline constexpr std::uint64_t st_nodiratime = 0;
#endif
#ifdef ST_RELATIME
inline constexpr std::uint64_t st_relatime = static_cast<std::uint64_t>(ST_RELATIME);
#else
inline constexpr std::uint64_t st_relatime = 0;
#endif

// ---- posix_fadvise advice (sys::fadvise): the POSIX_FADV_* values
#ifdef POSIX_FADV_NORMAL
inline constexpr int fadv_normal = static_cast<int>(POSIX_FADV_NORMAL);
#else
inline constexpr int fadv_normal = 0;
#endif
#ifdef POSIX_FADV_SEQUENTIAL
inline constexpr int fadv_sequential = static_cast<int>(POSIX_FADV_SEQUENTIAL);
#else
inline constexpr int fadv_sequential = 0;
#endif
#ifdef POSIX_FADV_RANDOM
inline constexpr int fadv_random = static_cast<int>(POSIX_FADV_RANDOM);
#else
inline constexpr int fadv_random = 0;
#endif
#ifdef POSIX_FADV_NOREUSE
inline constexpr int fadv_noreuse = static_cast<int>(POSIX_FADV_NOREUSE);
#else
inline constexpr int fadv_noreuse = 0;
#endif
#ifdef POSIX_FADV_WILLNEED
inline constexpr int fadv_willneed = static_cast<int>(POSIX_FADV_WILLNEED);
#else
inline constexpr int fadv_willneed = 0;
#endif
#ifdef POSIX_FADV_DONTNEED
inline constexpr int fadv_dontneed = static_cast<int>(POSIX_FADV_DONTNEED);
#else
inline constexpr int fadv_dontneed = 0;
#endif

// ---- posix_madvise advice (sys::madvise): the POSIX_MADV_* values
#ifdef POSIX_MADV_NORMAL
inline constexpr int madv_normal = static_cast<int>(POSIX_MADV_NORMAL);
#else
inline constexpr int madv_normal = 0;
#endif
#ifdef POSIX_MADV_SEQUENTIAL
inline constexpr int madv_sequential = static_cast<int>(POSIX_MADV_SEQUENTIAL);
#else
inline constexpr int madv_sequential = 0;
#endif
#ifdef POSIX_MADV_RANDOM
inline constexpr int madv_random = static_cast<int>(POSIX_MADV_RANDOM);
#else
inline constexpr int madv_random = 0;
#endif
#ifdef POSIX_MADV_WILLNEED
inline constexpr int madv_willneed = static_cast<int>(POSIX_MADV_WILLNEED);
#else
inline constexpr int madv_willneed = 0;
#endif
#ifdef POSIX_MADV_DONTNEED
inline constexpr int madv_dontneed = static_cast<int>(POSIX_MADV_DONTNEED);
#else
inline constexpr int madv_dontneed = 0;
#endif

// ---- Memory protection (sys::mmap, sys::mprotect)
inline constexpr int prot_none = static_cast<int>(PROT_NONE);
inline constexpr int prot_read = static_cast<int>(PROT_READ);
inline constexpr int prot_write = static_cast<int>(PROT_WRITE);
inline constexpr int prot_exec = static_cast<int>(PROT_EXEC);

// ---- mmap flags (sys::mmap); map_anonymous is MAP_ANON where only that exists
inline constexpr int map_shared = static_cast<int>(MAP_SHARED);
inline constexpr int map_private = static_cast<int>(MAP_PRIVATE);
inline constexpr int map_fixed = static_cast<int>(MAP_FIXED);
#if defined(MAP_ANONYMOUS)
inline constexpr int map_anonymous = MAP_ANONYMOUS;
#elif defined(MAP_ANON)
inline constexpr int map_anonymous = MAP_ANON;
#else
inline constexpr int map_anonymous = 0;
#endif
#ifdef MAP_HUGETLB
inline constexpr int map_hugetlb = static_cast<int>(MAP_HUGETLB);
#else
inline constexpr int map_hugetlb = 0;
#endif
#ifdef MAP_LOCKED
inline constexpr int map_locked = static_cast<int>(MAP_LOCKED);
#else
inline constexpr int map_locked = 0;
#endif
#ifdef MAP_NORESERVE
inline constexpr int map_noreserve = static_cast<int>(MAP_NORESERVE);
#else
inline constexpr int map_noreserve = 0;
#endif
#ifdef MAP_POPULATE
inline constexpr int map_populate = static_cast<int>(MAP_POPULATE);
#else
inline constexpr int map_populate = 0;
#endif
#ifdef MAP_NONBLOCK
inline constexpr int map_nonblock = static_cast<int>(MAP_NONBLOCK);
#else
inline constexpr int map_nonblock = 0;
#endif
#ifdef MAP_GROWSDOWN
inline constexpr int map_growsdown = static_cast<int>(MAP_GROWSDOWN);
#else
inline constexpr int map_growsdown = 0;
#endif
#ifdef MAP_32BIT
inline constexpr int map_32bit = static_cast<int>(MAP_32BIT);
#else
inline constexpr int map_32bit = 0;
#endif
#ifdef MAP_STACK
inline constexpr int map_stack = static_cast<int>(MAP_STACK);
#else
inline constexpr int map_stack = 0;
#endif
#ifdef MAP_FIXED_NOREPLACE
inline constexpr int map_fixed_noreplace = static_cast<int>(MAP_FIXED_NOREPLACE);
#else
inline constexpr int map_fixed_noreplace = 0;
#endif
#ifdef MAP_SHARED_VALIDATE
inline constexpr int map_shared_validate = static_cast<int>(MAP_SHARED_VALIDATE);
#else
inline constexpr int map_shared_validate = 0;
#endif
#ifdef MAP_SYNC
inline constexpr int map_sync = static_cast<int>(MAP_SYNC);
#else
inline constexpr int map_sync = 0;
#endif
#ifdef MAP_UNINITIALIZED
inline constexpr int map_uninitialized = static_cast<int>(MAP_UNINITIALIZED);
#else
inline constexpr int map_uninitialized = 0;
#endif

// ---- mlockall flags (aio::mlockall)
#ifdef MCL_CURRENT
inline constexpr int mcl_current = static_cast<int>(MCL_CURRENT);
#else
inline constexpr int mcl_current = 0;
#endif
#ifdef MCL_FUTURE
inline constexpr int mcl_future = static_cast<int>(MCL_FUTURE);
#else
inline constexpr int mcl_future = 0;
#endif
#ifdef MCL_ONFAULT
inline constexpr int mcl_onfault = static_cast<int>(MCL_ONFAULT);
#else
inline constexpr int mcl_onfault = 0;
#endif

// ---- msync flags (aio::msync)
inline constexpr int ms_async = static_cast<int>(MS_ASYNC);
inline constexpr int ms_invalidate = static_cast<int>(MS_INVALIDATE);
inline constexpr int ms_sync = static_cast<int>(MS_SYNC);

// ---- mount(2) flags (IO::AIO::mount); unsigned so that MS_NOUSER is bit 31, not a negative int
#ifdef MS_RDONLY
inline constexpr std::uint32_t ms_rdonly = static_cast<std::uint32_t>(MS_RDONLY);
#else
inline constexpr std::uint32_t ms_rdonly = 0;
#endif
#ifdef MS_NOSUID
inline constexpr std::uint32_t ms_nosuid = static_cast<std::uint32_t>(MS_NOSUID);
#else
inline constexpr std::uint32_t ms_nosuid = 0;
#endif
#ifdef MS_NODEV
inline constexpr std::uint32_t ms_nodev = static_cast<std::uint32_t>(MS_NODEV);
#else
inline constexpr std::uint32_t ms_nodev = 0;
#endif
#ifdef MS_NOEXEC
inline constexpr std::uint32_t ms_noexec = static_cast<std::uint32_t>(MS_NOEXEC);
#else
inline constexpr std::uint32_t ms_noexec = 0;
#endif
#ifdef MS_SYNCHRONOUS
inline constexpr std::uint32_t ms_synchronous = static_cast<std::uint32_t>(MS_SYNCHRONOUS);
#else
inline constexpr std::uint32_t ms_synchronous = 0;
#endif
#ifdef MS_REMOUNT
inline constexpr std::uint32_t ms_remount = static_cast<std::uint32_t>(MS_REMOUNT);
#else
inline constexpr std::uint32_t ms_remount = 0;
#endif
#ifdef MS_MANDLOCK
inline constexpr std::uint32_t ms_mandlock = static_cast<std::uint32_t>(MS_MANDLOCK);
#else
inline constexpr std::uint32_t ms_mandlock = 0;
#endif
#ifdef MS_DIRSYNC
inline constexpr std::uint32_t ms_dirsync = static_cast<std::uint32_t>(MS_DIRSYNC);
#else
inline constexpr std::uint32_t ms_dirsync = 0;
#endif
#ifdef MS_NOSYMFOLLOW
inline constexpr std::uint32_t ms_nosymfollow = static_cast<std::uint32_t>(MS_NOSYMFOLLOW);
#else
inline constexpr std::uint32_t ms_nosymfollow = 0;
#endif
#ifdef MS_NOATIME
inline constexpr std::uint32_t ms_noatime = static_cast<std::uint32_t>(MS_NOATIME);
#else
inline constexpr std::uint32_t ms_noatime = 0;
#endif
#ifdef MS_NODIRATIME
inline constexpr std::uint32_t ms_nodiratime = static_cast<std::uint32_t>(MS_NODIRATIME);
#else
inline constexpr std::uint32_t ms_nodiratime = 0;
#endif
#ifdef MS_BIND
inline constexpr std::uint32_t ms_bind = static_cast<std::uint32_t>(MS_BIND);
#else
inline constexpr std::uint32_t ms_bind = 0;
#endif
#ifdef MS_MOVE
inline constexpr std::uint32_t ms_move = static_cast<std::uint32_t>(MS_MOVE);
#else
inline constexpr std::uint32_t ms_move = 0;
#endif
#ifdef MS_REC
inline constexpr std::uint32_t ms_rec = static_cast<std::uint32_t>(MS_REC);
#else
inline constexpr std::uint32_t ms_rec = 0;
#endif
#ifdef MS_SILENT
inline constexpr std::uint32_t ms_silent = static_cast<std::uint32_t>(MS_SILENT);
#else
inline constexpr std::uint32_t ms_silent = 0;
#endif
#ifdef MS_POSIXACL
inline constexpr std::uint32_t ms_posixacl = static_cast<std::uint32_t>(MS_POSIXACL);
#else
inline constexpr std::uint32_t ms_posixacl = 0;
#endif
#ifdef MS_UNBINDABLE
inline constexpr std::uint32_t ms_unbindable = static_cast<std::uint32_t>(MS_UNBINDABLE);
#else
inline constexpr std::uint32_t ms_unbindable = 0;
#endif
#ifdef MS_PRIVATE
inline constexpr std::uint32_t ms_private = static_cast<std::uint32_t>(MS_PRIVATE);
#else
inline constexpr std::uint32_t ms_private = 0;
#endif
#ifdef MS_SLAVE
inline constexpr std::uint32_t ms_slave = static_cast<std::uint32_t>(MS_SLAVE);
#else
inline constexpr std::uint32_t ms_slave = 0;
#endif
#ifdef MS_SHARED
inline constexpr std::uint32_t ms_shared = static_cast<std::uint32_t>(MS_SHARED);
#else
inline constexpr std::uint32_t ms_shared = 0;
#endif
#ifdef MS_RELATIME
inline constexpr std::uint32_t ms_relatime = static_cast<std::uint32_t>(MS_RELATIME);
#else
inline constexpr std::uint32_t ms_relatime = 0;
#endif
#ifdef MS_KERNMOUNT
inline constexpr std::uint32_t ms_kernmount = static_cast<std::uint32_t>(MS_KERNMOUNT);
#else
inline constexpr std::uint32_t ms_kernmount = 0;
#endif
#ifdef MS_I_VERSION
inline constexpr std::uint32_t ms_i_version = static_cast<std::uint32_t>(MS_I_VERSION);
#else
inline constexpr std::uint32_t ms_i_version = 0;
#endif
#ifdef MS_STRICTATIME
inline constexpr std::uint32_t ms_strictatime = static_cast<std::uint32_t>(MS_STRICTATIME);
#else
inline constexpr std::uint32_t ms_strictatime = 0;
#endif
#ifdef MS_LAZYTIME
inline constexpr std::uint32_t ms_lazytime = static_cast<std::uint32_t>(MS_LAZYTIME);
#else
inline constexpr std::uint32_t ms_lazytime = 0;
#endif
#ifdef MS_ACTIVE
inline constexpr std::uint32_t ms_active = static_cast<std::uint32_t>(MS_ACTIVE);
#else
inline constexpr std::uint32_t ms_active = 0;
#endif
#ifdef MS_NOUSER
inline constexpr std::uint32_t ms_nouser = static_cast<std::uint32_t>(MS_NOUSER);
#else
inline constexpr std::uint32_t ms_nouser = 0;
#endif
#ifdef MS_RMT_MASK
inline constexpr std::uint32_t ms_rmt_mask = static_cast<std::uint32_t>(MS_RMT_MASK);
#else
inline constexpr std::uint32_t ms_rmt_mask = 0;
#endif
#ifdef MS_MGC_VAL
inline constexpr std::uint32_t ms_mgc_val = static_cast<std::uint32_t>(MS_MGC_VAL);
#else
inline constexpr std::uint32_t ms_mgc_val = 0;
#endif
#ifdef MS_MGC_MSK
inline constexpr std::uint32_t ms_mgc_msk = static_cast<std::uint32_t>(MS_MGC_MSK);
#else
inline constexpr std::uint32_t ms_mgc_msk = 0;
#endif

// ---- fallocate modes (aio::allocate)
#ifdef FALLOC_FL_KEEP_SIZE
inline constexpr int falloc_fl_keep_size = static_cast<int>(FALLOC_FL_KEEP_SIZE);
#else
inline constexpr int falloc_fl_keep_size = 0;
#endif
#ifdef FALLOC_FL_PUNCH_HOLE
inline constexpr int falloc_fl_punch_hole = static_cast<int>(FALLOC_FL_PUNCH_HOLE);
#else
inline constexpr int falloc_fl_punch_hole = 0;
#endif
#ifdef FALLOC_FL_COLLAPSE_RANGE
inline constexpr int falloc_fl_collapse_range = static_cast<int>(FALLOC_FL_COLLAPSE_RANGE);
#else
inline constexpr int falloc_fl_collapse_range = 0;
#endif
#ifdef FALLOC_FL_ZERO_RANGE
inline constexpr int falloc_fl_zero_range = static_cast<int>(FALLOC_FL_ZERO_RANGE);
#else
inline constexpr int falloc_fl_zero_range = 0;
#endif
#ifdef FALLOC_FL_INSERT_RANGE
inline constexpr int falloc_fl_insert_range = static_cast<int>(FALLOC_FL_INSERT_RANGE);
#else
inline constexpr int falloc_fl_insert_range = 0;
#endif
#ifdef FALLOC_FL_UNSHARE_RANGE
inline constexpr int falloc_fl_unshare_range = static_cast<int>(FALLOC_FL_UNSHARE_RANGE);
#else
inline constexpr int falloc_fl_unshare_range = 0;
#endif

// ---- FIEMAP request flags and extent flags (aio::fiemap, extent::flags)
#ifdef FIEMAP_FLAG_SYNC
inline constexpr std::uint32_t fiemap_flag_sync = static_cast<std::uint32_t>(FIEMAP_FLAG_SYNC);
#else
inline constexpr std::uint32_t fiemap_flag_sync = 0;
#endif
#ifdef FIEMAP_FLAG_XATTR
inline constexpr std::uint32_t fiemap_flag_xattr = static_cast<std::uint32_t>(FIEMAP_FLAG_XATTR);
#else
inline constexpr std::uint32_t fiemap_flag_xattr = 0;
#endif
#ifdef FIEMAP_FLAG_CACHE
inline constexpr std::uint32_t fiemap_flag_cache = static_cast<std::uint32_t>(FIEMAP_FLAG_CACHE);
#else
inline constexpr std::uint32_t fiemap_flag_cache = 0;
#endif
#ifdef FIEMAP_FLAGS_COMPAT
inline constexpr std::uint32_t fiemap_flags_compat =
    static_cast<std::uint32_t>(FIEMAP_FLAGS_COMPAT);
#else
inline constexpr std::uint32_t fiemap_flags_compat = 0;
#endif
#ifdef FIEMAP_EXTENT_LAST
inline constexpr std::uint32_t fiemap_extent_last = static_cast<std::uint32_t>(FIEMAP_EXTENT_LAST);
#else
inline constexpr std::uint32_t fiemap_extent_last = 0;
#endif
#ifdef FIEMAP_EXTENT_UNKNOWN
inline constexpr std::uint32_t fiemap_extent_unknown =
    static_cast<std::uint32_t>(FIEMAP_EXTENT_UNKNOWN);
#else
inline constexpr std::uint32_t fiemap_extent_unknown = 0;
#endif
#ifdef FIEMAP_EXTENT_DELALLOC
inline constexpr std::uint32_t fiemap_extent_delalloc =
    static_cast<std::uint32_t>(FIEMAP_EXTENT_DELALLOC);
#else
inline constexpr std::uint32_t fiemap_extent_delalloc = 0;
#endif
#ifdef FIEMAP_EXTENT_ENCODED
inline constexpr std::uint32_t fiemap_extent_encoded =
    static_cast<std::uint32_t>(FIEMAP_EXTENT_ENCODED);
#else
inline constexpr std::uint32_t fiemap_extent_encoded = 0;
#endif
#ifdef FIEMAP_EXTENT_DATA_ENCRYPTED
inline constexpr std::uint32_t fiemap_extent_data_encrypted =
    static_cast<std::uint32_t>(FIEMAP_EXTENT_DATA_ENCRYPTED);
#else
inline constexpr std::uint32_t fiemap_extent_data_encrypted = 0;
#endif
#ifdef FIEMAP_EXTENT_NOT_ALIGNED
inline constexpr std::uint32_t fiemap_extent_not_aligned =
    static_cast<std::uint32_t>(FIEMAP_EXTENT_NOT_ALIGNED);
#else
inline constexpr std::uint32_t fiemap_extent_not_aligned = 0;
#endif
#ifdef FIEMAP_EXTENT_DATA_INLINE
inline constexpr std::uint32_t fiemap_extent_data_inline =
    static_cast<std::uint32_t>(FIEMAP_EXTENT_DATA_INLINE);
#else
inline constexpr std::uint32_t fiemap_extent_data_inline = 0;
#endif
#ifdef FIEMAP_EXTENT_DATA_TAIL
inline constexpr std::uint32_t fiemap_extent_data_tail =
    static_cast<std::uint32_t>(FIEMAP_EXTENT_DATA_TAIL);
#else
inline constexpr std::uint32_t fiemap_extent_data_tail = 0;
#endif
#ifdef FIEMAP_EXTENT_UNWRITTEN
inline constexpr std::uint32_t fiemap_extent_unwritten =
    static_cast<std::uint32_t>(FIEMAP_EXTENT_UNWRITTEN);
#else
inline constexpr std::uint32_t fiemap_extent_unwritten = 0;
#endif
#ifdef FIEMAP_EXTENT_MERGED
inline constexpr std::uint32_t fiemap_extent_merged =
    static_cast<std::uint32_t>(FIEMAP_EXTENT_MERGED);
#else
inline constexpr std::uint32_t fiemap_extent_merged = 0;
#endif
#ifdef FIEMAP_EXTENT_SHARED
inline constexpr std::uint32_t fiemap_extent_shared =
    static_cast<std::uint32_t>(FIEMAP_EXTENT_SHARED);
#else
inline constexpr std::uint32_t fiemap_extent_shared = 0;
#endif

// ---- sync_file_range flags (aio::sync_file_range)
#ifdef SYNC_FILE_RANGE_WAIT_BEFORE
inline constexpr unsigned sync_file_range_wait_before =
    static_cast<unsigned>(SYNC_FILE_RANGE_WAIT_BEFORE);
#else
inline constexpr unsigned sync_file_range_wait_before = 0;
#endif
#ifdef SYNC_FILE_RANGE_WRITE
inline constexpr unsigned sync_file_range_write = static_cast<unsigned>(SYNC_FILE_RANGE_WRITE);
#else
inline constexpr unsigned sync_file_range_write = 0;
#endif
#ifdef SYNC_FILE_RANGE_WAIT_AFTER
inline constexpr unsigned sync_file_range_wait_after =
    static_cast<unsigned>(SYNC_FILE_RANGE_WAIT_AFTER);
#else
inline constexpr unsigned sync_file_range_wait_after = 0;
#endif
#ifdef SYNC_FILE_RANGE_WRITE_AND_WAIT
inline constexpr unsigned sync_file_range_write_and_wait =
    static_cast<unsigned>(SYNC_FILE_RANGE_WRITE_AND_WAIT);
#else
inline constexpr unsigned sync_file_range_write_and_wait = 0;
#endif

// ---- splice / tee flags (sys::splice, sys::tee)
#ifdef SPLICE_F_MOVE
inline constexpr unsigned splice_f_move = static_cast<unsigned>(SPLICE_F_MOVE);
#else
inline constexpr unsigned splice_f_move = 0;
#endif
#ifdef SPLICE_F_NONBLOCK
inline constexpr unsigned splice_f_nonblock = static_cast<unsigned>(SPLICE_F_NONBLOCK);
#else
inline constexpr unsigned splice_f_nonblock = 0;
#endif
#ifdef SPLICE_F_MORE
inline constexpr unsigned splice_f_more = static_cast<unsigned>(SPLICE_F_MORE);
#else
inline constexpr unsigned splice_f_more = 0;
#endif
#ifdef SPLICE_F_GIFT
inline constexpr unsigned splice_f_gift = static_cast<unsigned>(SPLICE_F_GIFT);
#else
inline constexpr unsigned splice_f_gift = 0;
#endif

// ---- Directory entry types (dirent_t::type)
#ifdef DT_UNKNOWN
inline constexpr unsigned char dt_unknown = static_cast<unsigned char>(DT_UNKNOWN);
#else
inline constexpr unsigned char dt_unknown = 0;
#endif
#ifdef DT_FIFO
inline constexpr unsigned char dt_fifo = static_cast<unsigned char>(DT_FIFO);
#else
inline constexpr unsigned char dt_fifo = 0;
#endif
#ifdef DT_CHR
inline constexpr unsigned char dt_chr = static_cast<unsigned char>(DT_CHR);
#else
inline constexpr unsigned char dt_chr = 0;
#endif
#ifdef DT_DIR
inline constexpr unsigned char dt_dir = static_cast<unsigned char>(DT_DIR);
#else
inline constexpr unsigned char dt_dir = 0;
#endif
#ifdef DT_BLK
inline constexpr unsigned char dt_blk = static_cast<unsigned char>(DT_BLK);
#else
inline constexpr unsigned char dt_blk = 0;
#endif
#ifdef DT_REG
inline constexpr unsigned char dt_reg = static_cast<unsigned char>(DT_REG);
#else
inline constexpr unsigned char dt_reg = 0;
#endif
#ifdef DT_LNK
inline constexpr unsigned char dt_lnk = static_cast<unsigned char>(DT_LNK);
#else
inline constexpr unsigned char dt_lnk = 0;
#endif
#ifdef DT_SOCK
inline constexpr unsigned char dt_sock = static_cast<unsigned char>(DT_SOCK);
#else
inline constexpr unsigned char dt_sock = 0;
#endif
#ifdef DT_WHT
inline constexpr unsigned char dt_wht = static_cast<unsigned char>(DT_WHT);
#else
inline constexpr unsigned char dt_wht = 0;
#endif

// ---- renameat2 flags (aio::rename2)
#ifdef RENAME_NOREPLACE
inline constexpr unsigned rename_noreplace = static_cast<unsigned>(RENAME_NOREPLACE);
#else
inline constexpr unsigned rename_noreplace = 0;
#endif
#ifdef RENAME_EXCHANGE
inline constexpr unsigned rename_exchange = static_cast<unsigned>(RENAME_EXCHANGE);
#else
inline constexpr unsigned rename_exchange = 0;
#endif
#ifdef RENAME_WHITEOUT
inline constexpr unsigned rename_whiteout = static_cast<unsigned>(RENAME_WHITEOUT);
#else
inline constexpr unsigned rename_whiteout = 0;
#endif

// ---- eventfd flags (sys::eventfd)
#ifdef EFD_CLOEXEC
inline constexpr int efd_cloexec = static_cast<int>(EFD_CLOEXEC);
#else
inline constexpr int efd_cloexec = 0;
#endif
#ifdef EFD_NONBLOCK
inline constexpr int efd_nonblock = static_cast<int>(EFD_NONBLOCK);
#else
inline constexpr int efd_nonblock = 0;
#endif
#ifdef EFD_SEMAPHORE
inline constexpr int efd_semaphore = static_cast<int>(EFD_SEMAPHORE);
#else
inline constexpr int efd_semaphore = 0;
#endif

// ---- memfd_create flags (sys::memfd_create); the HUGETLB_2MB/1GB sizes are the kernel's
// MFD_HUGE_2MB/1GB
#ifdef MFD_CLOEXEC
inline constexpr unsigned mfd_cloexec = static_cast<unsigned>(MFD_CLOEXEC);
#else
inline constexpr unsigned mfd_cloexec = 0;
#endif
#ifdef MFD_ALLOW_SEALING
inline constexpr unsigned mfd_allow_sealing = static_cast<unsigned>(MFD_ALLOW_SEALING);
#else
inline constexpr unsigned mfd_allow_sealing = 0;
#endif
#ifdef MFD_HUGETLB
inline constexpr unsigned mfd_hugetlb = static_cast<unsigned>(MFD_HUGETLB);
#else
inline constexpr unsigned mfd_hugetlb = 0;
#endif
#ifdef HUGETLB_FLAG_ENCODE_2MB
inline constexpr unsigned mfd_hugetlb_2mb = static_cast<unsigned>(HUGETLB_FLAG_ENCODE_2MB);
#else
inline constexpr unsigned mfd_hugetlb_2mb = 0;
#endif
#ifdef HUGETLB_FLAG_ENCODE_1GB
inline constexpr unsigned mfd_hugetlb_1gb = static_cast<unsigned>(HUGETLB_FLAG_ENCODE_1GB);
#else
inline constexpr unsigned mfd_hugetlb_1gb = 0;
#endif

// ---- errno values the manual names
#ifdef EBADR
inline constexpr int ebadr = static_cast<int>(EBADR);
#else
inline constexpr int ebadr = 0;
#endif
inline constexpr int enosys = static_cast<int>(ENOSYS);
inline constexpr int exdev = static_cast<int>(EXDEV);

// ---- aio's own flags (defined in ops.hpp), also under the lower-case names
inline constexpr unsigned readdir_dents = READDIR_DENTS;
inline constexpr unsigned readdir_dirs_first = READDIR_DIRS_FIRST;
inline constexpr unsigned readdir_stat_order = READDIR_STAT_ORDER;
inline constexpr unsigned readdir_found_unknown = READDIR_FOUND_UNKNOWN;
inline constexpr int mt_modify = MT_MODIFY;

/// The page size (IO::AIO::PAGESIZE): sysconf(_SC_PAGESIZE), read once.
std::size_t pagesize() noexcept;

/// One constant under its IO::AIO name.
struct named_constant {
    std::string_view name;  ///< IO::AIO's spelling, e.g. "O_DIRECT"
    std::int64_t value;     ///< the value of the typed constant above
};

/// Every constant of this header, in the order above (PAGESIZE excepted: it
/// is not a compile-time value).
inline constexpr named_constant constant_table[] = {
    {"O_RDONLY", o_rdonly},
    {"O_WRONLY", o_wronly},
    {"O_RDWR", o_rdwr},
    {"O_ACCMODE", o_accmode},
    {"O_CREAT", o_creat},
    {"O_EXCL", o_excl},
    {"O_TRUNC", o_trunc},
    {"O_APPEND", o_append},
    {"O_NONBLOCK", o_nonblock},
    {"O_NOCTTY", o_noctty},
    {"O_ASYNC", o_async},
    {"O_DIRECT", o_direct},
    {"O_NOATIME", o_noatime},
    {"O_CLOEXEC", o_cloexec},
    {"O_NOFOLLOW", o_nofollow},
    {"O_DIRECTORY", o_directory},
    {"O_DSYNC", o_dsync},
    {"O_RSYNC", o_rsync},
    {"O_SYNC", o_sync},
    {"O_PATH", o_path},
    {"O_TMPFILE", o_tmpfile},
    {"O_EXEC", o_exec},
    {"O_SEARCH", o_search},
    {"O_TTY_INIT", o_tty_init},
    {"S_IFMT", s_ifmt},
    {"S_IFIFO", s_ififo},
    {"S_IFCHR", s_ifchr},
    {"S_IFDIR", s_ifdir},
    {"S_IFBLK", s_ifblk},
    {"S_IFREG", s_ifreg},
    {"S_IFLNK", s_iflnk},
    {"S_IFSOCK", s_ifsock},
    {"S_IFWHT", s_ifwht},
    {"SEEK_SET", seek_set},
    {"SEEK_CUR", seek_cur},
    {"SEEK_END", seek_end},
    {"SEEK_DATA", seek_data},
    {"SEEK_HOLE", seek_hole},
    {"ST_RDONLY", st_rdonly},
    {"ST_NOSUID", st_nosuid},
    {"ST_NODEV", st_nodev},
    {"ST_NOEXEC", st_noexec},
    {"ST_SYNCHRONOUS", st_synchronous},
    {"ST_MANDLOCK", st_mandlock},
    {"ST_WRITE", st_write},
    {"ST_APPEND", st_append},
    {"ST_IMMUTABLE", st_immutable},
    {"ST_NOATIME", st_noatime},
    {"ST_NODIRATIME", st_nodiratime},
    {"ST_RELATIME", st_relatime},
    {"FADV_NORMAL", fadv_normal},
    {"FADV_SEQUENTIAL", fadv_sequential},
    {"FADV_RANDOM", fadv_random},
    {"FADV_NOREUSE", fadv_noreuse},
    {"FADV_WILLNEED", fadv_willneed},
    {"FADV_DONTNEED", fadv_dontneed},
    {"MADV_NORMAL", madv_normal},
    {"MADV_SEQUENTIAL", madv_sequential},
    {"MADV_RANDOM", madv_random},
    {"MADV_WILLNEED", madv_willneed},
    {"MADV_DONTNEED", madv_dontneed},
    {"PROT_NONE", prot_none},
    {"PROT_READ", prot_read},
    {"PROT_WRITE", prot_write},
    {"PROT_EXEC", prot_exec},
    {"MAP_SHARED", map_shared},
    {"MAP_PRIVATE", map_private},
    {"MAP_FIXED", map_fixed},
    {"MAP_ANONYMOUS", map_anonymous},
    {"MAP_HUGETLB", map_hugetlb},
    {"MAP_LOCKED", map_locked},
    {"MAP_NORESERVE", map_noreserve},
    {"MAP_POPULATE", map_populate},
    {"MAP_NONBLOCK", map_nonblock},
    {"MAP_GROWSDOWN", map_growsdown},
    {"MAP_32BIT", map_32bit},
    {"MAP_STACK", map_stack},
    {"MAP_FIXED_NOREPLACE", map_fixed_noreplace},
    {"MAP_SHARED_VALIDATE", map_shared_validate},
    {"MAP_SYNC", map_sync},
    {"MAP_UNINITIALIZED", map_uninitialized},
    {"MCL_CURRENT", mcl_current},
    {"MCL_FUTURE", mcl_future},
    {"MCL_ONFAULT", mcl_onfault},
    {"MS_ASYNC", ms_async},
    {"MS_INVALIDATE", ms_invalidate},
    {"MS_SYNC", ms_sync},
    {"MS_RDONLY", ms_rdonly},
    {"MS_NOSUID", ms_nosuid},
    {"MS_NODEV", ms_nodev},
    {"MS_NOEXEC", ms_noexec},
    {"MS_SYNCHRONOUS", ms_synchronous},
    {"MS_REMOUNT", ms_remount},
    {"MS_MANDLOCK", ms_mandlock},
    {"MS_DIRSYNC", ms_dirsync},
    {"MS_NOSYMFOLLOW", ms_nosymfollow},
    {"MS_NOATIME", ms_noatime},
    {"MS_NODIRATIME", ms_nodiratime},
    {"MS_BIND", ms_bind},
    {"MS_MOVE", ms_move},
    {"MS_REC", ms_rec},
    {"MS_SILENT", ms_silent},
    {"MS_POSIXACL", ms_posixacl},
    {"MS_UNBINDABLE", ms_unbindable},
    {"MS_PRIVATE", ms_private},
    {"MS_SLAVE", ms_slave},
    {"MS_SHARED", ms_shared},
    {"MS_RELATIME", ms_relatime},
    {"MS_KERNMOUNT", ms_kernmount},
    {"MS_I_VERSION", ms_i_version},
    {"MS_STRICTATIME", ms_strictatime},
    {"MS_LAZYTIME", ms_lazytime},
    {"MS_ACTIVE", ms_active},
    {"MS_NOUSER", ms_nouser},
    {"MS_RMT_MASK", ms_rmt_mask},
    {"MS_MGC_VAL", ms_mgc_val},
    {"MS_MGC_MSK", ms_mgc_msk},
    {"FALLOC_FL_KEEP_SIZE", falloc_fl_keep_size},
    {"FALLOC_FL_PUNCH_HOLE", falloc_fl_punch_hole},
    {"FALLOC_FL_COLLAPSE_RANGE", falloc_fl_collapse_range},
    {"FALLOC_FL_ZERO_RANGE", falloc_fl_zero_range},
    {"FALLOC_FL_INSERT_RANGE", falloc_fl_insert_range},
    {"FALLOC_FL_UNSHARE_RANGE", falloc_fl_unshare_range},
    {"FIEMAP_FLAG_SYNC", fiemap_flag_sync},
    {"FIEMAP_FLAG_XATTR", fiemap_flag_xattr},
    {"FIEMAP_FLAG_CACHE", fiemap_flag_cache},
    {"FIEMAP_FLAGS_COMPAT", fiemap_flags_compat},
    {"FIEMAP_EXTENT_LAST", fiemap_extent_last},
    {"FIEMAP_EXTENT_UNKNOWN", fiemap_extent_unknown},
    {"FIEMAP_EXTENT_DELALLOC", fiemap_extent_delalloc},
    {"FIEMAP_EXTENT_ENCODED", fiemap_extent_encoded},
    {"FIEMAP_EXTENT_DATA_ENCRYPTED", fiemap_extent_data_encrypted},
    {"FIEMAP_EXTENT_NOT_ALIGNED", fiemap_extent_not_aligned},
    {"FIEMAP_EXTENT_DATA_INLINE", fiemap_extent_data_inline},
    {"FIEMAP_EXTENT_DATA_TAIL", fiemap_extent_data_tail},
    {"FIEMAP_EXTENT_UNWRITTEN", fiemap_extent_unwritten},
    {"FIEMAP_EXTENT_MERGED", fiemap_extent_merged},
    {"FIEMAP_EXTENT_SHARED", fiemap_extent_shared},
    {"SYNC_FILE_RANGE_WAIT_BEFORE", sync_file_range_wait_before},
    {"SYNC_FILE_RANGE_WRITE", sync_file_range_write},
    {"SYNC_FILE_RANGE_WAIT_AFTER", sync_file_range_wait_after},
    {"SYNC_FILE_RANGE_WRITE_AND_WAIT", sync_file_range_write_and_wait},
    {"SPLICE_F_MOVE", splice_f_move},
    {"SPLICE_F_NONBLOCK", splice_f_nonblock},
    {"SPLICE_F_MORE", splice_f_more},
    {"SPLICE_F_GIFT", splice_f_gift},
    {"DT_UNKNOWN", dt_unknown},
    {"DT_FIFO", dt_fifo},
    {"DT_CHR", dt_chr},
    {"DT_DIR", dt_dir},
    {"DT_BLK", dt_blk},
    {"DT_REG", dt_reg},
    {"DT_LNK", dt_lnk},
    {"DT_SOCK", dt_sock},
    {"DT_WHT", dt_wht},
    {"RENAME_NOREPLACE", rename_noreplace},
    {"RENAME_EXCHANGE", rename_exchange},
    {"RENAME_WHITEOUT", rename_whiteout},
    {"EFD_CLOEXEC", efd_cloexec},
    {"EFD_NONBLOCK", efd_nonblock},
    {"EFD_SEMAPHORE", efd_semaphore},
    {"MFD_CLOEXEC", mfd_cloexec},
    {"MFD_ALLOW_SEALING", mfd_allow_sealing},
    {"MFD_HUGETLB", mfd_hugetlb},
    {"MFD_HUGETLB_2MB", mfd_hugetlb_2mb},
    {"MFD_HUGETLB_1GB", mfd_hugetlb_1gb},
    {"EBADR", ebadr},
    {"ENOSYS", enosys},
    {"EXDEV", exdev},
    {"READDIR_DENTS", readdir_dents},
    {"READDIR_DIRS_FIRST", readdir_dirs_first},
    {"READDIR_STAT_ORDER", readdir_stat_order},
    {"READDIR_FOUND_UNKNOWN", readdir_found_unknown},
    {"MT_MODIFY", mt_modify},
};

/// The value of the constant IO::AIO calls `name` ("O_DIRECT"); nullopt for
/// a name this header does not define.
constexpr std::optional<std::int64_t> find_constant(std::string_view name) noexcept {
    for (const auto& c : constant_table)
        if (c.name == name) return c.value;
    return std::nullopt;
}

}  // namespace aio
