// Constants for Perl: every name IO::AIO 4.80 defines, with this system's
// value. aio::constant_table (include/aio/constants.hpp) supplies the ones
// the IO::AIO manual names; the rest (ioctl requests, statx masks, mount
// API flags, clocks, ...) are listed here, taken from the system headers,
// 0 where the system lacks them (as IO::AIO does).
//
// Deliberate difference: P_* (waitid) and FSCONFIG_* are enumerations, not
// macros, in glibc, and IO::AIO 4.80 reports them all as 0; here they have
// their real values.
#pragma once

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/mount.h>  // before linux/fs.h (glibc 2.36 conflicts otherwise)
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>

namespace plaio {

struct extra_constant {
    const char* name;
    long long value;
};

#define PLAIO_C(n) {#n, (long long)(n)},
#define PLAIO_0(n) {#n, 0},

inline const extra_constant extra_constants[] =
    {
#ifdef AT_EACCESS
        PLAIO_C(AT_EACCESS)
#else
        PLAIO_0(AT_EACCESS)
#endif
#ifdef AT_EMPTY_PATH
            PLAIO_C(AT_EMPTY_PATH)
#else
            PLAIO_0(AT_EMPTY_PATH)
#endif
#ifdef AT_FDCWD
                PLAIO_C(AT_FDCWD)
#else
                PLAIO_0(AT_FDCWD)
#endif
#ifdef AT_NO_AUTOMOUNT
                    PLAIO_C(AT_NO_AUTOMOUNT)
#else
                    PLAIO_0(AT_NO_AUTOMOUNT)
#endif
#ifdef AT_RECURSIVE
                        PLAIO_C(AT_RECURSIVE)
#else
                        PLAIO_0(AT_RECURSIVE)
#endif
#ifdef AT_REMOVEDIR
                            PLAIO_C(AT_REMOVEDIR)
#else
                            PLAIO_0(AT_REMOVEDIR)
#endif
#ifdef AT_STATX_AS_STAT
                                PLAIO_C(AT_STATX_AS_STAT)
#else
                                PLAIO_0(AT_STATX_AS_STAT)
#endif
#ifdef AT_STATX_DONT_SYNC
                                    PLAIO_C(AT_STATX_DONT_SYNC)
#else
                                    PLAIO_0(AT_STATX_DONT_SYNC)
#endif
#ifdef AT_STATX_FORCE_SYNC
                                        PLAIO_C(AT_STATX_FORCE_SYNC)
#else
                                        PLAIO_0(AT_STATX_FORCE_SYNC)
#endif
#ifdef AT_STATX_SYNC_TYPE
                                            PLAIO_C(AT_STATX_SYNC_TYPE)
#else
                                            PLAIO_0(AT_STATX_SYNC_TYPE)
#endif
#ifdef AT_SYMLINK_FOLLOW
                                                PLAIO_C(AT_SYMLINK_FOLLOW)
#else
                                                PLAIO_0(AT_SYMLINK_FOLLOW)
#endif
#ifdef AT_SYMLINK_NOFOLLOW
                                                    PLAIO_C(AT_SYMLINK_NOFOLLOW)
#else
                                                    PLAIO_0(AT_SYMLINK_NOFOLLOW)
#endif
#ifdef BLKBSZGET
                                                        PLAIO_C(BLKBSZGET)
#else
                                                        PLAIO_0(BLKBSZGET)
#endif
#ifdef BLKBSZSET
                                                            PLAIO_C(BLKBSZSET)
#else
                                                            PLAIO_0(BLKBSZSET)
#endif
#ifdef BLKFLSBUF
                                                                PLAIO_C(BLKFLSBUF)
#else
                                                                PLAIO_0(BLKFLSBUF)
#endif
#ifdef BLKFRAGET
                                                                    PLAIO_C(BLKFRAGET)
#else
                                                                    PLAIO_0(BLKFRAGET)
#endif
#ifdef BLKFRASET
                                                                        PLAIO_C(BLKFRASET)
#else
                                                                        PLAIO_0(BLKFRASET)
#endif
#ifdef BLKGETSIZE
                                                                            PLAIO_C(BLKGETSIZE)
#else
                                                                            PLAIO_0(BLKGETSIZE)
#endif
#ifdef BLKGETSIZE64
                                                                                PLAIO_C(
                                                                                    BLKGETSIZE64)
#else
                                                                                PLAIO_0(
                                                                                    BLKGETSIZE64)
#endif
#ifdef BLKRAGET
                                                                                    PLAIO_C(
                                                                                        BLKRAGET)
#else
                                                                                    PLAIO_0(
                                                                                        BLKRAGET)
#endif
#ifdef BLKRASET
                                                                                        PLAIO_C(
                                                                                            BLKRASET)
#else
                                                                                        PLAIO_0(
                                                                                            BLKRASET)
#endif
#ifdef BLKROGET
                                                                                            PLAIO_C(
                                                                                                BLKROGET)
#else
                                                                                            PLAIO_0(
                                                                                                BLKROGET)
#endif
#ifdef BLKROSET
                                                                                                PLAIO_C(
                                                                                                    BLKROSET)
#else
                                                                                                PLAIO_0(
                                                                                                    BLKROSET)
#endif
#ifdef BLKRRPART
                                                                                                    PLAIO_C(
                                                                                                        BLKRRPART)
#else
                                                                                                    PLAIO_0(
                                                                                                        BLKRRPART)
#endif
#ifdef BLKSECTGET
                                                                                                        PLAIO_C(
                                                                                                            BLKSECTGET)
#else
                                                                                                        PLAIO_0(
                                                                                                            BLKSECTGET)
#endif
#ifdef BLKSECTSET
                                                                                                            PLAIO_C(
                                                                                                                BLKSECTSET)
#else
                                                                                                            PLAIO_0(
                                                                                                                BLKSECTSET)
#endif
#ifdef BLKSSZGET
                                                                                                                PLAIO_C(
                                                                                                                    BLKSSZGET)
#else
                                                                                                                PLAIO_0(
                                                                                                                    BLKSSZGET)
#endif
#ifdef CLOCK_BOOTTIME
                                                                                                                    PLAIO_C(
                                                                                                                        CLOCK_BOOTTIME)
#else
                                                                                                                    PLAIO_0(
                                                                                                                        CLOCK_BOOTTIME)
#endif
#ifdef CLOCK_BOOTTIME_ALARM
                                                                                                                        PLAIO_C(
                                                                                                                            CLOCK_BOOTTIME_ALARM)
#else
                                                                                                                        PLAIO_0(
                                                                                                                            CLOCK_BOOTTIME_ALARM)
#endif
#ifdef CLOCK_MONOTONIC
                                                                                                                            PLAIO_C(
                                                                                                                                CLOCK_MONOTONIC)
#else
                                                                                                                            PLAIO_0(
                                                                                                                                CLOCK_MONOTONIC)
#endif
#ifdef CLOCK_REALTIME
                                                                                                                                PLAIO_C(
                                                                                                                                    CLOCK_REALTIME)
#else
                                                                                                                                PLAIO_0(
                                                                                                                                    CLOCK_REALTIME)
#endif
#ifdef CLOCK_REALTIME_ALARM
                                                                                                                                    PLAIO_C(
                                                                                                                                        CLOCK_REALTIME_ALARM)
#else
                                                                                                                                    PLAIO_0(
                                                                                                                                        CLOCK_REALTIME_ALARM)
#endif
#ifdef FICLONE
                                                                                                                                        PLAIO_C(
                                                                                                                                            FICLONE)
#else
                                                                                                                                        PLAIO_0(
                                                                                                                                            FICLONE)
#endif
#ifdef FICLONERANGE
                                                                                                                                            PLAIO_C(
                                                                                                                                                FICLONERANGE)
#else
                                                                                                                                            PLAIO_0(
                                                                                                                                                FICLONERANGE)
#endif
#ifdef FIDEDUPERANGE
                                                                                                                                                PLAIO_C(
                                                                                                                                                    FIDEDUPERANGE)
#else
                                                                                                                                                PLAIO_0(
                                                                                                                                                    FIDEDUPERANGE)
#endif
#ifdef FIFREEZE
                                                                                                                                                    PLAIO_C(
                                                                                                                                                        FIFREEZE)
#else
                                                                                                                                                    PLAIO_0(
                                                                                                                                                        FIFREEZE)
#endif
#ifdef FITHAW
                                                                                                                                                        PLAIO_C(
                                                                                                                                                            FITHAW)
#else
                                                                                                                                                        PLAIO_0(
                                                                                                                                                            FITHAW)
#endif
#ifdef FITRIM
                                                                                                                                                            PLAIO_C(
                                                                                                                                                                FITRIM)
#else
                                                                                                                                                            PLAIO_0(
                                                                                                                                                                FITRIM)
#endif
                                                                                                                                                                PLAIO_C(
                                                                                                                                                                    FSCONFIG_CMD_CREATE)
                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                        FSCONFIG_CMD_RECONFIGURE)
                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                            FSCONFIG_SET_BINARY)
                                                                                                                                                                            PLAIO_C(FSCONFIG_SET_FD) PLAIO_C(FSCONFIG_SET_FLAG) PLAIO_C(
                                                                                                                                                                                FSCONFIG_SET_PATH)
                                                                                                                                                                                PLAIO_C(FSCONFIG_SET_PATH_EMPTY) PLAIO_C(
                                                                                                                                                                                    FSCONFIG_SET_STRING)
