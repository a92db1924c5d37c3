// Status and attributes: stat, lstat, fstat, statvfs, fstatvfs, utime,
// futime, chown, fchown, chmod, fchmod, truncate, ftruncate.
//
// Differential: every result is compared with the same synchronous syscall
// on the same object (statx / fstatat field by field, errno for errno).
// Tests run as root, so the EPERM test drops privileges in a forked child.
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "meta_helpers.hpp"

namespace {

using aio::testing::temp_dir;
using aio::testing::write_file;
using meta_test::call;
using meta_test::err;
using meta_test::open_wd;
using meta_test::sync_errno;

struct MetaTree : ::testing::Test {
    temp_dir tmp{"aiopp-meta"};
    std::string file = tmp / "file";
    std::string dir = tmp / "dir";
    std::string link = tmp / "link";  // -> file
    std::string fifo = tmp / "fifo";
    void SetUp() override {
        write_file(file, "hello, world\n");
        ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
        ASSERT_EQ(::symlink("file", link.c_str()), 0);
        ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    }
};

aio::result<aio::stat_t> do_stat(aio::context& ctx, aio::path_arg p) {
    return call<aio::stat_t>(ctx, [&](auto cb) { aio::stat(std::move(p), std::move(cb), ctx); });
}
aio::result<aio::stat_t> do_lstat(aio::context& ctx, aio::path_arg p) {
    return call<aio::stat_t>(ctx, [&](auto cb) { aio::lstat(std::move(p), std::move(cb), ctx); });
}
aio::result<aio::stat_t> do_fstat(aio::context& ctx, int fd) {
    return call<aio::stat_t>(ctx, [&](auto cb) { aio::fstat(fd, std::move(cb), ctx); });
}

// ---- stat / lstat / fstat --------------------------------------------------------

TEST_F(MetaTree, StatMatchesStatxForEveryKindOfFile) {
    aio::context ctx;
    for (const std::string& p : {file, dir, link, fifo, std::string("/dev/null"), tmp.path()}) {
        SCOPED_TRACE(p);
        auto r = do_stat(ctx, p);
        ASSERT_TRUE(r) << r.error().message();
        struct statx x;
        ASSERT_EQ(meta_test::sync_statx(AT_FDCWD, p.c_str(), 0, x), 0);
        meta_test::expect_same(*r, x);
        struct stat st;
        ASSERT_EQ(::stat(p.c_str(), &st), 0);
        meta_test::expect_same(*r, st);
    }
}

TEST_F(MetaTree, StatFollowsSymlinkLstatDoesNot) {
    aio::context ctx;
    auto s = do_stat(ctx, link);
    auto l = do_lstat(ctx, link);
    ASSERT_TRUE(s);
    ASSERT_TRUE(l);
    EXPECT_TRUE(s->is_reg());
    EXPECT_FALSE(s->is_lnk());
    EXPECT_TRUE(l->is_lnk());
    EXPECT_EQ(l->size, 4);  // strlen("file")
    struct statx x;
    ASSERT_EQ(meta_test::sync_statx(AT_FDCWD, link.c_str(), AT_SYMLINK_NOFOLLOW, x), 0);
    meta_test::expect_same(*l, x);
    struct stat st;
    ASSERT_EQ(::lstat(link.c_str(), &st), 0);
    meta_test::expect_same(*l, st);
}

TEST_F(MetaTree, MemberFunctions) {
    aio::context ctx;
    auto f = do_stat(ctx, file);
    auto d = do_stat(ctx, dir);
    ASSERT_TRUE(f);
    ASSERT_TRUE(d);
    EXPECT_TRUE(f->is_reg());
    EXPECT_FALSE(f->is_dir());
    EXPECT_TRUE(d->is_dir());
    EXPECT_FALSE(d->is_reg());
    EXPECT_FALSE(d->is_lnk());
    aio::stat_t none;
    EXPECT_FALSE(none.has_btime());
    none.mask = STATX_BTIME;
    EXPECT_TRUE(none.has_btime());
}

TEST_F(MetaTree, BirthTimeAndNanosecondsOnExt4) {
    aio::context ctx;
    struct statx x;
    ASSERT_EQ(meta_test::sync_statx(AT_FDCWD, file.c_str(), 0, x), 0);
    if (!(x.stx_mask & STATX_BTIME)) GTEST_SKIP() << "filesystem records no birth time";
    auto r = do_stat(ctx, file);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->has_btime());
    EXPECT_EQ(r->btime, (aio::file_time{x.stx_btime.tv_sec, x.stx_btime.tv_nsec}));
    EXPECT_NE(r->btime.sec, 0);
}

