// scandir: the split compared with readdir(3) + lstat(2) on generated trees,
// on the FUSE test filesystem without d_type (the stat heuristics) and with
// slow lookups (requests overlap, bounded by maxreq), errors, bad input,
// working directories, priority, cancellation; and against IO::AIO 4.80's
// aio_scandir when Perl's IO::AIO is installed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tree_helpers.hpp"
#if AIOPP_HAVE_TESTFS
#include "testfs.hpp"
#endif

namespace {

using aio::testing::temp_dir;
using aio::testing::write_file;
using namespace tree_test;

std::string with_nul(const std::string& p) {
    return p + std::string(1, '\0') + "x";
}

// scandir every directory below root (through `scan_root`, e.g. a mount) and
// compare each with the synchronous split of the same directory under
// `truth_root` (e.g. the backing directory). Recurses with {result.dir, name}.
void expect_tree_matches(aio::context& ctx, const aio::path_arg& dir, const std::string& truth,
                         int maxreq = 0) {
    auto r = scan(ctx, dir, maxreq);
    ASSERT_TRUE(r) << truth << ": " << r.error().message();
    EXPECT_EQ(sorted(*r), sync_split(truth)) << truth;
    for (const auto& d : r->dirs)
        expect_tree_matches(ctx, {r->dir, d}, truth + "/" + d, maxreq);
}

TEST(Scandir, SplitMatchesReaddirAndLstat) {
    temp_dir tmp("aiopp-scandir");
    make_mixed_dir(tmp.path());
    aio::context ctx;
    auto r = scan(ctx, tmp.path());
    ASSERT_TRUE(r) << r.error().message();
    auto want = sync_split(tmp.path());
    EXPECT_EQ(sorted(*r), want);
    // symlinks to directories (and loops, and "/") are non-directories
    for (const char* n : {"link_dir", "link_root", "loop", "dangling", "fifo", "noext"})
        EXPECT_NE(std::find(r->nondirs.begin(), r->nondirs.end(), n), r->nondirs.end()) << n;
    EXPECT_NE(std::find(r->dirs.begin(), r->dirs.end(), "new\nline"), r->dirs.end());
    expect_tree_matches(ctx, tmp.path(), tmp.path());
}

TEST(Scandir, TenThousandEntries) {
    temp_dir tmp("aiopp-scandir");
    std::string big = tmp / "big";
    mkdir_p(big);
    for (int i = 0; i < 10000; ++i) {
        std::string n = big + "/e" + std::to_string(i);
        if (i % 100 == 0)
            mkdir_p(n);
        else if (i % 100 == 1)
            symlink_to("e0", n);
        else
            write_file(n, "");
    }
    aio::context ctx;
    auto r = scan(ctx, big);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->dirs.size(), 100u);
    EXPECT_EQ(r->nondirs.size(), 9900u);
    EXPECT_EQ(sorted(*r), sync_split(big));
}

TEST(Scandir, EmptyDirectory) {
    temp_dir tmp("aiopp-scandir");
    aio::context ctx;
    auto r = scan(ctx, tmp.path());
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->dirs.empty());
    EXPECT_TRUE(r->nondirs.empty());
}

TEST(Scandir, ResultDirIsTheDirectory) {
    temp_dir tmp("aiopp-scandir");
    make_mixed_dir(tmp.path());
    aio::context ctx;
    auto r = scan(ctx, tmp.path());
    ASSERT_TRUE(r);
    char* real = ::realpath(tmp.path().c_str(), nullptr);
    ASSERT_NE(real, nullptr);
    EXPECT_EQ(r->dir.path(), real);
    ::free(real);
    struct stat a, b;
    ASSERT_EQ(::fstat(r->dir.fd(), &a), 0);
    ASSERT_EQ(::stat(tmp.path().c_str(), &b), 0);
    EXPECT_EQ(a.st_ino, b.st_ino);
    // names relative to it: a plain name gets the joined canonical path
    auto sub = scan(ctx, {r->dir, "d1"});
    ASSERT_TRUE(sub);
    EXPECT_EQ(sub->dir.path(), r->dir.path() + "/d1");
    EXPECT_EQ(sorted(*sub), sync_split(tmp / "d1"));
    // the wd alone means the directory itself
    auto again = scan(ctx, r->dir);
    ASSERT_TRUE(again);
    EXPECT_EQ(sorted(*again), sorted(*r));
    // a symlink is followed (without SCANDIR_NOFOLLOW) and canonicalised
    auto via_link = scan(ctx, {r->dir, "link_dir"});
    ASSERT_TRUE(via_link);
    EXPECT_EQ(via_link->dir.path(), r->dir.path() + "/d1");
    EXPECT_EQ(sorted(*via_link), sync_split(tmp / "d1"));
}