#ifdef FSOPEN_CLOEXEC
                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                        FSOPEN_CLOEXEC)
#else
                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                        FSOPEN_CLOEXEC)
#endif
#ifdef FSPICK_CLOEXEC
                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                            FSPICK_CLOEXEC)
#else
                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                            FSPICK_CLOEXEC)
#endif
#ifdef FSPICK_EMPTY_PATH
                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                FSPICK_EMPTY_PATH)
#else
                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                FSPICK_EMPTY_PATH)
#endif
#ifdef FSPICK_NO_AUTOMOUNT
                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                    FSPICK_NO_AUTOMOUNT)
#else
                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                    FSPICK_NO_AUTOMOUNT)
#endif
#ifdef FSPICK_SYMLINK_NOFOLLOW
                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                        FSPICK_SYMLINK_NOFOLLOW)
#else
                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                        FSPICK_SYMLINK_NOFOLLOW)
#endif
#ifdef FS_APPEND_FL
                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                            FS_APPEND_FL)
#else
                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                            FS_APPEND_FL)
#endif
#ifdef FS_BTREE_FL
                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                FS_BTREE_FL)
#else
                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                FS_BTREE_FL)
#endif
#ifdef FS_COMPRBLK_FL
                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                    FS_COMPRBLK_FL)
