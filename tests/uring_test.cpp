// The io_uring executor: which contexts get it, which ops run on it (and that
// they answer exactly like the pool), priorities behind a full ring, cancel
// through IORING_OP_ASYNC_CANCEL, the eventfd, teardown and fork.
//
// Ordering and cancel tests are deterministic: the ring is shrunk to one slot
// (ring()->depth(1)) and held by a read of an empty pipe before the requests
// to reorder or cancel are queued. Tests that need a ring skip where io_uring
// is unavailable; the whole suite also runs with AIOPP_EXECUTOR=uring.
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "engine/context_impl.hpp"
#include "file_support.hpp"
#include "ops/op.hpp"
#include "support.hpp"
#include "uring/ring.hpp"

namespace {

using aio::testing::eventually;
using aio::testing::readable;

using aio::executor_kind;
using aio::detail::op;
using aio::testing::await;
using aio::testing::flush_or_fail;
using aio::testing::temp_dir;
using aio::testing::unique_fd;
using aio::testing::write_file;
using namespace std::chrono_literals;

aio::context_options with(executor_kind k) {
    aio::context_options o;
    o.executor = k;
    return o;
}

bool ring_available() {
    static const bool available = [] {
        aio::context c(with(executor_kind::uring));
        return c.executor() == executor_kind::uring;
    }();
    return available;
}

#define REQUIRE_RING() \
    if (!ring_available()) GTEST_SKIP() << "io_uring is not available here"

aio::detail::ring_executor& ring_of(aio::context& ctx) {
    return *ctx.impl().ring();
}

std::uint64_t on_ring(aio::context& ctx, op o) {
    return ring_of(ctx).submitted(static_cast<std::uint8_t>(o));
}

// Sets an environment variable for one scope.
struct scoped_env {
    std::string name;
    std::optional<std::string> old;
    scoped_env(const char* n, const char* value) : name(n) {
        if (const char* v = std::getenv(n)) old = v;
        if (value)
            ::setenv(n, value, 1);
        else
            ::unsetenv(n);
    }
    ~scoped_env() {
        if (old)
            ::setenv(name.c_str(), old->c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }
};

struct pipe_pair {
    unique_fd r, w;
    pipe_pair() {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) != 0) ADD_FAILURE() << "pipe2";
        r.reset(p[0]);
        w.reset(p[1]);
    }
};

// An open of a FIFO for reading: in the ring (a kernel worker blocks in it,
// like open(2) would) until a writer opens the FIFO. The ring's long-lived,
// cancellable request for the tests.
struct fifo_open {
    temp_dir d;
    std::string path = d / "fifo";
    aio::request<int> req;
    std::optional<aio::result<int>> got;
    unique_fd writer;
    explicit fifo_open(aio::context& ctx, bool with_callback = true) {
        EXPECT_EQ(::mkfifo(path.c_str(), 0600), 0);
        aio::callback<int> cb;
        if (with_callback) cb = [this](aio::result<int> r) { got.emplace(std::move(r)); };
        req = aio::open(path, O_RDONLY | O_CLOEXEC, 0, std::move(cb), ctx);
        EXPECT_EQ(req.state(), aio::req_state::execute) << "the open went into the ring at once";
    }
    // Whether nobody has the FIFO open for reading, or is blocked opening
    // it (then a nonblocking writer gets ENXIO). Use it only at the end: a
    // writer's open, even a short one, lets a blocked reader's open return.
    bool no_reader() {
        int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0) ::close(fd);
        return fd < 0 && errno == ENXIO;
    }
    // Open the writing end (keeping it open), once a reader is there. With
    // a context, poll it meanwhile (a request the ring hands back to the
    // pool moves only when poll_cb reaps it).
    void release(aio::context* ctx = nullptr) {
        EXPECT_TRUE(eventually([&] {
            if (ctx) ctx->poll_cb();
            writer.reset(::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
            return writer.get() >= 0;
        })) << "nobody waits in an open of the FIFO";
    }
    ~fifo_open() {
        if (got && *got) ::close(**got);
    }
};

// Holds the ring: one slot, taken by a FIFO open.
struct ring_holder : fifo_open {
    explicit ring_holder(aio::context& ctx) : fifo_open((ring_of(ctx).depth(1), ctx)) {}
};

// ---- which executor ---------------------------------------------------------------

TEST(Selection, PoolOptionNeverMakesARing) {
    scoped_env env("AIOPP_EXECUTOR", "uring");
    aio::context ctx(with(executor_kind::pool));
    EXPECT_EQ(ctx.executor(), executor_kind::pool);
    EXPECT_EQ(ctx.impl().ring(), nullptr);
    int called = 0;
    aio::nop([&](aio::result<void> r) { called += r.has_value(); }, ctx);
    flush_or_fail(ctx);
    EXPECT_EQ(called, 1);
}

TEST(Selection, EnvironmentDecidesForAutomaticOnly) {
    REQUIRE_RING();
    {
        scoped_env env("AIOPP_EXECUTOR", "pool");
        aio::context automatic;
        EXPECT_EQ(automatic.executor(), executor_kind::pool) << "the off switch";
        aio::context asked(with(executor_kind::uring));
        EXPECT_EQ(asked.executor(), executor_kind::uring) << "code that asks wins";
    }
    for (const char* v : {"uring", "auto", "bogus", static_cast<const char*>(nullptr)}) {
        scoped_env env("AIOPP_EXECUTOR", v);
        aio::context automatic;
        EXPECT_EQ(automatic.executor(), executor_kind::uring) << (v ? v : "(unset)");
        aio::context pool(with(executor_kind::pool));
        EXPECT_EQ(pool.executor(), executor_kind::pool) << (v ? v : "(unset)");
    }
}