TEST(Scandir, WorkingDirectories) {
    temp_dir tmp("aiopp-scandir");
    make_mixed_dir(tmp.path());
    aio::context ctx;
    aio::wd w;
    aio::wd_open(
        tmp.path(), [&](aio::result<aio::wd> r) { w = r.value_or(aio::wd{}); }, ctx);
    aio::testing::flush_or_fail(ctx);
    ASSERT_TRUE(w);
    auto rel = scan(ctx, {w, "d1"});
    ASSERT_TRUE(rel) << rel.error().message();
    EXPECT_EQ(sorted(*rel), sync_split(tmp / "d1"));
    auto multi = scan(ctx, {w, "d1/sub"});
    ASSERT_TRUE(multi);
    EXPECT_EQ(multi->dir.path(), w.path() + "/d1/sub");
    // an absolute path ignores the wd
    aio::wd elsewhere;
    aio::wd_open(
        "/", [&](aio::result<aio::wd> r) { elsewhere = r.value_or(aio::wd{}); }, ctx);
    aio::testing::flush_or_fail(ctx);
    auto abs = scan(ctx, {elsewhere, tmp / "d2"});
    ASSERT_TRUE(abs);
    EXPECT_EQ(sorted(*abs), sync_split(tmp / "d2"));
    // relative to the process working directory
    std::string old = std::filesystem::current_path();
    ASSERT_EQ(::chdir(tmp.path().c_str()), 0);
    auto cwd_rel = scan(ctx, "d1");
    ASSERT_EQ(::chdir(old.c_str()), 0);
    ASSERT_TRUE(cwd_rel);
    EXPECT_EQ(sorted(*cwd_rel), sync_split(tmp / "d1"));
}

TEST(Scandir, Errors) {
    temp_dir tmp("aiopp-scandir");
    make_mixed_dir(tmp.path());
    aio::context ctx;
    EXPECT_EQ(scan(ctx, tmp / "missing").err(), ENOENT);
    EXPECT_EQ(scan(ctx, tmp / "file.txt").err(), ENOTDIR);
    EXPECT_EQ(scan(ctx, tmp / "dangling").err(), ENOENT);
    EXPECT_EQ(scan(ctx, tmp / "loop").err(), ELOOP);
    EXPECT_EQ(scan(ctx, tmp / "fifo").err(), ENOTDIR);
    // SCANDIR_NOFOLLOW: a symlink to a directory is not a directory
    EXPECT_EQ(scan(ctx, tmp / "link_dir", 0, aio::SCANDIR_NOFOLLOW).err(), ENOTDIR);
    EXPECT_TRUE(scan(ctx, tmp / "link_dir", 0, 0));
    EXPECT_TRUE(scan(ctx, tmp / "d1", 0, aio::SCANDIR_NOFOLLOW));
    // bad input arrives through the callback
    EXPECT_EQ(scan(ctx, with_nul(tmp.path())).err(), EINVAL);
    EXPECT_EQ(scan(ctx, "").err(), ENOENT);
    EXPECT_EQ(scan(ctx, {aio::wd{}, "d1"}).err(), ENOENT);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(Scandir, PermissionDeniedAsUnprivilegedChild) {
    // Root reads anything: check EACCES as nobody in a child.
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop privileges";
    temp_dir tmp("aiopp-scandir");
    ASSERT_EQ(::chmod(tmp.path().c_str(), 0755), 0);
    mkdir_p(tmp / "closed", 0700);
    touch(tmp / "closed/inner");
    mkdir_p(tmp / "searchonly", 0711);  // may be entered, not read
    mkdir_p(tmp / "open");
    mkdir_p(tmp / "open/shut", 0700);
    int rc = as_nobody([&] {
        aio::context ctx;
        auto closed = scan(ctx, tmp / "closed");
        auto searchonly = scan(ctx, tmp / "searchonly");
        auto open = scan(ctx, tmp / "open");
        if (closed.err() != EACCES) return 20;
        if (searchonly.err() != EACCES) return 21;
        if (!open || open->dirs != names{"shut"}) return 22;
        if (scan(ctx, {open->dir, "shut"}).err() != EACCES) return 23;
        return ::testing::Test::HasFailure() ? 24 : 0;
    });
    EXPECT_EQ(rc, 0);
}

TEST(Scandir, DirectoryRemovedBeforeItIsRead) {
    // Hold the only worker, queue the scandir, remove the directory: the scan
    // reports ENOENT (nothing half-done, no crash).
    temp_dir tmp("aiopp-scandir");
    mkdir_p(tmp / "gone");
    touch(tmp / "gone/f");
    aio::context ctx(aio::context_options{aio::executor_kind::pool});
    ctx.max_parallel(1);
    aio::busy(0.05, {}, ctx);
    std::optional<aio::result<aio::scandir_t>> out;
    aio::scandir(
        tmp / "gone", 0, [&](aio::result<aio::scandir_t> r) { out.emplace(std::move(r)); }, ctx);
    ASSERT_EQ(::unlink((tmp / "gone/f").c_str()), 0);
    ASSERT_EQ(::rmdir((tmp / "gone").c_str()), 0);
    aio::testing::flush_or_fail(ctx);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->err(), ENOENT);
}