TEST_F(MetaTree, FstatMatchesStatx) {
    aio::context ctx;
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    auto r = do_fstat(ctx, fd);
    ASSERT_TRUE(r);
    struct statx x;
    ASSERT_EQ(::statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_BTIME, &x), 0);
    meta_test::expect_same(*r, x);
    struct stat st;
    ASSERT_EQ(::fstat(fd, &st), 0);
    meta_test::expect_same(*r, st);
    ::close(fd);

    // O_PATH descriptors can be fstat'ed too.
    int pfd = ::open(dir.c_str(), O_PATH | O_CLOEXEC);
    ASSERT_GE(pfd, 0);
    auto d = do_fstat(ctx, pfd);
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->is_dir());
    ::close(pfd);
}

TEST_F(MetaTree, FstatBadDescriptors) {
    aio::context ctx;
    struct stat st;
    int closed = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    ::close(closed);
    for (int fd : {-1, closed, AT_FDCWD, 1 << 20}) {
        SCOPED_TRACE(fd);
        EXPECT_EQ(err(do_fstat(ctx, fd)), EBADF);
        EXPECT_EQ(sync_errno([&] { return ::fstat(fd, &st); }), EBADF);
    }
}

TEST_F(MetaTree, StatErrorsMatchSyscall) {
    aio::context ctx;
    std::string loop1 = tmp / "loop1", loop2 = tmp / "loop2";
    ASSERT_EQ(::symlink("loop2", loop1.c_str()), 0);
    ASSERT_EQ(::symlink("loop1", loop2.c_str()), 0);
    std::string longname = tmp / std::string(300, 'n');
    struct stat st;
    for (const std::string& p : {tmp / "missing", file + "/x", loop1, longname}) {
        SCOPED_TRACE(p);
        int want = sync_errno([&] { return ::stat(p.c_str(), &st); });
        ASSERT_NE(want, 0);
        EXPECT_EQ(err(do_stat(ctx, p)), want);
        int lwant = sync_errno([&] { return ::lstat(p.c_str(), &st); });
        auto l = do_lstat(ctx, p);
        EXPECT_EQ(err(l), lwant);
    }
    EXPECT_EQ(err(do_stat(ctx, tmp / "missing")), ENOENT);
    EXPECT_EQ(err(do_stat(ctx, file + "/x")), ENOTDIR);
    EXPECT_EQ(err(do_stat(ctx, loop1)), ELOOP);
    EXPECT_EQ(err(do_stat(ctx, longname)), ENAMETOOLONG);
}

TEST_F(MetaTree, StatWithWd) {
    aio::context ctx;
    aio::wd w = open_wd(ctx, tmp.path());
    aio::wd elsewhere = open_wd(ctx, "/");
    auto rel = do_stat(ctx, {w, "file"});
    auto abs = do_stat(ctx, {elsewhere, file});  // absolute: the wd is ignored
    auto self = do_stat(ctx, w);                 // the wd alone: "."
    auto lrel = do_lstat(ctx, {w, "link"});
    ASSERT_TRUE(rel);
    ASSERT_TRUE(abs);
    ASSERT_TRUE(self);
    ASSERT_TRUE(lrel);
    struct stat st;
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    meta_test::expect_same(*rel, st);
    meta_test::expect_same(*abs, st);
    ASSERT_EQ(::stat(tmp.path().c_str(), &st), 0);
    meta_test::expect_same(*self, st);
    EXPECT_TRUE(lrel->is_lnk());
    EXPECT_EQ(err(do_stat(ctx, {w, "missing"})), ENOENT);
    EXPECT_EQ(err(do_stat(ctx, {elsewhere, tmp / "missing"})), ENOENT);
}

TEST_F(MetaTree, BadPathArguments) {
    aio::context ctx;
    aio::wd w = open_wd(ctx, tmp.path());
    aio::wd failed = call<aio::wd>(ctx, [&](auto cb) {
                         aio::wd_open(tmp / "missing", std::move(cb), ctx);
                     }).value_or(aio::wd{});
    ASSERT_TRUE(failed.is_null());
    EXPECT_EQ(err(do_stat(ctx, meta_test::with_nul(file))), EINVAL);
    EXPECT_EQ(err(do_stat(ctx, {w, meta_test::with_nul("file")})), EINVAL);
    EXPECT_EQ(err(do_stat(ctx, "")), ENOENT);
    EXPECT_EQ(err(do_stat(ctx, {w, ""})), ENOENT);
    EXPECT_EQ(err(do_stat(ctx, {aio::wd{}, "file"})), ENOENT);
    EXPECT_EQ(err(do_stat(ctx, {aio::wd{}, file})), ENOENT);  // even an absolute path
    EXPECT_EQ(err(do_stat(ctx, {failed, "file"})), ENOENT);
    EXPECT_EQ(err(do_stat(ctx, failed)), ENOENT);
    EXPECT_EQ(err(do_lstat(ctx, {aio::wd{}, "x"})), ENOENT);
}

