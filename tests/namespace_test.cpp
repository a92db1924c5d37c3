// Names: unlink, mknod, link, symlink, readlink, realpath, rename, rename2,
// mkdir, rmdir — each compared with the synchronous syscall (effect on disk
// and errno), with plain paths, (wd, relative) paths and absolute paths
// given with a wd.
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "meta_helpers.hpp"

namespace {

using aio::testing::exists;
using aio::testing::lstat_of;

using aio::testing::temp_dir;
using aio::testing::write_file;
using meta_test::call;
using meta_test::err;
using meta_test::open_wd;
using meta_test::sync_errno;

std::string sync_realpath(const std::string& p) {
    char* r = ::realpath(p.c_str(), nullptr);
    if (!r) return {};
    std::string s = r;
    ::free(r);
    return s;
}

struct Names : ::testing::Test {
    temp_dir tmp{"aiopp-ns"};
    aio::context ctx;
    aio::wd w, elsewhere;
    std::string file = tmp / "file";
    std::string dir = tmp / "dir";
    void SetUp() override {
        write_file(file, "data");
        ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
        write_file(dir + "/inner", "x");
        w = open_wd(ctx, tmp.path());
        elsewhere = open_wd(ctx, "/");
    }
    aio::result<void> unlink(aio::path_arg p) {
        return call<void>(ctx, [&](auto cb) { aio::unlink(std::move(p), std::move(cb), ctx); });
    }
    aio::result<void> mknod(aio::path_arg p, mode_t m, dev_t d) {
        return call<void>(ctx,
                          [&](auto cb) { aio::mknod(std::move(p), m, d, std::move(cb), ctx); });
    }
    aio::result<void> link(aio::path_arg a, aio::path_arg b) {
        return call<void>(
            ctx, [&](auto cb) { aio::link(std::move(a), std::move(b), std::move(cb), ctx); });
    }
    aio::result<void> symlink(std::string t, aio::path_arg b) {
        return call<void>(
            ctx, [&](auto cb) { aio::symlink(std::move(t), std::move(b), std::move(cb), ctx); });
    }
    aio::result<std::string> readlink(aio::path_arg p) {
        return call<std::string>(ctx,
                                 [&](auto cb) { aio::readlink(std::move(p), std::move(cb), ctx); });
    }
    aio::result<std::string> realpath(aio::path_arg p) {
        return call<std::string>(ctx,
                                 [&](auto cb) { aio::realpath(std::move(p), std::move(cb), ctx); });
    }
    aio::result<void> rename(aio::path_arg a, aio::path_arg b) {
        return call<void>(
            ctx, [&](auto cb) { aio::rename(std::move(a), std::move(b), std::move(cb), ctx); });
    }
    aio::result<void> rename2(aio::path_arg a, aio::path_arg b, unsigned f) {
        return call<void>(
            ctx, [&](auto cb) { aio::rename2(std::move(a), std::move(b), f, std::move(cb), ctx); });
    }
    aio::result<void> mkdir(aio::path_arg p, mode_t m) {
        return call<void>(ctx, [&](auto cb) { aio::mkdir(std::move(p), m, std::move(cb), ctx); });
    }
    aio::result<void> rmdir(aio::path_arg p) {
        return call<void>(ctx, [&](auto cb) { aio::rmdir(std::move(p), std::move(cb), ctx); });
    }
};

// A directory on another filesystem than tmp, for EXDEV ("" if none).
std::string other_fs_dir(const std::string& tmp) {
    struct stat a, b;
    if (::stat(tmp.c_str(), &a) != 0) return {};
    for (const char* c : {"/dev/shm", "/run", "/dev"}) {
        if (::stat(c, &b) == 0 && a.st_dev != b.st_dev && ::access(c, W_OK) == 0) return c;
    }
    return {};
}

// ---- unlink ---------------------------------------------------------------------

TEST_F(Names, Unlink) {
    write_file(tmp / "a", "");
    write_file(tmp / "b", "");
    write_file(tmp / "c", "");
    ASSERT_TRUE(unlink(tmp / "a"));
    ASSERT_TRUE(unlink({w, "b"}));
    ASSERT_TRUE(unlink({elsewhere, tmp / "c"}));
    EXPECT_FALSE(exists(tmp / "a"));
    EXPECT_FALSE(exists(tmp / "b"));
    EXPECT_FALSE(exists(tmp / "c"));
    // a symlink is removed, not its target
    ASSERT_EQ(::symlink("file", (tmp / "l").c_str()), 0);
    ASSERT_TRUE(unlink({w, "l"}));
    EXPECT_FALSE(exists(tmp / "l"));
    EXPECT_TRUE(exists(file));
}

TEST_F(Names, UnlinkErrors) {
    for (const std::string& p : {tmp / "missing", file + "/x", dir}) {
        SCOPED_TRACE(p);
        int want = sync_errno([&] { return ::unlink(p.c_str()); });
        ASSERT_NE(want, 0);
        EXPECT_EQ(err(unlink(p)), want);
    }
    EXPECT_EQ(err(unlink(tmp / "missing")), ENOENT);
    EXPECT_EQ(err(unlink(file + "/x")), ENOTDIR);
    EXPECT_EQ(err(unlink({w, "dir"})), EISDIR);
    EXPECT_EQ(err(unlink({aio::wd{}, "file"})), ENOENT);
    EXPECT_EQ(err(unlink(meta_test::with_nul(file))), EINVAL);
    EXPECT_EQ(err(unlink("")), ENOENT);
    EXPECT_TRUE(exists(file));  // "file\0x" did not unlink "file"
}

// ---- mknod -------------------------------------------------------------------------

TEST_F(Names, MknodFifo) {
    ASSERT_TRUE(mknod(tmp / "f1", S_IFIFO | 0640, 0));
    ASSERT_TRUE(mknod({w, "f2"}, S_IFIFO | 0600, 0));
    ASSERT_TRUE(mknod({elsewhere, tmp / "f3"}, S_IFIFO | 0600, 0));
    auto st = lstat_of(tmp / "f1");
    EXPECT_TRUE(S_ISFIFO(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0640u & ~0022u);
    EXPECT_TRUE(S_ISFIFO(lstat_of(tmp / "f2").st_mode));
    EXPECT_TRUE(S_ISFIFO(lstat_of(tmp / "f3").st_mode));
    // a regular file, the other portable case
    ASSERT_TRUE(mknod({w, "reg"}, S_IFREG | 0600, 0));
    EXPECT_TRUE(S_ISREG(lstat_of(tmp / "reg").st_mode));
}

TEST_F(Names, MknodCharDeviceAsRoot) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    auto r = mknod({w, "null"}, S_IFCHR | 0666, makedev(1, 3));
    ASSERT_TRUE(r) << r.error().message();
    auto st = lstat_of(tmp / "null");
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_EQ(major(st.st_rdev), 1u);
    EXPECT_EQ(minor(st.st_rdev), 3u);
    struct stat devnull;
    ASSERT_EQ(::stat("/dev/null", &devnull), 0);
    EXPECT_EQ(st.st_rdev, devnull.st_rdev);
}

TEST_F(Names, MknodErrors) {
    std::string f = file, missing = tmp / "no/f";
    EXPECT_EQ(err(mknod(file, S_IFIFO | 0600, 0)),
              sync_errno([&] { return ::mknod(f.c_str(), S_IFIFO | 0600, 0); }));
    EXPECT_EQ(err(mknod(file, S_IFIFO | 0600, 0)), EEXIST);
    EXPECT_EQ(err(mknod(missing, S_IFIFO | 0600, 0)), ENOENT);
    EXPECT_EQ(err(mknod({w, "bad"}, S_IFDIR | 0700, 0)),
              sync_errno([&] { return ::mknod((tmp / "bad").c_str(), S_IFDIR | 0700, 0); }));
    EXPECT_EQ(err(mknod({aio::wd{}, "x"}, S_IFIFO | 0600, 0)), ENOENT);
}

// ---- link -----------------------------------------------------------------------------

TEST_F(Names, Link) {
    ASSERT_TRUE(link(file, tmp / "h1"));
    ASSERT_TRUE(link({w, "file"}, {w, "h2"}));
    ASSERT_TRUE(link({elsewhere, file}, {elsewhere, tmp / "h3"}));
    aio::wd d = open_wd(ctx, dir);
    ASSERT_TRUE(link({w, "file"}, {d, "h4"}));  // two different wds
    auto st = lstat_of(file);
    EXPECT_EQ(st.st_nlink, 5u);
    for (const std::string& h : {tmp / "h1", tmp / "h2", tmp / "h3", dir + "/h4"})
        EXPECT_EQ(lstat_of(h).st_ino, st.st_ino) << h;
    // link(2) does not follow a symlink: the new name is a link to the symlink
    ASSERT_EQ(::symlink("file", (tmp / "sl").c_str()), 0);
    ASSERT_TRUE(link({w, "sl"}, {w, "sl2"}));
    EXPECT_TRUE(S_ISLNK(lstat_of(tmp / "sl2").st_mode));
}

TEST_F(Names, LinkErrors) {
    struct {
        std::string from, to;
    } cases[] = {
        {tmp / "missing", tmp / "x"}, {file, dir}, {file, tmp / "no/x"}, {dir, tmp / "d2"}};
    for (const auto& c : cases) {
        SCOPED_TRACE(c.from + " -> " + c.to);
        int want = sync_errno([&] { return ::link(c.from.c_str(), c.to.c_str()); });
        ASSERT_NE(want, 0);
        EXPECT_EQ(err(link(c.from, c.to)), want);
    }
    EXPECT_EQ(err(link({w, "missing"}, {w, "x"})), ENOENT);
    EXPECT_EQ(err(link({w, "file"}, {w, "dir"})), EEXIST);
    EXPECT_EQ(err(link({w, "file"}, {aio::wd{}, "x"})), ENOENT);
    EXPECT_EQ(err(link({aio::wd{}, "file"}, {w, "x"})), ENOENT);
    EXPECT_EQ(err(link(file, meta_test::with_nul(tmp / "x"))), EINVAL);
    std::string other = other_fs_dir(tmp.path());
    if (!other.empty()) {
        std::string to = other + "/aiopp-link-test-" + std::to_string(::getpid());
        EXPECT_EQ(err(link(file, to)), EXDEV);
        ::unlink(to.c_str());
    }
}

// ---- symlink / readlink -------------------------------------------------------------------

TEST_F(Names, SymlinkAndReadlink) {
    ASSERT_TRUE(symlink("file", tmp / "s1"));
    ASSERT_TRUE(symlink("../whatever/x", {w, "s2"}));
    ASSERT_TRUE(symlink("/abs/target", {elsewhere, tmp / "s3"}));
    ASSERT_TRUE(symlink("line\nbreak\xff", {w, "s4"}));
    const char* targets[][2] = {
        {"s1", "file"}, {"s2", "../whatever/x"}, {"s3", "/abs/target"}, {"s4", "line\nbreak\xff"}};
    for (auto& t : targets) {
        SCOPED_TRACE(t[0]);
        char buf[PATH_MAX];
        ssize_t n = ::readlink((tmp / t[0]).c_str(), buf, sizeof buf);
        ASSERT_GT(n, 0);
        EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)), t[1]);
        auto r = readlink({w, t[0]});
        ASSERT_TRUE(r);
        EXPECT_EQ(*r, t[1]);
        auto a = readlink(tmp / t[0]);
        ASSERT_TRUE(a);
        EXPECT_EQ(*a, t[1]);
        auto e = readlink({elsewhere, tmp / t[0]});
        ASSERT_TRUE(e);
        EXPECT_EQ(*e, t[1]);
    }
}