#else
                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                    FS_COMPRBLK_FL)
#endif
#ifdef FS_COMPR_FL
                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                        FS_COMPR_FL)
#else
                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                        FS_COMPR_FL)
#endif
#ifdef FS_DIRSYNC_FL
                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                            FS_DIRSYNC_FL)
#else
                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                            FS_DIRSYNC_FL)
#endif
#ifdef FS_DIRTY_FL
                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                FS_DIRTY_FL)
#else
                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                FS_DIRTY_FL)
#endif
#ifdef FS_ENCRYPT_FL
                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                    FS_ENCRYPT_FL)
#else
                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                    FS_ENCRYPT_FL)
#endif
#ifdef FS_FL_USER_MODIFIABLE
                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                        FS_FL_USER_MODIFIABLE)
#else
                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                        FS_FL_USER_MODIFIABLE)
#endif
#ifdef FS_IMMUTABLE_FL
                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                            FS_IMMUTABLE_FL)
#else
                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                            FS_IMMUTABLE_FL)
#endif
#ifdef FS_INDEX_FL
                                                                                                                                                                                                                                            PLAIO_C(FS_INDEX_FL)
#else
                                                                                                                                                                                                                                            PLAIO_0(FS_INDEX_FL)
#endif
#ifdef FS_IOC_FIEMAP
                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                    FS_IOC_FIEMAP)