// statx missing (ENOSYS) or filtered (EPERM): stat falls back to fstatat.
// A forked child installs a seccomp filter that makes statx fail.
int stat_without_statx(const std::string& path, int statx_errno) {
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_statx, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | static_cast<unsigned>(statx_errno)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog prog{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 10;
    if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) return 11;
    struct statx x;
    if (::syscall(SYS_statx, AT_FDCWD, path.c_str(), 0, STATX_BASIC_STATS, &x) == 0 ||
        errno != statx_errno)
        return 12;  // the filter does not work
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return 13;
    for (int round = 0; round < 2; ++round) {  // second round: the remembered fallback
        aio::context ctx;
        std::optional<aio::result<aio::stat_t>> r;
        aio::stat(
            path, [&](aio::result<aio::stat_t> v) { r.emplace(std::move(v)); }, ctx);
        ctx.flush();
        if (!r || !*r) return 20;
        const aio::stat_t& s = **r;
        if (s.ino != st.st_ino || s.dev != st.st_dev || s.mode != st.st_mode ||
            s.size != st.st_size || s.nlink != st.st_nlink || s.blocks != st.st_blocks ||
            s.mtime.sec != st.st_mtim.tv_sec ||
            s.mtime.nsec != static_cast<std::uint32_t>(st.st_mtim.tv_nsec))
            return 21;
        if (s.mask != STATX_BASIC_STATS || s.has_btime()) return 22;
        std::optional<aio::result<aio::stat_t>> e;
        aio::stat(
            path + "/missing", [&](aio::result<aio::stat_t> v) { e.emplace(std::move(v)); }, ctx);
        ctx.flush();
        if (!e || e->err() != ENOTDIR) return 23;
    }
    return 0;
}

TEST_F(MetaTree, FallsBackToFstatatWhenStatxIsMissing) {
    EXPECT_EQ(meta_test::in_child([&] { return stat_without_statx(file, ENOSYS); }), 0);
}

TEST_F(MetaTree, FallsBackToFstatatWhenStatxIsFiltered) {
    EXPECT_EQ(meta_test::in_child([&] { return stat_without_statx(file, EPERM); }), 0);
}

// ---- statvfs / fstatvfs -------------------------------------------------------------

aio::result<aio::statvfs_t> do_statvfs(aio::context& ctx, aio::path_arg p) {
    return call<aio::statvfs_t>(ctx,
                                [&](auto cb) { aio::statvfs(std::move(p), std::move(cb), ctx); });
}

// Fields that do not change while other processes write to the filesystem.
void expect_same_static(const aio::statvfs_t& o, const struct statvfs& v) {
    EXPECT_EQ(o.bsize, v.f_bsize);
    EXPECT_EQ(o.frsize, v.f_frsize);
    EXPECT_EQ(o.blocks, v.f_blocks);
    EXPECT_EQ(o.files, v.f_files);
    EXPECT_EQ(o.fsid, v.f_fsid);
    EXPECT_EQ(o.flag, v.f_flag);
    EXPECT_EQ(o.namemax, v.f_namemax);
    EXPECT_LE(o.bfree, o.blocks);
    EXPECT_LE(o.bavail, o.bfree);
    EXPECT_LE(o.ffree, o.files);
    EXPECT_LE(o.favail, o.files);
}

TEST(Statvfs, EveryFieldOnAQuietFilesystem) {
    // /proc's counters never change: compare every field.
    aio::context ctx;
    auto r = do_statvfs(ctx, "/proc");
    ASSERT_TRUE(r);
    struct statvfs v;
    ASSERT_EQ(::statvfs("/proc", &v), 0);
    EXPECT_EQ(r->bsize, v.f_bsize);
    EXPECT_EQ(r->frsize, v.f_frsize);
    EXPECT_EQ(r->blocks, v.f_blocks);
    EXPECT_EQ(r->bfree, v.f_bfree);
    EXPECT_EQ(r->bavail, v.f_bavail);
    EXPECT_EQ(r->files, v.f_files);
    EXPECT_EQ(r->ffree, v.f_ffree);
    EXPECT_EQ(r->favail, v.f_favail);
    EXPECT_EQ(r->fsid, v.f_fsid);
    EXPECT_EQ(r->flag, v.f_flag);
    EXPECT_EQ(r->namemax, v.f_namemax);
}