// Under `automatic`, stat, lstat and fstat run on the worker threads (a
// path statx measured 2-2.3x slower on the ring, docs/PERFORMANCE.md);
// other mapped ops still go to the ring, and `uring` puts stats there too.
// Under automatic, the ops measured faster on the pool (stat, lstat, fstat,
// open, nop) stay there; the others (mkdir, read, close) use the ring.
TEST(Selection, AutomaticKeepsStatsOpenAndNopOnThePool) {
    REQUIRE_RING();
    scoped_env env("AIOPP_EXECUTOR", nullptr);
    aio::testing::temp_dir t;
    aio::testing::write_file(t / "f", "data");
    struct stat want;
    ASSERT_EQ(::lstat((t / "f").c_str(), &want), 0);
    int fd = ::open((t / "f").c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    for (auto kind : {executor_kind::automatic, executor_kind::uring}) {
        aio::context ctx(with(kind));
        ASSERT_EQ(ctx.executor(), executor_kind::uring);
        auto a = await<aio::stat_t>(ctx, [&](auto cb) { aio::stat(t / "f", std::move(cb), ctx); });
        auto b = await<aio::stat_t>(ctx, [&](auto cb) { aio::lstat(t / "f", std::move(cb), ctx); });
        auto c = await<aio::stat_t>(ctx, [&](auto cb) { aio::fstat(fd, std::move(cb), ctx); });
        for (auto* r : {&a, &b, &c}) {
            ASSERT_TRUE(*r);
            EXPECT_EQ((*r)->ino, want.st_ino);
            EXPECT_EQ((*r)->size, want.st_size);
        }
        auto m = await<void>(ctx, [&](auto cb) {
            aio::mkdir(t / (kind == executor_kind::uring ? "d1" : "d0"), 0700, std::move(cb), ctx);
        });
        ASSERT_TRUE(m);
        auto n = await<void>(ctx, [&](auto cb) { aio::nop(std::move(cb), ctx); });
        ASSERT_TRUE(n);
        auto o = await<int>(
            ctx, [&](auto cb) { aio::open(t / "f", O_RDONLY | O_CLOEXEC, 0, std::move(cb), ctx); });
        ASSERT_TRUE(o);
        char buf[8] = {};
        auto r = await<std::size_t>(
            ctx, [&](auto cb) { aio::read(*o, 0, buf, sizeof buf, std::move(cb), ctx); });
        ASSERT_TRUE(r);
        EXPECT_EQ(std::string(buf, *r), "data");
        auto closed = await<void>(ctx, [&](auto cb) { aio::close(*o, std::move(cb), ctx); });
        ASSERT_TRUE(closed);
        std::uint64_t pooled = on_ring(ctx, op::stat) + on_ring(ctx, op::lstat) +
                               on_ring(ctx, op::fstat) + on_ring(ctx, op::open) +
                               on_ring(ctx, op::nop);
        EXPECT_EQ(pooled, kind == executor_kind::uring ? 5u : 0u);
        EXPECT_EQ(on_ring(ctx, op::mkdir), 1u);
        EXPECT_EQ(on_ring(ctx, op::read), 1u);
        EXPECT_EQ(on_ring(ctx, op::close), 1u);
    }
    ::close(fd);
}

// A child process under a seccomp filter that fails syscall `nr` with `err`.
bool filter_syscall(long nr, int err) {
#if defined(__x86_64__)
    constexpr unsigned arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
    constexpr unsigned arch = AUDIT_ARCH_AARCH64;
#else
    (void)nr;
    (void)err;
    return false;
#endif
#if defined(__x86_64__) || defined(__aarch64__)
    sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<unsigned>(nr), 0, 1),
        BPF_STMT(BPF_RET | BPF_K,
                 SECCOMP_RET_ERRNO | (static_cast<unsigned>(err) & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog prog{static_cast<unsigned short>(sizeof f / sizeof f[0]), f};
    return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
           ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
#endif
}

// What a context in a filtered child ends up with, and whether it works.
std::string executor_in_child(long nr, int err, executor_kind asked, executor_kind want,
                              const char* env = nullptr) {
    return aio::testing::in_child([&]() -> std::string {
        if (env) ::setenv("AIOPP_EXECUTOR", env, 1);
        if (!filter_syscall(nr, err)) return "cannot install the seccomp filter";
        aio::context ctx(with(asked));
        if (ctx.executor() != want)
            return "executor " + std::to_string(static_cast<int>(ctx.executor())) + ", want " +
                   std::to_string(static_cast<int>(want));
        auto st = await<aio::stat_t>(ctx, [&](auto cb) { aio::stat("/", std::move(cb), ctx); });
        if (!st || !st->is_dir()) return "stat / failed";
        auto nop = await<void>(ctx, [&](auto cb) { aio::nop(std::move(cb), ctx); });
        if (!nop) return "nop failed";
        return "";
    });
}

TEST(Selection, SeccompKeepsAutomaticOnThePool) {
    REQUIRE_RING();
    if (!aio::testing::can_deny_syscalls) GTEST_SKIP() << "no seccomp filter for this architecture";
    // A filter that has nothing to do with io_uring: automatic (and the
    // environment) stay on the pool, explicit uring gets the ring.
    EXPECT_EQ(
        executor_in_child(SYS_getpriority, EPERM, executor_kind::automatic, executor_kind::pool),
        "");
    EXPECT_EQ(executor_in_child(SYS_getpriority, EPERM, executor_kind::automatic,
                                executor_kind::pool, "uring"),
              "");
    EXPECT_EQ(executor_in_child(SYS_getpriority, EPERM, executor_kind::uring, executor_kind::uring),
              "");
}

TEST(Selection, UnavailableRingFallsBackToThePool) {
    REQUIRE_RING();
    if (!aio::testing::can_deny_syscalls) GTEST_SKIP() << "no seccomp filter for this architecture";
    // no io_uring (old kernel), io_uring_disabled (EPERM), io_uring_enter
    // filtered while setup is allowed: the pool, silently correct
    EXPECT_EQ(
        executor_in_child(SYS_io_uring_setup, ENOSYS, executor_kind::uring, executor_kind::pool),
        "");
    EXPECT_EQ(
        executor_in_child(SYS_io_uring_setup, EPERM, executor_kind::uring, executor_kind::pool),
        "");
    EXPECT_EQ(
        executor_in_child(SYS_io_uring_enter, EPERM, executor_kind::uring, executor_kind::pool),
        "");
    EXPECT_EQ(
        executor_in_child(SYS_io_uring_register, EPERM, executor_kind::uring, executor_kind::pool),
        "");
}

// ---- ops on the ring answer like the pool --------------------------------------------

// Two contexts, one per executor, each on its own copy of a small tree.
struct Differential : ::testing::Test {
    temp_dir root;
    aio::context pool{with(executor_kind::pool)};
    std::optional<aio::context> ring;
    std::string dir[2];

    void SetUp() override {
        REQUIRE_RING();
        ring.emplace(with(executor_kind::uring));
        for (int i = 0; i < 2; ++i) {
            dir[i] = root / std::to_string(i);
            ASSERT_EQ(::mkdir(dir[i].c_str(), 0755), 0);
            write_file(dir[i] + "/file", "0123456789abcdef");
            ASSERT_EQ(::mkdir((dir[i] + "/sub").c_str(), 0700), 0);
            write_file(dir[i] + "/sub/inner", "x");
            ASSERT_EQ(::symlink("file", (dir[i] + "/link").c_str()), 0);
            ASSERT_EQ(::symlink("missing", (dir[i] + "/dangling").c_str()), 0);
            ASSERT_EQ(::mkfifo((dir[i] + "/fifo").c_str(), 0600), 0);
        }
    }
    aio::context& ctx(int i) { return i ? *ring : pool; }
};

template <class T>
int err_of(const aio::result<T>& r) {
    return r.err();
}

void expect_same_stat(const aio::stat_t& a, const aio::stat_t& b, const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(a.dev, b.dev);
    EXPECT_EQ(a.ino, b.ino);
    EXPECT_EQ(a.mode, b.mode);
    EXPECT_EQ(a.nlink, b.nlink);
    EXPECT_EQ(a.uid, b.uid);
    EXPECT_EQ(a.gid, b.gid);
    EXPECT_EQ(a.rdev, b.rdev);
    EXPECT_EQ(a.size, b.size);
    EXPECT_EQ(a.blksize, b.blksize);
    EXPECT_EQ(a.blocks, b.blocks);
    EXPECT_EQ(a.atime.sec, b.atime.sec);
    EXPECT_EQ(a.atime.nsec, b.atime.nsec);
    EXPECT_EQ(a.mtime.sec, b.mtime.sec);
    EXPECT_EQ(a.mtime.nsec, b.mtime.nsec);
    EXPECT_EQ(a.ctime.sec, b.ctime.sec);
    EXPECT_EQ(a.ctime.nsec, b.ctime.nsec);
    EXPECT_EQ(a.btime.sec, b.btime.sec);
    EXPECT_EQ(a.btime.nsec, b.btime.nsec);
    EXPECT_EQ(a.mask, b.mask);
    EXPECT_EQ(a.attributes, b.attributes);
    EXPECT_EQ(a.attributes_mask, b.attributes_mask);
}

TEST_F(Differential, StatLstatFstatFieldForField) {
    // both trees are compared with the same tree: the pool and the ring stat
    // the same objects
    const char* names[] = {"file",      "sub",     "link",   "dangling", "fifo",
                           "sub/inner", "missing", "file/x", ""};
    auto before = on_ring(*ring, op::stat) + on_ring(*ring, op::lstat);
    for (const char* n : names) {
        std::string p = dir[0] + "/" + n;
        // lstat first on both: following a symlink (stat) updates its atime
        std::optional<aio::result<aio::stat_t>> got[2][2];
        for (int i = 0; i < 2; ++i)
            got[i][1].emplace(
                await<aio::stat_t>(ctx(i), [&](auto cb) { aio::lstat(p, std::move(cb), ctx(i)); }));
        for (int i = 0; i < 2; ++i)
            got[i][0].emplace(
                await<aio::stat_t>(ctx(i), [&](auto cb) { aio::stat(p, std::move(cb), ctx(i)); }));
        for (int k = 0; k < 2; ++k) {
            auto& a = *got[0][k];
            auto& b = *got[1][k];
            ASSERT_EQ(err_of(a), err_of(b)) << n << (k ? " lstat" : " stat");
            if (a) expect_same_stat(*a, *b, std::string(n) + (k ? " l" : ""));
        }
    }
    EXPECT_EQ(on_ring(*ring, op::stat) + on_ring(*ring, op::lstat) - before, 2 * std::size(names))
        << "every stat ran on the ring";
    // an empty path fails before any syscall, on both
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(err_of(await<aio::stat_t>(
                      ctx(i), [&](auto cb) { aio::stat("", std::move(cb), ctx(i)); })),
                  ENOENT);
    // /dev/null, the root, a wd-relative name and a wd alone
    auto w = await<aio::wd>(*ring, [&](auto cb) { aio::wd_open(dir[0], std::move(cb), *ring); });
    ASSERT_TRUE(w);
    for (aio::path_arg p :
         {aio::path_arg("/dev/null"), aio::path_arg("/"), aio::path_arg(*w, "file"),
          aio::path_arg(*w), aio::path_arg(*w, dir[0] + "/sub")}) {
        auto a = await<aio::stat_t>(pool, [&](auto cb) { aio::stat(p, std::move(cb), pool); });
        auto b = await<aio::stat_t>(*ring, [&](auto cb) { aio::stat(p, std::move(cb), *ring); });
        ASSERT_TRUE(a && b) << p.path;
        expect_same_stat(*a, *b, p.path);
    }
    // fstat, and fstat of a closed descriptor
    unique_fd fd(::open((dir[0] + "/file").c_str(), O_RDONLY | O_CLOEXEC));
    for (int f : {static_cast<int>(fd), aio::testing::closed_fd(), -1}) {
        auto a = await<aio::stat_t>(pool, [&](auto cb) { aio::fstat(f, std::move(cb), pool); });
        auto b = await<aio::stat_t>(*ring, [&](auto cb) { aio::fstat(f, std::move(cb), *ring); });
        ASSERT_EQ(err_of(a), err_of(b)) << f;
        if (a) expect_same_stat(*a, *b, "fstat");
    }
    EXPECT_GE(on_ring(*ring, op::fstat), 2u);
}

TEST_F(Differential, NamespaceOpsResultsAndErrors) {
    // the same sequence on both trees; every result must match
    auto run = [&](int i) {
        aio::context& c = ctx(i);
        std::string d = dir[i];
        std::vector<int> errs;
        auto v = [&](auto&& submit) { errs.push_back(err_of(await<void>(c, submit))); };
        v([&](auto cb) { aio::mkdir(d + "/new", 0750, std::move(cb), c); });
        v([&](auto cb) { aio::mkdir(d + "/new", 0750, std::move(cb), c); });     // EEXIST
        v([&](auto cb) { aio::mkdir(d + "/nope/x", 0750, std::move(cb), c); });  // ENOENT
        v([&](auto cb) { aio::mkdir(d + "/file/x", 0750, std::move(cb), c); });  // ENOTDIR
        v([&](auto cb) { aio::symlink("target", d + "/sym", std::move(cb), c); });
        v([&](auto cb) { aio::symlink("target", d + "/sym", std::move(cb), c); });  // EEXIST
        v([&](auto cb) { aio::link(d + "/file", d + "/hard", std::move(cb), c); });
        v([&](auto cb) { aio::link(d + "/file", d + "/hard", std::move(cb), c); });   // EEXIST
        v([&](auto cb) { aio::link(d + "/missing", d + "/h2", std::move(cb), c); });  // ENOENT
        v([&](auto cb) { aio::rename(d + "/hard", d + "/hard2", std::move(cb), c); });
        v([&](auto cb) { aio::rename(d + "/missing", d + "/x", std::move(cb), c); });  // ENOENT
        v([&](auto cb) {
            aio::rename2(d + "/hard2", d + "/file", RENAME_NOREPLACE, std::move(cb), c);  // EEXIST
        });
        v([&](auto cb) {
            aio::rename2(d + "/hard2", d + "/sym", RENAME_EXCHANGE, std::move(cb), c);
        });
        v([&](auto cb) {
            aio::rename2(d + "/file", d + "/y", 0x100, std::move(cb), c);
        });                                                              // EINVAL
        v([&](auto cb) { aio::unlink(d + "/sub", std::move(cb), c); });  // EISDIR
        v([&](auto cb) { aio::unlink(d + "/hard2", std::move(cb), c); });
        v([&](auto cb) { aio::unlink(d + "/hard2", std::move(cb), c); });  // ENOENT
        v([&](auto cb) { aio::rmdir(d + "/sub", std::move(cb), c); });     // ENOTEMPTY
        v([&](auto cb) { aio::rmdir(d + "/file", std::move(cb), c); });    // ENOTDIR
        v([&](auto cb) { aio::rmdir(d + "/new", std::move(cb), c); });
        v([&](auto cb) { aio::unlink(std::string("a\0b", 3), std::move(cb), c); });  // EINVAL
        v([&](auto cb) { aio::unlink(aio::path_arg(aio::wd{}, "x"), std::move(cb), c); });
        return errs;
    };
    auto before = on_ring(*ring, op::mkdir);
    auto a = run(0), b = run(1);
    EXPECT_EQ(a, b);
    EXPECT_EQ(a,
              (std::vector<int>{0,      EEXIST,    ENOENT,  ENOTDIR, 0,      EEXIST, 0,      EEXIST,
                                ENOENT, 0,         ENOENT,  EEXIST,  0,      EINVAL, EISDIR, 0,
                                ENOENT, ENOTEMPTY, ENOTDIR, 0,       EINVAL, ENOENT}));
    EXPECT_EQ(on_ring(*ring, op::mkdir) - before, 4u);
    for (op o : {op::symlink, op::link, op::rename, op::rename2, op::unlink, op::rmdir})
        EXPECT_GE(on_ring(*ring, o), 2u) << aio::detail::op_name(o);
    // the trees ended up the same
    std::string ls[2];
    for (int i = 0; i < 2; ++i)
        aio::testing::run("cd " + aio::testing::shell_quote(dir[i]) +
                              " && ls -lnR --time-style=+ | "
                              "sed 's/ [0-9]* [0-9]* [0-9]* / /'",
                          &ls[i]);
    EXPECT_EQ(ls[0], ls[1]);
}

TEST_F(Differential, WdRelativeAndWdItselfSpecialCases) {
    aio::wd w[2];
    for (int i = 0; i < 2; ++i) {
        auto r = await<aio::wd>(
            ctx(i), [&](auto cb) { aio::wd_open(dir[i] + "/sub", std::move(cb), ctx(i)); });
        ASSERT_TRUE(r);
        w[i] = *r;
    }
    for (int i = 0; i < 2; ++i) {
        auto& c = ctx(i);
        EXPECT_EQ(
            err_of(await<void>(
                c, [&](auto cb) { aio::mkdir(aio::path_arg(w[i], "d"), 0700, std::move(cb), c); })),
            0);
        // absolute path with a wd: the wd is ignored
        EXPECT_EQ(err_of(await<void>(c,
                                     [&](auto cb) {
                                         aio::unlink(aio::path_arg(w[i], dir[i] + "/sub/inner"),
                                                     std::move(cb), c);
                                     })),
                  0);
        EXPECT_EQ(err_of(await<void>(
                      c, [&](auto cb) { aio::rmdir(aio::path_arg(w[i], "d"), std::move(cb), c); })),
                  0);
    }
    // {wd, "."}: rename and rmdir act on the wd's recorded path, on the pool
    auto renames = on_ring(*ring, op::rename), rmdirs = on_ring(*ring, op::rmdir);
    for (int i = 0; i < 2; ++i) {
        auto& c = ctx(i);
        EXPECT_EQ(err_of(await<void>(c,
                                     [&](auto cb) {
                                         aio::rename(aio::path_arg(w[i]), dir[i] + "/moved",
                                                     std::move(cb), c);
                                     })),
                  0);
        EXPECT_EQ(::access((dir[i] + "/moved").c_str(), F_OK), 0);
        ASSERT_EQ(::rename((dir[i] + "/moved").c_str(), (dir[i] + "/sub").c_str()), 0);
        EXPECT_EQ(err_of(await<void>(
                      c, [&](auto cb) { aio::rmdir(aio::path_arg(w[i]), std::move(cb), c); })),
                  0);
        EXPECT_NE(::access((dir[i] + "/sub").c_str(), F_OK), 0);
    }
    EXPECT_EQ(on_ring(*ring, op::rename), renames) << "{wd, \".\"} renames on the pool";
    EXPECT_EQ(on_ring(*ring, op::rmdir), rmdirs) << "{wd, \".\"} removes on the pool";
}

TEST_F(Differential, OpenReadWriteCloseAndSync) {
    for (int i = 0; i < 2; ++i) {
        SCOPED_TRACE(i ? "ring" : "pool");
        auto& c = ctx(i);
        std::string d = dir[i];
        auto fd = await<int>(
            c, [&](auto cb) { aio::open(d + "/file", O_RDWR | O_CLOEXEC, 0, std::move(cb), c); });
        ASSERT_TRUE(fd);
        auto missing = await<int>(c, [&](auto cb) {
            aio::open(d + "/missing", O_RDONLY | O_CLOEXEC, 0, std::move(cb), c);
        });
        EXPECT_EQ(err_of(missing), ENOENT);
        auto excl = await<int>(c, [&](auto cb) {
            aio::open(d + "/file", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, std::move(cb), c);
        });
        EXPECT_EQ(err_of(excl), EEXIST);
        auto created = await<int>(c, [&](auto cb) {
            aio::open(d + "/made", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640, std::move(cb), c);
        });
        ASSERT_TRUE(created);
        struct stat st;
        ASSERT_EQ(::stat((d + "/made").c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 07777, 0640u & ~0022u);

        // explicit offset: the position stays; current position: it moves
        char buf[8] = {};
        auto n =
            await<std::size_t>(c, [&](auto cb) { aio::read(*fd, 4, buf, 4, std::move(cb), c); });
        EXPECT_EQ(n.value_or(0), 4u);
        EXPECT_EQ(std::string(buf, 4), "4567");
        EXPECT_EQ(::lseek(*fd, 0, SEEK_CUR), 0);
        n = await<std::size_t>(
            c, [&](auto cb) { aio::read(*fd, std::nullopt, buf, 3, std::move(cb), c); });
        EXPECT_EQ(n.value_or(0), 3u);
        EXPECT_EQ(::lseek(*fd, 0, SEEK_CUR), 3);
        auto wn = await<std::size_t>(
            c, [&](auto cb) { aio::write(*fd, std::nullopt, "XY", 2, std::move(cb), c); });
        EXPECT_EQ(wn.value_or(0), 2u);
        EXPECT_EQ(::lseek(*fd, 0, SEEK_CUR), 5);
        wn = await<std::size_t>(c,
                                [&](auto cb) { aio::write(*fd, 14, "zzzz", 4, std::move(cb), c); });
        EXPECT_EQ(wn.value_or(0), 4u);
        // owned buffers: grow to dataoffset + length, shrink to what was read
        auto od = await<aio::io_data>(
            c, [&](auto cb) { aio::read(*fd, 12, 10, std::string("ab"), 1, std::move(cb), c); });
        ASSERT_TRUE(od);
        EXPECT_EQ(od->bytes, 6u);
        EXPECT_EQ(od->data, "acdzzzz");
        auto ow = await<aio::io_data>(c, [&](auto cb) {
            aio::write(*fd, 0, std::nullopt, std::string("--PQ"), -2, std::move(cb), c);
        });
        ASSERT_TRUE(ow);
        EXPECT_EQ(ow->bytes, 2u);
        // errors: negative offset and a write-only read stay like the syscalls
        EXPECT_EQ(err_of(await<std::size_t>(
                      c, [&](auto cb) { aio::read(*fd, -5, buf, 1, std::move(cb), c); })),
                  EINVAL);
        EXPECT_EQ(err_of(await<std::size_t>(
                      c, [&](auto cb) { aio::read(*created, 0, buf, 1, std::move(cb), c); })),
                  EBADF);
        EXPECT_EQ(err_of(await<std::size_t>(c,
                                            [&](auto cb) {
                                                aio::read(aio::testing::closed_fd(), std::nullopt,
                                                          buf, 1, std::move(cb), c);
                                            })),
                  EBADF);
        // sync family and allocate
        for (auto* f : {&aio::fsync, &aio::fdatasync}) {
            EXPECT_EQ(err_of(await<void>(c, [&](auto cb) { f(*fd, std::move(cb), c); })), 0);
            EXPECT_EQ(err_of(await<void>(
                          c, [&](auto cb) { f(aio::testing::closed_fd(), std::move(cb), c); })),
                      EBADF);
        }
        EXPECT_EQ(err_of(await<void>(c,
                                     [&](auto cb) {
                                         aio::sync_file_range(*fd, 0, 4, SYNC_FILE_RANGE_WRITE,
                                                              std::move(cb), c);
                                     })),
                  0);
        EXPECT_EQ(err_of(await<void>(c,
                                     [&](auto cb) {
                                         aio::sync_file_range(*fd, -1, 4, SYNC_FILE_RANGE_WRITE,
                                                              std::move(cb), c);
                                     })),
                  EINVAL);
        EXPECT_EQ(err_of(await<void>(
                      c, [&](auto cb) { aio::allocate(*fd, 0, 0, 4096, std::move(cb), c); })),
                  0);
        EXPECT_EQ(err_of(await<void>(
                      c, [&](auto cb) { aio::allocate(*fd, 0, -1, 4096, std::move(cb), c); })),
                  EINVAL);
        EXPECT_EQ(err_of(await<void>(c, [&](auto cb) { aio::close(*fd, std::move(cb), c); })), 0);
        EXPECT_EQ(err_of(await<void>(c, [&](auto cb) { aio::close(*fd, std::move(cb), c); })),
                  EBADF);
        EXPECT_EQ(err_of(await<void>(c, [&](auto cb) { aio::close(*created, std::move(cb), c); })),
                  0);
    }
    EXPECT_EQ(aio::testing::read_file(dir[0] + "/file"), aio::testing::read_file(dir[1] + "/file"));
    EXPECT_EQ(aio::testing::read_file(dir[1] + "/file").substr(0, 7), "PQ2XY56");
    for (op o : {op::open, op::read, op::write, op::close, op::fsync, op::fdatasync,
                 op::sync_file_range, op::allocate})
        EXPECT_GE(on_ring(*ring, o), 1u) << aio::detail::op_name(o);
}

TEST_F(Differential, PipesKeepTheSyscallsSemantics) {
    pipe_pair p;
    char buf[4] = {};
    auto writes = on_ring(*ring, op::write);
    // explicit offsets on a pipe: ESPIPE like pread/pwrite (the pool runs them)
    EXPECT_EQ(err_of(await<std::size_t>(
                  *ring, [&](auto cb) { aio::read(p.r, 0, buf, 1, std::move(cb), *ring); })),
              ESPIPE);
    EXPECT_EQ(err_of(await<std::size_t>(
                  *ring, [&](auto cb) { aio::write(p.w, 0, "x", 1, std::move(cb), *ring); })),
              ESPIPE);
    // the current position works; pipes are read and written by workers
    EXPECT_EQ(::write(p.w, "abc", 3), 3);
    auto reads = on_ring(*ring, op::read);
    auto n = await<std::size_t>(
        *ring, [&](auto cb) { aio::read(p.r, std::nullopt, buf, 4, std::move(cb), *ring); });
    EXPECT_EQ(n.value_or(0), 3u);
    EXPECT_EQ(on_ring(*ring, op::read), reads);
    // a write to a broken pipe: EPIPE, and no SIGPIPE for the submitting thread
    p.r.reset();
    EXPECT_EQ(
        err_of(await<std::size_t>(
            *ring, [&](auto cb) { aio::write(p.w, std::nullopt, "x", 1, std::move(cb), *ring); })),
        EPIPE);
    EXPECT_EQ(on_ring(*ring, op::write), writes) << "writes to pipes run on a worker";
    // fdatasync on a pipe: EINVAL from the ring, then the pool's fsync fallback
    pipe_pair q;
    auto before = on_ring(*ring, op::fdatasync);
    EXPECT_EQ(
        err_of(await<void>(*ring, [&](auto cb) { aio::fdatasync(q.r, std::move(cb), *ring); })),
        EINVAL);
    EXPECT_EQ(on_ring(*ring, op::fdatasync), before + 1);
}

TEST(RingOps, NopsAndAllTheirCallbacks) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    int called = 0;
    for (int i = 0; i < 1000; ++i)
        aio::nop([&](aio::result<void> r) { called += r.has_value(); }, ctx);
    flush_or_fail(ctx);
    EXPECT_EQ(called, 1000);
    EXPECT_EQ(on_ring(ctx, op::nop), 1000u);
    EXPECT_EQ(ctx.nthreads(), 0u) << "no worker thread was needed";
}

// A batch holds the ring's submissions until it ends, then hands them over
// together; the requests run and call back as usual.
TEST(RingBatch, HoldsRingSubmissionsUntilItEnds) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    int called = 0;
    {
        aio::batch b(ctx);
        for (int i = 0; i < 10; ++i)
            aio::nop([&](aio::result<void> r) { called += r.has_value(); }, ctx);
        EXPECT_EQ(on_ring(ctx, op::nop), 0u) << "handed to the kernel inside the batch";
        EXPECT_EQ(ctx.nready(), 10u);
        {
            aio::batch inner(ctx);  // nested on the same context: the outer one hands over
            aio::nop([&](aio::result<void> r) { called += r.has_value(); }, ctx);
        }
        EXPECT_EQ(on_ring(ctx, op::nop), 0u) << "the inner batch handed over";
        EXPECT_EQ(ctx.nready(), 11u);
    }
    EXPECT_EQ(on_ring(ctx, op::nop), 11u);
    flush_or_fail(ctx);
    EXPECT_EQ(called, 11);
}

// Waiting inside a batch for what it holds hands it over first: no deadlock.
TEST(RingBatch, WaitingInsideABatchRunsWhatItHolds) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    aio::batch b(ctx);
    int called = 0;
    aio::nop([&](aio::result<void>) { ++called; }, ctx);
    flush_or_fail(ctx);
    EXPECT_EQ(called, 1);
    aio::nop([&](aio::result<void>) { ++called; }, ctx);
    while (ctx.nreqs())
        ctx.poll();
    EXPECT_EQ(called, 2);
}

