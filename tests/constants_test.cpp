// aio/constants.hpp: every constant equals the system header's value (0
// where the system lacks it), and equals what Debian's IO::AIO 4.80 exports,
// except for the differences listed and explained below.
//
// constants.hpp is included first, before any other header, so that its
// values come only from the system headers it includes itself: a header it
// forgot would leave a constant 0 here while the check below (after this
// file includes the header) sees the real value.
#include "aio/constants.hpp"
// (keep the line above first)

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "support.hpp"

// The headers the checks take their truth from.
#include <dirent.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstdio>
#if __has_include(<linux/falloc.h>)
#include <linux/falloc.h>
#endif
#if __has_include(<linux/fiemap.h>)
#include <linux/fiemap.h>
#endif
#if __has_include(<linux/fs.h>)
#include <linux/fs.h>
#endif
#if __has_include(<linux/memfd.h>)
#include <linux/memfd.h>
#endif

namespace {

// Names checked against the system headers.
std::set<std::string>& checked() {
    static std::set<std::string> s;
    return s;
}

// `ours` must be the system's value converted to our constant's type, and
// the name table must hold the same value under the IO::AIO name.
template <class T, class S>
void check(const char* name, T ours, S system) {
    checked().insert(name);
    EXPECT_EQ(static_cast<long long>(ours), static_cast<long long>(static_cast<T>(system))) << name;
    auto in_table = aio::find_constant(name);
    ASSERT_TRUE(in_table.has_value()) << name << " missing from constant_table";
    EXPECT_EQ(*in_table, static_cast<std::int64_t>(ours)) << name;
}

TEST(Constants, EqualTheSystemHeaders) {
#ifdef O_RDONLY
    check("O_RDONLY", aio::o_rdonly, O_RDONLY);
#else
    check("O_RDONLY", aio::o_rdonly, 0);
#endif
#ifdef O_WRONLY
    check("O_WRONLY", aio::o_wronly, O_WRONLY);
#else
    check("O_WRONLY", aio::o_wronly, 0);
#endif
#ifdef O_RDWR
    check("O_RDWR", aio::o_rdwr, O_RDWR);
#else
    check("O_RDWR", aio::o_rdwr, 0);
#endif
#ifdef O_ACCMODE
    check("O_ACCMODE", aio::o_accmode, O_ACCMODE);
#else
    check("O_ACCMODE", aio::o_accmode, 0);
#endif
#ifdef O_CREAT
    check("O_CREAT", aio::o_creat, O_CREAT);
#else
    check("O_CREAT", aio::o_creat, 0);
#endif
#ifdef O_EXCL
    check("O_EXCL", aio::o_excl, O_EXCL);
#else
    check("O_EXCL", aio::o_excl, 0);
#endif
#ifdef O_TRUNC
    check("O_TRUNC", aio::o_trunc, O_TRUNC);
#else
    check("O_TRUNC", aio::o_trunc, 0);
#endif
#ifdef O_APPEND
    check("O_APPEND", aio::o_append, O_APPEND);
#else
    check("O_APPEND", aio::o_append, 0);
#endif
#ifdef O_NONBLOCK
    check("O_NONBLOCK", aio::o_nonblock, O_NONBLOCK);
#else
    check("O_NONBLOCK", aio::o_nonblock, 0);
#endif
#ifdef O_NOCTTY
    check("O_NOCTTY", aio::o_noctty, O_NOCTTY);
#else
    check("O_NOCTTY", aio::o_noctty, 0);
#endif
#ifdef O_ASYNC
    check("O_ASYNC", aio::o_async, O_ASYNC);
#else
    check("O_ASYNC", aio::o_async, 0);
#endif
#ifdef O_DIRECT
    check("O_DIRECT", aio::o_direct, O_DIRECT);
#else
    check("O_DIRECT", aio::o_direct, 0);
#endif
#ifdef O_NOATIME
    check("O_NOATIME", aio::o_noatime, O_NOATIME);
#else
    check("O_NOATIME", aio::o_noatime, 0);
#endif
#ifdef O_CLOEXEC
    check("O_CLOEXEC", aio::o_cloexec, O_CLOEXEC);
#else
    check("O_CLOEXEC", aio::o_cloexec, 0);
#endif
#ifdef O_NOFOLLOW
    check("O_NOFOLLOW", aio::o_nofollow, O_NOFOLLOW);
#else
    check("O_NOFOLLOW", aio::o_nofollow, 0);
#endif
#ifdef O_DIRECTORY
    check("O_DIRECTORY", aio::o_directory, O_DIRECTORY);
#else
    check("O_DIRECTORY", aio::o_directory, 0);
#endif
#ifdef O_DSYNC
    check("O_DSYNC", aio::o_dsync, O_DSYNC);
#else
    check("O_DSYNC", aio::o_dsync, 0);
#endif
#ifdef O_RSYNC
    check("O_RSYNC", aio::o_rsync, O_RSYNC);
#else
    check("O_RSYNC", aio::o_rsync, 0);
#endif
#ifdef O_SYNC
    check("O_SYNC", aio::o_sync, O_SYNC);
#else
    check("O_SYNC", aio::o_sync, 0);
#endif
#ifdef O_PATH
    check("O_PATH", aio::o_path, O_PATH);
#else
    check("O_PATH", aio::o_path, 0);
#endif
#ifdef O_TMPFILE
    check("O_TMPFILE", aio::o_tmpfile, O_TMPFILE);
#else
    check("O_TMPFILE", aio::o_tmpfile, 0);
#endif
#ifdef O_EXEC
    check("O_EXEC", aio::o_exec, O_EXEC);
#else
    check("O_EXEC", aio::o_exec, 0);
#endif
#ifdef O_SEARCH
    check("O_SEARCH", aio::o_search, O_SEARCH);
#else
    check("O_SEARCH", aio::o_search, 0);
#endif
#ifdef O_TTY_INIT
    check("O_TTY_INIT", aio::o_tty_init, O_TTY_INIT);
#else
    check("O_TTY_INIT", aio::o_tty_init, 0);
#endif
#ifdef S_IFMT
    check("S_IFMT", aio::s_ifmt, S_IFMT);
#else
    check("S_IFMT", aio::s_ifmt, 0);
#endif
#ifdef S_IFIFO
    check("S_IFIFO", aio::s_ififo, S_IFIFO);
#else
    check("S_IFIFO", aio::s_ififo, 0);
#endif
#ifdef S_IFCHR
    check("S_IFCHR", aio::s_ifchr, S_IFCHR);
#else
    check("S_IFCHR", aio::s_ifchr, 0);
#endif
#ifdef S_IFDIR
    check("S_IFDIR", aio::s_ifdir, S_IFDIR);
#else
    check("S_IFDIR", aio::s_ifdir, 0);
#endif
#ifdef S_IFBLK
    check("S_IFBLK", aio::s_ifblk, S_IFBLK);
#else
    check("S_IFBLK", aio::s_ifblk, 0);
#endif
#ifdef S_IFREG
    check("S_IFREG", aio::s_ifreg, S_IFREG);
#else
    check("S_IFREG", aio::s_ifreg, 0);
#endif
#ifdef S_IFLNK
    check("S_IFLNK", aio::s_iflnk, S_IFLNK);
#else
    check("S_IFLNK", aio::s_iflnk, 0);
#endif
#ifdef S_IFSOCK
    check("S_IFSOCK", aio::s_ifsock, S_IFSOCK);
#else
    check("S_IFSOCK", aio::s_ifsock, 0);
#endif
#ifdef S_IFWHT
    check("S_IFWHT", aio::s_ifwht, S_IFWHT);
#else
    check("S_IFWHT", aio::s_ifwht, 0);
#endif
#ifdef SEEK_SET
    check("SEEK_SET", aio::seek_set, SEEK_SET);
#else
    check("SEEK_SET", aio::seek_set, 0);
#endif
#ifdef SEEK_CUR
    check("SEEK_CUR", aio::seek_cur, SEEK_CUR);
#else
    check("SEEK_CUR", aio::seek_cur, 0);
#endif
#ifdef SEEK_END
    check("SEEK_END", aio::seek_end, SEEK_END);
#else
    check("SEEK_END", aio::seek_end, 0);
#endif
#ifdef SEEK_DATA
    check("SEEK_DATA", aio::seek_data, SEEK_DATA);
#else
    check("SEEK_DATA", aio::seek_data, 0);
#endif
#ifdef SEEK_HOLE
    check("SEEK_HOLE", aio::seek_hole, SEEK_HOLE);
#else
    check("SEEK_HOLE", aio::seek_hole, 0);
#endif
#ifdef ST_RDONLY
    check("ST_RDONLY", aio::st_rdonly, ST_RDONLY);
#else
    check("ST_RDONLY", aio::st_rdonly, 0);
#endif
#ifdef ST_NOSUID
    check("ST_NOSUID", aio::st_nosuid, ST_NOSUID);
#else
    check("ST_NOSUID", aio::st_nosuid, 0);
#endif
#ifdef ST_NODEV
    check("ST_NODEV", aio::st_nodev, ST_NODEV);
#else
    check("ST_NODEV", aio::st_nodev, 0);
#endif
#ifdef ST_NOEXEC
    check("ST_NOEXEC", aio::st_noexec, ST_NOEXEC);
#else
    check("ST_NOEXEC", aio::st_noexec, 0);
#endif
#ifdef ST_SYNCHRONOUS
    check("ST_SYNCHRONOUS", aio::st_synchronous, ST_SYNCHRONOUS);
#else
    check("ST_SYNCHRONOUS", aio::st_synchronous, 0);
#endif
#ifdef ST_MANDLOCK
    check("ST_MANDLOCK", aio::st_mandlock, ST_MANDLOCK);
#else
    check("ST_MANDLOCK", aio::st_mandlock, 0);
#endif
#ifdef ST_WRITE
    check("ST_WRITE", aio::st_write, ST_WRITE);
#else
    check("ST_WRITE", aio::st_write, 0);
#endif
#ifdef ST_APPEND
    check("ST_APPEND", aio::st_append, ST_APPEND);
#else
    check("ST_APPEND", aio::st_append, 0);
#endif
#ifdef ST_IMMUTABLE
    check("ST_IMMUTABLE", aio::st_immutable, ST_IMMUTABLE);
#else
    check("ST_IMMUTABLE", aio::st_immutable, 0);
#endif
#ifdef ST_NOATIME
    check("ST_NOATIME", aio::st_noatime, ST_NOATIME);
#else
    check("ST_NOATIME", aio::st_noatime, 0);
#endif
#ifdef ST_NODIRATIME
    check("ST_NODIRATIME", aio::st_nodiratime, ST_NODIRATIME);
#else
    check("ST_NODIRATIME", aio::st_nodiratime, 0);
#endif
#ifdef ST_RELATIME
    check("ST_RELATIME", aio::st_relatime, ST_RELATIME);
#else
    check("ST_RELATIME", aio::st_relatime, 0);
#endif
#ifdef POSIX_FADV_NORMAL
    check("FADV_NORMAL", aio::fadv_normal, POSIX_FADV_NORMAL);
#else
    check("FADV_NORMAL", aio::fadv_normal, 0);
#endif
#ifdef POSIX_FADV_SEQUENTIAL
    check("FADV_SEQUENTIAL", aio::fadv_sequential, POSIX_FADV_SEQUENTIAL);
#else
    check("FADV_SEQUENTIAL", aio::fadv_sequential, 0);
#endif
#ifdef POSIX_FADV_RANDOM
    check("FADV_RANDOM", aio::fadv_random, POSIX_FADV_RANDOM);
#else
    check("FADV_RANDOM", aio::fadv_random, 0);
#endif
#ifdef POSIX_FADV_NOREUSE
    check("FADV_NOREUSE", aio::fadv_noreuse, POSIX_FADV_NOREUSE);
#else
    check("FADV_NOREUSE", aio::fadv_noreuse, 0);
#endif
#ifdef POSIX_FADV_WILLNEED
    check("FADV_WILLNEED", aio::fadv_willneed, POSIX_FADV_WILLNEED);
#else
    check("FADV_WILLNEED", aio::fadv_willneed, 0);
#endif
#ifdef POSIX_FADV_DONTNEED
    check("FADV_DONTNEED", aio::fadv_dontneed, POSIX_FADV_DONTNEED);
#else
    check("FADV_DONTNEED", aio::fadv_dontneed, 0);
#endif
#ifdef POSIX_MADV_NORMAL
    check("MADV_NORMAL", aio::madv_normal, POSIX_MADV_NORMAL);
#else
    check("MADV_NORMAL", aio::madv_normal, 0);
#endif
#ifdef POSIX_MADV_SEQUENTIAL
    check("MADV_SEQUENTIAL", aio::madv_sequential, POSIX_MADV_SEQUENTIAL);
#else
    check("MADV_SEQUENTIAL", aio::madv_sequential, 0);
#endif
#ifdef POSIX_MADV_RANDOM
    check("MADV_RANDOM", aio::madv_random, POSIX_MADV_RANDOM);
#else
    check("MADV_RANDOM", aio::madv_random, 0);
#endif
#ifdef POSIX_MADV_WILLNEED
    check("MADV_WILLNEED", aio::madv_willneed, POSIX_MADV_WILLNEED);
#else
    check("MADV_WILLNEED", aio::madv_willneed, 0);
#endif
#ifdef POSIX_MADV_DONTNEED
    check("MADV_DONTNEED", aio::madv_dontneed, POSIX_MADV_DONTNEED);
#else
    check("MADV_DONTNEED", aio::madv_dontneed, 0);
#endif
#ifdef PROT_NONE
    check("PROT_NONE", aio::prot_none, PROT_NONE);
#else
    check("PROT_NONE", aio::prot_none, 0);
#endif
#ifdef PROT_READ
    check("PROT_READ", aio::prot_read, PROT_READ);
#else
    check("PROT_READ", aio::prot_read, 0);
#endif
#ifdef PROT_WRITE
    check("PROT_WRITE", aio::prot_write, PROT_WRITE);
#else
    check("PROT_WRITE", aio::prot_write, 0);
#endif
#ifdef PROT_EXEC
    check("PROT_EXEC", aio::prot_exec, PROT_EXEC);
#else
    check("PROT_EXEC", aio::prot_exec, 0);
#endif
#ifdef MAP_SHARED
    check("MAP_SHARED", aio::map_shared, MAP_SHARED);
#else
    check("MAP_SHARED", aio::map_shared, 0);
#endif
#ifdef MAP_PRIVATE
    check("MAP_PRIVATE", aio::map_private, MAP_PRIVATE);
#else
    check("MAP_PRIVATE", aio::map_private, 0);
#endif
#ifdef MAP_FIXED
    check("MAP_FIXED", aio::map_fixed, MAP_FIXED);
#else
    check("MAP_FIXED", aio::map_fixed, 0);
#endif
#if defined(MAP_ANONYMOUS)
    check("MAP_ANONYMOUS", aio::map_anonymous, MAP_ANONYMOUS);
#elif defined(MAP_ANON)
    check("MAP_ANONYMOUS", aio::map_anonymous, MAP_ANON);
#else
    check("MAP_ANONYMOUS", aio::map_anonymous, 0);
#endif
#ifdef MAP_HUGETLB
    check("MAP_HUGETLB", aio::map_hugetlb, MAP_HUGETLB);
#else
    check("MAP_HUGETLB", aio::map_hugetlb, 0);
#endif
#ifdef MAP_LOCKED
    check("MAP_LOCKED", aio::map_locked, MAP_LOCKED);
#else
    check("MAP_LOCKED", aio::map_locked, 0);
#endif
#ifdef MAP_NORESERVE
    check("MAP_NORESERVE", aio::map_noreserve, MAP_NORESERVE);
#else
    check("MAP_NORESERVE", aio::map_noreserve, 0);
#endif
#ifdef MAP_POPULATE
    check("MAP_POPULATE", aio::map_populate, MAP_POPULATE);
#else
    check("MAP_POPULATE", aio::map_populate, 0);
#endif
#ifdef MAP_NONBLOCK
    check("MAP_NONBLOCK", aio::map_nonblock, MAP_NONBLOCK);
#else
    check("MAP_NONBLOCK", aio::map_nonblock, 0);
#endif
#ifdef MAP_GROWSDOWN
    check("MAP_GROWSDOWN", aio::map_growsdown, MAP_GROWSDOWN);
#else
    check("MAP_GROWSDOWN", aio::map_growsdown, 0);
#endif
#ifdef MAP_32BIT
    check("MAP_32BIT", aio::map_32bit, MAP_32BIT);
#else
    check("MAP_32BIT", aio::map_32bit, 0);
#endif
#ifdef MAP_STACK
    check("MAP_STACK", aio::map_stack, MAP_STACK);
#else
    check("MAP_STACK", aio::map_stack, 0);
#endif
#ifdef MAP_FIXED_NOREPLACE
    check("MAP_FIXED_NOREPLACE", aio::map_fixed_noreplace, MAP_FIXED_NOREPLACE);
#else
    check("MAP_FIXED_NOREPLACE", aio::map_fixed_noreplace, 0);
#endif
#ifdef MAP_SHARED_VALIDATE
    check("MAP_SHARED_VALIDATE", aio::map_shared_validate, MAP_SHARED_VALIDATE);
#else
    check("MAP_SHARED_VALIDATE", aio::map_shared_validate, 0);
#endif
#ifdef MAP_SYNC
    check("MAP_SYNC", aio::map_sync, MAP_SYNC);
#else
    check("MAP_SYNC", aio::map_sync, 0);
#endif
#ifdef MAP_UNINITIALIZED
    check("MAP_UNINITIALIZED", aio::map_uninitialized, MAP_UNINITIALIZED);
#else
    check("MAP_UNINITIALIZED", aio::map_uninitialized, 0);
#endif
#ifdef MCL_CURRENT
    check("MCL_CURRENT", aio::mcl_current, MCL_CURRENT);
#else
    check("MCL_CURRENT", aio::mcl_current, 0);
#endif
#ifdef MCL_FUTURE
    check("MCL_FUTURE", aio::mcl_future, MCL_FUTURE);
#else
    check("MCL_FUTURE", aio::mcl_future, 0);
#endif
#ifdef MCL_ONFAULT
    check("MCL_ONFAULT", aio::mcl_onfault, MCL_ONFAULT);
#else
    check("MCL_ONFAULT", aio::mcl_onfault, 0);
#endif
#ifdef MS_ASYNC
    check("MS_ASYNC", aio::ms_async, MS_ASYNC);
#else
    check("MS_ASYNC", aio::ms_async, 0);
#endif
#ifdef MS_INVALIDATE
    check("MS_INVALIDATE", aio::ms_invalidate, MS_INVALIDATE);
#else
    check("MS_INVALIDATE", aio::ms_invalidate, 0);
#endif
#ifdef MS_SYNC
    check("MS_SYNC", aio::ms_sync, MS_SYNC);
#else
    check("MS_SYNC", aio::ms_sync, 0);
#endif
#ifdef MS_RDONLY
    check("MS_RDONLY", aio::ms_rdonly, MS_RDONLY);
#else
    check("MS_RDONLY", aio::ms_rdonly, 0);
#endif
#ifdef MS_NOSUID
    check("MS_NOSUID", aio::ms_nosuid, MS_NOSUID);
#else
    check("MS_NOSUID", aio::ms_nosuid, 0);
#endif
#ifdef MS_NODEV
    check("MS_NODEV", aio::ms_nodev, MS_NODEV);
#else
    check("MS_NODEV", aio::ms_nodev, 0);
#endif
#ifdef MS_NOEXEC
    check("MS_NOEXEC", aio::ms_noexec, MS_NOEXEC);
#else
    check("MS_NOEXEC", aio::ms_noexec, 0);
#endif
#ifdef MS_SYNCHRONOUS
    check("MS_SYNCHRONOUS", aio::ms_synchronous, MS_SYNCHRONOUS);
#else
    check("MS_SYNCHRONOUS", aio::ms_synchronous, 0);
#endif
#ifdef MS_REMOUNT
    check("MS_REMOUNT", aio::ms_remount, MS_REMOUNT);
#else
    check("MS_REMOUNT", aio::ms_remount, 0);
#endif
#ifdef MS_MANDLOCK
    check("MS_MANDLOCK", aio::ms_mandlock, MS_MANDLOCK);
#else
    check("MS_MANDLOCK", aio::ms_mandlock, 0);
#endif
#ifdef MS_DIRSYNC
    check("MS_DIRSYNC", aio::ms_dirsync, MS_DIRSYNC);
#else
    check("MS_DIRSYNC", aio::ms_dirsync, 0);
#endif
#ifdef MS_NOSYMFOLLOW
    check("MS_NOSYMFOLLOW", aio::ms_nosymfollow, MS_NOSYMFOLLOW);
#else
    check("MS_NOSYMFOLLOW", aio::ms_nosymfollow, 0);
#endif
#ifdef MS_NOATIME
    check("MS_NOATIME", aio::ms_noatime, MS_NOATIME);
#else
    check("MS_NOATIME", aio::ms_noatime, 0);
#endif
#ifdef MS_NODIRATIME
    check("MS_NODIRATIME", aio::ms_nodiratime, MS_NODIRATIME);
#else
    check("MS_NODIRATIME", aio::ms_nodiratime, 0);
#endif
#ifdef MS_BIND
    check("MS_BIND", aio::ms_bind, MS_BIND);
#else
    check("MS_BIND", aio::ms_bind, 0);
#endif
#ifdef MS_MOVE
    check("MS_MOVE", aio::ms_move, MS_MOVE);
#else
    check("MS_MOVE", aio::ms_move, 0);
#endif
#ifdef MS_REC
    check("MS_REC", aio::ms_rec, MS_REC);
#else
    check("MS_REC", aio::ms_rec, 0);
#endif
#ifdef MS_SILENT
    check("MS_SILENT", aio::ms_silent, MS_SILENT);
#else
    check("MS_SILENT", aio::ms_silent, 0);
#endif
#ifdef MS_POSIXACL
    check("MS_POSIXACL", aio::ms_posixacl, MS_POSIXACL);
#else
    check("MS_POSIXACL", aio::ms_posixacl, 0);
#endif
#ifdef MS_UNBINDABLE
    check("MS_UNBINDABLE", aio::ms_unbindable, MS_UNBINDABLE);
#else
    check("MS_UNBINDABLE", aio::ms_unbindable, 0);
#endif
#ifdef MS_PRIVATE
    check("MS_PRIVATE", aio::ms_private, MS_PRIVATE);
#else
    check("MS_PRIVATE", aio::ms_private, 0);
#endif
#ifdef MS_SLAVE
    check("MS_SLAVE", aio::ms_slave, MS_SLAVE);
#else
    check("MS_SLAVE", aio::ms_slave, 0);
#endif
#ifdef MS_SHARED
    check("MS_SHARED", aio::ms_shared, MS_SHARED);
#else
    check("MS_SHARED", aio::ms_shared, 0);
#endif
#ifdef MS_RELATIME
    check("MS_RELATIME", aio::ms_relatime, MS_RELATIME);
#else
    check("MS_RELATIME", aio::ms_relatime, 0);
#endif
#ifdef MS_KERNMOUNT
    check("MS_KERNMOUNT", aio::ms_kernmount, MS_KERNMOUNT);
#else
    check("MS_KERNMOUNT", aio::ms_kernmount, 0);
#endif
#ifdef MS_I_VERSION
    check("MS_I_VERSION", aio::ms_i_version, MS_I_VERSION);
#else
    check("MS_I_VERSION", aio::ms_i_version, 0);
#endif
#ifdef MS_STRICTATIME
    check("MS_STRICTATIME", aio::ms_strictatime, MS_STRICTATIME);
#else
    check("MS_STRICTATIME", aio::ms_strictatime, 0);
#endif
#ifdef MS_LAZYTIME
    check("MS_LAZYTIME", aio::ms_lazytime, MS_LAZYTIME);
#else
    check("MS_LAZYTIME", aio::ms_lazytime, 0);
#endif
#ifdef MS_ACTIVE
    check("MS_ACTIVE", aio::ms_active, MS_ACTIVE);
#else
    check("MS_ACTIVE", aio::ms_active, 0);
#endif
#ifdef MS_NOUSER
    check("MS_NOUSER", aio::ms_nouser, MS_NOUSER);
#else
    check("MS_NOUSER", aio::ms_nouser, 0);
#endif
#ifdef MS_RMT_MASK
    check("MS_RMT_MASK", aio::ms_rmt_mask, MS_RMT_MASK);
#else
    check("MS_RMT_MASK", aio::ms_rmt_mask, 0);
#endif
#ifdef MS_MGC_VAL
    check("MS_MGC_VAL", aio::ms_mgc_val, MS_MGC_VAL);
#else
    check("MS_MGC_VAL", aio::ms_mgc_val, 0);
#endif
#ifdef MS_MGC_MSK
    check("MS_MGC_MSK", aio::ms_mgc_msk, MS_MGC_MSK);
#else
    check("MS_MGC_MSK", aio::ms_mgc_msk, 0);
#endif
#ifdef FALLOC_FL_KEEP_SIZE
    check("FALLOC_FL_KEEP_SIZE", aio::falloc_fl_keep_size, FALLOC_FL_KEEP_SIZE);
#else
    check("FALLOC_FL_KEEP_SIZE", aio::falloc_fl_keep_size, 0);
#endif
#ifdef FALLOC_FL_PUNCH_HOLE
    check("FALLOC_FL_PUNCH_HOLE", aio::falloc_fl_punch_hole, FALLOC_FL_PUNCH_HOLE);
#else
    check("FALLOC_FL_PUNCH_HOLE", aio::falloc_fl_punch_hole, 0);
#endif
#ifdef FALLOC_FL_COLLAPSE_RANGE
    check("FALLOC_FL_COLLAPSE_RANGE", aio::falloc_fl_collapse_range, FALLOC_FL_COLLAPSE_RANGE);
#else
    check("FALLOC_FL_COLLAPSE_RANGE", aio::falloc_fl_collapse_range, 0);
#endif
#ifdef FALLOC_FL_ZERO_RANGE
    check("FALLOC_FL_ZERO_RANGE", aio::falloc_fl_zero_range, FALLOC_FL_ZERO_RANGE);
#else
    check("FALLOC_FL_ZERO_RANGE", aio::falloc_fl_zero_range, 0);
#endif
#ifdef FALLOC_FL_INSERT_RANGE
    check("FALLOC_FL_INSERT_RANGE", aio::falloc_fl_insert_range, FALLOC_FL_INSERT_RANGE);
#else
    check("FALLOC_FL_INSERT_RANGE", aio::falloc_fl_insert_range, 0);
#endif
#ifdef FALLOC_FL_UNSHARE_RANGE
    check("FALLOC_FL_UNSHARE_RANGE", aio::falloc_fl_unshare_range, FALLOC_FL_UNSHARE_RANGE);
#else
    check("FALLOC_FL_UNSHARE_RANGE", aio::falloc_fl_unshare_range, 0);
#endif
#ifdef FIEMAP_FLAG_SYNC
    check("FIEMAP_FLAG_SYNC", aio::fiemap_flag_sync, FIEMAP_FLAG_SYNC);
#else
    check("FIEMAP_FLAG_SYNC", aio::fiemap_flag_sync, 0);
#endif
#ifdef FIEMAP_FLAG_XATTR
    check("FIEMAP_FLAG_XATTR", aio::fiemap_flag_xattr, FIEMAP_FLAG_XATTR);
#else
    check("FIEMAP_FLAG_XATTR", aio::fiemap_flag_xattr, 0);
#endif
#ifdef FIEMAP_FLAG_CACHE
    check("FIEMAP_FLAG_CACHE", aio::fiemap_flag_cache, FIEMAP_FLAG_CACHE);
#else
    check("FIEMAP_FLAG_CACHE", aio::fiemap_flag_cache, 0);
#endif
#ifdef FIEMAP_FLAGS_COMPAT
    check("FIEMAP_FLAGS_COMPAT", aio::fiemap_flags_compat, FIEMAP_FLAGS_COMPAT);
#else
    check("FIEMAP_FLAGS_COMPAT", aio::fiemap_flags_compat, 0);
#endif
#ifdef FIEMAP_EXTENT_LAST
    check("FIEMAP_EXTENT_LAST", aio::fiemap_extent_last, FIEMAP_EXTENT_LAST);
#else
    check("FIEMAP_EXTENT_LAST", aio::fiemap_extent_last, 0);
#endif
#ifdef FIEMAP_EXTENT_UNKNOWN
    check("FIEMAP_EXTENT_UNKNOWN", aio::fiemap_extent_unknown, FIEMAP_EXTENT_UNKNOWN);
#else
    check("FIEMAP_EXTENT_UNKNOWN", aio::fiemap_extent_unknown, 0);
#endif
#ifdef FIEMAP_EXTENT_DELALLOC
    check("FIEMAP_EXTENT_DELALLOC", aio::fiemap_extent_delalloc, FIEMAP_EXTENT_DELALLOC);
#else
    check("FIEMAP_EXTENT_DELALLOC", aio::fiemap_extent_delalloc, 0);
#endif
#ifdef FIEMAP_EXTENT_ENCODED
    check("FIEMAP_EXTENT_ENCODED", aio::fiemap_extent_encoded, FIEMAP_EXTENT_ENCODED);
#else
    check("FIEMAP_EXTENT_ENCODED", aio::fiemap_extent_encoded, 0);
#endif
#ifdef FIEMAP_EXTENT_DATA_ENCRYPTED
    check("FIEMAP_EXTENT_DATA_ENCRYPTED", aio::fiemap_extent_data_encrypted,
          FIEMAP_EXTENT_DATA_ENCRYPTED);
#else
    check("FIEMAP_EXTENT_DATA_ENCRYPTED", aio::fiemap_extent_data_encrypted, 0);
#endif
#ifdef FIEMAP_EXTENT_NOT_ALIGNED
    check("FIEMAP_EXTENT_NOT_ALIGNED", aio::fiemap_extent_not_aligned, FIEMAP_EXTENT_NOT_ALIGNED);
#else
    check("FIEMAP_EXTENT_NOT_ALIGNED", aio::fiemap_extent_not_aligned, 0);
#endif
#ifdef FIEMAP_EXTENT_DATA_INLINE
    check("FIEMAP_EXTENT_DATA_INLINE", aio::fiemap_extent_data_inline, FIEMAP_EXTENT_DATA_INLINE);
#else
    check("FIEMAP_EXTENT_DATA_INLINE", aio::fiemap_extent_data_inline, 0);
#endif
#ifdef FIEMAP_EXTENT_DATA_TAIL
    check("FIEMAP_EXTENT_DATA_TAIL", aio::fiemap_extent_data_tail, FIEMAP_EXTENT_DATA_TAIL);
#else
    check("FIEMAP_EXTENT_DATA_TAIL", aio::fiemap_extent_data_tail, 0);
#endif
#ifdef FIEMAP_EXTENT_UNWRITTEN
    check("FIEMAP_EXTENT_UNWRITTEN", aio::fiemap_extent_unwritten, FIEMAP_EXTENT_UNWRITTEN);
#else
    check("FIEMAP_EXTENT_UNWRITTEN", aio::fiemap_extent_unwritten, 0);
#endif
#ifdef FIEMAP_EXTENT_MERGED
    check("FIEMAP_EXTENT_MERGED", aio::fiemap_extent_merged, FIEMAP_EXTENT_MERGED);
#else
    check("FIEMAP_EXTENT_MERGED", aio::fiemap_extent_merged, 0);
#endif
#ifdef FIEMAP_EXTENT_SHARED
    check("FIEMAP_EXTENT_SHARED", aio::fiemap_extent_shared, FIEMAP_EXTENT_SHARED);
#else
    check("FIEMAP_EXTENT_SHARED", aio::fiemap_extent_shared, 0);
#endif
#ifdef SYNC_FILE_RANGE_WAIT_BEFORE
    check("SYNC_FILE_RANGE_WAIT_BEFORE", aio::sync_file_range_wait_before,
          SYNC_FILE_RANGE_WAIT_BEFORE);
#else
    check("SYNC_FILE_RANGE_WAIT_BEFORE", aio::sync_file_range_wait_before, 0);
#endif
#ifdef SYNC_FILE_RANGE_WRITE
    check("SYNC_FILE_RANGE_WRITE", aio::sync_file_range_write, SYNC_FILE_RANGE_WRITE);
#else
    check("SYNC_FILE_RANGE_WRITE", aio::sync_file_range_write, 0);
#endif
#ifdef SYNC_FILE_RANGE_WAIT_AFTER
    check("SYNC_FILE_RANGE_WAIT_AFTER", aio::sync_file_range_wait_after,
          SYNC_FILE_RANGE_WAIT_AFTER);
#else
    check("SYNC_FILE_RANGE_WAIT_AFTER", aio::sync_file_range_wait_after, 0);
#endif
#ifdef SYNC_FILE_RANGE_WRITE_AND_WAIT
    check("SYNC_FILE_RANGE_WRITE_AND_WAIT", aio::sync_file_range_write_and_wait,
          SYNC_FILE_RANGE_WRITE_AND_WAIT);
#else
    check("SYNC_FILE_RANGE_WRITE_AND_WAIT", aio::sync_file_range_write_and_wait, 0);
#endif
#ifdef SPLICE_F_MOVE
    check("SPLICE_F_MOVE", aio::splice_f_move, SPLICE_F_MOVE);
#else
    check("SPLICE_F_MOVE", aio::splice_f_move, 0);
#endif
#ifdef SPLICE_F_NONBLOCK
    check("SPLICE_F_NONBLOCK", aio::splice_f_nonblock, SPLICE_F_NONBLOCK);
#else
    check("SPLICE_F_NONBLOCK", aio::splice_f_nonblock, 0);
#endif
#ifdef SPLICE_F_MORE
    check("SPLICE_F_MORE", aio::splice_f_more, SPLICE_F_MORE);
#else
    check("SPLICE_F_MORE", aio::splice_f_more, 0);
#endif
#ifdef SPLICE_F_GIFT
    check("SPLICE_F_GIFT", aio::splice_f_gift, SPLICE_F_GIFT);
#else
    check("SPLICE_F_GIFT", aio::splice_f_gift, 0);
#endif
#ifdef DT_UNKNOWN
    check("DT_UNKNOWN", aio::dt_unknown, DT_UNKNOWN);
#else
    check("DT_UNKNOWN", aio::dt_unknown, 0);
#endif
#ifdef DT_FIFO
    check("DT_FIFO", aio::dt_fifo, DT_FIFO);
#else
    check("DT_FIFO", aio::dt_fifo, 0);
#endif
#ifdef DT_CHR
    check("DT_CHR", aio::dt_chr, DT_CHR);
#else
    check("DT_CHR", aio::dt_chr, 0);
#endif
#ifdef DT_DIR
    check("DT_DIR", aio::dt_dir, DT_DIR);
#else
    check("DT_DIR", aio::dt_dir, 0);
#endif
#ifdef DT_BLK
    check("DT_BLK", aio::dt_blk, DT_BLK);
#else
    check("DT_BLK", aio::dt_blk, 0);
#endif
#ifdef DT_REG
    check("DT_REG", aio::dt_reg, DT_REG);
#else
    check("DT_REG", aio::dt_reg, 0);
#endif
#ifdef DT_LNK
    check("DT_LNK", aio::dt_lnk, DT_LNK);
#else
    check("DT_LNK", aio::dt_lnk, 0);
#endif
#ifdef DT_SOCK
    check("DT_SOCK", aio::dt_sock, DT_SOCK);
#else
    check("DT_SOCK", aio::dt_sock, 0);
#endif
#ifdef DT_WHT
    check("DT_WHT", aio::dt_wht, DT_WHT);
#else
    check("DT_WHT", aio::dt_wht, 0);
#endif
#ifdef RENAME_NOREPLACE
    check("RENAME_NOREPLACE", aio::rename_noreplace, RENAME_NOREPLACE);
#else
    check("RENAME_NOREPLACE", aio::rename_noreplace, 0);
#endif
#ifdef RENAME_EXCHANGE
    check("RENAME_EXCHANGE", aio::rename_exchange, RENAME_EXCHANGE);
#else
    check("RENAME_EXCHANGE", aio::rename_exchange, 0);
#endif
#ifdef RENAME_WHITEOUT
    check("RENAME_WHITEOUT", aio::rename_whiteout, RENAME_WHITEOUT);
#else
    check("RENAME_WHITEOUT", aio::rename_whiteout, 0);
#endif
#ifdef EFD_CLOEXEC
    check("EFD_CLOEXEC", aio::efd_cloexec, EFD_CLOEXEC);
#else
    check("EFD_CLOEXEC", aio::efd_cloexec, 0);
#endif
#ifdef EFD_NONBLOCK
    check("EFD_NONBLOCK", aio::efd_nonblock, EFD_NONBLOCK);
#else
    check("EFD_NONBLOCK", aio::efd_nonblock, 0);
#endif
#ifdef EFD_SEMAPHORE
    check("EFD_SEMAPHORE", aio::efd_semaphore, EFD_SEMAPHORE);
#else
    check("EFD_SEMAPHORE", aio::efd_semaphore, 0);
#endif
#ifdef MFD_CLOEXEC
    check("MFD_CLOEXEC", aio::mfd_cloexec, MFD_CLOEXEC);
#else
    check("MFD_CLOEXEC", aio::mfd_cloexec, 0);
#endif
#ifdef MFD_ALLOW_SEALING
    check("MFD_ALLOW_SEALING", aio::mfd_allow_sealing, MFD_ALLOW_SEALING);
#else
    check("MFD_ALLOW_SEALING", aio::mfd_allow_sealing, 0);
#endif
#ifdef MFD_HUGETLB
    check("MFD_HUGETLB", aio::mfd_hugetlb, MFD_HUGETLB);
#else
    check("MFD_HUGETLB", aio::mfd_hugetlb, 0);
#endif
#ifdef HUGETLB_FLAG_ENCODE_2MB
    check("MFD_HUGETLB_2MB", aio::mfd_hugetlb_2mb, HUGETLB_FLAG_ENCODE_2MB);
#else
    check("MFD_HUGETLB_2MB", aio::mfd_hugetlb_2mb, 0);
#endif
#ifdef HUGETLB_FLAG_ENCODE_1GB
    check("MFD_HUGETLB_1GB", aio::mfd_hugetlb_1gb, HUGETLB_FLAG_ENCODE_1GB);
#else
    check("MFD_HUGETLB_1GB", aio::mfd_hugetlb_1gb, 0);
#endif
#ifdef EBADR
    check("EBADR", aio::ebadr, EBADR);
#else
    check("EBADR", aio::ebadr, 0);
#endif
#ifdef ENOSYS
    check("ENOSYS", aio::enosys, ENOSYS);
#else
    check("ENOSYS", aio::enosys, 0);
#endif
#ifdef EXDEV
    check("EXDEV", aio::exdev, EXDEV);
#else
    check("EXDEV", aio::exdev, 0);
#endif

    check("READDIR_DENTS", aio::readdir_dents, aio::READDIR_DENTS);
    check("READDIR_DIRS_FIRST", aio::readdir_dirs_first, aio::READDIR_DIRS_FIRST);
    check("READDIR_STAT_ORDER", aio::readdir_stat_order, aio::READDIR_STAT_ORDER);
    check("READDIR_FOUND_UNKNOWN", aio::readdir_found_unknown, aio::READDIR_FOUND_UNKNOWN);
    check("MT_MODIFY", aio::mt_modify, aio::MT_MODIFY);

    // Every table entry was checked above, and each name appears once.
    std::set<std::string> names;
    for (const auto& c : aio::constant_table) {
        EXPECT_TRUE(names.insert(std::string(c.name)).second) << "duplicate " << c.name;
        EXPECT_TRUE(checked().count(std::string(c.name))) << c.name << " not checked";
    }
    EXPECT_EQ(names.size(), checked().size());
}

// Values fixed by POSIX or by the Linux ABI on every architecture, checked
// as numbers so that a wrong macro choice cannot hide behind the system check.
TEST(Constants, KnownLinuxValues) {
    static_assert(aio::o_rdonly == 0 && aio::o_wronly == 1 && aio::o_rdwr == 2);
    static_assert(aio::o_accmode == 3);
    static_assert(aio::seek_set == 0 && aio::seek_cur == 1 && aio::seek_end == 2);
    static_assert(aio::seek_data == 3 && aio::seek_hole == 4);
    static_assert(aio::s_ifmt == 0170000 && aio::s_ifdir == 0040000 && aio::s_ifreg == 0100000);
    static_assert(aio::s_ifwht == 0);  // no whiteout file type on Linux
    static_assert(aio::dt_unknown == 0 && aio::dt_dir == 4 && aio::dt_reg == 8);
    static_assert(aio::dt_wht == 14);
    static_assert(aio::st_rdonly == 1 && aio::st_nosuid == 2 && aio::st_relatime == 4096);
    static_assert(aio::fadv_normal == 0 && aio::fadv_willneed == 3);
    static_assert(aio::madv_normal == 0 && aio::madv_dontneed == 4);
    static_assert(aio::prot_none == 0 && aio::prot_read == 1 && aio::prot_write == 2);
    static_assert(aio::prot_exec == 4);
    static_assert(aio::map_shared == 1 && aio::map_private == 2 && aio::map_fixed == 0x10);
    static_assert(aio::falloc_fl_keep_size == 1 && aio::falloc_fl_punch_hole == 2);
    static_assert(aio::falloc_fl_zero_range == 0x10 && aio::falloc_fl_unshare_range == 0x40);
    static_assert(aio::fiemap_flag_sync == 1 && aio::fiemap_flags_compat == 3);
    static_assert(aio::fiemap_extent_last == 1 && aio::fiemap_extent_shared == 0x2000);
    static_assert(aio::sync_file_range_write_and_wait == 7);
    static_assert(aio::ms_async == 1 && aio::ms_invalidate == 2 && aio::ms_sync == 4);
    static_assert(aio::ms_rdonly == 1 && aio::ms_bind == 4096 && aio::ms_nouser == 0x80000000u);
    static_assert(aio::splice_f_move == 1 && aio::splice_f_gift == 8);
    static_assert(aio::rename_noreplace == 1 && aio::rename_exchange == 2);
    static_assert(aio::rename_whiteout == 4);
    static_assert(aio::mfd_cloexec == 1 && aio::mfd_allow_sealing == 2 && aio::mfd_hugetlb == 4);
    static_assert(aio::mfd_hugetlb_2mb == (21u << 26) && aio::mfd_hugetlb_1gb == (30u << 26));
    static_assert(aio::readdir_dents == 1 && aio::mt_modify == 1);
    SUCCEED();
}

TEST(Constants, FindConstant) {
    static_assert(aio::find_constant("O_RDONLY") == 0);
    static_assert(aio::find_constant("FIEMAP_EXTENT_LAST") == 1);
    static_assert(!aio::find_constant("O_NO_SUCH_FLAG"));
    EXPECT_EQ(aio::find_constant("O_DIRECT"), aio::o_direct);
    EXPECT_EQ(aio::find_constant("MS_NOUSER"), std::int64_t{0x80000000});
    EXPECT_FALSE(aio::find_constant("o_direct"));  // names are IO::AIO's spelling
    EXPECT_FALSE(aio::find_constant(""));
    EXPECT_FALSE(aio::find_constant("PAGESIZE"));  // a run-time value: aio::pagesize()
}

TEST(Constants, Pagesize) {
    EXPECT_EQ(aio::pagesize(), static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)));
    EXPECT_EQ(aio::pagesize(), aio::pagesize());
}