TEST(Scandir, StepsRunAtTheCallersPriority) {
    // One worker, held busy; a nop (priority 0) is queued before a scandir at
    // priority 4: the scandir's read step must run first.
    temp_dir tmp("aiopp-scandir");
    aio::context ctx(aio::context_options{aio::executor_kind::pool});
    ctx.max_parallel(1);
    aio::busy(0.05, {}, ctx);
    std::vector<std::string> order;
    aio::nop([&](aio::result<void>) { order.push_back("nop"); }, ctx);
    aio::pri(4);
    auto h = aio::scandir(
        tmp.path(), 0, [&](aio::result<aio::scandir_t>) { order.push_back("scandir"); }, ctx);
    EXPECT_EQ(h.priority(), 4);
    EXPECT_EQ(aio::pri(), 0);  // consumed
    aio::testing::flush_or_fail(ctx);
    EXPECT_EQ(order, (std::vector<std::string>{"scandir", "nop"}));
}

TEST(Scandir, CancelBeforeItRuns) {
    temp_dir tmp("aiopp-scandir");
    make_mixed_dir(tmp.path());
    aio::context ctx(aio::context_options{aio::executor_kind::pool});
    int fds = open_fds();
    ctx.max_parallel(1);
    aio::busy(0.05, {}, ctx);
    int calls = 0;
    auto h = aio::scandir(
        tmp.path(), 0, [&](aio::result<aio::scandir_t>) { ++calls; }, ctx);
    h.cancel();
    aio::testing::flush_or_fail(ctx);
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(ctx.nreqs(), 0u);
    EXPECT_TRUE(h.cancelled());
    EXPECT_EQ(open_fds(), fds);
}

TEST(Scandir, ResultDescriptorIsClosedWithTheWd) {
    temp_dir tmp("aiopp-scandir");
    aio::context ctx;
    int fds = open_fds();
    {
        auto r = scan(ctx, tmp.path());
        ASSERT_TRUE(r);
        EXPECT_EQ(open_fds(), fds + 1);
    }
    EXPECT_EQ(open_fds(), fds);
}

