// rmtree: trees removed like `rm -rf` removes them, the status of the final
// rmdir, the first error and its path (permission denied as an unprivileged
// child, compared with rm -rf as the same user; EIO injected by the FUSE test
// filesystem), symlinks never followed, bounded concurrency, cancellation
// mid-way (a consistent subset is left), nreqs and descriptors back to where
// they were.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tree_helpers.hpp"
#if AIOPP_HAVE_TESTFS
#include "testfs.hpp"
#endif

namespace {

using aio::testing::temp_dir;
using aio::testing::write_file;
using namespace tree_test;

struct outcome {
    aio::result<void> status = aio::errno_code(ETIMEDOUT);
    std::shared_ptr<aio::tree_error> error = std::make_shared<aio::tree_error>();
    int calls = 0;
};

outcome remove_tree(aio::context& ctx, aio::path_arg p) {
    outcome o;
    aio::rmtree(
        std::move(p), o.error,
        [&](aio::result<void> r) {
            ++o.calls;
            o.status = r;
        },
        ctx);
    aio::testing::flush_or_fail(ctx);
    EXPECT_EQ(o.calls, 1);
    EXPECT_EQ(ctx.nreqs(), 0u);
    return o;
}

// A tree several levels deep with every kind of entry at each level.
void make_tree(const std::string& root, int depth = 3) {
    mkdir_p(root);
    make_mixed_dir(root);
    if (depth > 1) {
        make_tree(root + "/d1/sub/deeper", depth - 1);
        make_tree(root + "/new\nline/n", depth - 1);
    }
}

TEST(Rmtree, RemovesEverythingLikeRmRf) {
    temp_dir tmp("aiopp-rmtree");
    make_tree(tmp / "a");
    make_tree(tmp / "b");
    ASSERT_EQ(list_tree(tmp / "a"), list_tree(tmp / "b"));
    ASSERT_GT(list_tree(tmp / "a").size(), 50u);
    touch(tmp / "outside");
    aio::context ctx;
    int fds = open_fds();
    auto o = remove_tree(ctx, tmp / "a");
    EXPECT_TRUE(o.status) << o.status.error().message();
    EXPECT_FALSE(o.error->error) << o.error->path;
    ASSERT_EQ(aio::testing::run("rm -rf " + aio::testing::shell_quote(tmp / "b")), 0);
    EXPECT_FALSE(exists(tmp / "a"));
    EXPECT_FALSE(exists(tmp / "b"));
    // symlinks were removed, not followed: their targets are still there
    EXPECT_TRUE(exists(tmp / "outside"));
    EXPECT_TRUE(exists("/"));
    EXPECT_EQ(open_fds(), fds);
}

TEST(Rmtree, WideDirectoryWithBoundedConcurrency) {
    temp_dir tmp("aiopp-rmtree");
    std::string root = tmp / "wide";
    mkdir_p(root);
    for (int i = 0; i < 2000; ++i)
        write_file(root + "/f" + std::to_string(i), "");
    for (int i = 0; i < 20; ++i) {
        mkdir_p(root + "/d" + std::to_string(i));
        for (int j = 0; j < 20; ++j)
            write_file(root + "/d" + std::to_string(i) + "/g" + std::to_string(j), "");
    }
    aio::context ctx;
    bool done = false;
    aio::rmtree(
        root,
        [&](aio::result<void> r) {
            EXPECT_TRUE(r) << r.error().message();
            done = true;
        },
        ctx);
    std::size_t most = 0;
    while (ctx.nreqs()) {
        ctx.poll_wait();
        most = std::max(most, ctx.nreqs());
        ctx.poll_cb();
        most = std::max(most, ctx.nreqs());
    }
    EXPECT_TRUE(done);
    EXPECT_FALSE(exists(root));
    // 16 active steps, plus scandir groups submitted but not yet polled
    EXPECT_LE(most, 32u) << "2400 entries must not all be in flight at once";
}

TEST(Rmtree, WorkingDirectories) {
    temp_dir tmp("aiopp-rmtree");
    make_tree(tmp / "rel", 2);
    make_tree(tmp / "abs", 2);
    aio::context ctx;
    aio::wd w, elsewhere;
    aio::wd_open(
        tmp.path(), [&](aio::result<aio::wd> r) { w = r.value_or(aio::wd{}); }, ctx);
    aio::wd_open(
        "/", [&](aio::result<aio::wd> r) { elsewhere = r.value_or(aio::wd{}); }, ctx);
    aio::testing::flush_or_fail(ctx);
    ASSERT_TRUE(w && elsewhere);
    EXPECT_TRUE(remove_tree(ctx, {w, "rel"}).status);
    EXPECT_FALSE(exists(tmp / "rel"));
    EXPECT_TRUE(remove_tree(ctx, {elsewhere, tmp / "abs"}).status);
    EXPECT_FALSE(exists(tmp / "abs"));
    EXPECT_TRUE(exists(tmp.path()));
}

TEST(Rmtree, ErrorsAreTheFinalRmdirsStatus) {
    temp_dir tmp("aiopp-rmtree");
    touch(tmp / "file");
    mkdir_p(tmp / "target");
    touch(tmp / "target/keep");
    symlink_to("target", tmp / "link");
    aio::context ctx;
    auto missing = remove_tree(ctx, tmp / "missing");
    EXPECT_EQ(missing.status.err(), ENOENT);
    EXPECT_EQ(missing.error->error.value(), ENOENT);
    EXPECT_EQ(missing.error->path, tmp / "missing");
    EXPECT_EQ(missing.error->op, "scandir");
    auto file = remove_tree(ctx, tmp / "file");
    EXPECT_EQ(file.status.err(), ENOTDIR);
    EXPECT_TRUE(exists(tmp / "file"));
    // a symlink is neither followed nor removed (IO::AIO would empty the target)
    auto link = remove_tree(ctx, tmp / "link");
    EXPECT_EQ(link.status.err(), ENOTDIR);
    EXPECT_TRUE(exists(tmp / "link"));
    EXPECT_TRUE(exists(tmp / "target/keep"));
    // bad input
    EXPECT_EQ(remove_tree(ctx, std::string("a\0b", 3)).status.err(), EINVAL);
    EXPECT_EQ(remove_tree(ctx, "").status.err(), ENOENT);
    EXPECT_EQ(remove_tree(ctx, {aio::wd{}, "x"}).status.err(), ENOENT);
    // without the error out-parameter
    int calls = 0;
    aio::rmtree(
        tmp / "missing",
        [&](aio::result<void> r) {
            ++calls;
            EXPECT_EQ(r.err(), ENOENT);
        },
        ctx);
    aio::testing::flush_or_fail(ctx);
    EXPECT_EQ(calls, 1);
}

TEST(Rmtree, ReadOnlyDirectoryAsUnprivilegedChildLikeRmRf) {
    // Root may delete anything: run rmtree and rm -rf as nobody on two copies
    // of a tree with a read-only directory; the same entries must survive.
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to drop privileges";
    temp_dir tmp("aiopp-rmtree");
    ASSERT_EQ(::chmod(tmp.path().c_str(), 0755), 0);
    for (const char* copy : {"a", "b"}) {
        std::string root = tmp / copy;
        make_tree(root, 2);
        mkdir_p(root + "/d2/ro");
        touch(root + "/d2/ro/stuck");
        mkdir_p(root + "/d2/ro/inner");
        ASSERT_EQ(aio::testing::run("chown -hR 65534:65534 " + aio::testing::shell_quote(root)), 0);
        ASSERT_EQ(::chmod((root + "/d2/ro").c_str(), 0555), 0);
    }
    ASSERT_EQ(::chown(tmp.path().c_str(), 65534, 65534), 0);
    int rc = as_nobody([&] {
        aio::context ctx;
        auto o = remove_tree(ctx, tmp / "a");
        if (aio::testing::run("rm -rf " + aio::testing::shell_quote(tmp / "b") + " 2>/dev/null") ==
            0)
            return 20;  // rm -rf should have failed too
        if (o.status.err() != ENOTEMPTY) return 21;
        if (o.error->error.value() != EACCES) return 22;
        if (o.error->op != "unlink" && o.error->op != "rmdir") return 23;
        if (o.error->path.rfind(tmp / "a/d2/ro/", 0) != 0) return 24;
        return ::testing::Test::HasFailure() ? 25 : 0;
    });
    EXPECT_EQ(rc, 0);
    auto left_a = list_tree(tmp / "a"), left_b = list_tree(tmp / "b");
    EXPECT_EQ(left_a, left_b);
    EXPECT_EQ(left_a, (std::set<std::string>{"d2/", "d2/ro/", "d2/ro/inner/", "d2/ro/stuck"}));
}

TEST(Rmtree, CancelLeavesAConsistentSubset) {
    temp_dir tmp("aiopp-rmtree");
    std::string root = tmp / "t";
    make_tree(root, 3);
    auto before = list_tree(root);
    aio::context ctx(aio::context_options{aio::executor_kind::pool});
    int fds = open_fds();
    ctx.max_parallel(1);
    ctx.max_poll_reqs(1);  // one result per poll_cb: cancel after exactly 40
    int calls = 0;
    auto h = aio::rmtree(
        root, [&](aio::result<void>) { ++calls; }, ctx);
    for (int i = 0; i < 40 && ctx.nreqs(); ++i) {  // let some steps finish
        ctx.poll_wait();
        ctx.poll_cb();
    }
    h.cancel();
    aio::testing::flush_or_fail(ctx);
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(ctx.nreqs(), 0u);
    EXPECT_EQ(open_fds(), fds);
    ASSERT_TRUE(exists(root)) << "cancelled too late to test anything";
    auto after = list_tree(root);
    EXPECT_LT(after.size(), before.size());
    for (const auto& p : after)
        EXPECT_TRUE(before.count(p)) << p;
    // a second rmtree finishes the job
    EXPECT_TRUE(remove_tree(ctx, root).status);
    EXPECT_FALSE(exists(root));
}

#if AIOPP_HAVE_TESTFS

TEST(RmtreeTestfs, InjectedEioIsReportedAndTheRestIsRemoved) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--fail=unlink:/t/d1/bad*:EIO");
    std::string root = fs->in_backing("t");
    make_tree(root, 2);
    touch(root + "/d1/bad1");
    aio::context ctx;
    auto o = remove_tree(ctx, fs->in_mount("t"));
    EXPECT_EQ(o.status.err(), ENOTEMPTY);
    EXPECT_EQ(o.error->error.value(), EIO);
    EXPECT_EQ(o.error->path, fs->in_mount("t/d1/bad1"));
    EXPECT_EQ(o.error->op, "unlink");
    EXPECT_EQ(list_tree(root), (std::set<std::string>{"d1/", "d1/bad1"}));
}

