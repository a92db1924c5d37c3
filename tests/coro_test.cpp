// Coroutines: co_await on requests, aio::task, when_all, stop tokens and
// cancellation.
//
// * Differential: every request is run with a callback and awaited (in an
//   aio::task, in a foreign coroutine type, with a live stop token, through
//   when_all); all must see the same result.
// * Cancellation is made deterministic by holding the pool: max_parallel(0)
//   queues requests without executing them; a worker blocked on a future
//   holds "executing". Object lifetimes are counted (cppcoro style) and the
//   ASan build proves that nothing leaks when a suspended coroutine is
//   destroyed or stopped.
#include "aio/coro.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "aio/aio.hpp"
#include "ops/fs_req.hpp"
#include "ops/submit.hpp"
#include "support.hpp"

namespace {

using aio::testing::eventually;
using aio::testing::readable;

using aio::testing::flush_or_fail;
using namespace std::chrono_literals;

// ---- helpers -----------------------------------------------------------------

// Counts live instances (cppcoro's lifetime counting).
struct counted {
    static inline int alive = 0;
    static inline int made = 0;
    counted() noexcept { ++alive, ++made; }
    counted(const counted&) noexcept { ++alive, ++made; }
    ~counted() { --alive; }
    static void reset() { alive = made = 0; }
};

// A request that runs fn on a worker (the engine's internal custom step).
aio::request<void> run_on_worker(aio::context& ctx, std::function<void()> fn) {
    auto* r = new aio::detail::custom_req;
    r->fn = [fn = std::move(fn)](aio::detail::custom_req&) { fn(); };
    return aio::detail::submit(ctx, r, aio::callback<void>{});
}

// Holds the only worker until release(): requests queued meanwhile stay ready.
struct pool_holder {
    std::promise<void> go;
    std::shared_future<void> ready = go.get_future().share();
    aio::request<void> req;
    bool released = false;
    explicit pool_holder(aio::context& ctx) {
        ctx.max_parallel(1);
        auto f = ready;
        req = run_on_worker(ctx, [f] { f.wait(); });
        EXPECT_TRUE(eventually([&] { return req.state() == aio::req_state::execute; }));
    }
    void release() {
        if (!std::exchange(released, true)) go.set_value();
    }
    ~pool_holder() { release(); }
};

// A coroutine type that knows nothing about aio: starts eagerly, no
// await_transform. Proves that co_await works in any coroutine.
struct eager {
    struct promise_type {
        eager get_return_object() noexcept { return {}; }
        std::suspend_never initial_suspend() noexcept { return {}; }
        std::suspend_never final_suspend() noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { std::terminate(); }
    };
};

// Resumes nobody: a task awaiting it stays suspended.
struct never {
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept {}
    void await_resume() const noexcept {}
};

template <class T>
void expect_same_result(const aio::result<T>& a, const aio::result<T>& b,
                        const std::function<void(const T&, const T&)>& same_value) {
    ASSERT_EQ(a.has_value(), b.has_value());
    EXPECT_EQ(a.err(), b.err());
    if (a.has_value()) same_value(*a, *b);
}
inline void expect_same_result(const aio::result<void>& a, const aio::result<void>& b) {
    EXPECT_EQ(a.has_value(), b.has_value());
    EXPECT_EQ(a.err(), b.err());
}

// Run the request `make(ctx, cb)` builds: once with a callback, then awaited
// in an aio::task, in a foreign coroutine, with a live (never stopped) stop
// token and through when_all. Returns the callback's result and the awaited
// ones.
template <class T, class Make>
std::vector<aio::result<T>> both_ways(Make make) {
    aio::context ctx;
    std::vector<aio::result<T>> out;
    int calls = 0;
    make(ctx, aio::callback<T>([&](aio::result<T> r) {
             ++calls;
             out.push_back(std::move(r));
         }));
    flush_or_fail(ctx);
    EXPECT_EQ(calls, 1);

    out.push_back(aio::sync_wait(
        ctx, [&]() -> aio::task<aio::result<T>> { co_return co_await make(ctx, {}); }()));

    std::optional<aio::result<T>> foreign;
    auto body = [&]() -> eager { foreign.emplace(co_await make(ctx, {})); };
    body();  // a named lambda: the coroutine refers to it until it ends
    flush_or_fail(ctx);
    EXPECT_TRUE(foreign.has_value());
    if (foreign) out.push_back(std::move(*foreign));

    std::stop_source live;
    out.push_back(aio::sync_wait(ctx, aio::with_stop(make(ctx, {}), live.get_token())));

    auto [w] = aio::sync_wait(ctx, aio::when_all(make(ctx, {})));
    out.push_back(std::move(w));
    EXPECT_EQ(ctx.nreqs(), 0u);
    return out;
}

template <class Make>
void differential_void(Make make) {
    auto v = both_ways<void>(make);
    for (std::size_t i = 1; i < v.size(); ++i) {
        SCOPED_TRACE(i);
        expect_same_result(v[0], v[i]);
    }
}

template <class T, class Make>
void differential(Make make, std::function<void(const T&, const T&)> same_value) {
    auto v = both_ways<T>(make);
    for (std::size_t i = 1; i < v.size(); ++i) {
        SCOPED_TRACE(i);
        expect_same_result<T>(v[0], v[i], same_value);
    }
}

// ---- differential: awaiting gives what the callback gets -----------------------

TEST(CoroDifferential, Nop) {
    differential_void(
        [](aio::context& ctx, aio::callback<void> cb) { return aio::nop(std::move(cb), ctx); });
}

TEST(CoroDifferential, Busy) {
    differential_void([](aio::context& ctx, aio::callback<void> cb) {
        return aio::busy(0.0005, std::move(cb), ctx);
    });
}

TEST(CoroDifferential, BusyInvalidArgument) {
    for (double s : {-1.0, std::nan(""), 1e12}) {
        SCOPED_TRACE(s);
        auto v = both_ways<void>([s](aio::context& ctx, aio::callback<void> cb) {
            return aio::busy(s, std::move(cb), ctx);
        });
        for (auto& r : v)
            EXPECT_EQ(r.err(), EINVAL);
    }
}

void same_wd(const aio::wd& a, const aio::wd& b) {
    EXPECT_EQ(a.path(), b.path());
    EXPECT_GE(a.fd(), 0);
    EXPECT_GE(b.fd(), 0);
}

TEST(CoroDifferential, WdOpen) {
    aio::testing::temp_dir tmp;
    ::mkdir((tmp / "d").c_str(), 0755);
    differential<aio::wd>(
        [&](aio::context& ctx, aio::callback<aio::wd> cb) {
            return aio::wd_open(tmp / "d", std::move(cb), ctx);
        },
        same_wd);
}

TEST(CoroDifferential, WdOpenErrors) {
    aio::testing::temp_dir tmp;
    aio::testing::write_file(tmp / "f", "x");
    struct error_case {
        aio::path_arg path;
        int err;
    };
    std::vector<error_case> cases{
        {tmp / "missing", ENOENT},
        {tmp / "f", ENOTDIR},
        {std::string("a\0b", 3), EINVAL},
        {aio::path_arg(aio::wd(), "x"), ENOENT},
    };
    for (auto& c : cases) {
        SCOPED_TRACE(c.err);
        auto v = both_ways<aio::wd>([&](aio::context& ctx, aio::callback<aio::wd> cb) {
            return aio::wd_open(c.path, std::move(cb), ctx);
        });
        for (auto& r : v)
            EXPECT_EQ(r.err(), c.err);
    }
}

TEST(CoroDifferential, GroupResultAndErrno) {
    for (int err : {0, EIO}) {
        SCOPED_TRACE(err);
        differential<std::int64_t>(
            [err](aio::context& ctx, aio::callback<std::int64_t> cb) {
                auto g = aio::make_group(std::move(cb), ctx);
                g.add(aio::nop({}, ctx), aio::busy(0.0001, {}, ctx));
                g.set_result(42);
                if (err) g.set_errno(err);
                return g;
            },
            [](const std::int64_t& a, const std::int64_t& b) { EXPECT_EQ(a, b); });
    }
}

TEST(CoroDifferential, GroupWithFeeder) {
    differential<std::int64_t>(
        [](aio::context& ctx, aio::callback<std::int64_t> cb) {
            auto g = aio::make_group(std::move(cb), ctx);
            auto left = std::make_shared<int>(20);
            g.limit(3);
            g.feed([left, &ctx](aio::group& grp) {
                if ((*left)-- > 0) grp.add(aio::nop({}, ctx));
            });
            g.set_result(7);
            return g;
        },
        [](const std::int64_t& a, const std::int64_t& b) { EXPECT_EQ(a, b); });
}

void same_stat(const aio::stat_t& a, const aio::stat_t& b) {
    EXPECT_EQ(a.dev, b.dev);
    EXPECT_EQ(a.ino, b.ino);
    EXPECT_EQ(a.mode, b.mode);
    EXPECT_EQ(a.size, b.size);
    EXPECT_EQ(a.nlink, b.nlink);
    EXPECT_EQ(a.mtime, b.mtime);
}

TEST(CoroDifferential, StatLstatFstat) {
    aio::testing::temp_dir tmp;
    aio::testing::write_file(tmp / "f", "hello");
    ::symlink("f", (tmp / "l").c_str());
    differential<aio::stat_t>(
        [&](aio::context& ctx, aio::callback<aio::stat_t> cb) {
            return aio::stat(tmp / "l", std::move(cb), ctx);
        },
        same_stat);
    differential<aio::stat_t>(
        [&](aio::context& ctx, aio::callback<aio::stat_t> cb) {
            return aio::lstat(tmp / "l", std::move(cb), ctx);
        },
        same_stat);
    int fd = ::open((tmp / "f").c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    differential<aio::stat_t>(
        [&](aio::context& ctx, aio::callback<aio::stat_t> cb) {
            return aio::fstat(fd, std::move(cb), ctx);
        },
        same_stat);
    ::close(fd);
    for (auto& r : both_ways<aio::stat_t>([&](aio::context&ctx, aio::callback<aio::stat_t> cb) {
             return aio::stat(tmp / "missing", std::move(cb), ctx);
         }))
        EXPECT_EQ(r.err(), ENOENT);
    for (auto& r : both_ways<aio::stat_t>([&](aio::context&ctx, aio::callback<aio::stat_t> cb) {
             return aio::fstat(-1, std::move(cb), ctx);
         }))
        EXPECT_EQ(r.err(), EBADF);
}

TEST(CoroDifferential, OpenReadClose) {
    aio::testing::temp_dir tmp;
    aio::testing::write_file(tmp / "f", "0123456789");
    struct stat want;
    ASSERT_EQ(::stat((tmp / "f").c_str(), &want), 0);
    // open: descriptors differ; each must refer to the file. Close them all.
    auto fds = both_ways<int>([&](aio::context& ctx, aio::callback<int> cb) {
        return aio::open(tmp / "f", O_RDONLY | O_CLOEXEC, 0, std::move(cb), ctx);
    });
    for (auto& r : fds) {
        ASSERT_TRUE(r);
        struct stat got;
        ASSERT_EQ(::fstat(*r, &got), 0);
        EXPECT_EQ(got.st_ino, want.st_ino);
        ::close(*r);
    }
    for (auto& r : both_ways<int>([&](aio::context&ctx, aio::callback<int> cb) {
             return aio::open(tmp / "missing", O_RDONLY, 0, std::move(cb), ctx);
         }))
        EXPECT_EQ(r.err(), ENOENT);

    int fd = ::open((tmp / "f").c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    char buf[16];
    differential<std::size_t>(
        [&](aio::context& ctx, aio::callback<std::size_t> cb) {
            std::fill(std::begin(buf), std::end(buf), '\0');
            return aio::read(fd, 2, buf, 4, std::move(cb), ctx);
        },
        [&](const std::size_t& a, const std::size_t& b) {
            EXPECT_EQ(a, b);
            EXPECT_EQ(std::string(buf, b), "2345");
        });
    differential<aio::io_data>(
        [&](aio::context& ctx, aio::callback<aio::io_data> cb) {
            return aio::read(fd, 0, 100, std::string("ab"), 2, std::move(cb), ctx);
        },
        [](const aio::io_data& a, const aio::io_data& b) {
            EXPECT_EQ(a.bytes, b.bytes);
            EXPECT_EQ(a.data, b.data);
            EXPECT_EQ(b.data, "ab0123456789");
        });
    ::close(fd);
    for (auto& r : both_ways<void>([&](aio::context&ctx, aio::callback<void> cb) {
             return aio::close(-1, std::move(cb), ctx);
         }))
        EXPECT_EQ(r.err(), EBADF);
}

TEST(CoroDifferential, Readdir) {
    aio::testing::temp_dir tmp;
    for (auto n : {"a", "b", "c"})
        aio::testing::write_file(tmp / n, n);
    differential<std::vector<std::string>>(
        [&](aio::context& ctx, aio::callback<std::vector<std::string>> cb) {
            return aio::readdir(tmp.path(), std::move(cb), ctx);
        },
        [](std::vector<std::string> a, std::vector<std::string> b) {
            std::sort(a.begin(), a.end());
            std::sort(b.begin(), b.end());
            EXPECT_EQ(a, b);
            EXPECT_EQ(a, (std::vector<std::string>{"a", "b", "c"}));
        });
    for (auto& r : both_ways<std::vector<std::string>>(
             [&](aio::context&ctx, aio::callback<std::vector<std::string>> cb) {
                 return aio::readdir(tmp / "a", std::move(cb), ctx);
             }))
        EXPECT_EQ(r.err(), ENOTDIR);
}

TEST(CoroDifferential, MkdirSideEffects) {
    aio::testing::temp_dir tmp;
    int n = 0;
    auto v = both_ways<void>([&](aio::context& ctx, aio::callback<void> cb) {
        return aio::mkdir(tmp / ("d" + std::to_string(n++)), 0700, std::move(cb), ctx);
    });
    for (int i = 0; i < n; ++i) {
        EXPECT_TRUE(v[static_cast<std::size_t>(i)]);
        struct stat st;
        ASSERT_EQ(::stat((tmp / ("d" + std::to_string(i))).c_str(), &st), 0);
        EXPECT_TRUE(S_ISDIR(st.st_mode));
    }
    for (auto& r : both_ways<void>([&](aio::context&ctx, aio::callback<void> cb) {
             return aio::mkdir(tmp / "d0", 0700, std::move(cb), ctx);
         }))
        EXPECT_EQ(r.err(), EEXIST);
}

// ---- aio::task -------------------------------------------------------------------

aio::task<int> forty_two(int& started) {
    ++started;
    co_return 42;
}

TEST(Task, StartsLazily) {
    aio::context ctx;
    int started = 0;
    auto t = forty_two(started);
    EXPECT_EQ(started, 0);
    EXPECT_FALSE(t.done());
    EXPECT_EQ(aio::sync_wait(ctx, std::move(t)), 42);
    EXPECT_EQ(started, 1);
}

aio::task<std::unique_ptr<int>> make_unique_later(aio::context& ctx, int v) {
    (void)co_await aio::nop({}, ctx);
    co_return std::make_unique<int>(v);
}

aio::task<int&> ref_to(int& x) {
    co_return x;
}

aio::task<> add_through_children(aio::context& ctx, int& sum) {
    auto p = co_await make_unique_later(ctx, 5);  // rvalue task: the value
    sum += *p;
    auto t = make_unique_later(ctx, 7);
    std::unique_ptr<int>& kept = co_await t;  // lvalue task: a reference into it
    sum += *kept;
    int& r = co_await ref_to(sum);
    r += 100;
}

TEST(Task, ValuesVoidReferencesMoveOnly) {
    aio::context ctx;
    int sum = 0;
    aio::sync_wait(ctx, add_through_children(ctx, sum));
    EXPECT_EQ(sum, 112);
    EXPECT_EQ(*aio::sync_wait(ctx, make_unique_later(ctx, 3)), 3);
}

aio::task<int> throws_after_nop(aio::context& ctx) {
    (void)co_await aio::nop({}, ctx);
    throw std::runtime_error("boom");
}

aio::task<std::string> catches(aio::context& ctx) {
    try {
        co_await throws_after_nop(ctx);
    } catch (const std::runtime_error& e) {
        co_return std::string("caught ") + e.what();
    }
    co_return "nothing";
}

TEST(Task, ExceptionsPropagateToTheAwaiter) {
    aio::context ctx;
    EXPECT_EQ(aio::sync_wait(ctx, catches(ctx)), "caught boom");
    EXPECT_THROW(aio::sync_wait(ctx, throws_after_nop(ctx)), std::runtime_error);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

aio::task<int> one() {
    co_return 1;
}

aio::task<long> many_synchronous_children(int n) {
    long sum = 0;
    for (int i = 0; i < n; ++i)
        sum += co_await one();
    co_return sum;
}

// Without symmetric transfer every synchronously completing child would
// nest a resume() on the stack and this would overflow it.
TEST(Task, SymmetricTransferKeepsTheStackFlat) {
    aio::context ctx;
    EXPECT_EQ(aio::sync_wait(ctx, many_synchronous_children(1'000'000)), 1'000'000);
}

aio::task<> count_nops(aio::context& ctx, int n, int& done) {
    counted c;
    for (int i = 0; i < n; ++i) {
        auto r = co_await aio::nop({}, ctx);
        EXPECT_TRUE(r);
    }
    ++done;
}

TEST(Task, SpawnRunsDetachedAndFreesItself) {
    counted::reset();
    aio::context ctx;
    int done = 0;
    for (int i = 0; i < 10; ++i)
        aio::spawn(count_nops(ctx, 50, done));
    EXPECT_EQ(counted::alive, 10);  // all suspended on their first nop
    flush_or_fail(ctx);
    EXPECT_EQ(done, 10);
    EXPECT_EQ(counted::alive, 0);
    EXPECT_EQ(counted::made, 10);
}

TEST(Task, SyncWaitRefusesATaskThatCanNeverResume) {
    counted::reset();
    aio::context ctx;
    auto stuck = [](aio::context& c) -> aio::task<> {
        counted k;
        (void)co_await aio::nop({}, c);
        co_await never{};
    };
    EXPECT_THROW(aio::sync_wait(ctx, stuck(ctx)), std::logic_error);
    EXPECT_EQ(counted::alive, 0);
    EXPECT_THROW(aio::sync_wait(ctx, aio::task<>{}), std::logic_error);
}

TEST(Task, SyncWaitOnATaskThatAlreadyEnded) {
    aio::context ctx;
    int started = 0;
    auto t = forty_two(started);
    auto outer = [](aio::task<int>& inner) -> aio::task<int> { co_return co_await inner; };
    EXPECT_EQ(aio::sync_wait(ctx, outer(t)), 42);
    EXPECT_TRUE(t.done());
    EXPECT_EQ(aio::sync_wait(ctx, std::move(t)), 42);  // not resumed again
    EXPECT_EQ(started, 1);
}

TEST(Task, ThisStopToken) {
    aio::context ctx;
    auto get = []() -> aio::task<std::stop_token> { co_return co_await aio::this_stop_token; };
    EXPECT_FALSE(aio::sync_wait(ctx, get()).stop_possible());
    std::stop_source src;
    auto st = aio::sync_wait(ctx, get(), src.get_token());
    EXPECT_TRUE(st.stop_possible());
    src.request_stop();
    EXPECT_TRUE(st.stop_requested());
}

TEST(Task, ManySequentialAwaitsInOneTask) {
    aio::context ctx;
    int done = 0;
    aio::sync_wait(ctx, count_nops(ctx, 20'000, done));
    EXPECT_EQ(done, 1);
}

// ---- cancellation ------------------------------------------------------------------

aio::task<> await_one(aio::context& ctx, int& resumed) {
    counted c;
    // The callback (which the awaiter replaces) is built outside the co_await
    // expression: GCC 12 destroys aggregate temporaries (closures included)
    // of a co_await expression once too often.
    aio::callback<void> cb = [c](aio::result<void>) {};
    (void)co_await aio::nop(std::move(cb), ctx);
    ++resumed;
}

TEST(CoroCancel, DestroyingASuspendedTaskCancelsAndFreesEverything) {
    counted::reset();
    aio::context ctx;
    ctx.max_parallel(0);  // queue, do not execute
    int resumed = 0;
    {
        auto t = await_one(ctx, resumed);
        auto h = t.handle();
        h.resume();  // runs to the co_await and suspends
        EXPECT_FALSE(h.done());
        EXPECT_EQ(ctx.nreqs(), 1u);
        EXPECT_GE(counted::alive, 1);
    }                              // destroyed while suspended
    EXPECT_EQ(counted::alive, 0);  // frame and the replaced callback are gone
    ctx.min_parallel(1);
    flush_or_fail(ctx);
    EXPECT_EQ(resumed, 0);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

aio::task<int> inner_waits(aio::context& ctx) {
    counted c;
    auto a = co_await aio::nop({}, ctx);
    co_return a ? 1 : 0;
}
aio::task<int> outer_waits(aio::context& ctx) {
    counted c;
    int v = co_await inner_waits(ctx);
    co_return v + 1;
}

TEST(CoroCancel, DestroyingNestedTasksCancelsTheInnermostRequest) {
    counted::reset();
    aio::context ctx;
    ctx.max_parallel(0);
    {
        auto t = outer_waits(ctx);
        t.handle().resume();
        EXPECT_EQ(counted::alive, 2);
        EXPECT_EQ(ctx.nreqs(), 1u);
    }
    EXPECT_EQ(counted::alive, 0);
    ctx.min_parallel(1);
    flush_or_fail(ctx);
}

TEST(CoroCancel, DestroyingWhileTheRequestExecutesDiscardsItsResult) {
    counted::reset();
    aio::context ctx;
    std::promise<void> go;
    std::atomic<bool> ran{false};
    auto fut = go.get_future().share();
    aio::request<void> req = run_on_worker(ctx, [fut, &ran] {
        fut.wait();
        ran = true;
    });
    ASSERT_TRUE(eventually([&] { return req.state() == aio::req_state::execute; }));
    int resumed = 0;
    {
        auto t = [](aio::request<void> r, int& res) -> aio::task<> {
            counted c;
            (void)co_await r;
            ++res;
        }(req, resumed);
        t.handle().resume();
        EXPECT_EQ(counted::alive, 1);
    }
    EXPECT_EQ(counted::alive, 0);
    EXPECT_TRUE(req.cancelled());
    go.set_value();
    flush_or_fail(ctx);
    EXPECT_TRUE(ran);  // it ran to completion; nobody was resumed
    EXPECT_EQ(resumed, 0);
}

TEST(CoroCancel, DestroyingASuspendedWhenAllCancelsEveryRequest) {
    counted::reset();
    aio::context ctx;
    ctx.max_parallel(0);
    auto a = aio::nop({}, ctx);
    auto b = aio::busy(0.0001, {}, ctx);
    {
        auto t = [](aio::request<void> x, aio::request<void> y) -> aio::task<> {
            counted c;
            co_await aio::when_all(x, y);
        }(a, b);
        t.handle().resume();
        EXPECT_EQ(ctx.nreqs(), 3u);  // a, b and the group
    }
    EXPECT_EQ(counted::alive, 0);
    EXPECT_TRUE(a.cancelled());
    EXPECT_TRUE(b.cancelled());
    ctx.min_parallel(1);
    flush_or_fail(ctx);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(CoroCancel, StopBeforeTheAwaitCancelsWithoutSuspending) {
    aio::context ctx;
    ctx.max_parallel(0);
    std::stop_source src;
    src.request_stop();
    aio::request<void> req;
    std::optional<aio::result<void>> got;
    [&]() -> eager {
        req = aio::nop({}, ctx);
        got.emplace(co_await aio::with_stop(req, src.get_token()));
    }();
    ASSERT_TRUE(got.has_value());  // completed without suspending
    EXPECT_EQ(got->error(), std::errc::operation_canceled);
    EXPECT_TRUE(req.cancelled());
    ctx.min_parallel(1);
    flush_or_fail(ctx);
}

TEST(CoroCancel, StopWhileSuspendedOnThePollThread) {
    counted::reset();
    aio::context ctx;
    ctx.max_parallel(0);  // the request can never complete by itself
    std::stop_source src;
    aio::request<void> req = aio::nop({}, ctx);
    std::optional<aio::result<void>> got;
    auto body = [&](counted) -> eager {
        got.emplace(co_await aio::with_stop(req, src.get_token()));
    };
    body({});
    EXPECT_FALSE(got);
    src.request_stop();
    EXPECT_FALSE(got);  // never resumed inside request_stop()
    ctx.poll_wait();
    ctx.poll_cb();  // the hop
    ASSERT_TRUE(got);
    EXPECT_EQ(got->error(), std::errc::operation_canceled);
    EXPECT_EQ(got->err(), ECANCELED);
    EXPECT_TRUE(req.cancelled());
    ctx.min_parallel(1);
    flush_or_fail(ctx);
    EXPECT_EQ(counted::alive, 0);
}

TEST(CoroCancel, StopFromAnotherThread) {
    counted::reset();
    aio::context ctx;
    ctx.max_parallel(0);
    std::stop_source src;
    std::optional<aio::result<void>> got;
    auto body = [&](counted) -> eager {
        got.emplace(co_await aio::with_stop(aio::nop({}, ctx), src.get_token()));
    };
    body({});
    std::thread t([&] { src.request_stop(); });
    while (!got) {
        ctx.poll_wait();
        ctx.poll_cb();
    }
    t.join();
    EXPECT_EQ(got->error(), std::errc::operation_canceled);
    ctx.min_parallel(1);
    flush_or_fail(ctx);
    EXPECT_EQ(counted::alive, 0);
}

TEST(CoroCancel, AResultThatArrivesBeforeTheStopIsDelivered) {
    aio::context ctx;
    std::stop_source src;
    // busy(0) runs on a worker with either executor, so "readable" means the
    // result is in the result queue (a ring completion would be reaped later).
    aio::request<void> req = aio::busy(0, {}, ctx);
    std::optional<aio::result<void>> got;
    auto body = [&]() -> eager { got.emplace(co_await aio::with_stop(req, src.get_token())); };
    body();
    ASSERT_TRUE(eventually([&] { return readable(ctx.poll_fileno()); }));  // result queued
    src.request_stop();  // the hop is queued behind the result
    flush_or_fail(ctx);
    ASSERT_TRUE(got);
    EXPECT_TRUE(*got);
    EXPECT_FALSE(req.cancelled());
    EXPECT_EQ(ctx.nreqs(), 0u);  // the hop was cancelled and freed
}

TEST(CoroCancel, StopAfterCompletionChangesNothing) {
    aio::context ctx;
    std::stop_source src;
    auto r = aio::sync_wait(ctx, aio::with_stop(aio::nop({}, ctx), src.get_token()));
    EXPECT_TRUE(r);
    src.request_stop();
    EXPECT_EQ(ctx.nreqs(), 0u);
}

// Stop and completion race from two threads; whichever wins, the awaiter is
// resumed exactly once with the result or operation_canceled (TSan checks
// the hand-offs).
TEST(CoroCancel, StopRacesCompletion) {
    counted::reset();
    aio::context ctx;
    int resumed = 0, ok = 0, canceled = 0;
    constexpr int kRounds = 500;
    auto body = [&](counted, std::stop_token st) -> eager {
        auto r = co_await aio::with_stop(aio::nop({}, ctx), st);
        ++resumed;
        if (r)
            ++ok;
        else if (r.error() == std::errc::operation_canceled)
            ++canceled;
    };
    for (int i = 0; i < kRounds; ++i) {
        std::stop_source src;
        body({}, src.get_token());
        std::thread t([&] { src.request_stop(); });
        flush_or_fail(ctx);
        t.join();
        flush_or_fail(ctx);
    }
    EXPECT_EQ(resumed, kRounds);
    EXPECT_EQ(ok + canceled, kRounds);
    EXPECT_EQ(counted::alive, 0);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(CoroCancel, CancellingTheRequestElsewhereResumesWithCanceled) {
    aio::context ctx;
    ctx.max_parallel(0);
    aio::request<void> req = aio::nop({}, ctx);
    std::optional<aio::result<void>> got;
    auto body = [&]() -> eager { got.emplace(co_await req); };
    body();
    req.cancel();  // another handle of the same request
    ctx.min_parallel(1);
    flush_or_fail(ctx);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->error(), std::errc::operation_canceled);
}

TEST(CoroCancel, CancellingTheGroupOfTheRequestResumesWithCanceled) {
    aio::context ctx;
    ctx.max_parallel(0);
    auto g = aio::make_group({}, ctx);
    aio::request<void> req = aio::nop({}, ctx);
    g.add(req);
    std::optional<aio::result<void>> got;
    auto body = [&]() -> eager { got.emplace(co_await req); };
    body();
    g.cancel();
    ctx.min_parallel(1);
    flush_or_fail(ctx);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->error(), std::errc::operation_canceled);
}

TEST(CoroCancel, ReplacingTheCallbackElsewhereResumesWithCanceled) {
    aio::context ctx;
    aio::request<void> req = aio::nop({}, ctx);
    std::optional<aio::result<void>> got;
    int cb = 0;
    auto body = [&]() -> eager { got.emplace(co_await req); };
    body();
    req.set_callback([&](aio::result<void>) { ++cb; });
    flush_or_fail(ctx);
    EXPECT_EQ(cb, 1);  // the request goes on for its new callback
    EXPECT_FALSE(req.cancelled());
    ASSERT_TRUE(got);
    EXPECT_EQ(got->error(), std::errc::operation_canceled);
}

TEST(CoroCancel, AwaitingAFinishedRequest) {
    aio::context ctx;
    auto done_req = aio::nop({}, ctx);
    flush_or_fail(ctx);
    EXPECT_THROW((void)aio::sync_wait(ctx, done_req), std::logic_error);
    EXPECT_THROW((void)aio::sync_wait(ctx, aio::request<void>{}), std::logic_error);

    ctx.max_parallel(0);
    auto cancelled = aio::nop({}, ctx);
    cancelled.cancel();
    ctx.min_parallel(1);
    flush_or_fail(ctx);
    auto r = aio::sync_wait(
        ctx, [&]() -> aio::task<aio::result<void>> { co_return co_await cancelled; }());
    EXPECT_EQ(r.error(), std::errc::operation_canceled);
}

aio::task<int> child_awaits_two(aio::context& ctx) {
    auto a = co_await aio::nop({}, ctx);
    auto [b, c] = co_await aio::when_all(aio::nop({}, ctx), aio::nop({}, ctx));
    int n = 0;
    for (bool canceled : {!a, !b, !c})
        n += canceled;
    co_return n;
}

TEST(CoroCancel, ATaskTokenReachesRequestsChildrenAndWhenAll) {
    counted::reset();
    aio::context ctx;
    ctx.max_parallel(0);
    std::stop_source src;
    std::atomic<int> canceled_in_child{-1};
    auto parent = [&](counted) -> aio::task<> {
        auto r = co_await aio::nop({}, ctx);
        EXPECT_EQ(r.error(), std::errc::operation_canceled);
        canceled_in_child = co_await child_awaits_two(ctx);  // stopped: no suspension at all
    };
    std::thread stopper;
    aio::spawn(parent({}), src.get_token());
    stopper = std::thread([&] { src.request_stop(); });
    while (canceled_in_child < 0) {
        ctx.poll_wait();
        ctx.poll_cb();
    }
    stopper.join();
    EXPECT_EQ(canceled_in_child, 3);
    ctx.min_parallel(1);
    flush_or_fail(ctx);
    EXPECT_EQ(counted::alive, 0);
}

TEST(CoroCancel, ATaskTokenDoesNotAffectOtherCoroutineTypes) {
    aio::context ctx;
    std::stop_source src;
    src.request_stop();
    auto r = aio::sync_wait(ctx, aio::nop({}, ctx));  // sync_wait without token
    EXPECT_TRUE(r);
    auto c = aio::sync_wait(ctx, aio::nop({}, ctx), src.get_token());
    EXPECT_EQ(c.error(), std::errc::operation_canceled);
    flush_or_fail(ctx);
}

TEST(CoroCancel, ContextDestroyedUnderASuspendedTask) {
    counted::reset();
    std::optional<aio::task<>> t;
    int resumed = 0;
    {
        aio::context ctx;
        ctx.max_parallel(0);
        t.emplace(await_one(ctx, resumed));
        t->handle().resume();
    }  // the context frees its requests without calling back
    EXPECT_EQ(resumed, 0);
    EXPECT_FALSE(t->done());
    t.reset();  // destroying the task frees the frame
    EXPECT_EQ(counted::alive, 0);
}

// ---- when_all -------------------------------------------------------------------------------

TEST(WhenAll, MixedRequestsMatchTheirCallbacks) {
    aio::testing::temp_dir tmp;
    aio::context ctx;
    // callback form
    std::optional<aio::result<void>> c1, c2;
    std::optional<aio::result<aio::wd>> c3, c4;
    aio::nop([&](aio::result<void> r) { c1.emplace(r); }, ctx);
    aio::busy(
        -1, [&](aio::result<void> r) { c2.emplace(r); }, ctx);
    aio::wd_open(
        tmp.path(), [&](aio::result<aio::wd> r) { c3.emplace(std::move(r)); }, ctx);
    aio::wd_open(
        tmp / "nope", [&](aio::result<aio::wd> r) { c4.emplace(std::move(r)); }, ctx);
    flush_or_fail(ctx);
    // awaited together
    auto [a1, a2, a3, a4] = aio::sync_wait(
        ctx, aio::when_all(aio::nop({}, ctx), aio::busy(-1, {}, ctx),
                           aio::wd_open(tmp.path(), {}, ctx), aio::wd_open(tmp / "nope", {}, ctx)));
    expect_same_result(*c1, a1);
    expect_same_result(*c2, a2);
    expect_same_result<aio::wd>(*c3, a3, same_wd);
    expect_same_result<aio::wd>(*c4, a4, same_wd);
    EXPECT_EQ(a2.err(), EINVAL);
    EXPECT_EQ(a4.err(), ENOENT);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(WhenAll, VectorKeepsOrder) {
    aio::context ctx;
    std::vector<aio::request<void>> v;
    for (int i = 0; i < 100; ++i)
        v.push_back(i % 3 == 0 ? aio::busy(-1, {}, ctx) : aio::nop({}, ctx));
    auto res = aio::sync_wait(ctx, aio::when_all(std::move(v)));
    ASSERT_EQ(res.size(), 100u);
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(res[static_cast<std::size_t>(i)].err(), i % 3 == 0 ? EINVAL : 0) << i;
}

TEST(WhenAll, NothingToWaitFor) {
    aio::context ctx;
    auto t = aio::sync_wait(ctx, aio::when_all());
    static_assert(std::tuple_size_v<decltype(t)> == 0);
    auto v = aio::sync_wait(ctx, aio::when_all(std::vector<aio::request<void>>{}));
    EXPECT_TRUE(v.empty());
}

TEST(WhenAll, NestedGroups) {
    aio::context ctx;
    auto inner = aio::make_group({}, ctx);
    inner.add(aio::nop({}, ctx), aio::nop({}, ctx));
    inner.set_result(9);
    auto [g, n] = aio::sync_wait(ctx, aio::when_all(inner, aio::nop({}, ctx)));
    ASSERT_TRUE(g);
    EXPECT_EQ(*g, 9);
    EXPECT_TRUE(n);
}

TEST(WhenAll, RejectsWhatAGroupCannotTake) {
    aio::context ctx, other;
    ctx.max_parallel(0);
    auto a = aio::nop({}, ctx);
    EXPECT_THROW(aio::sync_wait(ctx, aio::when_all(a, a)), std::logic_error);
    EXPECT_THROW(aio::sync_wait(ctx, aio::when_all(a, aio::request<void>{})),
                 std::invalid_argument);
    auto o = aio::nop({}, other);
    EXPECT_THROW(aio::sync_wait(ctx, aio::when_all(a, o)), std::invalid_argument);
    auto g = aio::make_group({}, ctx);
    auto in_group = aio::nop({}, ctx);
    g.add(in_group);
    EXPECT_THROW(aio::sync_wait(ctx, aio::when_all(in_group)), std::logic_error);
    ctx.min_parallel(1);
    flush_or_fail(ctx);
    flush_or_fail(other);
    EXPECT_THROW(aio::sync_wait(ctx, aio::when_all(a)), std::logic_error);  // finished
    EXPECT_FALSE(a.cancelled());
}

TEST(WhenAll, ARequestCancelledElsewhereYieldsCanceled) {
    aio::context ctx;
    ctx.max_parallel(0);
    auto a = aio::nop({}, ctx);
    auto b = aio::nop({}, ctx);
    std::optional<std::tuple<aio::result<void>, aio::result<void>>> got;
    auto body = [&]() -> eager { got.emplace(co_await aio::when_all(a, b)); };
    body();
    b.cancel();
    ctx.min_parallel(1);
    flush_or_fail(ctx);
    ASSERT_TRUE(got);
    EXPECT_TRUE(std::get<0>(*got));
    EXPECT_EQ(std::get<1>(*got).error(), std::errc::operation_canceled);
}

TEST(WhenAll, StopKeepsTheResultsThatArrived) {
    counted::reset();
    aio::context ctx;
    ctx.max_parallel(1);
    // busy(0): worker-only requests, so that b really waits behind the held
    // worker with either executor (a nop would run on the ring)
    auto a = aio::busy(0, {}, ctx);
    ASSERT_TRUE(eventually([&] { return readable(ctx.poll_fileno()); }));  // result queued
    pool_holder hold(ctx);
    auto b = aio::busy(0, {}, ctx);  // queued behind the held worker
    std::stop_source src;
    std::optional<std::tuple<aio::result<void>, aio::result<void>>> got;
    auto body = [&](counted) -> eager {
        got.emplace(co_await aio::with_stop(aio::when_all(a, b), src.get_token()));
    };
    body({});
    while (!a.done()) {  // a's result arrives
        ctx.poll_wait();
        ctx.poll_cb();
    }
    EXPECT_FALSE(got);
    src.request_stop();
    ctx.poll_wait();
    ctx.poll_cb();  // the hop
    ASSERT_TRUE(got);
    EXPECT_TRUE(std::get<0>(*got));
    EXPECT_EQ(std::get<1>(*got).error(), std::errc::operation_canceled);
    EXPECT_TRUE(b.cancelled());
    hold.release();
    flush_or_fail(ctx);
    EXPECT_EQ(counted::alive, 0);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(WhenAll, VectorWithStopFromAnotherThread) {
    aio::context ctx;
    ctx.max_parallel(0);
    std::vector<aio::request<void>> v;
    for (int i = 0; i < 10; ++i)
        v.push_back(aio::nop({}, ctx));
    std::stop_source src;
    std::thread t([&] { src.request_stop(); });
    auto res = aio::sync_wait(ctx, aio::with_stop(aio::when_all(v), src.get_token()));
    t.join();
    for (auto& r : res)
        EXPECT_EQ(r.error(), std::errc::operation_canceled);
    for (auto& r : v)
        EXPECT_TRUE(r.cancelled());
    ctx.min_parallel(1);
    flush_or_fail(ctx);
}

}  // namespace