// Requests for the worker pool are not held: one executes (its result
// becomes pending) while the batch is still alive.
TEST(RingBatch, PoolRequestsStartInsideABatch) {
    aio::context ctx(with(executor_kind::pool));
    aio::batch b(ctx);
    int called = 0;
    aio::nop([&](aio::result<void>) { ++called; }, ctx);
    EXPECT_TRUE(eventually([&] { return ctx.npending() == 1; }))
        << "a pool request waited for the batch";
    flush_or_fail(ctx);
    EXPECT_EQ(called, 1);
}

// A batch on another context leaves this one's submissions alone.
TEST(RingBatch, OnlyItsOwnContext) {
    REQUIRE_RING();
    aio::context a(with(executor_kind::uring)), b(with(executor_kind::uring));
    aio::batch hold(a);
    aio::nop({}, b);
    EXPECT_EQ(on_ring(b, op::nop), 1u);
    aio::nop({}, a);
    EXPECT_EQ(on_ring(a, op::nop), 0u);
    flush_or_fail(b);
    flush_or_fail(a);
}

// A thread that submitted a request to the ring may exit before it
// completes: the kernel then either lets the request finish (the exit waits
// for the thread's kernel workers) or cancels it, and aiopp runs a request
// cancelled that way again on the pool. Either way the callback gets the
// open's descriptor.
TEST(RingOps, SubmittingThreadMayExit) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    std::optional<fifo_open> f;
    std::atomic<bool> submitted{false};
    std::thread t([&] {
        f.emplace(ctx);
        submitted = true;
    });
    while (!submitted)
        std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(10ms);  // let the thread get into its exit
    f->release(&ctx);
    t.join();
    flush_or_fail(ctx);
    ASSERT_TRUE(f->got);
    EXPECT_TRUE(*f->got) << f->got->err();
}

