// Working directories (IO::AIO::WD): wd_open, and every path operation of
// the metadata / namespace / dir areas used with (wd, relative) paths,
// absolute paths given with a wd, aio::cwd, null wds and wds whose
// directory was renamed.
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
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

std::string sync_realpath(const std::string& p) {
    char* r = ::realpath(p.c_str(), nullptr);
    if (!r) return {};
    std::string s = r;
    ::free(r);
    return s;
}

bool exists(const std::string& p) {
    struct stat st;
    return ::lstat(p.c_str(), &st) == 0;
}

aio::result<aio::wd> wd_open(aio::context& ctx, aio::path_arg p) {
    return call<aio::wd>(ctx, [&](auto cb) { aio::wd_open(std::move(p), std::move(cb), ctx); });
}

// Restores the process working directory on scope exit.
struct cwd_guard {
    int fd = ::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    ~cwd_guard() {
        if (fd >= 0) {
            EXPECT_EQ(::fchdir(fd), 0);
            ::close(fd);
        }
    }
};

// ---- wd_open ---------------------------------------------------------------------

TEST(Wd, OpenGivesTheCanonicalAbsolutePath) {
    temp_dir tmp("aiopp-wd");
    aio::context ctx;
    ASSERT_EQ(::mkdir((tmp / "real").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((tmp / "real/sub").c_str(), 0755), 0);
    ASSERT_EQ(::symlink("real", (tmp / "alias").c_str()), 0);
    std::string canon = sync_realpath(tmp / "real/sub");
    ASSERT_FALSE(canon.empty());
    for (const std::string& p :
         {tmp / "alias/sub", tmp / "real/./sub/", tmp / "real/sub/../sub", tmp / "alias//sub"}) {
        SCOPED_TRACE(p);
        auto w = wd_open(ctx, p);
        ASSERT_TRUE(w) << w.error().message();
        EXPECT_EQ(w->path(), canon);
        EXPECT_EQ(w->path()[0], '/');
        EXPECT_GE(w->fd(), 0);
        EXPECT_FALSE(w->is_null());
        EXPECT_FALSE(w->is_cwd());
    }
    // relative to the process working directory, and relative to another wd
    {
        cwd_guard g;
        ASSERT_EQ(::chdir(tmp.path().c_str()), 0);
        auto w = wd_open(ctx, "alias/sub");
        ASSERT_TRUE(w);
        EXPECT_EQ(w->path(), canon);
    }
    aio::wd base = open_wd(ctx, tmp.path());
    auto w = wd_open(ctx, {base, "alias/sub"});
    ASSERT_TRUE(w);
    EXPECT_EQ(w->path(), canon);
    auto same = wd_open(ctx, base);  // a wd alone: "."
    ASSERT_TRUE(same);
    EXPECT_EQ(same->path(), base.path());
}

TEST(Wd, OpenErrors) {
    temp_dir tmp("aiopp-wd");
    aio::context ctx;
    write_file(tmp / "file", "");
    EXPECT_EQ(err(wd_open(ctx, tmp / "missing")), ENOENT);
    EXPECT_EQ(err(wd_open(ctx, tmp / "file")), ENOTDIR);
    EXPECT_EQ(err(wd_open(ctx, "")), ENOENT);
    EXPECT_EQ(err(wd_open(ctx, meta_test::with_nul(tmp.path()))), EINVAL);
    EXPECT_EQ(err(wd_open(ctx, {aio::wd{}, "."})), ENOENT);
    aio::wd failed = wd_open(ctx, tmp / "missing").value_or(aio::wd{});
    EXPECT_TRUE(failed.is_null());
    EXPECT_EQ(failed.path(), "");
    EXPECT_EQ(failed.fd(), -1);
    EXPECT_EQ(aio::cwd.path(), ".");
    EXPECT_EQ(aio::cwd.fd(), AT_FDCWD);
}

// ---- every path op, with different ways of naming the same objects ---------------

// Runs every path operation on names made by `at` (a path_arg for a name in
// the test directory) and checks the effects through absolute paths.
void exercise_all_ops(aio::context& ctx, const std::string& root,
                      const std::function<aio::path_arg(const std::string&)>& at) {
    auto ok = [&](const char* what, const auto& r) {
        EXPECT_TRUE(r) << what << ": " << r.error().message();
    };
    auto v = [&](auto start) { return call<void>(ctx, start); };
    ok("mkdir", v([&](auto cb) { aio::mkdir(at("d"), 0755, std::move(cb), ctx); }));
    EXPECT_TRUE(exists(root + "/d"));
    ok("mknod", v([&](auto cb) { aio::mknod(at("f"), S_IFREG | 0644, 0, std::move(cb), ctx); }));
    EXPECT_TRUE(exists(root + "/f"));
    ok("symlink", v([&](auto cb) { aio::symlink("f", at("s"), std::move(cb), ctx); }));
    auto rl = call<std::string>(ctx, [&](auto cb) { aio::readlink(at("s"), std::move(cb), ctx); });
    ok("readlink", rl);
    EXPECT_EQ(rl.value_or(""), "f");
    auto rp = call<std::string>(ctx, [&](auto cb) { aio::realpath(at("s"), std::move(cb), ctx); });
    ok("realpath", rp);
    EXPECT_EQ(rp.value_or(""), sync_realpath(root + "/f"));
    ok("truncate", v([&](auto cb) { aio::truncate(at("s"), 7, std::move(cb), ctx); }));
    ok("chmod", v([&](auto cb) { aio::chmod(at("f"), 0612, std::move(cb), ctx); }));
    ok("chown",
       v([&](auto cb) { aio::chown(at("f"), ::geteuid(), ::getegid(), std::move(cb), ctx); }));
    ok("utime", v([&](auto cb) {
           aio::utime(at("f"), aio::file_time{11, 0}, aio::file_time{22, 0}, std::move(cb), ctx);
       }));
    struct stat st;
    ASSERT_EQ(::stat((root + "/f").c_str(), &st), 0);
    EXPECT_EQ(st.st_size, 7);
    EXPECT_EQ(st.st_mode & 07777, 0612u);
    EXPECT_EQ(st.st_mtim.tv_sec, 22);
    auto s = call<aio::stat_t>(ctx, [&](auto cb) { aio::stat(at("s"), std::move(cb), ctx); });
    ok("stat", s);
    EXPECT_EQ(s.value_or(aio::stat_t{}).ino, st.st_ino);
    auto l = call<aio::stat_t>(ctx, [&](auto cb) { aio::lstat(at("s"), std::move(cb), ctx); });
    ok("lstat", l);
    EXPECT_TRUE(l.value_or(aio::stat_t{}).is_lnk());
    auto sv =
        call<aio::statvfs_t>(ctx, [&](auto cb) { aio::statvfs(at("f"), std::move(cb), ctx); });
    ok("statvfs", sv);
    ok("link", v([&](auto cb) { aio::link(at("f"), at("d/h"), std::move(cb), ctx); }));
    ok("rename", v([&](auto cb) { aio::rename(at("d/h"), at("h2"), std::move(cb), ctx); }));
    ok("rename2", v([&](auto cb) {
           aio::rename2(at("h2"), at("d/h3"), RENAME_NOREPLACE, std::move(cb), ctx);
       }));
    EXPECT_TRUE(exists(root + "/d/h3"));
    auto rd = call<std::vector<std::string>>(
        ctx, [&](auto cb) { aio::readdir(at("d"), std::move(cb), ctx); });
    ok("readdir", rd);
    EXPECT_EQ(rd.value_or(std::vector<std::string>{}), std::vector<std::string>{"h3"});
    auto rx = call<aio::dir_entries>(
        ctx, [&](auto cb) { aio::readdirx(at("d"), aio::READDIR_DENTS, std::move(cb), ctx); });
    ok("readdirx", rx);
    ASSERT_EQ(rx.value_or(aio::dir_entries{}).entries.size(), 1u);
    EXPECT_EQ(rx->entries[0].ino, st.st_ino);
    ok("unlink", v([&](auto cb) { aio::unlink(at("d/h3"), std::move(cb), ctx); }));
    ok("rmdir", v([&](auto cb) { aio::rmdir(at("d"), std::move(cb), ctx); }));
    ok("unlink", v([&](auto cb) { aio::unlink(at("s"), std::move(cb), ctx); }));
    ok("unlink", v([&](auto cb) { aio::unlink(at("f"), std::move(cb), ctx); }));
    EXPECT_FALSE(exists(root + "/d"));
    EXPECT_FALSE(exists(root + "/f"));
    EXPECT_FALSE(exists(root + "/s"));
}

TEST(Wd, IsTheBaseForEveryPathOp) {
    temp_dir tmp("aiopp-wd");
    aio::context ctx;
    aio::wd w = open_wd(ctx, tmp.path());
    exercise_all_ops(ctx, tmp.path(), [&](const std::string& n) { return aio::path_arg{w, n}; });
}

TEST(Wd, AnAbsolutePathIgnoresTheWd) {
    temp_dir tmp("aiopp-wd"), other("aiopp-wd-other");
    aio::context ctx;
    aio::wd w = open_wd(ctx, other.path());
    exercise_all_ops(ctx, tmp.path(), [&](const std::string& n) {
        return aio::path_arg{w, tmp / n};
    });
    // even a wd whose directory no longer exists
    ASSERT_EQ(::rmdir(other.path().c_str()), 0);
    exercise_all_ops(ctx, tmp.path(), [&](const std::string& n) {
        return aio::path_arg{w, tmp / n};
    });
}

TEST(Wd, CwdBehavesLikeNoWd) {
    temp_dir tmp("aiopp-wd");
    aio::context ctx;
    cwd_guard g;
    ASSERT_EQ(::chdir(tmp.path().c_str()), 0);
    exercise_all_ops(ctx, tmp.path(), [&](const std::string& n) {
        return aio::path_arg{aio::cwd, n};
    });
    exercise_all_ops(ctx, tmp.path(), [&](const std::string& n) { return aio::path_arg(n); });
    auto rp = call<std::string>(ctx, [&](auto cb) { aio::realpath(aio::cwd, std::move(cb), ctx); });
    ASSERT_TRUE(rp);
    EXPECT_EQ(*rp, sync_realpath(tmp.path()));
    write_file(tmp / "x", "");
    auto a = call<std::vector<std::string>>(
        ctx, [&](auto cb) { aio::readdir(aio::cwd, std::move(cb), ctx); });
    auto b = call<std::vector<std::string>>(
        ctx, [&](auto cb) { aio::readdir(".", std::move(cb), ctx); });
    ASSERT_TRUE(a);
    ASSERT_TRUE(b);
    EXPECT_EQ(*a, *b);
    EXPECT_EQ(*a, std::vector<std::string>{"x"});
}

// A null wd, or the wd a failed wd_open leaves: every request fails with
// ENOENT, relative or absolute path alike, and touches nothing.
TEST(Wd, NullAndFailedWdsFailEveryOpWithEnoent) {
    temp_dir tmp("aiopp-wd");
    aio::context ctx;
    write_file(tmp / "f", "data");
    ASSERT_EQ(::mkdir((tmp / "d").c_str(), 0755), 0);
    aio::wd failed = wd_open(ctx, tmp / "missing").value_or(aio::wd{});
    for (const aio::wd& bad : {aio::wd{}, failed}) {
        for (const std::string& f : {std::string("f"), tmp / "f"}) {
            SCOPED_TRACE(f);
            std::string d = f == "f" ? "d" : tmp / "d";
            aio::path_arg pf{bad, f}, pd{bad, d}, pn{bad, f + ".new"};
            auto v = [&](auto start) { return err(call<void>(ctx, start)); };
            EXPECT_EQ(
                err(call<aio::stat_t>(ctx, [&](auto cb) { aio::stat(pf, std::move(cb), ctx); })),
                ENOENT);
            EXPECT_EQ(
                err(call<aio::stat_t>(ctx, [&](auto cb) { aio::lstat(pf, std::move(cb), ctx); })),
                ENOENT);
            EXPECT_EQ(err(call<aio::statvfs_t>(
                          ctx, [&](auto cb) { aio::statvfs(pf, std::move(cb), ctx); })),
                      ENOENT);
            EXPECT_EQ(
                v([&](auto cb) { aio::utime(pf, std::nullopt, std::nullopt, std::move(cb), ctx); }),
                ENOENT);
            EXPECT_EQ(v([&](auto cb) { aio::chown(pf, 0, 0, std::move(cb), ctx); }), ENOENT);
            EXPECT_EQ(v([&](auto cb) { aio::chmod(pf, 0, std::move(cb), ctx); }), ENOENT);
            EXPECT_EQ(v([&](auto cb) { aio::truncate(pf, 0, std::move(cb), ctx); }), ENOENT);
            EXPECT_EQ(v([&](auto cb) { aio::unlink(pf, std::move(cb), ctx); }), ENOENT);
            EXPECT_EQ(v([&](auto cb) { aio::mknod(pn, S_IFIFO | 0600, 0, std::move(cb), ctx); }),
                      ENOENT);
            EXPECT_EQ(v([&](auto cb) { aio::link(pf, pn, std::move(cb), ctx); }), ENOENT);
            EXPECT_EQ(v([&](auto cb) { aio::link(tmp / "f", pn, std::move(cb), ctx); }), ENOENT);
            EXPECT_EQ(v([&](auto cb) { aio::symlink("x", pn, std::move(cb), ctx); }), ENOENT);
            EXPECT_EQ(err(call<std::string>(
                          ctx, [&](auto cb) { aio::readlink(pf, std::move(cb), ctx); })),
                      ENOENT);
            EXPECT_EQ(err(call<std::string>(
                          ctx, [&](auto cb) { aio::realpath(pf, std::move(cb), ctx); })),
                      ENOENT);
            EXPECT_EQ(v([&](auto cb) { aio::rename(pf, pn, std::move(cb), ctx); }), ENOENT);
            EXPECT_EQ(v([&](auto cb) { aio::rename(tmp / "f", pn, std::move(cb), ctx); }), ENOENT);
            EXPECT_EQ(v([&](auto cb) { aio::rename2(pf, pn, 0, std::move(cb), ctx); }), ENOENT);
            EXPECT_EQ(v([&](auto cb) { aio::mkdir(pn, 0755, std::move(cb), ctx); }), ENOENT);
            EXPECT_EQ(v([&](auto cb) { aio::rmdir(pd, std::move(cb), ctx); }), ENOENT);
            EXPECT_EQ(err(call<std::vector<std::string>>(
                          ctx, [&](auto cb) { aio::readdir(pd, std::move(cb), ctx); })),
                      ENOENT);
            EXPECT_EQ(err(call<aio::dir_entries>(
                          ctx, [&](auto cb) { aio::readdirx(pd, 0, std::move(cb), ctx); })),
                      ENOENT);
        }
        EXPECT_EQ(err(call<aio::stat_t>(ctx, [&](auto cb) { aio::stat(bad, std::move(cb), ctx); })),
                  ENOENT);
        EXPECT_EQ(err(call<void>(ctx, [&](auto cb) { aio::rmdir(bad, std::move(cb), ctx); })),
                  ENOENT);
    }
    EXPECT_EQ(aio::testing::read_file(tmp / "f"), "data");  // nothing was touched
    EXPECT_TRUE(exists(tmp / "d"));
    EXPECT_FALSE(exists(tmp / "f.new"));
}

// ---- renamed directories, and the wd's own directory ----------------------------------

TEST(Wd, KeepsWorkingAfterItsDirectoryIsRenamed) {
    temp_dir tmp("aiopp-wd");
    aio::context ctx;
    ASSERT_EQ(::mkdir((tmp / "old").c_str(), 0755), 0);
    write_file(tmp / "old/f", "x");
    aio::wd w = open_wd(ctx, tmp / "old");
    std::string recorded = w.path();
    ASSERT_EQ(::rename((tmp / "old").c_str(), (tmp / "new").c_str()), 0);

    // the descriptor follows the directory
    auto s = call<aio::stat_t>(ctx, [&](auto cb) { aio::stat({w, "f"}, std::move(cb), ctx); });
    EXPECT_TRUE(s);
    auto rd =
        call<std::vector<std::string>>(ctx, [&](auto cb) { aio::readdir(w, std::move(cb), ctx); });
    ASSERT_TRUE(rd);
    EXPECT_EQ(*rd, std::vector<std::string>{"f"});
    auto mk = call<void>(ctx, [&](auto cb) { aio::mkdir({w, "made"}, 0755, std::move(cb), ctx); });
    EXPECT_TRUE(mk);
    EXPECT_TRUE(exists(tmp / "new/made"));
    auto tr = call<void>(ctx, [&](auto cb) { aio::truncate({w, "f"}, 0, std::move(cb), ctx); });
    EXPECT_TRUE(tr);
    EXPECT_EQ(aio::testing::read_file(tmp / "new/f"), "");

    // realpath relies on the recorded string (the manual's caveat)
    auto rp = call<std::string>(ctx, [&](auto cb) { aio::realpath(w, std::move(cb), ctx); });
    ASSERT_TRUE(rp);
    EXPECT_EQ(*rp, recorded);
    EXPECT_EQ(w.path(), recorded);
    EXPECT_EQ(err(call<std::string>(ctx,
                                    [&](auto cb) {
                                        aio::realpath({w, "f"}, std::move(cb), ctx);
                                    })),
              ENOENT);
    // so do rename and rmdir of the wd itself: the old name is gone
    EXPECT_EQ(err(call<void>(ctx, [&](auto cb) { aio::rename(w, tmp / "x", std::move(cb), ctx); })),
              ENOENT);
    EXPECT_TRUE(exists(tmp / "new"));
}

TEST(Wd, RenameAndRmdirOfTheWdItself) {
    temp_dir tmp("aiopp-wd");
    aio::context ctx;
    ASSERT_EQ(::mkdir((tmp / "a").c_str(), 0755), 0);
    aio::wd top = open_wd(ctx, tmp.path());
    aio::wd a = open_wd(ctx, tmp / "a");
    ASSERT_TRUE(call<void>(ctx, [&](auto cb) {
        aio::rename({a, "."}, {top, "b"}, std::move(cb), ctx);
    }));
    EXPECT_FALSE(exists(tmp / "a"));
    EXPECT_TRUE(exists(tmp / "b"));
    aio::wd b = open_wd(ctx, tmp / "b");
    ASSERT_TRUE(call<void>(
        ctx, [&](auto cb) { aio::rename2(b, tmp / "c", RENAME_NOREPLACE, std::move(cb), ctx); }));
    EXPECT_TRUE(exists(tmp / "c"));
    aio::wd c = open_wd(ctx, tmp / "c");
    ASSERT_TRUE(call<void>(ctx, [&](auto cb) { aio::rmdir(c, std::move(cb), ctx); }));
    EXPECT_FALSE(exists(tmp / "c"));
}

TEST(Wd, RequestsKeepTheirWdAlive) {
    temp_dir tmp("aiopp-wd");
    aio::context ctx;
    write_file(tmp / "f", "");
    std::optional<aio::result<aio::stat_t>> r;
    {
        aio::wd w = open_wd(ctx, tmp.path());
        aio::stat(
            {w, "f"}, [&](auto v) { r.emplace(std::move(v)); }, ctx);
    }  // the last handle the caller held is gone; the request holds its own
    aio::testing::flush_or_fail(ctx);
    ASSERT_TRUE(r);
    EXPECT_TRUE(*r) << r->error().message();
}

}  // namespace
