// cptree and mvtree: compared with cp -a / mv on a tree holding one of
// everything (modes, owners, nanosecond times, symlinks, hard links, holes,
// fifos, sockets, devices, xattrs), errors with their paths, the source left
// untouched, cancellation, progress, working directories.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <grp.h>

#include <atomic>
#include <filesystem>
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

using aio::testing::make_sample_tree;
using aio::testing::read_file;
using aio::testing::run;
using aio::testing::run_one;
using aio::testing::same_tree;
using aio::testing::set_times;
using aio::testing::shell_quote;
using aio::testing::snapshot;
using aio::testing::take_snapshot;
using aio::testing::temp_dir;
using aio::testing::temp_files;
using aio::testing::ts;
using aio::testing::write_file;

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

// Snapshot options: no xattrs (cptree copies them only when asked); for
// sources behind aiopp-testfs also no directory atimes.
aio::testing::snapshot_options plain(bool fuse = false) {
    aio::testing::snapshot_options o;
    o.xattrs = false;
    o.dir_atimes = !fuse;
    return o;
}

std::string why(const std::optional<aio::result<aio::cptree_stats>>& r) {
    if (!r) return "no callback";
    if (*r) return "ok";
    return r->error().message() + " at " + r->path() + " (" + r->op() + ")";
}

// Every entry of `copy` is complete: present in `source` and equal to it.
::testing::AssertionResult only_complete_entries(const snapshot& source, const snapshot& copy) {
    for (auto& [k, e] : copy) {
        auto it = source.find(k);
        if (it == source.end()) return ::testing::AssertionFailure() << "unexpected entry " << k;
        if (S_ISDIR(e.mode)) continue;  // directories may be unfinished
        if (!(it->second == e)) {
            // a hard link whose other names were not copied yet differs only there
            auto a = it->second, b = e;
            a.link_group = b.link_group = "";
            if (!(a == b))
                return ::testing::AssertionFailure()
                       << "incomplete: " << aio::testing::describe(k, e)
                       << "\n  source: " << aio::testing::describe(k, it->second);
        }
    }
    return ::testing::AssertionSuccess();
}

TEST(Cptree, XattrsOnlyWhenAsked) {
    temp_dir t;
    make_sample_tree(t / "src");
    aio::context ctx;
    auto r = cptree(ctx, t / "src", t / "dst");
    ASSERT_TRUE(r && *r) << why(r);
    char buf[16];
    EXPECT_LT(::getxattr((t / "dst/a.txt").c_str(), "user.color", buf, sizeof buf), 0);
    aio::testing::snapshot_options no_x;
    no_x.xattrs = false;
    EXPECT_TRUE(same_tree(take_snapshot(t / "src", no_x), take_snapshot(t / "dst", no_x)));
}

TEST(Cptree, AnyConcurrency) {
    temp_dir t;
    make_sample_tree(t / "src");
    auto before = take_snapshot(t / "src");
    for (std::size_t active : {0, 1, 3, 64}) {
        aio::context ctx;
        aio::cptree_options o;
        o.max_active = active;
        o.xattrs = true;
        std::string dst = t / ("dst" + std::to_string(active));
        auto r = cptree(ctx, t / "src", dst, std::move(o));
        ASSERT_TRUE(r && *r) << why(r);
        EXPECT_TRUE(same_tree(before, take_snapshot(dst))) << "max_active " << active;
        EXPECT_EQ(ctx.nreqs(), 0u);
    }
}