// read(2)/write(2) move the position atomically, the ring would not: I/O at
// the current position runs on a worker, I/O at an offset on the ring.
TEST_F(Differential, CurrentPositionOnTheWorkersOffsetsOnTheRing) {
    unique_fd fd(::open((dir[1] + "/file").c_str(), O_RDWR | O_CLOEXEC));
    char buf[4];
    auto reads = on_ring(*ring, op::read), writes = on_ring(*ring, op::write);
    EXPECT_EQ(
        await<std::size_t>(
            *ring, [&](auto cb) { aio::read(fd, std::nullopt, buf, 4, std::move(cb), *ring); })
            .value_or(0),
        4u);
    EXPECT_EQ(
        await<std::size_t>(
            *ring, [&](auto cb) { aio::write(fd, std::nullopt, "ab", 2, std::move(cb), *ring); })
            .value_or(0),
        2u);
    EXPECT_EQ(::lseek(fd, 0, SEEK_CUR), 6);
    EXPECT_EQ(on_ring(*ring, op::read), reads);
    EXPECT_EQ(on_ring(*ring, op::write), writes);
    EXPECT_EQ(
        await<std::size_t>(*ring, [&](auto cb) { aio::read(fd, 0, buf, 4, std::move(cb), *ring); })
            .value_or(0),
        4u);
    EXPECT_EQ(await<std::size_t>(*ring,
                                 [&](auto cb) { aio::write(fd, 8, "cd", 2, std::move(cb), *ring); })
                  .value_or(0),
              2u);
    EXPECT_EQ(on_ring(*ring, op::read), reads + 1);
    EXPECT_EQ(on_ring(*ring, op::write), writes + 1);
    EXPECT_EQ(::lseek(fd, 0, SEEK_CUR), 6) << "offsets leave the position alone";
}