// ---- against Debian's IO::AIO 4.80 ------------------------------------------

// NAME=VALUE for every integer constant IO::AIO exports; nullopt when
// IO::AIO is not installed. Perl runs once per test program.
const std::optional<std::map<std::string, long long>>& perl_constants() {
    static const auto values = []() -> std::optional<std::map<std::string, long long>> {
        if (aio::testing::run("perl -MIO::AIO -e1 >/dev/null 2>&1") != 0) return std::nullopt;
        aio::testing::temp_dir d;
        aio::testing::write_file(d / "dump.pl", R"PL(
use IO::AIO;
print "VERSION=", int($IO::AIO::VERSION * 100), "\n";
for my $n (sort grep /^[A-Z][A-Z0-9_]*$/, keys %IO::AIO::) {
    next if $n =~ /^(BEGIN|END|VERSION|ISA|EXPORT|EXPORT_OK|EXPORT_TAGS)$/;
    my $c = IO::AIO->can($n) or next;
    my $v = eval { $c->() };
    print "$n=$v\n" if defined $v && !ref $v && $v =~ /^-?\d+$/;
}
)PL");
        std::string out;
        if (aio::testing::run("perl " + aio::testing::shell_quote(d / "dump.pl"), &out) != 0)
            return std::nullopt;
        std::map<std::string, long long> m;
        std::istringstream in(out);
        std::string line;
        while (std::getline(in, line)) {
            auto eq = line.find('=');
            if (eq == std::string::npos) continue;
            m[line.substr(0, eq)] = std::stoll(line.substr(eq + 1));
        }
        return m;
    }();
    return values;
}