TEST_F(MetaTree, StatvfsPathsWdsAndDescriptors) {
    aio::context ctx;
    struct statvfs v;
    ASSERT_EQ(::statvfs(file.c_str(), &v), 0);
    aio::wd w = open_wd(ctx, tmp.path());
    aio::wd elsewhere = open_wd(ctx, "/proc");
    auto plain = do_statvfs(ctx, file);
    auto rel = do_statvfs(ctx, {w, "file"});
    auto abs = do_statvfs(ctx, {elsewhere, file});
    auto via_link = do_statvfs(ctx, {w, "link"});
    // A FIFO relative to a wd: opened with O_PATH, so this must not block.
    auto fifo_rel = do_statvfs(ctx, {w, "fifo"});
    for (auto* r : {&plain, &rel, &abs, &via_link, &fifo_rel}) {
        ASSERT_TRUE(*r) << r->error().message();
        expect_same_static(**r, v);
    }
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    auto f = call<aio::statvfs_t>(ctx, [&](auto cb) { aio::fstatvfs(fd, std::move(cb), ctx); });
    ::close(fd);
    ASSERT_TRUE(f);
    expect_same_static(*f, v);
}

TEST_F(MetaTree, StatvfsErrors) {
    aio::context ctx;
    aio::wd w = open_wd(ctx, tmp.path());
    struct statvfs v;
    for (const std::string& p : {tmp / "missing", file + "/x"}) {
        int want = sync_errno([&] { return ::statvfs(p.c_str(), &v); });
        EXPECT_EQ(err(do_statvfs(ctx, p)), want) << p;
    }
    EXPECT_EQ(err(do_statvfs(ctx, {w, "missing"})), ENOENT);
    EXPECT_EQ(err(do_statvfs(ctx, {w, "file/x"})), ENOTDIR);
    EXPECT_EQ(err(do_statvfs(ctx, {aio::wd{}, "file"})), ENOENT);
    EXPECT_EQ(err(do_statvfs(ctx, meta_test::with_nul(file))), EINVAL);
    EXPECT_EQ(err(do_statvfs(ctx, "")), ENOENT);
    for (int fd : {-1, 1 << 20}) {
        auto r = call<aio::statvfs_t>(ctx, [&](auto cb) { aio::fstatvfs(fd, std::move(cb), ctx); });
        EXPECT_EQ(err(r), EBADF);
        EXPECT_EQ(sync_errno([&] { return ::fstatvfs(fd, &v); }), EBADF);
    }
}

// ---- utime / futime ------------------------------------------------------------------

aio::result<void> do_utime(aio::context& ctx, aio::path_arg p, std::optional<aio::file_time> a,
                           std::optional<aio::file_time> m) {
    return call<void>(ctx, [&](auto cb) { aio::utime(std::move(p), a, m, std::move(cb), ctx); });
}

struct stat sync_stat(const std::string& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st;
}

aio::file_time atime_of(const struct stat& st) {
    return {st.st_atim.tv_sec, static_cast<std::uint32_t>(st.st_atim.tv_nsec)};
}
aio::file_time mtime_of(const struct stat& st) {
    return {st.st_mtim.tv_sec, static_cast<std::uint32_t>(st.st_mtim.tv_nsec)};
}

TEST_F(MetaTree, UtimeSetsNanosecondTimes) {
    aio::context ctx;
    aio::file_time a{1000, 123456789}, m{2000, 987654321};
    ASSERT_TRUE(do_utime(ctx, file, a, m));
    auto st = sync_stat(file);
    EXPECT_EQ(atime_of(st), a);
    EXPECT_EQ(mtime_of(st), m);
}

TEST_F(MetaTree, UtimeBothNulloptIsNow) {
    aio::context ctx;
    ASSERT_TRUE(do_utime(ctx, file, aio::file_time{1000, 0}, aio::file_time{1000, 0}));
    timespec before;
    ::clock_gettime(CLOCK_REALTIME_COARSE, &before);
    ASSERT_TRUE(do_utime(ctx, file, std::nullopt, std::nullopt));
    auto st = sync_stat(file);
    EXPECT_EQ(atime_of(st), mtime_of(st));  // one timestamp for both
    EXPECT_GE(st.st_mtim.tv_sec, before.tv_sec);
}

