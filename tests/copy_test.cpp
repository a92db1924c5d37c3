// load, copy, move, pathsync: differential tests against the syscalls, cp -p
// and IO::AIO 4.80; errors, bad input, working directories, priorities,
// cancellation, and faults injected with aiopp-testfs.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "aio/aio.hpp"
#include "copy_support.hpp"
#include "engine/req.hpp"
#include "support.hpp"
#ifdef AIOPP_HAVE_TESTFS
#include "testfs.hpp"
#endif

namespace {

using aio::testing::exists;
using aio::testing::lstat_of;

using aio::testing::read_file;
using aio::testing::run;
using aio::testing::run_one;
using aio::testing::same_tree;
using aio::testing::set_times;
using aio::testing::shell_quote;
using aio::testing::take_snapshot;
using aio::testing::temp_dir;
using aio::testing::ts;
using aio::testing::write_file;

std::string pattern(std::size_t n, unsigned seed = 1) {
    std::string s(n, '\0');
    unsigned x = seed;
    for (auto& c : s) {
        x = x * 1103515245 + 12345;
        c = static_cast<char>(x >> 16);
    }
    return s;
}

std::optional<aio::result<void>> copy(aio::context& ctx, const aio::path_arg& s,
                                      const aio::path_arg& d) {
    return run_one<void>(ctx, [&](aio::callback<void> cb) { aio::copy(s, d, std::move(cb), ctx); });
}
std::optional<aio::result<void>> move(aio::context& ctx, const aio::path_arg& s,
                                      const aio::path_arg& d) {
    return run_one<void>(ctx, [&](aio::callback<void> cb) { aio::move(s, d, std::move(cb), ctx); });
}
std::optional<aio::result<aio::load_t>> load(aio::context& ctx, const aio::path_arg& p) {
    return run_one<aio::load_t>(
        ctx, [&](aio::callback<aio::load_t> cb) { aio::load(p, std::move(cb), ctx); });
}

bool have_io_aio() {
    return run("perl -MIO::AIO -e 1 2>/dev/null") == 0;
}

// ---- load ----------------------------------------------------------------------------

TEST(Load, WholeFile) {
    temp_dir t;
    std::string data = pattern(300000);
    write_file(t / "f", data);
    aio::context ctx;
    auto r = load(ctx, t / "f");
    ASSERT_TRUE(r && *r) << (r ? r->error().message() : "no callback");
    EXPECT_EQ((*r)->bytes, data.size());
    EXPECT_EQ((*r)->data, data);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(Load, EmptyFile) {
    temp_dir t;
    write_file(t / "e", "");
    aio::context ctx;
    auto r = load(ctx, t / "e");
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->bytes, 0u);
    EXPECT_EQ((*r)->data, "");
}

TEST(Load, SizeZeroProcFileIsReadToTheEnd) {
    aio::context ctx;
    auto r = load(ctx, "/proc/self/status");
    ASSERT_TRUE(r && *r);
    EXPECT_GT((*r)->bytes, 0u);
    EXPECT_EQ((*r)->bytes, (*r)->data.size());
    EXPECT_NE((*r)->data.find("Name:"), std::string::npos);
}

TEST(Load, IntoStringAtOffset) {
    temp_dir t;
    write_file(t / "f", "DATA");
    aio::context ctx;
    auto r = run_one<aio::load_t>(ctx, [&](aio::callback<aio::load_t> cb) {
        aio::load(t / "f", std::string("prefix-long-tail"), 3, std::move(cb), ctx);
    });
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->bytes, 4u);
    EXPECT_EQ((*r)->data, "preDATA");  // shrunk to dataoffset + bytes, as aio_read does
    auto n = run_one<aio::load_t>(ctx, [&](aio::callback<aio::load_t> cb) {
        aio::load(t / "f", std::string("abcdef"), -2, std::move(cb), ctx);
    });
    ASSERT_TRUE(n && *n);
    EXPECT_EQ((*n)->data, "abcdDATA");
}

