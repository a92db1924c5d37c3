// cptree and mvtree: compared with cp -a / mv on a tree holding one of
// everything (modes, owners, nanosecond times, symlinks, hard links, holes,
// fifos, sockets, devices, xattrs), errors with their paths, the source left
// untouched, cancellation, progress, working directories.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "aio/aio.hpp"
#include "copy_support.hpp"
#include "support.hpp"

namespace {

using aio::testing::make_sample_tree;
using aio::testing::run;
using aio::testing::run_one;
using aio::testing::same_tree;
using aio::testing::shell_quote;
using aio::testing::take_snapshot;
using aio::testing::temp_dir;

std::optional<aio::result<aio::cptree_stats>> cptree(aio::context& ctx, const aio::path_arg& src,
                                                     const aio::path_arg& dst,
                                                     aio::cptree_options o = {}) {
    return run_one<aio::cptree_stats>(ctx, [&](aio::callback<aio::cptree_stats> cb) {
        aio::cptree(src, dst, std::move(o), std::move(cb), ctx);
    });
}

std::optional<aio::result<aio::cptree_stats>> mvtree(aio::context& ctx, const aio::path_arg& src,
                                                     const aio::path_arg& dst,
                                                     aio::cptree_options o = {}) {
    return run_one<aio::cptree_stats>(ctx, [&](aio::callback<aio::cptree_stats> cb) {
        aio::mvtree(src, dst, std::move(o), std::move(cb), ctx);
    });
}

bool exists(const std::string& p) {
    struct stat st;
    return ::lstat(p.c_str(), &st) == 0;
}

TEST(Cptree, SameAsCpA) {
    temp_dir t("cptree");
    std::string src = t / "src";
    make_sample_tree(src);
    auto before = take_snapshot(src);
    aio::context ctx;
    aio::cptree_options o;
    o.xattrs = true;
    auto r = cptree(ctx, src, t / "ours", std::move(o));
    ASSERT_TRUE(r);
    ASSERT_TRUE(*r) << r->error().message() << " at " << r->path() << " (" << r->op() << ")";
    EXPECT_EQ(ctx.nreqs(), 0u);
    auto ours = take_snapshot(t / "ours");
    EXPECT_TRUE(same_tree(before, ours));
    EXPECT_TRUE(same_tree(before, take_snapshot(src)));  // the source, atimes included
    // cp -a (which reads without O_NOATIME: run it after us) makes the same tree
    ASSERT_EQ(run("cp -a " + shell_quote(src) + " " + shell_quote(t / "cpa")), 0);
    EXPECT_TRUE(same_tree(take_snapshot(t / "cpa"), ours));
    const auto& s = **r;
    EXPECT_EQ(s.dirs, 8u);
    EXPECT_EQ(s.symlinks, 4u);
    EXPECT_EQ(s.specials, 4u);
    EXPECT_EQ(s.hardlinks, 3u);
    EXPECT_EQ(s.entries, s.dirs + s.files + s.symlinks + s.specials + s.hardlinks);
    EXPECT_EQ(ours.size(), s.entries);
    EXPECT_TRUE(aio::testing::temp_files(t / "ours").empty());
}

}  // namespace