// A directory larger than one listing chunk and one batch, with large files
// (steps of their own) and hard links spread over the chunks.
void make_wide_tree(const std::string& root) {
    ASSERT_EQ(::mkdir(root.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((root + "/wide").c_str(), 0755), 0);
    for (int i = 0; i < 700; ++i) {
        std::string p = root + "/wide/f" + std::to_string(i);
        write_file(p, std::string(static_cast<std::size_t>(i * 3), static_cast<char>('a' + i % 26)),
                   0600 + (i % 8) * 010);
        set_times(p, ts(1500000000 + i, i), ts(1400000000 + i, 1000 * i));
    }
    for (int i = 0; i < 3; ++i)
        write_file(root + "/wide/big" + std::to_string(i), std::string((1 << 20) + i, 'B'));
    for (int i = 0; i < 700; i += 50)
        ASSERT_EQ(::link((root + "/wide/f" + std::to_string(i)).c_str(),
                         (root + "/wide/h" + std::to_string(i)).c_str()),
                  0);
    set_times(root + "/wide", ts(1200000000, 5), ts(1100000000, 6));
}

TEST(Cptree, WideDirectory) {
    temp_dir t;
    make_wide_tree(t / "src");
    auto before = take_snapshot(t / "src");
    aio::context ctx;
    auto r = cptree(ctx, t / "src", t / "dst");
    ASSERT_TRUE(r && *r) << why(r);
    EXPECT_TRUE(same_tree(before, take_snapshot(t / "dst")));
    EXPECT_EQ((*r)->files, 703u);
    EXPECT_EQ((*r)->hardlinks, 14u);
    EXPECT_EQ((*r)->dirs, 2u);
    EXPECT_TRUE(same_tree(before, take_snapshot(t / "src")));
}

TEST(Cptree, OneEntryAsTheSource) {
    temp_dir t;
    write_file(t / "file", "single", 0610);
    set_times(t / "file", ts(1500000000, 1), ts(1400000000, 2));
    ASSERT_EQ(::symlink("file", (t / "sym").c_str()), 0);
    ASSERT_EQ(::mkfifo((t / "fifo").c_str(), 0640), 0);
    aio::context ctx;
    for (const char* name : {"file", "sym", "fifo"}) {
        auto before = take_snapshot(t / name);
        std::string dst = t / (std::string(name) + ".copy");
        auto r = cptree(ctx, t / name, dst);
        ASSERT_TRUE(r && *r) << name << ": " << why(r);
        EXPECT_TRUE(same_tree(before, take_snapshot(dst))) << name;
        EXPECT_EQ((*r)->entries, 1u);
    }
    EXPECT_TRUE(temp_files(t.path()).empty());
}

TEST(Cptree, Errors) {
    temp_dir t;
    make_sample_tree(t / "src", false);
    ::mkdir((t / "exists").c_str(), 0755);
    write_file(t / "file", "x");
    aio::context ctx;
    auto r = cptree(ctx, t / "src", t / "exists");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->err(), EEXIST);
    EXPECT_EQ(r->path(), t / "exists");
    EXPECT_EQ(r->op(), "mkdir");
    auto f = cptree(ctx, t / "file", t / "src/a.txt");  // a file onto an existing name
    ASSERT_TRUE(f);
    EXPECT_EQ(f->err(), EEXIST);
    EXPECT_EQ(read_file(t / "src/a.txt"), "hello, world\n");
    auto m = cptree(ctx, t / "missing", t / "d");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->err(), ENOENT);
    EXPECT_EQ(m->path(), t / "missing");
    EXPECT_FALSE(exists(t / "d"));
    auto p = cptree(ctx, t / "src", t / "nodir/d");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->err(), ENOENT);
    EXPECT_EQ(p->path(), t / "nodir/d");
    // into itself: refused before anything is created
    auto i = cptree(ctx, t / "src", t / "src/sub/inside");
    ASSERT_TRUE(i);
    EXPECT_EQ(i->err(), EINVAL);
    EXPECT_FALSE(exists(t / "src/sub/inside"));
    auto self = cptree(ctx, t / "src", t / "src/.");
    ASSERT_TRUE(self);
    EXPECT_NE(self->err(), 0);
    EXPECT_EQ(cptree(ctx, std::string("a\0b", 3), t / "d")->err(), EINVAL);
    EXPECT_EQ(cptree(ctx, t / "src", std::string("d\0e", 3))->err(), EINVAL);
    EXPECT_EQ(cptree(ctx, aio::path_arg(aio::wd(), "src"), t / "d")->err(), ENOENT);
    EXPECT_FALSE(exists(t / "d"));
    // value() throws a filesystem_error naming the path
    try {
        (void)r->value();
        ADD_FAILURE() << "no exception";
    } catch (const std::filesystem::filesystem_error& e) {
        EXPECT_EQ(e.code().value(), EEXIST);
        EXPECT_EQ(e.path1().native(), t / "exists");
    }
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(Cptree, WorkingDirectories) {
    temp_dir t;
    make_sample_tree(t / "src", false);
    auto before = take_snapshot(t / "src", plain());
    aio::context ctx;
    auto w = run_one<aio::wd>(
        ctx, [&](aio::callback<aio::wd> cb) { aio::wd_open(t.path(), std::move(cb), ctx); });
    ASSERT_TRUE(w && *w);
    auto r = cptree(ctx, aio::path_arg(**w, "src"), aio::path_arg(**w, "dst"));
    ASSERT_TRUE(r && *r) << why(r);
    EXPECT_TRUE(same_tree(before, take_snapshot(t / "dst", plain())));
    auto a = cptree(ctx, aio::path_arg(**w, t / "src"), aio::path_arg(**w, t / "dst2"));
    ASSERT_TRUE(a && *a) << why(a);
    EXPECT_TRUE(same_tree(before, take_snapshot(t / "dst2", plain())));
    // error paths name the wd's directory
    auto e = cptree(ctx, aio::path_arg(**w, "nothing"), aio::path_arg(**w, "dst3"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->path(), (**w).path() + "/nothing");
}

TEST(Cptree, Progress) {
    temp_dir t;
    make_wide_tree(t / "src");
    std::vector<aio::cptree_progress> seen;
    aio::cptree_options o;
    o.progress = [&](const aio::cptree_progress& p) { seen.push_back(p); };
    o.progress_every = 100;
    aio::context ctx;
    auto r = cptree(ctx, t / "src", t / "dst", std::move(o));
    ASSERT_TRUE(r && *r) << why(r);
    ASSERT_GE(seen.size(), 3u);
    for (std::size_t i = 1; i < seen.size(); ++i) {
        EXPECT_GE(seen[i].entries_done, seen[i - 1].entries_done);
        EXPECT_GE(seen[i].entries_total, seen[i - 1].entries_total);
        EXPECT_LE(seen[i].entries_done, seen[i].entries_total);
    }
    const auto& last = seen.back();
    EXPECT_TRUE(last.totals_final);
    EXPECT_EQ(last.entries_done, last.entries_total);
    EXPECT_EQ(last.entries_total, (*r)->entries);
    EXPECT_EQ(last.bytes_total, (*r)->bytes);
    EXPECT_EQ(last.bytes_done, last.bytes_total);
}

TEST(Cptree, StepsRunAtTheCallersPriority) {
    temp_dir t;
    make_sample_tree(t / "src", false);
    aio::context ctx;
    ctx.max_parallel(0);
    aio::pri(-2);
    auto h = aio::cptree(t / "src", t / "dst", {}, {}, ctx);
    EXPECT_EQ(h.priority(), -2);
    auto* g = static_cast<aio::detail::group_req*>(h.native());
    ASSERT_NE(g->first, nullptr);
    EXPECT_EQ(g->first->pri, -2);
    ctx.max_parallel(4);
    ctx.min_parallel(4);
    aio::testing::flush_or_fail(ctx);
    EXPECT_TRUE(exists(t / "dst/sub/deep/deeper/leaf"));
}

TEST(Cptree, CancelBeforeItStarts) {
    temp_dir t;
    make_sample_tree(t / "src", false);
    aio::context ctx;
    ctx.max_parallel(0);
    bool called = false;
    auto h = aio::cptree(
        t / "src", t / "dst", {}, [&](aio::result<aio::cptree_stats>) { called = true; }, ctx);
    h.cancel();
    ctx.max_parallel(4);
    ctx.min_parallel(4);
    aio::testing::flush_or_fail(ctx);
    EXPECT_FALSE(called);
    EXPECT_EQ(ctx.nreqs(), 0u);
    EXPECT_FALSE(exists(t / "dst"));
}

// As an unprivileged user: owners cannot be given away (ignored, as cp -a
// does), everything else is copied.
TEST(Cptree, Unprivileged) {
    temp_dir t;
    ASSERT_EQ(::chmod(t.path().c_str(), 0777), 0);
    ::mkdir((t / "src").c_str(), 0755);
    write_file(t / "src/mine", "mine", 0640);
    write_file(t / "src/theirs", "theirs", 0644);
    ASSERT_EQ(::chown((t / "src/mine").c_str(), 65534, 65534), 0);
    ASSERT_EQ(::chown((t / "src/theirs").c_str(), 1234, 1234), 0);
    set_times(t / "src/theirs", ts(1500000000, 7), ts(1400000000, 8));
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 ||
            ::setresuid(65534, 65534, 65534) != 0)
            ::_exit(2);
        aio::context ctx;
        int rc = 3;
        aio::cptree(
            t / "src", t / "dst", {},
            [&](aio::result<aio::cptree_stats> r) { rc = r ? 0 : 10 + r.err(); }, ctx);
        ctx.flush();
        ::_exit(rc);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
    struct stat st;
    ASSERT_EQ(::lstat((t / "dst/theirs").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534u);
    EXPECT_EQ(st.st_mode & 07777, 0644u);
    EXPECT_EQ(st.st_mtim.tv_nsec, 8);
    EXPECT_EQ(read_file(t / "dst/theirs"), "theirs");
    ASSERT_EQ(::lstat((t / "dst/mine").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
}

// ---- mvtree -----------------------------------------------------------------------------

TEST(Mvtree, RenamesOnOneFilesystem) {
    temp_dir t;
    make_sample_tree(t / "src");
    auto before = take_snapshot(t / "src");
    aio::context ctx;
    auto r = mvtree(ctx, t / "src", t / "dst");
    ASSERT_TRUE(r && *r) << why(r);
    EXPECT_TRUE((*r)->renamed);
    EXPECT_FALSE(exists(t / "src"));
    EXPECT_TRUE(same_tree(before, take_snapshot(t / "dst")));
    // dst exists: refused, nothing moves
    ::mkdir((t / "other").c_str(), 0755);
    auto e = mvtree(ctx, t / "dst", t / "other");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->err(), EEXIST);
    EXPECT_TRUE(exists(t / "dst/a.txt"));
    EXPECT_EQ(mvtree(ctx, t / "missing", t / "x")->err(), ENOENT);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(Mvtree, CopiesAndRemovesAcrossFilesystems) {
    temp_dir disk;
    std::string shm = "/dev/shm/aiopp-mvtree-" + std::to_string(::getpid());
    struct cleanup {
        std::string p;
        ~cleanup() { run("rm -rf " + shell_quote(p) + " " + shell_quote(p + "-mv")); }
    } guard{shm};
    // two equal trees: one for mvtree, one for mv(1)
    for (const std::string& root : {shm, shm + "-mv"}) {
        make_sample_tree(root);
        make_wide_tree(root + "/more");
        for (const char* p : {"more/wide/big0", "more/wide/big1", "more/wide/big2", "more", "."})
            set_times(root + "/" + p, ts(1234567890, 1), ts(1234567890, 2));
    }
    auto before = take_snapshot(shm);
    ASSERT_TRUE(same_tree(before, take_snapshot(shm + "-mv")));
    aio::context ctx;
    aio::cptree_options o;
    o.xattrs = true;
    auto r = mvtree(ctx, shm, disk / "moved", std::move(o));
    ASSERT_TRUE(r && *r) << why(r);
    EXPECT_FALSE((*r)->renamed);
    EXPECT_GT((*r)->files, 700u);
    EXPECT_FALSE(exists(shm));
    EXPECT_TRUE(same_tree(before, take_snapshot(disk / "moved")));
    ASSERT_EQ(run("mv " + shell_quote(shm + "-mv") + " " + shell_quote(disk / "mv")), 0);
    EXPECT_FALSE(exists(shm + "-mv"));
    EXPECT_TRUE(same_tree(take_snapshot(disk / "mv"), take_snapshot(disk / "moved")));
    EXPECT_EQ(ctx.nreqs(), 0u);
    // back again, one file as the source
    auto f = mvtree(ctx, disk / "moved/a.txt", shm + "-a.txt");
    ASSERT_TRUE(f && *f) << why(f);
    EXPECT_FALSE(exists(disk / "moved/a.txt"));
    EXPECT_EQ(read_file(shm + "-a.txt"), "hello, world\n");
    ::unlink((shm + "-a.txt").c_str());
}

TEST(Mvtree, WorkingDirectory) {
    temp_dir t;
    make_sample_tree(t / "src", false);
    auto before = take_snapshot(t / "src", plain());
    aio::context ctx;
    auto w = run_one<aio::wd>(
        ctx, [&](aio::callback<aio::wd> cb) { aio::wd_open(t.path(), std::move(cb), ctx); });
    ASSERT_TRUE(w && *w);
    auto r = mvtree(ctx, aio::path_arg(**w, "src"), aio::path_arg(**w, "dst"));
    ASSERT_TRUE(r && *r) << why(r);
    EXPECT_TRUE(same_tree(before, take_snapshot(t / "dst", plain())));
    auto a = mvtree(ctx, aio::path_arg(**w, t / "dst"), aio::path_arg(**w, t / "dst2"));
    ASSERT_TRUE(a && *a) << why(a);
    EXPECT_TRUE(same_tree(before, take_snapshot(t / "dst2", plain())));
    EXPECT_EQ(mvtree(ctx, aio::path_arg(aio::wd(), "dst2"), t / "x")->err(), ENOENT);
    EXPECT_EQ(mvtree(ctx, std::string("a\0b", 3), t / "x")->err(), EINVAL);
    EXPECT_TRUE(exists(t / "dst2/a.txt"));
}

// ---- faults (aiopp-testfs) --------------------------------------------------------------

#ifdef AIOPP_HAVE_TESTFS

// A read error in a small file (copied by its directory's listing step) and
// in a large one (a step of its own).
void read_error(const char* file) {
    AIOPP_TESTFS_START_OR_SKIP(fs, std::string("--fail=read:/src/") + file + ":EIO");
    temp_dir t;
    make_sample_tree(fs->in_backing("src"), false);
    auto before = take_snapshot(fs->in_backing("src"), plain(true));
    aio::context ctx;
    auto r = cptree(ctx, fs->in_mount("src"), t / "dst");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->err(), EIO) << why(r);
    EXPECT_EQ(r->path(), fs->in_mount("src") + "/" + file);
    EXPECT_EQ(r->op(), "read");
    EXPECT_EQ(ctx.nreqs(), 0u);
    EXPECT_TRUE(temp_files(t / "dst").empty());
    EXPECT_FALSE(exists(t / "dst/" + file));
    EXPECT_TRUE(only_complete_entries(before, take_snapshot(t / "dst", plain())));
    EXPECT_TRUE(same_tree(before, take_snapshot(fs->in_backing("src"), plain(true))));
}

TEST(CptreeFaults, ReadErrorSmallFile) {
    read_error("sub/deep/deeper/leaf");
}

TEST(CptreeFaults, ReadErrorLargeFile) {
    read_error("sparse.img");
}

TEST(CptreeFaults, NoSpace) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--enospc-after=600000");
    temp_dir t;
    make_wide_tree(t / "src");
    auto before = take_snapshot(t / "src", plain());
    aio::context ctx;
    auto r = cptree(ctx, t / "src", fs->in_mount("dst"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->err(), ENOSPC) << why(r);
    EXPECT_EQ(r->path().rfind(fs->in_mount("dst") + "/wide/", 0), 0u) << r->path();
    EXPECT_TRUE(temp_files(fs->in_backing("dst")).empty());
    EXPECT_TRUE(only_complete_entries(before, take_snapshot(fs->in_backing("dst"), plain())));
    EXPECT_TRUE(same_tree(before, take_snapshot(t / "src", plain())));
    EXPECT_GT(r->stats().files, 0u);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(CptreeFaults, OpenError) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--fail=open:/src/a.txt:EACCES");
    temp_dir t;
    make_sample_tree(fs->in_backing("src"), false);
    auto before = take_snapshot(fs->in_backing("src"), plain(true));
    aio::context ctx;
    auto r = cptree(ctx, fs->in_mount("src"), t / "dst");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->err(), EACCES) << why(r);
    EXPECT_EQ(r->path(), fs->in_mount("src") + "/a.txt");
    EXPECT_EQ(r->op(), "open");
    EXPECT_TRUE(temp_files(t / "dst").empty());
    EXPECT_TRUE(only_complete_entries(before, take_snapshot(t / "dst", plain())));
    EXPECT_TRUE(same_tree(before, take_snapshot(fs->in_backing("src"), plain(true))));
}

TEST(CptreeFaults, WithoutDirentTypes) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--no-dtype");
    temp_dir t;
    make_sample_tree(fs->in_backing("src"), false);
    auto before = take_snapshot(fs->in_backing("src"), plain());
    aio::context ctx;
    auto r = cptree(ctx, fs->in_mount("src"), t / "dst");
    ASSERT_TRUE(r && *r) << why(r);
    EXPECT_TRUE(same_tree(before, take_snapshot(t / "dst", plain())));
}