TEST_F(Names, ReadlinkGrowsItsBufferForLongTargets) {
    // The longest target a symlink may hold (PATH_MAX - 1), and a few
    // lengths around the internal buffer sizes.
    for (std::size_t len : {255u, 256u, 257u, 511u, 512u, 513u, 1024u, 4000u, PATH_MAX - 1u}) {
        SCOPED_TRACE(len);
        std::string target(len, 'x');
        for (std::size_t i = 100; i < len; i += 100)
            target[i] = '/';
        std::string name = tmp / ("long" + std::to_string(len));
        ASSERT_EQ(::symlink(target.c_str(), name.c_str()), 0);
        auto r = readlink(name);
        ASSERT_TRUE(r) << r.error().message();
        EXPECT_EQ(*r, target);
    }
}

TEST_F(Names, SymlinkErrors) {
    EXPECT_EQ(err(symlink("x", file)), EEXIST);
    EXPECT_EQ(err(symlink("x", tmp / "no/l")), ENOENT);
    std::string l = tmp / "empty";
    EXPECT_EQ(err(symlink("", l)), sync_errno([&] { return ::symlink("", l.c_str()); }));
    EXPECT_EQ(err(symlink("", l)), ENOENT);
    EXPECT_EQ(err(symlink(meta_test::with_nul("x"), tmp / "nul")), EINVAL);
    EXPECT_FALSE(exists(tmp / "nul"));
    EXPECT_EQ(err(symlink("x", {aio::wd{}, "s"})), ENOENT);
    EXPECT_EQ(err(symlink("x", {w, ""})), ENOENT);
}