TEST(Load, BadDataOffset) {
    temp_dir t;
    write_file(t / "f", "x");
    aio::context ctx;
    for (std::int64_t off : {4, -4}) {
        auto r = run_one<aio::load_t>(ctx, [&](aio::callback<aio::load_t> cb) {
            aio::load(t / "f", std::string("abc"), off, std::move(cb), ctx);
        });
        ASSERT_TRUE(r);
        EXPECT_EQ(r->err(), EINVAL) << off;
    }
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(Load, Errors) {
    temp_dir t;
    aio::context ctx;
    EXPECT_EQ(load(ctx, t / "missing")->err(), ENOENT);
    EXPECT_EQ(load(ctx, t.path())->err(), EISDIR);
    EXPECT_EQ(load(ctx, std::string("a\0b", 3))->err(), EINVAL);
    EXPECT_EQ(load(ctx, aio::path_arg(aio::wd(), "x"))->err(), ENOENT);
    EXPECT_EQ(load(ctx, "")->err(), ENOENT);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(Load, WorkingDirectory) {
    temp_dir t;
    write_file(t / "f", "in wd");
    aio::context ctx;
    auto w = run_one<aio::wd>(
        ctx, [&](aio::callback<aio::wd> cb) { aio::wd_open(t.path(), std::move(cb), ctx); });
    ASSERT_TRUE(w && *w);
    auto r = load(ctx, aio::path_arg(**w, "f"));
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->data, "in wd");
    // an absolute path ignores the wd
    auto a = load(ctx, aio::path_arg(**w, t / "f"));
    ASSERT_TRUE(a && *a);
    EXPECT_EQ((*a)->data, "in wd");
}

TEST(Load, SameAsIoAio) {
    if (!have_io_aio()) GTEST_SKIP() << "perl IO::AIO not installed";
    temp_dir t;
    std::string data = pattern(70000, 7);
    write_file(t / "f", data);
    std::string out;
    ASSERT_EQ(run("perl -MIO::AIO -e 'my $d; aio_load $ARGV[0], $d, sub { print \"$_[0] \", "
                  "length $d }; IO::AIO::flush' " +
                      shell_quote(t / "f"),
                  &out),
              0);
    aio::context ctx;
    auto r = load(ctx, t / "f");
    ASSERT_TRUE(r && *r);
    EXPECT_EQ(out, std::to_string((*r)->bytes) + " " + std::to_string((*r)->data.size()));
}

// ---- copy --------------------------------------------------------------------------------

// A source with an owner, a mode and nanosecond times.
void make_source(const std::string& p, const std::string& data, mode_t mode = 0640) {
    write_file(p, data, mode);
    ASSERT_EQ(::chown(p.c_str(), 1234, 5678), 0);
    ASSERT_EQ(::chmod(p.c_str(), mode), 0);
    set_times(p, ts(1500000000, 123456789), ts(1400000000, 987654321));
}

TEST(Copy, SameAsCpP) {
    temp_dir t;
    ::mkdir((t / "s").c_str(), 0755);
    make_source(t / "s/f", pattern(300000));
    auto before = take_snapshot(t / "s");
    ::mkdir((t / "ours").c_str(), 0755);
    aio::context ctx;
    auto r = copy(ctx, t / "s/f", t / "ours/f");
    ASSERT_TRUE(r && *r) << (r ? r->error().message() : "no callback");
    EXPECT_EQ(ctx.nreqs(), 0u);
    set_times(t / "ours", lstat_of(t / "s").st_atim, lstat_of(t / "s").st_mtim);
    EXPECT_TRUE(same_tree(before, take_snapshot(t / "ours")));
    // cp -p makes the same file (but with the atime our read gave the source)
    ::mkdir((t / "cpp").c_str(), 0755);
    ASSERT_EQ(run("cp -p " + shell_quote(t / "s/f") + " " + shell_quote(t / "cpp/f")), 0);
    aio::testing::snapshot_options no_atime;
    no_atime.atimes = false;
    EXPECT_TRUE(
        same_tree(take_snapshot(t / "cpp/f", no_atime), take_snapshot(t / "ours/f", no_atime)));
}

TEST(Copy, KeepsSetIdBitsThatChownClears) {
    temp_dir t;
    make_source(t / "s", "#!/bin/sh\n", 06755);
    ASSERT_EQ(lstat_of(t / "s").st_mode & 07777, 06755u);
    aio::context ctx;
    auto r = copy(ctx, t / "s", t / "d");
    ASSERT_TRUE(r && *r);
    auto st = lstat_of(t / "d");
    EXPECT_EQ(st.st_mode & 07777, 06755u);
    EXPECT_EQ(st.st_uid, 1234u);
    EXPECT_EQ(st.st_gid, 5678u);
}

TEST(Copy, TruncatesAnExistingDestination) {
    temp_dir t;
    make_source(t / "s", "short");
    write_file(t / "d", pattern(100000), 0604);
    aio::context ctx;
    auto r = copy(ctx, t / "s", t / "d");
    ASSERT_TRUE(r && *r);
    EXPECT_EQ(read_file(t / "d"), "short");
    EXPECT_EQ(lstat_of(t / "d").st_mode & 07777, 0640u);
}

TEST(Copy, EmptyFile) {
    temp_dir t;
    make_source(t / "s", "");
    aio::context ctx;
    auto r = copy(ctx, t / "s", t / "d");
    ASSERT_TRUE(r && *r);
    EXPECT_EQ(lstat_of(t / "d").st_size, 0);
    EXPECT_EQ(lstat_of(t / "d").st_mtim.tv_nsec, 987654321);
}

TEST(Copy, KeepsHoles) {
    temp_dir t;
    std::string s = t / "sparse";
    int fd = ::open(s.c_str(), O_WRONLY | O_CREAT, 0644);
    ASSERT_GE(fd, 0);
    std::string blk(8192, 'D');
    ASSERT_EQ(::pwrite(fd, blk.data(), blk.size(), 4 << 20), 8192);
    ASSERT_EQ(::pwrite(fd, blk.data(), blk.size(), 9 << 20), 8192);
    ASSERT_EQ(::ftruncate(fd, 16 << 20), 0);
    ::close(fd);
    auto a = take_snapshot(s);
    aio::context ctx;
    auto r = copy(ctx, s, t / "d");
    ASSERT_TRUE(r && *r);
    auto b = take_snapshot(t / "d");
    EXPECT_TRUE(same_tree(a, b));  // includes the SEEK_DATA/SEEK_HOLE map
    EXPECT_EQ(a["."].data_map.size(), 2u);
    EXPECT_LE(lstat_of(t / "d").st_blocks, lstat_of(s).st_blocks);
}

TEST(Copy, OntoItselfIsRefusedAndHarmless) {
    temp_dir t;
    make_source(t / "s", "precious");
    ASSERT_EQ(::link((t / "s").c_str(), (t / "alias").c_str()), 0);
    aio::context ctx;
    EXPECT_EQ(copy(ctx, t / "s", t / "s")->err(), EINVAL);
    EXPECT_EQ(copy(ctx, t / "s", t / "alias")->err(), EINVAL);
    EXPECT_EQ(read_file(t / "s"), "precious");
    EXPECT_EQ(lstat_of(t / "s").st_nlink, 2u);
}

TEST(Copy, DirectoriesAreRefused) {
    temp_dir t;
    ::mkdir((t / "dir").c_str(), 0755);
    write_file(t / "f", "x");
    aio::context ctx;
    EXPECT_EQ(copy(ctx, t / "dir", t / "d")->err(), EISDIR);
    EXPECT_FALSE(exists(t / "d"));  // IO::AIO 4.80 leaves a mode 0200 file here
    EXPECT_EQ(copy(ctx, t / "f", t / "dir")->err(), EISDIR);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(Copy, Errors) {
    temp_dir t;
    write_file(t / "f", "x");
    aio::context ctx;
    EXPECT_EQ(copy(ctx, t / "missing", t / "d")->err(), ENOENT);
    EXPECT_FALSE(exists(t / "d"));
    EXPECT_EQ(copy(ctx, t / "f", t / "nodir/d")->err(), ENOENT);
    EXPECT_EQ(copy(ctx, t / "f/x", t / "d")->err(), ENOTDIR);
    EXPECT_EQ(copy(ctx, std::string("a\0b", 3), t / "d")->err(), EINVAL);
    EXPECT_EQ(copy(ctx, t / "f", std::string("d\0e", 3))->err(), EINVAL);
    EXPECT_EQ(copy(ctx, aio::path_arg(aio::wd(), "f"), t / "d")->err(), ENOENT);
    EXPECT_EQ(copy(ctx, t / "f", aio::path_arg(aio::wd(), "d"))->err(), ENOENT);
    EXPECT_FALSE(exists(t / "d"));
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(Copy, WorkingDirectory) {
    temp_dir t;
    make_source(t / "s", "wd copy");
    aio::context ctx;
    auto w = run_one<aio::wd>(
        ctx, [&](aio::callback<aio::wd> cb) { aio::wd_open(t.path(), std::move(cb), ctx); });
    ASSERT_TRUE(w && *w);
    auto r = copy(ctx, aio::path_arg(**w, "s"), aio::path_arg(**w, "d"));
    ASSERT_TRUE(r && *r);
    EXPECT_EQ(read_file(t / "d"), "wd copy");
    auto a = copy(ctx, aio::path_arg(**w, t / "s"), aio::path_arg(**w, t / "d2"));
    ASSERT_TRUE(a && *a);
    EXPECT_EQ(read_file(t / "d2"), "wd copy");
}

TEST(Copy, AcrossFilesystems) {
    temp_dir disk;
    temp_dir shm_dir("aiopp-shm");
    std::string shm = "/dev/shm/aiopp-copy-" + std::to_string(::getpid());
    ASSERT_EQ(::mkdir(shm.c_str(), 0755), 0);
    make_source(shm + "/s", pattern(2 << 20, 3));
    auto before = take_snapshot(shm + "/s");  // copy() reads without O_NOATIME
    aio::context ctx;
    auto r = copy(ctx, shm + "/s", disk / "d");
    ASSERT_TRUE(r && *r);
    EXPECT_TRUE(same_tree(before, take_snapshot(disk / "d")));
    set_times(disk / "d", before["."].atime, before["."].mtime);
    auto back = copy(ctx, disk / "d", shm + "/back");
    ASSERT_TRUE(back && *back);
    EXPECT_TRUE(same_tree(before, take_snapshot(shm + "/back")));
    run("rm -rf " + shell_quote(shm));
}

TEST(Copy, StepsRunAtTheCallersPriority) {
    temp_dir t;
    write_file(t / "s", "p");
    aio::context ctx;
    ctx.max_parallel(0);  // queue without executing
    aio::pri(3);
    auto h = aio::copy(t / "s", t / "d", {}, ctx);
    EXPECT_EQ(aio::pri(), 0);  // the composite consumed the next-request priority
    EXPECT_EQ(h.priority(), 3);
    EXPECT_EQ(ctx.nreqs(), 2u);  // the group and its first step
    auto* g = static_cast<aio::detail::group_req*>(h.native());
    ASSERT_NE(g->first, nullptr);
    EXPECT_EQ(g->first->pri, 3);
    ctx.max_parallel(4);
    ctx.min_parallel(4);  // restart the pool
    aio::testing::flush_or_fail(ctx);
    EXPECT_EQ(read_file(t / "d"), "p");
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(Copy, CancelBeforeItStarts) {
    temp_dir t;
    write_file(t / "s", "never");
    aio::context ctx;
    ctx.max_parallel(0);
    bool called = false;
    auto h = aio::copy(
        t / "s", t / "d", [&](aio::result<void>) { called = true; }, ctx);
    h.cancel();
    ctx.max_parallel(4);
    ctx.min_parallel(4);  // restart the pool
    aio::testing::flush_or_fail(ctx);
    EXPECT_FALSE(called);
    EXPECT_EQ(ctx.nreqs(), 0u);
    EXPECT_FALSE(exists(t / "d"));
}

TEST(Copy, SameAsIoAioExceptWhereIoAioIsWrong) {
    if (!have_io_aio()) GTEST_SKIP() << "perl IO::AIO not installed";
    temp_dir t;
    make_source(t / "s", pattern(50000, 9), 04750);
    ASSERT_EQ(::chmod((t / "s").c_str(), 04750), 0);
    set_times(t / "s", ts(1500000000, 123456789), ts(1400000000, 987654321));
    ASSERT_EQ(run("perl -MIO::AIO -e 'aio_copy $ARGV[0], $ARGV[1], sub { exit 1 if $_[0] }; "
                  "IO::AIO::flush' " +
                  shell_quote(t / "s") + " " + shell_quote(t / "perl")),
              0);
    set_times(t / "s", ts(1500000000, 123456789), ts(1400000000, 987654321));
    aio::context ctx;
    auto r = copy(ctx, t / "s", t / "ours");
    ASSERT_TRUE(r && *r);
    auto p = lstat_of(t / "perl"), o = lstat_of(t / "ours");
    EXPECT_EQ(read_file(t / "perl"), read_file(t / "ours"));
    EXPECT_EQ(p.st_uid, o.st_uid);
    EXPECT_EQ(p.st_gid, o.st_gid);
    // IO::AIO's chown after its chmod drops the set-user-ID bit; we keep it
    EXPECT_EQ(p.st_mode & 07777, 0750u);
    EXPECT_EQ(o.st_mode & 07777, 04750u);
    // IO::AIO takes whole seconds from Perl's stat; we keep nanoseconds
    EXPECT_EQ(p.st_mtim.tv_sec, o.st_mtim.tv_sec);
    EXPECT_EQ(p.st_mtim.tv_nsec, 0);
    EXPECT_EQ(o.st_mtim.tv_nsec, 987654321);
    EXPECT_EQ(p.st_atim.tv_sec, o.st_atim.tv_sec);
}

TEST(Copy, IoAioLeavesAPartialDestinationWeDoNot) {
    if (!have_io_aio()) GTEST_SKIP() << "perl IO::AIO not installed";
    temp_dir t;
    ::mkdir((t / "dir").c_str(), 0755);
    // IO::AIO 4.80: the failing sendfile's callback dies in "aioreq $pri"
    // (a typo for aioreq_pri) before it unlinks the destination.
    run("perl -MIO::AIO -e 'aio_copy $ARGV[0], $ARGV[1], sub {}; eval { IO::AIO::flush }' " +
        shell_quote(t / "dir") + " " + shell_quote(t / "perl"));
    EXPECT_TRUE(exists(t / "perl"));
    aio::context ctx;
    EXPECT_EQ(copy(ctx, t / "dir", t / "ours")->err(), EISDIR);
    EXPECT_FALSE(exists(t / "ours"));
    // onto itself: 4.80 truncates the file (O_TRUNC) before it fails; we refuse
    write_file(t / "perlself", "precious");
    write_file(t / "ourself", "precious");
    run("perl -MIO::AIO -e 'aio_copy $ARGV[0], $ARGV[0], sub {}; eval { IO::AIO::flush }' " +
        shell_quote(t / "perlself"));
    EXPECT_EQ(read_file(t / "perlself"), "");
    EXPECT_EQ(copy(ctx, t / "ourself", t / "ourself")->err(), EINVAL);
    EXPECT_EQ(read_file(t / "ourself"), "precious");
}

// ---- move --------------------------------------------------------------------------------

TEST(Move, RenamesOnOneFilesystem) {
    temp_dir t;
    make_source(t / "s", "moved");
    ino_t ino = lstat_of(t / "s").st_ino;
    aio::context ctx;
    auto r = move(ctx, t / "s", t / "d");
    ASSERT_TRUE(r && *r);
    EXPECT_FALSE(exists(t / "s"));
    EXPECT_EQ(lstat_of(t / "d").st_ino, ino);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(Move, CopiesAndUnlinksAcrossFilesystems) {
    temp_dir disk;
    std::string shm = "/dev/shm/aiopp-move-" + std::to_string(::getpid());
    ASSERT_EQ(::mkdir(shm.c_str(), 0755), 0);
    make_source(shm + "/s", pattern(1 << 20, 5));
    auto before = take_snapshot(shm + "/s");
    aio::context ctx;
    auto r = move(ctx, shm + "/s", disk / "d");
    ASSERT_TRUE(r && *r) << (r ? r->error().message() : "");
    EXPECT_FALSE(exists(shm + "/s"));
    EXPECT_TRUE(same_tree(before, take_snapshot(disk / "d")));
    run("rm -rf " + shell_quote(shm));
}

TEST(Move, Errors) {
    temp_dir t;
    aio::context ctx;
    EXPECT_EQ(move(ctx, t / "missing", t / "d")->err(), ENOENT);
    EXPECT_EQ(move(ctx, std::string("a\0b", 3), t / "d")->err(), EINVAL);
    // a directory across filesystems: the copy refuses it, the source stays
    std::string shm = "/dev/shm/aiopp-movedir-" + std::to_string(::getpid());
    ASSERT_EQ(::mkdir(shm.c_str(), 0755), 0);
    EXPECT_EQ(move(ctx, shm, t / "d")->err(), EISDIR);
    EXPECT_TRUE(exists(shm));
    EXPECT_FALSE(exists(t / "d"));
    ::rmdir(shm.c_str());
}

TEST(Move, WorkingDirectory) {
    temp_dir t;
    write_file(t / "a", "wd move");
    write_file(t / "b", "abs move");
    aio::context ctx;
    auto w = run_one<aio::wd>(
        ctx, [&](aio::callback<aio::wd> cb) { aio::wd_open(t.path(), std::move(cb), ctx); });
    ASSERT_TRUE(w && *w);
    auto r = move(ctx, aio::path_arg(**w, "a"), aio::path_arg(**w, "a2"));
    ASSERT_TRUE(r && *r);
    EXPECT_EQ(read_file(t / "a2"), "wd move");
    EXPECT_FALSE(exists(t / "a"));
    auto a = move(ctx, aio::path_arg(**w, t / "b"), aio::path_arg(**w, t / "b2"));
    ASSERT_TRUE(a && *a);
    EXPECT_EQ(read_file(t / "b2"), "abs move");
    EXPECT_EQ(move(ctx, aio::path_arg(aio::wd(), "a2"), t / "x")->err(), ENOENT);
    EXPECT_TRUE(exists(t / "a2"));
}

// ---- pathsync ------------------------------------------------------------------------------

TEST(Pathsync, DirectoriesAndFiles) {
    temp_dir t;
    write_file(t / "f", "x");
    aio::context ctx;
    auto sync = [&](const aio::path_arg& p) {
        return *run_one<void>(
            ctx, [&](aio::callback<void> cb) { aio::pathsync(p, std::move(cb), ctx); });
    };
    EXPECT_TRUE(sync(t.path()));
    EXPECT_TRUE(sync(t / "f"));
    EXPECT_EQ(sync(t / "missing").err(), ENOENT);
    EXPECT_EQ(sync(std::string("a\0b", 3)).err(), EINVAL);
    auto w = run_one<aio::wd>(
        ctx, [&](aio::callback<aio::wd> cb) { aio::wd_open(t.path(), std::move(cb), ctx); });
    ASSERT_TRUE(w && *w);
    EXPECT_TRUE(sync(**w));
    EXPECT_TRUE(sync(aio::path_arg(**w, "f")));
    EXPECT_TRUE(sync(aio::path_arg(**w, t / "f")));
    EXPECT_EQ(sync(aio::path_arg(aio::wd(), "f")).err(), ENOENT);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

// ---- faults (aiopp-testfs) ----------------------------------------------------------------

#ifdef AIOPP_HAVE_TESTFS

std::string hash_of(const std::string& p) {
    return std::to_string(std::hash<std::string>{}(read_file(p)));
}

TEST(CopyFaults, ReadErrorRemovesTheDestination) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--fail=read:/bad.bin:EIO");
    temp_dir t;
    std::string data = pattern(1 << 20, 11);
    write_file(fs->in_backing("bad.bin"), data);
    aio::context ctx;
    auto r = copy(ctx, fs->in_mount("bad.bin"), t / "d");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->err(), EIO);
    EXPECT_FALSE(exists(t / "d"));
    EXPECT_EQ(read_file(fs->in_backing("bad.bin")), data);
}

TEST(CopyFaults, NoSpaceRemovesTheDestination) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--enospc-after=100000");
    temp_dir t;
    std::string data = pattern(1 << 20, 12);
    write_file(t / "s", data);
    aio::context ctx;
    auto r = copy(ctx, t / "s", fs->in_mount("d"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->err(), ENOSPC);
    EXPECT_FALSE(exists(fs->in_backing("d")));
    EXPECT_EQ(read_file(t / "s"), data);
    // the same within the mount (copy_file_range reaches the filesystem)
    write_file(fs->in_backing("s2"), data);
    auto w = copy(ctx, fs->in_mount("s2"), fs->in_mount("d2"));
    ASSERT_TRUE(w);
    EXPECT_EQ(w->err(), ENOSPC);
    EXPECT_FALSE(exists(fs->in_backing("d2")));
}

TEST(CopyFaults, OpenErrors) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--fail=open:/secret:EACCES", "--fail=create:/ro/*:EACCES");
    temp_dir t;
    write_file(fs->in_backing("secret"), "s");
    ::mkdir(fs->in_backing("ro").c_str(), 0755);
    write_file(t / "s", "x");
    aio::context ctx;
    EXPECT_EQ(copy(ctx, fs->in_mount("secret"), t / "d")->err(), EACCES);
    EXPECT_FALSE(exists(t / "d"));
    EXPECT_EQ(copy(ctx, t / "s", fs->in_mount("ro/d"))->err(), EACCES);
    EXPECT_FALSE(exists(fs->in_backing("ro/d")));
}

TEST(CopyFaults, CancelDuringTheDataLeavesNoDestination) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--latency-read=20000");
    temp_dir t;
    std::string data = pattern(4 << 20, 13);
    write_file(fs->in_backing("slow"), data);
    aio::context ctx;
    bool called = false;
    auto h = aio::copy(
        fs->in_mount("slow"), t / "d", [&](aio::result<void>) { called = true; }, ctx);
    // wait until the data step has created the destination
    for (int i = 0; i < 2000 && !exists(t / "d") && !h.done(); ++i) {
        ctx.poll_cb();
        ::usleep(1000);
    }
    EXPECT_TRUE(exists(t / "d"));
    h.cancel();
    aio::testing::flush_or_fail(ctx);
    EXPECT_FALSE(called);
    EXPECT_EQ(ctx.nreqs(), 0u);
    EXPECT_FALSE(exists(t / "d"));
    EXPECT_EQ(read_file(fs->in_backing("slow")), data);
}

TEST(MoveFaults, FailedCopyKeepsTheSource) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--fail=read:/s:EIO");
    temp_dir t;
    write_file(fs->in_backing("s"), pattern(100000, 14));
    std::string h = hash_of(fs->in_backing("s"));
    aio::context ctx;
    auto r = move(ctx, fs->in_mount("s"), t / "d");  // EXDEV, then the copy fails
    ASSERT_TRUE(r);
    EXPECT_EQ(r->err(), EIO);
    EXPECT_EQ(hash_of(fs->in_backing("s")), h);
    EXPECT_FALSE(exists(t / "d"));
}

TEST(MoveFaults, UnlinkFailureIsReported) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--fail=unlink:/s*:EPERM");
    temp_dir t;
    write_file(fs->in_backing("s1"), "one");
    write_file(fs->in_backing("s2"), "two");
    aio::context ctx;
    auto r = move(ctx, fs->in_mount("s1"), t / "d1");  // EXDEV: copy, then the unlink fails
    ASSERT_TRUE(r);
    EXPECT_EQ(r->err(), EPERM);
    EXPECT_EQ(read_file(t / "d1"), "one");  // the copy is complete
    EXPECT_TRUE(exists(fs->in_backing("s1")));
    if (!have_io_aio()) return;
    // IO::AIO 4.80 reports success although the source stays
    std::string out;
    run("perl -MIO::AIO -e 'aio_move $ARGV[0], $ARGV[1], sub { print $_[0] }; IO::AIO::flush' " +
            shell_quote(fs->in_mount("s2")) + " " + shell_quote(t / "d2"),
        &out);
    EXPECT_EQ(out, "0");
    EXPECT_TRUE(exists(fs->in_backing("s2")));
}

#endif  // AIOPP_HAVE_TESTFS

}  // namespace