TEST(CptreeFaults, CancelMidway) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--latency-open=3000");
    temp_dir t;
    make_wide_tree(fs->in_backing("src"));
    auto before = take_snapshot(fs->in_backing("src"), plain(true));
    aio::context ctx;
    std::size_t done = 0;
    bool called = false;
    aio::cptree_options o;
    o.progress = [&](const aio::cptree_progress& p) { done = p.entries_done; };
    auto h = aio::cptree(
        fs->in_mount("src"), t / "dst", std::move(o),
        [&](aio::result<aio::cptree_stats>) { called = true; }, ctx);
    for (int i = 0; i < 20000 && done < 100 && !h.done(); ++i) {
        ctx.poll_cb();
        ::usleep(500);
    }
    ASSERT_GE(done, 100u);
    h.cancel();
    aio::testing::flush_or_fail(ctx);
    EXPECT_FALSE(called);
    EXPECT_EQ(ctx.nreqs(), 0u);
    EXPECT_TRUE(temp_files(t / "dst").empty());
    auto got = take_snapshot(t / "dst", plain());
    EXPECT_LT(got.size(), before.size());
    EXPECT_TRUE(only_complete_entries(before, got));
    EXPECT_TRUE(same_tree(before, take_snapshot(fs->in_backing("src"), plain(true))));
}