TEST_F(Names, ReadlinkErrors) {
    char buf[16];
    for (const std::string& p : {file, tmp / "missing", file + "/x"}) {
        SCOPED_TRACE(p);
        int want = sync_errno([&] { return ::readlink(p.c_str(), buf, sizeof buf); });
        ASSERT_NE(want, 0);
        EXPECT_EQ(err(readlink(p)), want);
    }
    EXPECT_EQ(err(readlink({w, "file"})), EINVAL);
    EXPECT_EQ(err(readlink(w)), EINVAL);  // "." is a directory
    EXPECT_EQ(err(readlink({aio::wd{}, "x"})), ENOENT);
    EXPECT_EQ(err(readlink(meta_test::with_nul(file))), EINVAL);
}

// ---- realpath
// ------------------------------------------------------------------------------------

TEST_F(Names, RealpathResolvesLikeRealpath3) {
    ASSERT_EQ(::mkdir((tmp / "dir/sub").c_str(), 0755), 0);
    ASSERT_EQ(::symlink("dir/sub", (tmp / "ls").c_str()), 0);
    ASSERT_EQ(::symlink(tmp.path().c_str(), (tmp / "dir/up").c_str()), 0);
    for (const std::string& p :
         {file, tmp / "ls", tmp / "ls/../inner", tmp / "dir/up/dir/./sub/", tmp / "dir//inner",
          std::string("/"), std::string("//usr/../tmp")}) {
        SCOPED_TRACE(p);
        auto r = realpath(p);
        ASSERT_TRUE(r) << r.error().message();
        EXPECT_EQ(*r, sync_realpath(p));
    }
    auto rel = realpath({w, "ls/../inner"});
    ASSERT_TRUE(rel);
    EXPECT_EQ(*rel, sync_realpath(tmp / "dir/inner"));
    auto abs = realpath({elsewhere, tmp / "ls"});
    ASSERT_TRUE(abs);
    EXPECT_EQ(*abs, sync_realpath(tmp / "dir/sub"));
}