// Constants aio defines that 4.80 does not export: newer than 4.80.
const std::map<std::string, std::string> not_in_480 = {
    {"FIEMAP_FLAG_CACHE", "Linux 3.15 flag; IO::AIO exports only SYNC and XATTR"},
    {"SYNC_FILE_RANGE_WRITE_AND_WAIT", "Linux 5.2 shorthand; IO::AIO exports the three bits"},
    {"MS_NOSYMFOLLOW", "Linux 5.10 mount flag; IO::AIO 4.80 predates it"},
};

// Constants whose value differs from 4.80's, each with its reason and a
// predicate that says the difference is exactly the one explained.
struct known_difference {
    std::string why;
    bool (*expected)(long long ours, long long perl);
};
const std::map<std::string, known_difference> differs_from_480 = {
    {"MS_NOUSER",
     {"glibc defines MS_NOUSER as the int (1 << 31); 4.80 exports that negative int. aio's "
      "mount flags are unsigned 32-bit, so it is bit 31, 2147483648, the value mount(2) wants",
      [](long long ours, long long perl) {
          return ours == 0x80000000LL && perl == -0x80000000LL;
      }}},
    {"MFD_HUGETLB_2MB",
     {"4.80 looks for a macro MFD_HUGETLB_2MB that no kernel defines, so it exports 0; aio "
      "gives the kernel's MFD_HUGE_2MB (21 << MFD_HUGE_SHIFT), which is what the name means",
      [](long long ours, long long perl) { return perl == 0 && ours == (21LL << 26); }}},
    {"MFD_HUGETLB_1GB",
     {"as MFD_HUGETLB_2MB: 4.80 exports 0; aio gives the kernel's MFD_HUGE_1GB (30 << 26)",
      [](long long ours, long long perl) { return perl == 0 && ours == (30LL << 26); }}},
};