TEST(RmtreeTestfs, NoDtype) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--no-dtype");
    std::string root = fs->in_backing("t");
    make_tree(root, 2);
    aio::context ctx;
    auto o = remove_tree(ctx, fs->in_mount("t"));
    EXPECT_TRUE(o.status) << o.status.error().message() << " " << o.error->path;
    EXPECT_FALSE(exists(root));
}

TEST(RmtreeTestfs, CancelWhileStepsAreSlow) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--latency-meta=2000");
    std::string root = fs->in_backing("t");
    make_tree(root, 2);
    auto before = list_tree(root);
    aio::context ctx;
    ctx.max_poll_reqs(1);
    int calls = 0;
    auto h = aio::rmtree(
        fs->in_mount("t"), [&](aio::result<void>) { ++calls; }, ctx);
    for (int i = 0; i < 30 && ctx.nreqs(); ++i) {
        ctx.poll_wait();
        ctx.poll_cb();
    }
    h.cancel();
    aio::testing::flush_or_fail(ctx);
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(ctx.nreqs(), 0u);
    ASSERT_TRUE(exists(root));
    auto after = list_tree(root);
    EXPECT_LT(after.size(), before.size());
    for (const auto& p : after)
        EXPECT_TRUE(before.count(p)) << p;
}

#endif

}  // namespace