TEST(MvtreeFaults, FailedCopyKeepsTheSource) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--fail=read:/src/sparse.img:EIO");
    temp_dir t;
    make_sample_tree(fs->in_backing("src"), false);
    auto before = take_snapshot(fs->in_backing("src"), plain(true));
    aio::context ctx;
    auto r = mvtree(ctx, fs->in_mount("src"), t / "dst");  // EXDEV, then the copy fails
    ASSERT_TRUE(r);
    EXPECT_EQ(r->err(), EIO) << why(r);
    EXPECT_EQ(r->path(), fs->in_mount("src") + "/sparse.img");
    EXPECT_TRUE(same_tree(before, take_snapshot(fs->in_backing("src"), plain(true))));
}

TEST(MvtreeFaults, FailedRemovalKeepsTheCopy) {
    AIOPP_TESTFS_START_OR_SKIP(fs, "--fail=unlink:/src/sub/pair2:EPERM");
    temp_dir t;
    make_sample_tree(fs->in_backing("src"), false);
    auto before = take_snapshot(fs->in_backing("src"), plain());
    aio::context ctx;
    auto r = mvtree(ctx, fs->in_mount("src"), t / "dst");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->err(), EPERM) << why(r);
    EXPECT_EQ(r->path(), fs->in_mount("src") + "/sub/pair2");
    EXPECT_EQ(r->op(), "unlink");
    EXPECT_TRUE(exists(fs->in_backing("src/sub/pair2")));
    EXPECT_TRUE(same_tree(before, take_snapshot(t / "dst", plain())));
}

#endif  // AIOPP_HAVE_TESTFS

}  // namespace