// Families 4.80 exports that aio/constants.hpp leaves out: they belong to
// IO::AIO functions outside the manual this project follows (mount API,
// timerfd, pidfd, ioctls, statx masks, fcntl commands, ...). Programs use
// the system macros for these; the Perl front end gets them the same way.
const std::pair<const char*, const char*> out_of_scope[] = {
    {"AT_", "*at() flags: aio paths go through aio::wd, not dirfd flags"},
    {"BLK", "block-device ioctl numbers (IO::AIO::ioctl)"},
    {"CLOCK_", "clock ids for timerfd_create"},
    {"FI", "FICLONE/FIDEDUPERANGE/FIFREEZE/FITHAW/FITRIM ioctl numbers"},
    {"FS_", "inode flag and FS_IOC_* ioctl numbers (IO::AIO::ioctl)"},
    {"FSCONFIG_", "new mount API (fsconfig)"},
    {"FSOPEN_", "new mount API (fsopen)"},
    {"FSPICK_", "new mount API (fspick)"},
    {"F_", "fcntl commands and seals (IO::AIO::fcntl)"},
    {"MNT_", "umount flags (IO::AIO::umount)"},
    {"MOUNT_ATTR_", "new mount API (mount_setattr)"},
    {"MOVE_MOUNT_", "new mount API (move_mount)"},
    {"MREMAP_", "mremap flags (IO::AIO::mremap, not in the manual)"},
    {"MSG_CMSG_CLOEXEC", "socket flag (IO::AIO::accept4)"},
    {"OPEN_TREE_", "new mount API (open_tree)"},
    {"P_", "waitid id types (pidfd)"},
    {"SOCK_CLOEXEC", "socket flag (IO::AIO::accept4)"},
    {"STATX_", "statx masks; aio::stat_t carries the mask, use <sys/stat.h>'s STATX_*"},
    {"TFD_", "timerfd flags"},
    {"UMOUNT_", "umount flags (IO::AIO::umount)"},
};