TEST_F(Names, RealpathDotIsTheProcessWorkingDirectory) {
    char cwd[PATH_MAX];
    ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
    auto r = realpath(".");
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, cwd);
    auto c = realpath(aio::cwd);
    ASSERT_TRUE(c);
    EXPECT_EQ(*c, cwd);
}

TEST_F(Names, RealpathOfAWdIsItsPathWithoutTouchingTheDisk) {
    aio::wd d = open_wd(ctx, dir);
    std::string recorded = d.path();
    EXPECT_EQ(recorded, sync_realpath(dir));
    // Remove the directory: realpath of the wd still answers from the string.
    ASSERT_EQ(::unlink((dir + "/inner").c_str()), 0);
    ASSERT_EQ(::rmdir(dir.c_str()), 0);
    auto r = realpath(d);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(*r, recorded);
    auto r2 = realpath({d, "."});
    ASSERT_TRUE(r2);
    EXPECT_EQ(*r2, recorded);
    // A name inside it goes by the recorded path, which is gone now.
    EXPECT_EQ(err(realpath({d, "x"})), ENOENT);
}

TEST_F(Names, RealpathErrors) {
    ASSERT_EQ(::symlink("loop2", (tmp / "loop1").c_str()), 0);
    ASSERT_EQ(::symlink("loop1", (tmp / "loop2").c_str()), 0);
    ASSERT_EQ(::symlink("nowhere", (tmp / "dangling").c_str()), 0);
    for (const std::string& p :
         {tmp / "missing", tmp / "loop1", tmp / "dangling", file + "/x", file + "/"}) {
        SCOPED_TRACE(p);
        errno = 0;
        char* s = ::realpath(p.c_str(), nullptr);
        int want = s ? 0 : errno;
        ::free(s);
        ASSERT_NE(want, 0);
        EXPECT_EQ(err(realpath(p)), want);
    }
    EXPECT_EQ(err(realpath(tmp / "loop1")), ELOOP);
    EXPECT_EQ(err(realpath({w, "missing"})), ENOENT);
    EXPECT_EQ(err(realpath({aio::wd{}, "."})), ENOENT);
    EXPECT_EQ(err(realpath(aio::wd{})), ENOENT);
    EXPECT_EQ(err(realpath("")), ENOENT);
    EXPECT_EQ(err(realpath(meta_test::with_nul(file))), EINVAL);
}