TEST(Scandir, CloseLeavesReturnsNoDescriptorForLeaves) {
    temp_dir tmp("aiopp-scandir");
    make_mixed_dir(tmp.path());
    aio::context ctx;
    int fds = open_fds();
    auto leaf = scan(ctx, tmp / "d2", 0, aio::SCANDIR_CLOSE_LEAVES);
    ASSERT_TRUE(leaf);
    EXPECT_TRUE(leaf->dir.is_null());
    EXPECT_EQ(open_fds(), fds);  // closed although the result is alive
    EXPECT_EQ(sorted(*leaf), sync_split(tmp / "d2"));
    auto inner = scan(ctx, tmp / "d1", 0, aio::SCANDIR_CLOSE_LEAVES);
    ASSERT_TRUE(inner);
    ASSERT_FALSE(inner->dir.is_null());  // has "sub": kept to recurse
    EXPECT_EQ(open_fds(), fds + 1);
    auto sub = scan(ctx, {inner->dir, "sub"}, 0, aio::SCANDIR_CLOSE_LEAVES);
    ASSERT_TRUE(sub);
    EXPECT_TRUE(sub->dir.is_null());
}

// ---- IO::AIO 4.80 -------------------------------------------------------------------

TEST(Scandir, SameSplitAsIoAio) {
    if (aio::testing::run("perl -MIO::AIO -e1 2>/dev/null") != 0)
        GTEST_SKIP() << "Perl's IO::AIO is not installed";
    temp_dir tmp("aiopp-scandir");
    make_mixed_dir(tmp.path());
    // names NUL-separated, dirs then a lone "--" record, then nondirs
    std::string script =
        "perl -MIO::AIO -e 'aio_scandir $ARGV[0], 0, sub { my ($d, $n) = @_ or exit 1;"
        " print join(\"\\0\", @$d, \"--\", @$n) }; IO::AIO::flush' " +
        aio::testing::shell_quote(tmp.path());
    std::string out;
    ASSERT_EQ(aio::testing::run(script, &out), 0);
    names dirs, nondirs;
    bool second = false;
    std::stringstream ss(out);
    for (std::string item; std::getline(ss, item, '\0');) {
        if (item == "--")
            second = true;
        else
            (second ? nondirs : dirs).push_back(item);
    }
    std::sort(dirs.begin(), dirs.end());
    std::sort(nondirs.begin(), nondirs.end());
    aio::context ctx;
    auto r = scan(ctx, tmp.path());
    ASSERT_TRUE(r);
    EXPECT_EQ(sorted(*r), std::make_pair(dirs, nondirs));
}

// ---- the FUSE test filesystem -----------------------------------------------------------

#if AIOPP_HAVE_TESTFS

// With d_type hidden, scandir must fall back to the link count and stats and
// still produce exactly the backing directory's split.
TEST(ScandirTestfs, NoDtypeSameSplitAsBacking) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--no-dtype");
    std::string root = fs->in_backing("t");
    mkdir_p(root);
    make_mixed_dir(root);
    mkdir_p(root + "/many");
    for (int i = 0; i < 300; ++i) {
        std::string n = root + "/many/n" + std::to_string(i);
        if (i % 10 == 0)
            mkdir_p(n);
        else
            touch(n + ".f");
    }
    // directories aged (link counts trusted) and fresh (not trusted) both work
    age(root + "/many");
    aio::context ctx;
    auto r = scan(ctx, fs->in_mount("t"));
    ASSERT_TRUE(r) << r.error().message();
    expect_tree_matches(ctx, fs->in_mount("t"), root);
    expect_tree_matches(ctx, fs->in_mount("t"), root, 1);
}