TEST_F(MetaTree, UtimeOneNulloptLeavesThatTimeUnchanged) {
    aio::context ctx;
    aio::file_time a{1000, 1}, m{2000, 2};
    ASSERT_TRUE(do_utime(ctx, file, a, m));
    ASSERT_TRUE(do_utime(ctx, file, aio::file_time{3000, 3}, std::nullopt));
    auto st = sync_stat(file);
    EXPECT_EQ(atime_of(st), (aio::file_time{3000, 3}));
    EXPECT_EQ(mtime_of(st), m);
    ASSERT_TRUE(do_utime(ctx, file, std::nullopt, aio::file_time{4000, 4}));
    st = sync_stat(file);
    EXPECT_EQ(atime_of(st), (aio::file_time{3000, 3}));
    EXPECT_EQ(mtime_of(st), (aio::file_time{4000, 4}));
}

TEST_F(MetaTree, UtimeWithWdAndThroughSymlink) {
    aio::context ctx;
    aio::wd w = open_wd(ctx, tmp.path());
    aio::wd elsewhere = open_wd(ctx, "/");
    ASSERT_TRUE(do_utime(ctx, {w, "link"}, aio::file_time{5000, 5}, aio::file_time{6000, 6}));
    auto st = sync_stat(file);  // the symlink was followed
    EXPECT_EQ(mtime_of(st), (aio::file_time{6000, 6}));
    ASSERT_TRUE(do_utime(ctx, {elsewhere, file}, aio::file_time{7, 0}, aio::file_time{8, 0}));
    st = sync_stat(file);
    EXPECT_EQ(mtime_of(st), (aio::file_time{8, 0}));
}

TEST_F(MetaTree, UtimeErrors) {
    aio::context ctx;
    timespec ts[2] = {{1, 0}, {1, 0}};
    std::string missing = tmp / "missing";
    EXPECT_EQ(err(do_utime(ctx, missing, std::nullopt, std::nullopt)),
              sync_errno([&] { return ::utimensat(AT_FDCWD, missing.c_str(), nullptr, 0); }));
    EXPECT_EQ(err(do_utime(ctx, missing, std::nullopt, std::nullopt)), ENOENT);
    EXPECT_EQ(err(do_utime(ctx, file + "/x", aio::file_time{1, 0}, aio::file_time{1, 0})), ENOTDIR);
    // nsec out of range
    ts[0].tv_nsec = 1000000000;
    EXPECT_EQ(err(do_utime(ctx, file, aio::file_time{1, 1000000000}, aio::file_time{1, 0})),
              sync_errno([&] { return ::utimensat(AT_FDCWD, file.c_str(), ts, 0); }));
    EXPECT_EQ(err(do_utime(ctx, file, aio::file_time{1, 1000000000}, aio::file_time{1, 0})),
              EINVAL);
    EXPECT_EQ(err(do_utime(ctx, {aio::wd{}, "file"}, std::nullopt, std::nullopt)), ENOENT);
    EXPECT_EQ(err(do_utime(ctx, meta_test::with_nul(file), std::nullopt, std::nullopt)), EINVAL);
}

TEST_F(MetaTree, Futime) {
    aio::context ctx;
    int fd = ::open(file.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    auto r = call<void>(ctx, [&](auto cb) {
        aio::futime(fd, aio::file_time{1234, 5678}, aio::file_time{8765, 4321}, std::move(cb), ctx);
    });
    ASSERT_TRUE(r);
    auto st = sync_stat(file);
    EXPECT_EQ(atime_of(st), (aio::file_time{1234, 5678}));
    EXPECT_EQ(mtime_of(st), (aio::file_time{8765, 4321}));
    r = call<void>(ctx, [&](auto cb) {
        aio::futime(fd, std::nullopt, aio::file_time{1, 1}, std::move(cb), ctx);
    });
    ASSERT_TRUE(r);
    st = sync_stat(file);
    EXPECT_EQ(atime_of(st), (aio::file_time{1234, 5678}));
    EXPECT_EQ(mtime_of(st), (aio::file_time{1, 1}));
    ::close(fd);
    for (int bad : {-1, fd}) {
        r = call<void>(ctx, [&](auto cb) {
            aio::futime(bad, std::nullopt, std::nullopt, std::move(cb), ctx);
        });
        EXPECT_EQ(err(r), EBADF);
        EXPECT_EQ(sync_errno([&] { return ::futimens(bad, nullptr); }), EBADF);
    }
}

// ---- chown / fchown ----------------------------------------------------------------------

aio::result<void> do_chown(aio::context& ctx, aio::path_arg p, uid_t u, gid_t g) {
    return call<void>(ctx, [&](auto cb) { aio::chown(std::move(p), u, g, std::move(cb), ctx); });
}

TEST_F(MetaTree, ChownSetsAndMinusOneKeeps) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    aio::context ctx;
    ASSERT_TRUE(do_chown(ctx, file, 1234, 5678));
    auto st = sync_stat(file);
    EXPECT_EQ(st.st_uid, 1234u);
    EXPECT_EQ(st.st_gid, 5678u);
    ASSERT_TRUE(do_chown(ctx, file, static_cast<uid_t>(-1), 42));
    st = sync_stat(file);
    EXPECT_EQ(st.st_uid, 1234u);
    EXPECT_EQ(st.st_gid, 42u);
    ASSERT_TRUE(do_chown(ctx, file, 7, static_cast<gid_t>(-1)));
    st = sync_stat(file);
    EXPECT_EQ(st.st_uid, 7u);
    EXPECT_EQ(st.st_gid, 42u);

    aio::wd w = open_wd(ctx, tmp.path());
    aio::wd elsewhere = open_wd(ctx, "/");
    ASSERT_TRUE(do_chown(ctx, {w, "link"}, 11, 12));  // follows the symlink
    st = sync_stat(file);
    EXPECT_EQ(st.st_uid, 11u);
    ASSERT_TRUE(do_chown(ctx, {elsewhere, file}, 13, 14));
    st = sync_stat(file);
    EXPECT_EQ(st.st_gid, 14u);

    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    auto r = call<void>(ctx, [&](auto cb) { aio::fchown(fd, 21, 22, std::move(cb), ctx); });
    ::close(fd);
    ASSERT_TRUE(r);
    st = sync_stat(file);
    EXPECT_EQ(st.st_uid, 21u);
    EXPECT_EQ(st.st_gid, 22u);
}