// ---- rename / rename2
// -------------------------------------------------------------------------------

TEST_F(Names, Rename) {
    ASSERT_TRUE(rename(file, tmp / "r1"));
    ASSERT_TRUE(rename({w, "r1"}, {w, "r2"}));
    ASSERT_TRUE(rename({elsewhere, tmp / "r2"}, {elsewhere, tmp / "r3"}));
    aio::wd d = open_wd(ctx, dir);
    ASSERT_TRUE(rename({w, "r3"}, {d, "r4"}));
    EXPECT_EQ(aio::testing::read_file(dir + "/r4"), "data");
    EXPECT_FALSE(exists(file));
    // over an existing file: replaced
    write_file(tmp / "victim", "old");
    ASSERT_TRUE(rename({d, "r4"}, {w, "victim"}));
    EXPECT_EQ(aio::testing::read_file(tmp / "victim"), "data");
}

TEST_F(Names, RenameErrors) {
    ASSERT_EQ(::mkdir((tmp / "empty").c_str(), 0755), 0);
    struct {
        std::string from, to;
    } cases[] = {
        {tmp / "missing", tmp / "x"},  // ENOENT
        {file, dir},                   // EISDIR
        {tmp / "empty", file},         // ENOTDIR
        {tmp / "empty", dir},          // dir onto a non-empty dir: ENOTEMPTY
        {dir, dir + "/sub"},           // into itself: EINVAL
        {file, tmp / "no/x"},          // ENOENT
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.from + " -> " + c.to);
        int want = sync_errno([&] { return ::rename(c.from.c_str(), c.to.c_str()); });
        ASSERT_NE(want, 0);
        EXPECT_EQ(err(rename(c.from, c.to)), want);
    }
    EXPECT_EQ(err(rename({w, "empty"}, {w, "dir"})), ENOTEMPTY);
    EXPECT_EQ(err(rename({w, "file"}, {w, "dir"})), EISDIR);
    EXPECT_EQ(err(rename({w, "empty"}, {w, "file"})), ENOTDIR);
    EXPECT_EQ(err(rename({aio::wd{}, "file"}, {w, "x"})), ENOENT);
    EXPECT_EQ(err(rename({w, "file"}, {aio::wd{}, "x"})), ENOENT);
    EXPECT_EQ(err(rename({w, "file"}, {w, meta_test::with_nul("x")})), EINVAL);
    std::string other = other_fs_dir(tmp.path());
    if (!other.empty()) {
        std::string to = other + "/aiopp-rename-test-" + std::to_string(::getpid());
        EXPECT_EQ(err(rename(file, to)), EXDEV);
        ::unlink(to.c_str());
    }
    EXPECT_TRUE(exists(file));
}