const char* out_of_scope_reason(const std::string& name) {
    for (const auto& [prefix, why] : out_of_scope)
        if (name.rfind(prefix, 0) == 0) return why;
    return nullptr;
}

TEST(Constants, AgreeWithIoAio480) {
    const auto& perl = perl_constants();
    if (!perl) GTEST_SKIP() << "IO::AIO (libio-aio-perl) is not installed";
    std::cout << "IO::AIO version " << perl->at("VERSION") / 100.0 << ", " << perl->size() - 1
              << " integer constants\n";

    std::set<std::string> ours;
    for (const auto& c : aio::constant_table) {
        const std::string name(c.name);
        ours.insert(name);
        auto it = perl->find(name);
        if (it == perl->end()) {
            auto why = not_in_480.find(name);
            EXPECT_NE(why, not_in_480.end()) << name << " is not exported by IO::AIO 4.80";
            if (why != not_in_480.end())
                std::cout << "  only aio: " << name << "=" << c.value << " (" << why->second
                          << ")\n";
            continue;
        }
        if (it->second == c.value) continue;
        auto diff = differs_from_480.find(name);
        if (diff == differs_from_480.end()) {
            ADD_FAILURE() << name << ": aio " << c.value << ", IO::AIO " << it->second;
            continue;
        }
        EXPECT_TRUE(diff->second.expected(c.value, it->second))
            << name << ": aio " << c.value << ", IO::AIO " << it->second << " - not the "
            << "explained difference: " << diff->second.why;
        std::cout << "  differs: " << name << " aio " << c.value << ", IO::AIO " << it->second
                  << " (" << diff->second.why << ")\n";
    }

    // PAGESIZE is a function in aio.
    ASSERT_TRUE(perl->count("PAGESIZE"));
    EXPECT_EQ(static_cast<std::size_t>(perl->at("PAGESIZE")), aio::pagesize());

    // Everything else 4.80 exports must be in a family documented as out of scope.
    std::map<std::string, int> left_out;
    for (const auto& [name, value] : *perl) {
        if (name == "VERSION" || name == "PAGESIZE" || ours.count(name)) continue;
        const char* why = out_of_scope_reason(name);
        EXPECT_NE(why, nullptr) << name << "=" << value
                                << " is exported by IO::AIO 4.80 but not by aio";
        if (why) ++left_out[why];
    }
    for (const auto& [why, n] : left_out)
        std::cout << "  only IO::AIO: " << n << " x " << why << "\n";
}

}  // namespace