TEST_F(MetaTree, ChownErrors) {
    aio::context ctx;
    std::string missing = tmp / "missing";
    EXPECT_EQ(err(do_chown(ctx, missing, 0, 0)),
              sync_errno([&] { return ::chown(missing.c_str(), 0, 0); }));
    EXPECT_EQ(err(do_chown(ctx, missing, 0, 0)), ENOENT);
    EXPECT_EQ(err(do_chown(ctx, {aio::wd{}, "file"}, 0, 0)), ENOENT);
    auto r = call<void>(ctx, [&](auto cb) { aio::fchown(-1, 0, 0, std::move(cb), ctx); });
    EXPECT_EQ(err(r), EBADF);
}

TEST_F(MetaTree, ChownWithoutPrivilegeIsEperm) {
    // Root may chown anything: drop to nobody in a child to get EPERM.
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop privileges";
    ASSERT_EQ(::chmod(tmp.path().c_str(), 0755), 0);
    int rc = meta_test::in_child([&] {
        if (::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0)
            return 10;
        int want = sync_errno([&] { return ::chown(file.c_str(), 65534, 65534); });
        if (want != EPERM) return 11;
        aio::context ctx;
        std::optional<aio::result<void>> r;
        aio::chown(
            file, 65534, 65534, [&](aio::result<void> v) { r.emplace(v); }, ctx);
        ctx.flush();
        return r && r->err() == EPERM ? 0 : 12;
    });
    EXPECT_EQ(rc, 0);
}

// ---- chmod / fchmod -----------------------------------------------------------------------

aio::result<void> do_chmod(aio::context& ctx, aio::path_arg p, mode_t mode) {
    return call<void>(ctx, [&](auto cb) { aio::chmod(std::move(p), mode, std::move(cb), ctx); });
}

TEST_F(MetaTree, Chmod) {
    aio::context ctx;
    ASSERT_TRUE(do_chmod(ctx, file, 0604));
    EXPECT_EQ(sync_stat(file).st_mode & 07777, 0604u);
    ASSERT_TRUE(do_chmod(ctx, file, 04711));  // setuid bit too
    EXPECT_EQ(sync_stat(file).st_mode & 07777, 04711u);
    aio::wd w = open_wd(ctx, tmp.path());
    aio::wd elsewhere = open_wd(ctx, "/");
    ASSERT_TRUE(do_chmod(ctx, {w, "link"}, 0640));  // follows the symlink
    EXPECT_EQ(sync_stat(file).st_mode & 07777, 0640u);
    ASSERT_TRUE(do_chmod(ctx, {elsewhere, file}, 0600));
    EXPECT_EQ(sync_stat(file).st_mode & 07777, 0600u);
    ASSERT_TRUE(do_chmod(ctx, w, 0700));  // the wd's directory itself
    EXPECT_EQ(sync_stat(tmp.path()).st_mode & 07777, 0700u);

    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    auto r = call<void>(ctx, [&](auto cb) { aio::fchmod(fd, 0444, std::move(cb), ctx); });
    ::close(fd);
    ASSERT_TRUE(r);
    EXPECT_EQ(sync_stat(file).st_mode & 07777, 0444u);
}