// Opening a FIFO waits for the other end, exactly like open(2), and does
// not where O_NONBLOCK asks (the ring's own first attempt is nonblocking).
TEST_F(Differential, FifoOpenBlocksLikeOpen) {
    for (int i = 0; i < 2; ++i) {
        SCOPED_TRACE(i ? "ring" : "pool");
        auto& c = ctx(i);
        std::string fifo = dir[i] + "/fifo";
        auto nb_writer = await<int>(c, [&](auto cb) {
            aio::open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0, std::move(cb), c);
        });
        EXPECT_EQ(nb_writer.err(), ENXIO) << "no reader yet";
        auto nb_reader = await<int>(c, [&](auto cb) {
            aio::open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0, std::move(cb), c);
        });
        ASSERT_TRUE(nb_reader);
        ::close(*nb_reader);
        // a blocking writer waits for a reader (not ENXIO)
        std::optional<aio::result<int>> w;
        aio::open(
            fifo, O_WRONLY | O_CLOEXEC, 0, [&](aio::result<int> r) { w.emplace(r); }, c);
        std::this_thread::sleep_for(20ms);
        c.poll_cb();
        EXPECT_FALSE(w) << "the writer's open returned before a reader came";
        unique_fd reader(::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
        flush_or_fail(c);
        ASSERT_TRUE(w);
        ASSERT_TRUE(*w) << w->err();
        ::close(**w);
    }
    EXPECT_GE(on_ring(*ring, op::open), 3u);
}