TEST_F(Names, RenameOfAWdItselfRenamesItsDirectory) {
    aio::wd d = open_wd(ctx, dir);
    ASSERT_TRUE(rename(d, tmp / "moved"));
    EXPECT_FALSE(exists(dir));
    EXPECT_TRUE(exists(tmp / "moved/inner"));
    // the wd's descriptor followed the directory
    auto st = call<aio::stat_t>(ctx, [&](auto cb) { aio::stat({d, "inner"}, std::move(cb), ctx); });
    EXPECT_TRUE(st);
    // ({wd, "."}) spelled out, with a relative new name
    aio::wd m = open_wd(ctx, tmp / "moved");
    ASSERT_TRUE(rename({m, "."}, {w, "moved2"}));
    EXPECT_TRUE(exists(tmp / "moved2/inner"));
    // aio::cwd is not special: rename(".", x) fails as rename(2) does
    std::string to = tmp / "x";
    EXPECT_EQ(err(rename(aio::cwd, to)), sync_errno([&] { return ::rename(".", to.c_str()); }));
}

TEST_F(Names, Rename2Flags) {
    write_file(tmp / "a", "A");
    write_file(tmp / "b", "B");
    // flags 0: a plain rename
    ASSERT_TRUE(rename2({w, "a"}, {w, "a0"}, 0));
    EXPECT_EQ(aio::testing::read_file(tmp / "a0"), "A");
    // NOREPLACE
    EXPECT_EQ(err(rename2({w, "a0"}, {w, "b"}, RENAME_NOREPLACE)), EEXIST);
    ASSERT_TRUE(rename2({w, "a0"}, tmp / "a1", RENAME_NOREPLACE));
    // EXCHANGE
    ASSERT_TRUE(rename2({elsewhere, tmp / "a1"}, {w, "b"}, RENAME_EXCHANGE));
    EXPECT_EQ(aio::testing::read_file(tmp / "a1"), "B");
    EXPECT_EQ(aio::testing::read_file(tmp / "b"), "A");
    EXPECT_EQ(err(rename2({w, "a1"}, {w, "missing"}, RENAME_EXCHANGE)), ENOENT);
    // flag combinations the kernel rejects pass through unchanged
    std::string a1 = tmp / "a1", b = tmp / "b";
    for (unsigned f : {unsigned(RENAME_NOREPLACE | RENAME_EXCHANGE), 0x100u}) {
        SCOPED_TRACE(f);
        int want =
            sync_errno([&] { return ::renameat2(AT_FDCWD, a1.c_str(), AT_FDCWD, b.c_str(), f); });
        EXPECT_EQ(err(rename2(a1, b, f)), want);
        EXPECT_EQ(want, EINVAL);
    }
}

TEST_F(Names, Rename2Whiteout) {
    write_file(tmp / "wo", "W");
    int want = sync_errno([&] {
        write_file(tmp / "probe", "");
        return ::renameat2(AT_FDCWD, (tmp / "probe").c_str(), AT_FDCWD, (tmp / "probe2").c_str(),
                           RENAME_WHITEOUT);
    });
    auto r = rename2({w, "wo"}, {w, "wo2"}, RENAME_WHITEOUT);
    EXPECT_EQ(err(r), want);
    if (want != 0) GTEST_SKIP() << "RENAME_WHITEOUT unsupported here: " << r.error().message();
    // a whiteout is a 0/0 character device left at the old name
    auto st = lstat_of(tmp / "wo");
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_EQ(st.st_rdev, makedev(0, 0));
    EXPECT_EQ(aio::testing::read_file(tmp / "wo2"), "W");
}

// ---- mkdir / rmdir
// ---------------------------------------------------------------------------------