#else
                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                    FS_IOC_FIEMAP)
#endif
#ifdef FS_IOC_FSGETXATTR
                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                        FS_IOC_FSGETXATTR)
#else
                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                        FS_IOC_FSGETXATTR)
#endif
#ifdef FS_IOC_FSSETXATTR
                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                            FS_IOC_FSSETXATTR)
#else
                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                            FS_IOC_FSSETXATTR)
#endif
#ifdef FS_IOC_GETFLAGS
                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                FS_IOC_GETFLAGS)
#else
                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                FS_IOC_GETFLAGS)
#endif
#ifdef FS_IOC_GETVERSION
                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                    FS_IOC_GETVERSION)
#else
                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                    FS_IOC_GETVERSION)
#endif
#ifdef FS_IOC_GET_ENCRYPTION_POLICY
                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                        FS_IOC_GET_ENCRYPTION_POLICY)
#else
                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                        FS_IOC_GET_ENCRYPTION_POLICY)
#endif
#ifdef FS_IOC_GET_ENCRYPTION_PWSALT
                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                            FS_IOC_GET_ENCRYPTION_PWSALT)
#else
                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                            FS_IOC_GET_ENCRYPTION_PWSALT)
#endif
#ifdef FS_IOC_SETFLAGS
                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                FS_IOC_SETFLAGS)
#else
                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                FS_IOC_SETFLAGS)
#endif
#ifdef FS_IOC_SETVERSION
                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                    FS_IOC_SETVERSION)
#else
                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                    FS_IOC_SETVERSION)
#endif
#ifdef FS_IOC_SET_ENCRYPTION_POLICY
                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                        FS_IOC_SET_ENCRYPTION_POLICY)
#else
                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                        FS_IOC_SET_ENCRYPTION_POLICY)
#endif
#ifdef FS_JOURNAL_DATA_FL
                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                            FS_JOURNAL_DATA_FL)
#else
                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                            FS_JOURNAL_DATA_FL)
#endif
#ifdef FS_KEY_DESCRIPTOR_SIZE
                                                                                                                                                                                                                                                                                            PLAIO_C(FS_KEY_DESCRIPTOR_SIZE)
#else
                                                                                                                                                                                                                                                                                            PLAIO_0(FS_KEY_DESCRIPTOR_SIZE)
#endif
#ifdef FS_NOATIME_FL
                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                    FS_NOATIME_FL)
#else
                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                    FS_NOATIME_FL)
#endif
#ifdef FS_NOCOMP_FL
                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                        FS_NOCOMP_FL)
#else
                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                        FS_NOCOMP_FL)
#endif
#ifdef FS_NODUMP_FL
                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                            FS_NODUMP_FL)
#else
                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                            FS_NODUMP_FL)
#endif
#ifdef FS_NOTAIL_FL
                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                FS_NOTAIL_FL)
#else
                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                FS_NOTAIL_FL)
#endif
#ifdef FS_SECRM_FL
                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                    FS_SECRM_FL)
#else
                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                    FS_SECRM_FL)
#endif
#ifdef FS_SYNC_FL
                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                        FS_SYNC_FL)
#else
                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                        FS_SYNC_FL)
#endif
#ifdef FS_TOPDIR_FL
                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                            FS_TOPDIR_FL)
#else
                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                            FS_TOPDIR_FL)
#endif
#ifdef FS_UNRM_FL
                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                FS_UNRM_FL)
#else
                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                FS_UNRM_FL)
#endif
#ifdef FS_XFLAG_APPEND
                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                    FS_XFLAG_APPEND)
#else
                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                    FS_XFLAG_APPEND)