TEST_F(MetaTree, ChmodErrors) {
    aio::context ctx;
    std::string missing = tmp / "missing";
    EXPECT_EQ(err(do_chmod(ctx, missing, 0600)),
              sync_errno([&] { return ::chmod(missing.c_str(), 0600); }));
    EXPECT_EQ(err(do_chmod(ctx, missing, 0600)), ENOENT);
    EXPECT_EQ(err(do_chmod(ctx, file + "/x", 0600)), ENOTDIR);
    EXPECT_EQ(err(do_chmod(ctx, {aio::wd{}, "file"}, 0600)), ENOENT);
    EXPECT_EQ(err(do_chmod(ctx, "", 0600)), ENOENT);
    // fchmod on an O_PATH descriptor: EBADF, as the syscall says
    int pfd = ::open(file.c_str(), O_PATH | O_CLOEXEC);
    ASSERT_GE(pfd, 0);
    int want = sync_errno([&] { return ::fchmod(pfd, 0600); });
    auto r = call<void>(ctx, [&](auto cb) { aio::fchmod(pfd, 0600, std::move(cb), ctx); });
    ::close(pfd);
    EXPECT_EQ(err(r), want);
    r = call<void>(ctx, [&](auto cb) { aio::fchmod(-1, 0600, std::move(cb), ctx); });
    EXPECT_EQ(err(r), EBADF);
}

// ---- truncate / ftruncate -------------------------------------------------------------------

aio::result<void> do_truncate(aio::context& ctx, aio::path_arg p, std::int64_t len) {
    return call<void>(ctx, [&](auto cb) { aio::truncate(std::move(p), len, std::move(cb), ctx); });
}

TEST_F(MetaTree, TruncateShrinksAndGrows) {
    aio::context ctx;
    ASSERT_TRUE(do_truncate(ctx, file, 5));
    EXPECT_EQ(aio::testing::read_file(file), "hello");
    ASSERT_TRUE(do_truncate(ctx, file, 8));
    EXPECT_EQ(aio::testing::read_file(file), std::string("hello\0\0\0", 8));
    ASSERT_TRUE(do_truncate(ctx, file, 0));
    EXPECT_EQ(sync_stat(file).st_size, 0);
}

TEST_F(MetaTree, TruncateWithWd) {
    aio::context ctx;
    aio::wd w = open_wd(ctx, tmp.path());
    aio::wd elsewhere = open_wd(ctx, "/");
    ASSERT_TRUE(do_truncate(ctx, {w, "file"}, 3));
    EXPECT_EQ(aio::testing::read_file(file), "hel");
    ASSERT_TRUE(do_truncate(ctx, {w, "link"}, 2));  // follows the symlink
    EXPECT_EQ(aio::testing::read_file(file), "he");
    ASSERT_TRUE(do_truncate(ctx, {elsewhere, file}, 1));
    EXPECT_EQ(aio::testing::read_file(file), "h");
}

TEST_F(MetaTree, TruncateErrorsMatchTruncate2) {
    aio::context ctx;
    aio::wd w = open_wd(ctx, tmp.path());
    struct {
        std::string rel;
        std::int64_t len;
    } cases[] = {{"missing", 0}, {"file/x", 0}, {"dir", 0}, {"fifo", 0}, {"file", -1}};
    for (const auto& c : cases) {
        SCOPED_TRACE(c.rel);
        std::string abs = tmp / c.rel;
        int want = sync_errno([&] { return ::truncate(abs.c_str(), c.len); });
        ASSERT_NE(want, 0);
        EXPECT_EQ(err(do_truncate(ctx, abs, c.len)), want);
        // (wd, relative): O_PATH + /proc/self/fd: same errors, and a FIFO does
        // not block (flush_or_fail's deadline would catch a hang).
        EXPECT_EQ(err(do_truncate(ctx, {w, c.rel}, c.len)), want);
    }
    EXPECT_EQ(err(do_truncate(ctx, tmp / "dir", 0)), EISDIR);
    EXPECT_EQ(err(do_truncate(ctx, {w, "fifo"}, 0)), EINVAL);
    EXPECT_EQ(err(do_truncate(ctx, {aio::wd{}, "file"}, 0)), ENOENT);
    EXPECT_EQ(err(do_truncate(ctx, {w, meta_test::with_nul("file")}, 0)), EINVAL);
    EXPECT_EQ(err(do_truncate(ctx, {w, ""}, 0)), ENOENT);
}