// ---- priorities and counters behind a full ring ---------------------------------------

TEST(RingQueue, HigherPriorityFirstBehindAFullRing) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    ring_holder hold(ctx);
    std::vector<int> order;
    const int pris[] = {0, -4, 4, 2, 0, 4, -1, 2, -4, 3};
    for (int i = 0; i < 10; ++i) {
        aio::pri(pris[i]);
        auto r = aio::nop([&order, i](aio::result<void>) { order.push_back(i); }, ctx);
        EXPECT_EQ(r.state(), aio::req_state::ready);
    }
    EXPECT_EQ(ctx.nready(), 10u);
    EXPECT_EQ(ctx.nreqs(), 11u);
    hold.release();
    flush_or_fail(ctx);
    ASSERT_TRUE(hold.got);
    EXPECT_TRUE(*hold.got);
    EXPECT_EQ(order, (std::vector<int>{2, 5, 9, 3, 7, 0, 4, 6, 1, 8}));
}

TEST(RingQueue, CountersQueuedInFlightAndCompleted) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    ring_holder hold(ctx);
    for (int i = 0; i < 3; ++i)
        aio::nop({}, ctx);
    EXPECT_EQ(ctx.nreqs(), 4u);
    EXPECT_EQ(ctx.nready(), 3u);
    EXPECT_EQ(ctx.npending(), 0u);
    hold.release();
    // the holder's completion is pending before anyone reaps it
    ASSERT_TRUE(eventually([&] { return ctx.npending() == 1; }));
    EXPECT_TRUE(eventually([&] { return readable(ctx.poll_fileno()); }));
    ring_of(ctx).depth(64);
    flush_or_fail(ctx);
    EXPECT_EQ(ctx.nreqs(), 0u);
    EXPECT_EQ(ctx.nready(), 0u);
    EXPECT_EQ(ctx.npending(), 0u);
}

TEST(RingQueue, MaxParallelZeroHoldsRingRequestsToo) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    ctx.max_parallel(0);
    int called = 0;
    aio::nop([&](aio::result<void>) { ++called; }, ctx);
    std::this_thread::sleep_for(20ms);
    ctx.poll_cb();
    EXPECT_EQ(called, 0) << "max_parallel(0) queues without executing";
    EXPECT_EQ(ctx.nready(), 1u);
    EXPECT_EQ(on_ring(ctx, op::nop), 0u);
    ctx.min_parallel(1);
    flush_or_fail(ctx);
    EXPECT_EQ(called, 1);
}

TEST(RingQueue, ManyRequestsFromSeveralThreadsThroughATinyRing) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    ring_of(ctx).depth(3);
    temp_dir d;
    write_file(d / "f", "data");
    constexpr int kThreads = 3, kPer = 3000;
    std::vector<std::atomic<int>> hits(kThreads * kPer);
    std::atomic<int> done_submitting{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t)
        ts.emplace_back([&, t] {
            for (int i = 0; i < kPer; ++i) {
                int id = t * kPer + i;
                aio::pri(i % 9 - 4);
                if (i % 5 == 0)
                    aio::stat(
                        d / "f",
                        [&, id](aio::result<aio::stat_t> r) { hits[id] += r && r->size == 4; },
                        ctx);
                else
                    aio::nop([&, id](aio::result<void>) { ++hits[id]; }, ctx);
            }
            ++done_submitting;
        });
    while (done_submitting.load() < kThreads || ctx.nreqs()) {
        pollfd p{ctx.poll_fileno(), POLLIN, 0};
        ::poll(&p, 1, 10);
        ctx.poll_cb();
    }
    for (auto& t : ts)
        t.join();
    int ok = 0;
    for (auto& h : hits)
        ok += h.load() == 1;
    EXPECT_EQ(ok, kThreads * kPer);
    EXPECT_FALSE(readable(ctx.poll_fileno()));
}

// ---- cancel ----------------------------------------------------------------------------

TEST(RingCancel, RequestInTheRingIsCancelledByTheKernel) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    fifo_open f(ctx);
    f.req.cancel();
    flush_or_fail(ctx);  // returns: the kernel interrupted the open
    EXPECT_FALSE(f.got) << "a cancelled request does not call back";
    EXPECT_TRUE(f.req.done());
    EXPECT_EQ(ctx.nreqs(), 0u);
    EXPECT_TRUE(f.no_reader()) << "the open no longer waits";
}

TEST(RingCancel, CancelFromAnotherThread) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    fifo_open f(ctx);
    std::thread t([r = f.req]() mutable { r.cancel(); });
    t.join();
    flush_or_fail(ctx);
    EXPECT_FALSE(f.got);
    EXPECT_TRUE(f.req.done());
}

TEST(RingCancel, QueuedRequestNeverRuns) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    temp_dir d;
    write_file(d / "keep", "k");
    ring_holder hold(ctx);
    bool called = false;
    auto r = aio::unlink(
        d / "keep", [&](aio::result<void>) { called = true; }, ctx);
    EXPECT_EQ(r.state(), aio::req_state::ready);
    r.cancel();
    hold.release();
    flush_or_fail(ctx);
    EXPECT_FALSE(called);
    EXPECT_EQ(::access((d / "keep").c_str(), F_OK), 0) << "the unlink never ran";
    EXPECT_EQ(on_ring(ctx, op::unlink), 0u);
}