#endif
#ifdef FS_XFLAG_DAX
                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                        FS_XFLAG_DAX)
#else
                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                        FS_XFLAG_DAX)
#endif
#ifdef FS_XFLAG_EXTSIZE
                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                            FS_XFLAG_EXTSIZE)
#else
                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                            FS_XFLAG_EXTSIZE)
#endif
#ifdef FS_XFLAG_EXTSZINHERIT
                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                FS_XFLAG_EXTSZINHERIT)
#else
                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                FS_XFLAG_EXTSZINHERIT)
#endif
#ifdef FS_XFLAG_FILESTREAM
                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                    FS_XFLAG_FILESTREAM)
#else
                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                    FS_XFLAG_FILESTREAM)
#endif
#ifdef FS_XFLAG_HASATTR
                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                        FS_XFLAG_HASATTR)
#else
                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                        FS_XFLAG_HASATTR)
#endif
#ifdef FS_XFLAG_IMMUTABLE
                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                            FS_XFLAG_IMMUTABLE)
#else
                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                            FS_XFLAG_IMMUTABLE)
#endif
#ifdef FS_XFLAG_NOATIME
                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                FS_XFLAG_NOATIME)
#else
                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                FS_XFLAG_NOATIME)
#endif
#ifdef FS_XFLAG_NODEFRAG
                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                    FS_XFLAG_NODEFRAG)
#else
                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                    FS_XFLAG_NODEFRAG)
#endif
#ifdef FS_XFLAG_NODUMP
                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                        FS_XFLAG_NODUMP)
#else
                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                        FS_XFLAG_NODUMP)
#endif
#ifdef FS_XFLAG_NOSYMLINKS
                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                            FS_XFLAG_NOSYMLINKS)
#else
                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                            FS_XFLAG_NOSYMLINKS)
#endif
#ifdef FS_XFLAG_PREALLOC
                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                FS_XFLAG_PREALLOC)
#else
                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                FS_XFLAG_PREALLOC)
#endif
#ifdef FS_XFLAG_PROJINHERIT
                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                    FS_XFLAG_PROJINHERIT)
#else
                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                    FS_XFLAG_PROJINHERIT)
#endif
#ifdef FS_XFLAG_REALTIME
                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                        FS_XFLAG_REALTIME)
#else
                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                        FS_XFLAG_REALTIME)
#endif
#ifdef FS_XFLAG_RTINHERIT
                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                            FS_XFLAG_RTINHERIT)
#else
                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                            FS_XFLAG_RTINHERIT)
#endif
#ifdef FS_XFLAG_SYNC
                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                FS_XFLAG_SYNC)
#else
                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                FS_XFLAG_SYNC)
#endif
#ifdef F_ADD_SEALS
                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                    F_ADD_SEALS)
#else
                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                    F_ADD_SEALS)
#endif
#ifdef F_DUPFD_CLOEXEC
                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                        F_DUPFD_CLOEXEC)
#else
                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                        F_DUPFD_CLOEXEC)
#endif
#ifdef F_GET_SEALS
                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                            F_GET_SEALS)
#else
                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                            F_GET_SEALS)
#endif
#ifdef F_OFD_GETLK
                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                F_OFD_GETLK)
#else
                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                F_OFD_GETLK)
#endif
#ifdef F_OFD_GETLKW
                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                    F_OFD_GETLKW)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                    F_OFD_GETLKW)
#endif
#ifdef F_OFD_SETLK
                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                        F_OFD_SETLK)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                        F_OFD_SETLK)
#endif
#ifdef F_SEAL_GROW
                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                            F_SEAL_GROW)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                            F_SEAL_GROW)
#endif
#ifdef F_SEAL_SEAL
                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                F_SEAL_SEAL)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                F_SEAL_SEAL)
#endif
#ifdef F_SEAL_SHRINK
                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                    F_SEAL_SHRINK)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                    F_SEAL_SHRINK)
#endif
#ifdef F_SEAL_WRITE
                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                        F_SEAL_WRITE)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                        F_SEAL_WRITE)