TEST_F(Names, Mkdir) {
    ASSERT_TRUE(mkdir(tmp / "m1", 0750));
    ASSERT_TRUE(mkdir({w, "m2"}, 0777));
    ASSERT_TRUE(mkdir({elsewhere, tmp / "m3"}, 0700));
    mode_t mask = ::umask(0);
    ::umask(mask);
    auto st = lstat_of(tmp / "m1");
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0750u & ~mask);
    EXPECT_EQ(lstat_of(tmp / "m2").st_mode & 0777, 0777u & ~mask);
    EXPECT_TRUE(S_ISDIR(lstat_of(tmp / "m3").st_mode));
}

TEST_F(Names, MkdirErrors) {
    for (const std::string& p : {file, dir, tmp / "no/d", file + "/d"}) {
        SCOPED_TRACE(p);
        int want = sync_errno([&] { return ::mkdir(p.c_str(), 0755); });
        ASSERT_NE(want, 0);
        EXPECT_EQ(err(mkdir(p, 0755)), want);
    }
    EXPECT_EQ(err(mkdir({w, "dir"}, 0755)), EEXIST);
    EXPECT_EQ(err(mkdir(w, 0755)), EEXIST);  // the wd itself
    EXPECT_EQ(err(mkdir({w, "no/d"}, 0755)), ENOENT);
    EXPECT_EQ(err(mkdir({aio::wd{}, "d"}, 0755)), ENOENT);
    EXPECT_EQ(err(mkdir("", 0755)), ENOENT);
    EXPECT_EQ(err(mkdir(meta_test::with_nul(tmp / "d"), 0755)), EINVAL);
}

TEST_F(Names, Rmdir) {
    for (const char* n : {"d1", "d2", "d3"})
        ASSERT_EQ(::mkdir((tmp / n).c_str(), 0755), 0);
    ASSERT_TRUE(rmdir(tmp / "d1"));
    ASSERT_TRUE(rmdir({w, "d2"}));
    ASSERT_TRUE(rmdir({elsewhere, tmp / "d3"}));
    EXPECT_FALSE(exists(tmp / "d1"));
    EXPECT_FALSE(exists(tmp / "d2"));
    EXPECT_FALSE(exists(tmp / "d3"));
}

TEST_F(Names, RmdirOfAWdItselfRemovesItsDirectory) {
    ASSERT_EQ(::mkdir((tmp / "gone").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((tmp / "gone2").c_str(), 0755), 0);
    aio::wd g = open_wd(ctx, tmp / "gone");
    aio::wd g2 = open_wd(ctx, tmp / "gone2");
    ASSERT_TRUE(rmdir(g));
    ASSERT_TRUE(rmdir({g2, "."}));
    EXPECT_FALSE(exists(tmp / "gone"));
    EXPECT_FALSE(exists(tmp / "gone2"));
    // a non-empty one fails like rmdir(2)
    aio::wd d = open_wd(ctx, dir);
    EXPECT_EQ(err(rmdir(d)), ENOTEMPTY);
    EXPECT_EQ(err(rmdir(aio::cwd)), sync_errno([] { return ::rmdir("."); }));
}

TEST_F(Names, RmdirErrors) {
    ASSERT_EQ(::symlink("dir", (tmp / "dl").c_str()), 0);
    for (const std::string& p : {dir, file, tmp / "missing", tmp / "dl", tmp / "dir/."}) {
        SCOPED_TRACE(p);
        int want = sync_errno([&] { return ::rmdir(p.c_str()); });
        ASSERT_NE(want, 0);
        EXPECT_EQ(err(rmdir(p)), want);
    }
    EXPECT_EQ(err(rmdir({w, "dir"})), ENOTEMPTY);
    EXPECT_EQ(err(rmdir({w, "file"})), ENOTDIR);
    EXPECT_EQ(err(rmdir({w, "missing"})), ENOENT);
    EXPECT_EQ(err(rmdir({aio::wd{}, "dir"})), ENOENT);
    EXPECT_EQ(err(rmdir(meta_test::with_nul(dir))), EINVAL);
    EXPECT_TRUE(exists(dir));
}

}  // namespace