TEST(RingCancel, GroupCancelReachesRequestsInTheRing) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    int called = 0;
    auto g = aio::make_group([&](aio::result<std::int64_t>) { ++called; }, ctx);
    fifo_open f1(ctx), f2(ctx);
    g.add(f1.req);
    g.add(f2.req);
    g.cancel();
    flush_or_fail(ctx);
    EXPECT_EQ(called, 0);
    EXPECT_FALSE(f1.got || f2.got);
    EXPECT_TRUE(g.done());
    EXPECT_EQ(ctx.nreqs(), 0u);
}

// ---- the eventfd ------------------------------------------------------------------------

TEST(RingEventfd, ReadableExactlyWhileCompletionsArePending) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    int fd = ctx.poll_fileno();
    EXPECT_FALSE(readable(fd));
    for (int i = 0; i < 100; ++i)
        aio::nop({}, ctx);
    EXPECT_EQ(ctx.npending(), 100u) << "completions in the ring count as pending";
    EXPECT_TRUE(readable(fd));
    ctx.max_poll_reqs(30);
    EXPECT_EQ(ctx.poll_cb(), -1);
    EXPECT_TRUE(readable(fd)) << "results left after an early return";
    EXPECT_EQ(ctx.npending(), 70u);
    ctx.max_poll_reqs(0);
    EXPECT_EQ(ctx.poll_cb(), 0);
    EXPECT_FALSE(readable(fd));
    EXPECT_EQ(ctx.nreqs(), 0u);
    EXPECT_EQ(ctx.poll_cb(), 0);
    EXPECT_FALSE(readable(fd));
}

// A kernel write can land after its completion was reaped (the CQE is
// visible a moment before the kernel writes the eventfd). Simulated here by
// writing the eventfd ourselves: poll_cb and poll_wait reset it.
TEST(RingEventfd, LateKernelWriteIsReset) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    std::uint64_t one = 1;
    ASSERT_EQ(::write(ctx.poll_fileno(), &one, sizeof one), 8);
    EXPECT_EQ(ctx.poll_cb(), 0);
    EXPECT_FALSE(readable(ctx.poll_fileno())) << "poll_cb resets it";

    fifo_open f(ctx);  // something outstanding, so that poll_wait waits
    ASSERT_EQ(::write(ctx.poll_fileno(), &one, sizeof one), 8);
    std::thread t([&] {
        std::this_thread::sleep_for(20ms);
        f.release();
    });
    ctx.poll_wait();  // resets the stale write, waits, returns once the open completed
    t.join();
    EXPECT_TRUE(readable(ctx.poll_fileno()));
    flush_or_fail(ctx);
    EXPECT_FALSE(readable(ctx.poll_fileno()));
    ASSERT_TRUE(f.got);
}

TEST(RingEventfd, LateCompletionWakesAPollingLoop) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    fifo_open f(ctx);
    EXPECT_FALSE(readable(ctx.poll_fileno()));
    std::thread t([&] {
        std::this_thread::sleep_for(20ms);
        f.release();
    });
    pollfd pf{ctx.poll_fileno(), POLLIN, 0};
    int rc;
    do
        rc = ::poll(&pf, 1, 30000);
    while (rc < 0 && errno == EINTR);
    EXPECT_EQ(rc, 1) << "the kernel's completion made the descriptor readable";
    t.join();
    EXPECT_EQ(ctx.poll_cb(), 0);
    ASSERT_TRUE(f.got);
    EXPECT_TRUE(*f.got);
    EXPECT_FALSE(readable(ctx.poll_fileno()));
}

// ---- the driving thread -----------------------------------------------------------------
//
// When submissions pile up behind a full ring whose completions wait to be
// reaped, a thread of the ring's own reaps and refills it while the
// submitter goes on; submissions then pass through a lock-free intake.

// Submits n nops at once with a per-request hit counter; returns them.
std::vector<aio::request<void>> storm(aio::context& ctx, std::vector<std::atomic<int>>& hits) {
    std::vector<aio::request<void>> reqs;
    reqs.reserve(hits.size());
    for (std::size_t i = 0; i < hits.size(); ++i)
        reqs.push_back(aio::nop([&hits, i](aio::result<void> r) { hits[i] += r ? 1 : 100; }, ctx));
    return reqs;
}

int exactly_once(const std::vector<std::atomic<int>>& hits) {
    int n = 0;
    for (auto& h : hits)
        n += h.load() == 1;
    return n;
}

TEST(RingDriver, AStormIsDrivenAndEveryCallbackRunsOnce) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    constexpr int kN = 50000;
    std::vector<std::atomic<int>> hits(kN);
    storm(ctx, hits);
    flush_or_fail(ctx);
    EXPECT_EQ(exactly_once(hits), kN);
    EXPECT_EQ(on_ring(ctx, op::nop), std::uint64_t{kN});
    EXPECT_GT(ring_of(ctx).driven(), 0u) << "the driving thread took part";
    EXPECT_EQ(ctx.nreqs(), 0u);
    EXPECT_EQ(ctx.nready(), 0u);
    EXPECT_EQ(ctx.npending(), 0u);
    EXPECT_FALSE(readable(ctx.poll_fileno()));
    // and again, once the driver has gone back to sleep
    std::vector<std::atomic<int>> again(kN);
    storm(ctx, again);
    flush_or_fail(ctx);
    EXPECT_EQ(exactly_once(again), kN);
}

// Several threads submit while the driver runs and the poll thread takes
// results through poll_cb: nothing is lost or run twice.
TEST(RingDriver, ManySubmittersWhileItDrives) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    constexpr int kThreads = 4, kPer = 10000;
    std::vector<std::atomic<int>> hits(kThreads * kPer);
    std::atomic<int> submitting{kThreads};
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t)
        ts.emplace_back([&, t] {
            for (int i = 0; i < kPer; ++i) {
                int id = t * kPer + i;
                aio::nop([&, id](aio::result<void> r) { hits[id] += r ? 1 : 100; }, ctx);
            }
            --submitting;
        });
    while (submitting.load() || ctx.nreqs()) {
        pollfd p{ctx.poll_fileno(), POLLIN, 0};
        ::poll(&p, 1, 10);
        ctx.poll_cb();
    }
    for (auto& t : ts)
        t.join();
    EXPECT_EQ(exactly_once(hits), kThreads * kPer);
    EXPECT_FALSE(readable(ctx.poll_fileno()));
}

// More submissions than the intake holds (a batch keeps them there): the
// overflow moves into the priority queues, and once the ring frees up they
// run highest priority first, in submission order within a priority.
TEST(RingDriver, OverflowingTheIntakeKeepsPriorityAndOrder) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    ring_holder hold(ctx);
    constexpr int kN = 10000;
    std::vector<int> order;
    std::vector<std::pair<int, int>> expect;  // (-pri, i): the order they must run in
    {
        aio::batch b(ctx);
        for (int i = 0; i < kN; ++i) {
            int pri = i % 97 == 0 ? 3 : i % 89 == 0 ? -2 : 0;
            aio::pri(pri);
            aio::nop([&order, i](aio::result<void>) { order.push_back(i); }, ctx);
            expect.emplace_back(-pri, i);
        }
        EXPECT_EQ(ctx.nready(), std::size_t{kN});
    }
    EXPECT_EQ(ctx.nready(), std::size_t{kN}) << "the ring is held: nothing entered";
    hold.release();
    flush_or_fail(ctx);
    ASSERT_TRUE(hold.got);
    EXPECT_TRUE(*hold.got);
    std::sort(expect.begin(), expect.end());
    std::vector<int> want;
    for (auto& e : expect)
        want.push_back(e.second);
    EXPECT_EQ(order, want);
}