#endif
#ifdef MNT_DETACH
                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                            MNT_DETACH)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                            MNT_DETACH)
#endif
#ifdef MNT_EXPIRE
                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                MNT_EXPIRE)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                MNT_EXPIRE)
#endif
#ifdef MNT_FORCE
                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                    MNT_FORCE)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                    MNT_FORCE)
#endif
#ifdef MOUNT_ATTR_NOATIME
                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                        MOUNT_ATTR_NOATIME)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                        MOUNT_ATTR_NOATIME)
#endif
#ifdef MOUNT_ATTR_NODEV
                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                            MOUNT_ATTR_NODEV)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                            MOUNT_ATTR_NODEV)
#endif
#ifdef MOUNT_ATTR_NODIRATIME
                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                MOUNT_ATTR_NODIRATIME)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                MOUNT_ATTR_NODIRATIME)
#endif
#ifdef MOUNT_ATTR_NOEXEC
                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                    MOUNT_ATTR_NOEXEC)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                    MOUNT_ATTR_NOEXEC)
#endif
#ifdef MOUNT_ATTR_NOSUID
                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                        MOUNT_ATTR_NOSUID)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                        MOUNT_ATTR_NOSUID)
#endif
#ifdef MOUNT_ATTR_RDONLY
                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                            MOUNT_ATTR_RDONLY)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                            MOUNT_ATTR_RDONLY)
#endif
#ifdef MOUNT_ATTR_RELATIME
                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                MOUNT_ATTR_RELATIME)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                MOUNT_ATTR_RELATIME)