// The heuristics, observed in the filesystem's trace: with a trusted link
// count, entries after the last directory are never looked up; a directory
// whose link count says "no subdirectories" needs no lookup at all. (maxreq 1
// makes the order strict: with more in flight, a few files may be stat'ed
// while the last directories are still being confirmed, as in IO::AIO.)
TEST(ScandirTestfs, NoDtypeStopsStatingOnceAllDirectoriesAreFound) {
    temp_dir tmp("aiopp-scandir-trace");
    std::string trace = tmp / "trace";
    AIOPP_TESTFS_START_OR_SKIP(fs, "--no-dtype", "--trace=" + trace);
    std::string root = fs->in_backing("t");
    mkdir_p(root);
    mkdir_p(root + "/da");
    mkdir_p(root + "/db");
    for (int i = 0; i < 20; ++i)
        touch(root + "/file" + std::to_string(i) + ".txt");
    mkdir_p(root + "/leaf");
    for (int i = 0; i < 5; ++i)
        touch(root + "/leaf/f" + std::to_string(i));
    age(root);
    age(root + "/leaf");
    aio::context ctx;
    auto r = scan(ctx, fs->in_mount("t"), 1);
    ASSERT_TRUE(r);
    EXPECT_EQ(sorted(*r), sync_split(root));
    auto leaf = scan(ctx, {r->dir, "leaf"}, 1);
    ASSERT_TRUE(leaf);
    EXPECT_EQ(sorted(*leaf), sync_split(root + "/leaf"));
    std::string log = aio::testing::read_file(trace);
    EXPECT_NE(log.find("getattr /t/da"), std::string::npos) << log;  // the trace works
    EXPECT_EQ(log.find(".txt"), std::string::npos) << "a file was looked up:\n" << log;
    EXPECT_EQ(log.find("/t/leaf/f"), std::string::npos) << "a file was looked up:\n" << log;
    // the same directory modified "now": the link count is not trusted
    touch(root + "/new.txt");
    auto fresh = scan(ctx, fs->in_mount("t"), 1);
    ASSERT_TRUE(fresh);
    EXPECT_EQ(sorted(*fresh), sync_split(root));
    log = aio::testing::read_file(trace);
    EXPECT_NE(log.find("getattr /t/new.txt"), std::string::npos) << log;
}

// Slow lookups: the stats of one scandir overlap, never more than maxreq.
TEST(ScandirTestfs, SlowLookupsOverlapUpToMaxreq) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--no-dtype", "--latency-lookup=20000");
    std::string root = fs->in_backing("t");
    mkdir_p(root);
    for (int i = 0; i < 16; ++i) {
        if (i % 2)
            mkdir_p(root + "/d" + std::to_string(i));
        else
            touch(root + "/f" + std::to_string(i));
    }
    // a fresh mtime: the link count is not trusted, every entry is stat'ed
    for (int maxreq : {4, 0, 7}) {
        aio::context ctx;
        std::optional<aio::result<aio::scandir_t>> out;
        auto t0 = std::chrono::steady_clock::now();
        aio::scandir(
            fs->in_mount("t"), maxreq,
            [&](aio::result<aio::scandir_t> r) { out.emplace(std::move(r)); }, ctx);
        std::size_t most = 0;
        while (ctx.nreqs()) {
            ctx.poll_wait();
            most = std::max(most, ctx.nreqs());
            ctx.poll_cb();
            most = std::max(most, ctx.nreqs());
        }
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                        .count();
        ASSERT_TRUE(out && *out);
        EXPECT_EQ(sorted(**out), sync_split(root));
        std::size_t limit = maxreq > 0 ? static_cast<std::size_t>(maxreq) : 4;
        EXPECT_GE(most, 2u) << "requests did not overlap";
        EXPECT_LE(most, limit);
        std::printf(
            "maxreq %d: at most %zu requests in flight, %.0f ms for 16 entries "
            "(2 x 20 ms per lookup)\n",
            maxreq, most, ms);
    }
}

TEST(ScandirTestfs, DirectoryRemovedMidScan) {
    // The directory goes away while its READDIR is delayed: either the scan
    // fails with ENOENT or it returns a subset of what was there.
    AIOPP_TESTFS_START_OR_SKIP(fs, "--no-dtype", "--latency-readdir=100000");
    std::string root = fs->in_backing("t");
    mkdir_p(root);
    std::set<std::string> before;
    for (int i = 0; i < 50; ++i) {
        std::string n = "f" + std::to_string(i);
        touch(root + "/" + n);
        before.insert(n);
    }
    aio::context ctx;
    std::optional<aio::result<aio::scandir_t>> out;
    aio::scandir(
        fs->in_mount("t"), 0, [&](aio::result<aio::scandir_t> r) { out.emplace(std::move(r)); },
        ctx);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    aio::testing::run("rm -rf " + aio::testing::shell_quote(root));
    aio::testing::flush_or_fail(ctx);
    ASSERT_TRUE(out);
    if (!*out) {
        EXPECT_EQ(out->err(), ENOENT) << out->error().message();
    } else {
        EXPECT_TRUE((*out)->dirs.empty());
        for (const auto& n : (*out)->nondirs)
            EXPECT_TRUE(before.count(n)) << n;
    }
    EXPECT_EQ(ctx.nreqs(), 0u);
}

#endif

}  // namespace