TEST_F(MetaTree, PermissionErrorsMatchTheSyscallsWithoutPrivilege) {
    // Root bypasses permission checks: compare in a child running as nobody.
    // truncate through a wd goes via /proc/self/fd, which must still check
    // write permission on the file like truncate(2).
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop privileges";
    ASSERT_EQ(::chmod(tmp.path().c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((tmp / "closed").c_str(), 0700), 0);
    write_file(tmp / "closed/inner", "x");
    aio::wd w;
    {
        aio::context parent;  // gone (threads joined) before the fork
        w = open_wd(parent, tmp.path());
    }
    int rc = meta_test::in_child([&] {
        if (::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0)
            return 10;
        aio::context ctx;
        std::string inner = tmp / "closed/inner";
        struct stat st;
        int want_stat = sync_errno([&] { return ::stat(inner.c_str(), &st); });
        int want_trunc = sync_errno([&] { return ::truncate(file.c_str(), 0); });
        int want_chmod = sync_errno([&] { return ::chmod(file.c_str(), 0777); });
        if (want_stat != EACCES || want_trunc != EACCES || want_chmod != EPERM) return 11;
        int got[5] = {-1, -1, -1, -1, -1};
        aio::stat(
            inner, [&](aio::result<aio::stat_t> r) { got[0] = r.err(); }, ctx);
        aio::stat(
            {w, "closed/inner"}, [&](aio::result<aio::stat_t> r) { got[1] = r.err(); }, ctx);
        aio::truncate(
            file, 0, [&](aio::result<void> r) { got[2] = r.err(); }, ctx);
        aio::truncate(
            {w, "file"}, 0, [&](aio::result<void> r) { got[3] = r.err(); }, ctx);
        aio::chmod(
            {w, "file"}, 0777, [&](aio::result<void> r) { got[4] = r.err(); }, ctx);
        ctx.flush();
        if (got[0] != EACCES || got[1] != EACCES) return 20;
        if (got[2] != EACCES || got[3] != EACCES) return 21;
        if (got[4] != EPERM) return 22;
        return 0;
    });
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(aio::testing::read_file(file), "hello, world\n");  // not truncated
}

TEST_F(MetaTree, TruncateWithoutProcUsesTheWdPath) {
    // Hide /proc in a private mount namespace of a child: (wd, relative)
    // truncate falls back to the wd's recorded absolute path.
    if (::geteuid() != 0) GTEST_SKIP() << "needs root for a mount namespace";
    int rc = meta_test::in_child([&] {
        if (::unshare(CLONE_NEWNS) != 0) return 77;
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 77;
        if (::mount("none", "/proc", "tmpfs", 0, nullptr) != 0) return 77;
        if (::access("/proc/self/fd", F_OK) == 0) return 10;
        aio::context ctx;
        std::optional<aio::result<aio::wd>> w;
        aio::wd_open(
            tmp.path(), [&](aio::result<aio::wd> v) { w.emplace(std::move(v)); }, ctx);
        ctx.flush();
        if (!w || !*w) return 11;
        std::optional<aio::result<void>> r;
        aio::truncate(
            {**w, "file"}, 4, [&](aio::result<void> v) { r.emplace(v); }, ctx);
        ctx.flush();
        if (!r || !*r) return 12;
        struct stat st;
        if (::stat(file.c_str(), &st) != 0 || st.st_size != 4) return 13;
        r.reset();
        aio::truncate(
            {**w, "missing"}, 4, [&](aio::result<void> v) { r.emplace(v); }, ctx);
        ctx.flush();
        return r && r->err() == ENOENT ? 0 : 14;
    });
    if (rc == 77) GTEST_SKIP() << "cannot hide /proc here";
    EXPECT_EQ(rc, 0);
}

TEST_F(MetaTree, Ftruncate) {
    aio::context ctx;
    int fd = ::open(file.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    auto r = call<void>(ctx, [&](auto cb) { aio::ftruncate(fd, 4, std::move(cb), ctx); });
    ASSERT_TRUE(r);
    EXPECT_EQ(aio::testing::read_file(file), "hell");
    r = call<void>(ctx, [&](auto cb) { aio::ftruncate(fd, -1, std::move(cb), ctx); });
    EXPECT_EQ(err(r), sync_errno([&] { return ::ftruncate(fd, -1); }));
    ::close(fd);
    int ro = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(ro, 0);
    r = call<void>(ctx, [&](auto cb) { aio::ftruncate(ro, 0, std::move(cb), ctx); });
    EXPECT_EQ(err(r), sync_errno([&] { return ::ftruncate(ro, 0); }));
    EXPECT_NE(err(r), 0);
    ::close(ro);
    for (int bad : {-1, fd}) {
        r = call<void>(ctx, [&](auto cb) { aio::ftruncate(bad, 0, std::move(cb), ctx); });
        EXPECT_EQ(err(r), EBADF);
    }
}

}  // namespace