#endif
#ifdef MOUNT_ATTR_STRICTATIME
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    MOUNT_ATTR_STRICTATIME)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    MOUNT_ATTR_STRICTATIME)
#endif
#ifdef MOUNT_ATTR__ATIME
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        MOUNT_ATTR__ATIME)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        MOUNT_ATTR__ATIME)
#endif
#ifdef MOVE_MOUNT_F_AUTOMOUNTS
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            MOVE_MOUNT_F_AUTOMOUNTS)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            MOVE_MOUNT_F_AUTOMOUNTS)
#endif
#ifdef MOVE_MOUNT_F_EMPTY_PATH
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                MOVE_MOUNT_F_EMPTY_PATH)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                MOVE_MOUNT_F_EMPTY_PATH)
#endif
#ifdef MOVE_MOUNT_F_SYMLINKS
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    MOVE_MOUNT_F_SYMLINKS)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    MOVE_MOUNT_F_SYMLINKS)
#endif
#ifdef MOVE_MOUNT_T_AUTOMOUNTS
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(MOVE_MOUNT_T_AUTOMOUNTS)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(MOVE_MOUNT_T_AUTOMOUNTS)
#endif
#ifdef MOVE_MOUNT_T_EMPTY_PATH
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            MOVE_MOUNT_T_EMPTY_PATH)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            MOVE_MOUNT_T_EMPTY_PATH)
#endif
#ifdef MOVE_MOUNT_T_SYMLINKS
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                MOVE_MOUNT_T_SYMLINKS)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                MOVE_MOUNT_T_SYMLINKS)
#endif
#ifdef MREMAP_FIXED
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    MREMAP_FIXED)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    MREMAP_FIXED)
#endif
#ifdef MREMAP_MAYMOVE
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        MREMAP_MAYMOVE)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        MREMAP_MAYMOVE)
#endif
#ifdef MSG_CMSG_CLOEXEC
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            MSG_CMSG_CLOEXEC)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            MSG_CMSG_CLOEXEC)
#endif
#ifdef OPEN_TREE_CLONE
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                OPEN_TREE_CLONE)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                OPEN_TREE_CLONE)
#endif
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    P_ALL)
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        P_PGID)
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            P_PID)
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                P_PIDFD)
#ifdef SOCK_CLOEXEC
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    SOCK_CLOEXEC)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    SOCK_CLOEXEC)
#endif
#ifdef STATX_ALL
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        STATX_ALL)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        STATX_ALL)
#endif
#ifdef STATX_ATIME
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            STATX_ATIME)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            STATX_ATIME)
#endif
#ifdef STATX_ATTR_APPEND
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                STATX_ATTR_APPEND)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                STATX_ATTR_APPEND)
#endif
#ifdef STATX_ATTR_AUTOMOUNT
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(STATX_ATTR_AUTOMOUNT)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(STATX_ATTR_AUTOMOUNT)
#endif
#ifdef STATX_ATTR_COMPRESSED
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        STATX_ATTR_COMPRESSED)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        STATX_ATTR_COMPRESSED)
#endif
#ifdef STATX_ATTR_ENCRYPTED
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            STATX_ATTR_ENCRYPTED)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            STATX_ATTR_ENCRYPTED)
#endif
#ifdef STATX_ATTR_IMMUTABLE
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                STATX_ATTR_IMMUTABLE)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                STATX_ATTR_IMMUTABLE)
#endif
#ifdef STATX_ATTR_NODUMP
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    STATX_ATTR_NODUMP)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    STATX_ATTR_NODUMP)
#endif
#ifdef STATX_BASIC_STATS
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        STATX_BASIC_STATS)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        STATX_BASIC_STATS)
#endif
#ifdef STATX_BLOCKS
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            STATX_BLOCKS)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            STATX_BLOCKS)
#endif
#ifdef STATX_BTIME
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                STATX_BTIME)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                STATX_BTIME)
#endif
#ifdef STATX_CTIME
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    STATX_CTIME)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    STATX_CTIME)
#endif
#ifdef STATX_GID
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        STATX_GID)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        STATX_GID)
#endif
#ifdef STATX_INO
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            STATX_INO)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            STATX_INO)
#endif
#ifdef STATX_MODE
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                STATX_MODE)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                STATX_MODE)
#endif
#ifdef STATX_MTIME
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    STATX_MTIME)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    STATX_MTIME)
#endif
#ifdef STATX_NLINK
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        STATX_NLINK)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        STATX_NLINK)
#endif
#ifdef STATX_SIZE
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            STATX_SIZE)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            STATX_SIZE)
#endif
#ifdef STATX_TYPE
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                STATX_TYPE)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                STATX_TYPE)
#endif
#ifdef STATX_UID
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    STATX_UID)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    STATX_UID)
#endif
#ifdef TFD_CLOEXEC
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        TFD_CLOEXEC)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        TFD_CLOEXEC)
#endif
#ifdef TFD_NONBLOCK
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            TFD_NONBLOCK)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            TFD_NONBLOCK)
#endif
#ifdef TFD_TIMER_ABSTIME
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                TFD_TIMER_ABSTIME)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                            PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                TFD_TIMER_ABSTIME)
#endif
#ifdef TFD_TIMER_CANCEL_ON_SET
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    TFD_TIMER_CANCEL_ON_SET)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    TFD_TIMER_CANCEL_ON_SET)
#endif
#ifdef UMOUNT_NOFOLLOW
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_C(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        UMOUNT_NOFOLLOW)
#else
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    PLAIO_0(
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        UMOUNT_NOFOLLOW)
#endif
};

#undef PLAIO_C
#undef PLAIO_0

/// Define every constant as a constant sub in stash (IO::AIO's newCONSTSUB).
inline void install_constants(pTHX_ HV* stash) {
    for (const auto& c : aio::constant_table) {
        std::string name(c.name);
        IV v = static_cast<IV>(c.value);
        // MS_NOUSER is the C int (1 << 31): negative, as in IO::AIO
        if (name == "MS_NOUSER") v = static_cast<std::int32_t>(c.value);
        newCONSTSUB(stash, name.c_str(), newSViv(v));
    }
    for (const auto& c : extra_constants)
        newCONSTSUB(stash, c.name, newSViv(static_cast<IV>(c.value)));
}

}  // namespace plaio