// Several threads submit behind a held ring: their requests meet in the
// intake and the queues, and once the ring frees up each thread's requests
// (one priority) run in the order that thread submitted them. With each
// thread in an aio::batch everything goes into the intake until it is full
// (12 000 requests, 4096 cells), so submitters drain it under the lock
// while other threads' pushes are still in progress.
void concurrent_submitters_keep_their_order(bool batched) {
    aio::context ctx(with(executor_kind::uring));
    ring_holder hold(ctx);
    constexpr int kThreads = 4, kPer = 3000;
    std::vector<std::vector<int>> seen(kThreads);  // appended by callbacks (poll thread)
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t)
        ts.emplace_back([&, t] {
            std::optional<aio::batch> b;
            if (batched) b.emplace(ctx);
            for (int i = 0; i < kPer; ++i)
                aio::nop([&seen, t, i](aio::result<void>) { seen[t].push_back(i); }, ctx);
        });
    for (auto& t : ts)
        t.join();
    EXPECT_EQ(ctx.nready(), std::size_t{kThreads * kPer});
    hold.release();
    flush_or_fail(ctx);
    for (int t = 0; t < kThreads; ++t) {
        const auto& got = seen[static_cast<std::size_t>(t)];
        EXPECT_EQ(got.size(), std::size_t{kPer}) << "thread " << t;
        auto bad =
            std::adjacent_find(got.begin(), got.end(), [](int a, int b) { return b != a + 1; });
        EXPECT_TRUE(bad == got.end()) << "thread " << t << ": " << *bad << " then " << *(bad + 1)
                                      << " at " << (bad - got.begin());
    }
}

TEST(RingDriver, ConcurrentSubmittersKeepTheirOrder) {
    REQUIRE_RING();
    concurrent_submitters_keep_their_order(false);
}

TEST(RingDriver, ConcurrentSubmittersOverflowingTheIntakeKeepTheirOrder) {
    REQUIRE_RING();
    concurrent_submitters_keep_their_order(true);
}

// Cancelling requests of a storm while the driver runs: a cancelled
// request's callback never runs, every other one runs once.
TEST(RingDriver, CancelDuringAStorm) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    constexpr int kN = 30000;
    std::vector<std::atomic<int>> hits(kN);
    auto reqs = storm(ctx, hits);
    for (int i = 0; i < kN; i += 7)
        reqs[static_cast<std::size_t>(i)].cancel();
    flush_or_fail(ctx);
    int wrong = 0;
    for (int i = 0; i < kN; ++i)
        wrong += hits[static_cast<std::size_t>(i)].load() != (i % 7 == 0 ? 0 : 1);
    EXPECT_EQ(wrong, 0);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

// Destroying the context in the middle of a storm frees everything.
TEST(RingDriver, DestroyDuringAStorm) {
    REQUIRE_RING();
    auto token = std::make_shared<int>(0);
    int called = 0;
    {
        aio::context ctx(with(executor_kind::uring));
        for (int i = 0; i < 30000; ++i)
            aio::nop([&, token](aio::result<void>) { ++called; }, ctx);
        ctx.poll_cb();  // some callbacks run; the rest are dropped
    }
    EXPECT_EQ(token.use_count(), 1) << "every request and callback was freed";
    EXPECT_LE(called, 30000);
}

// fork() while the driver runs: the child has no driving thread and makes
// its own ring; the parent's storm completes.
TEST(RingDriver, ForkDuringAStorm) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    constexpr int kN = 30000;
    std::vector<std::atomic<int>> hits(kN);
    storm(ctx, hits);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        // Fewer than the ring holds: no thread starts in the child (which
        // ThreadSanitizer does not support after a multithreaded fork).
        ctx.reinit();
        int called = 0;
        for (int i = 0; i < 200; ++i)
            aio::nop([&](aio::result<void> r) { called += r.has_value(); }, ctx);
        ctx.flush();
        ::_exit(called == 200 && ctx.nreqs() == 0 ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    flush_or_fail(ctx);
    EXPECT_EQ(exactly_once(hits), kN);
}

// ---- teardown and fork ---------------------------------------------------------------------

TEST(RingTeardown, DestroyWithRequestsInTheRingAndQueued) {
    REQUIRE_RING();
    auto token = std::make_shared<int>(0);
    int called = 0;
    std::optional<fifo_open> f1, f2;
    {
        aio::context ctx(with(executor_kind::uring));
        ring_of(ctx).depth(2);
        f1.emplace(ctx, false);
        f2.emplace(ctx, false);
        f1->req.set_callback([&, token](aio::result<int>) { ++called; });
        auto g = aio::make_group([&, token](aio::result<std::int64_t>) { ++called; }, ctx);
        for (int i = 0; i < 50; ++i)
            g.add(aio::nop([&, token](aio::result<void>) { ++called; }, ctx));
        EXPECT_EQ(ctx.nready(), 50u);
        EXPECT_GT(token.use_count(), 50);
        EXPECT_EQ(f2->req.state(), aio::req_state::execute);
    }  // cancels the opens in the ring and waits for them
    EXPECT_EQ(called, 0);
    EXPECT_EQ(token.use_count(), 1) << "every request and callback was freed";
    EXPECT_TRUE(f1->no_reader()) << "nothing was left in a ring";
}

TEST(RingFork, ChildMakesItsOwnRingParentKeepsItsCompletions) {
    REQUIRE_RING();
    aio::context ctx(with(executor_kind::uring));
    fifo_open f(ctx);
    for (int i = 0; i < 10; ++i)
        aio::nop({}, ctx);  // completed, not reaped
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ctx.reinit();
        int code = 0;
        if (ctx.nreqs() != 0) code |= 1;
        if (ctx.executor() != executor_kind::uring) code |= 2;
        int called = 0;
        for (int i = 0; i < 100; ++i)
            aio::nop([&](aio::result<void>) { ++called; }, ctx);
        aio::stat(
            "/", [&](aio::result<aio::stat_t> r) { called += r && r->is_dir(); }, ctx);
        ctx.flush();
        if (called != 101) code |= 4;
        if (readable(ctx.poll_fileno())) code |= 8;
        ::_exit(code);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "bit 1: nreqs, 2: executor, 4: callbacks, 8: fd";
    // the parent's ring is untouched: its open still waits, and completes
    f.release();
    flush_or_fail(ctx);
    ASSERT_TRUE(f.got);
    EXPECT_TRUE(*f.got);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

// A child that never calls reinit() still runs destructors (exit() rather
// than _exit()): its context must not drain the parent's ring (cancel the
// parent's requests, reap the parent's completions).
TEST(RingFork, ChildWithoutReinitLeavesTheParentsRingAlone) {
    REQUIRE_RING();
    std::optional<aio::context> ctx(std::in_place, with(executor_kind::uring));
    fifo_open f(*ctx);
    for (int i = 0; i < 10; ++i)
        aio::nop({}, *ctx);  // completed, not reaped
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        int code = ctx->npending() == 0 ? 0 : 1;  // the parent's completions are not ours
        ctx.reset();                              // the destructor, as exit() would run it
        ::_exit(code);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_EQ(ctx->npending(), 10u) << "the nops' completions are still there";
    f.release();  // the open is still waiting in the parent's ring
    flush_or_fail(*ctx);
    ASSERT_TRUE(f.got);
    EXPECT_TRUE(*f.got);
}

}  // namespace
