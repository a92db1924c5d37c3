// The engine: request life, priorities, pool control, poll functions,
// cancellation, groups and feeders, fork, threads, teardown.
//
// Ordering and cancellation tests are deterministic: the pool is held with
// blocked work (max_parallel(1) + a request waiting on a latch) before the
// requests to reorder or cancel are queued.
#include <dirent.h>
#include <poll.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ops/fs_req.hpp"
#include "ops/submit.hpp"
#include "support.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AIOPP_TEST_SANITIZED 1
#else
#define AIOPP_TEST_SANITIZED 0
#endif

namespace {

using aio::testing::eventually;
using aio::testing::readable;

using aio::testing::flush_or_fail;
using namespace std::chrono_literals;

// A request that runs fn on a worker (the engine's internal custom step).
aio::request<void> run_on_worker(aio::context& ctx, std::function<void(aio::detail::req&)> fn,
                                 aio::callback<void> cb = {}) {
    auto* r = new aio::detail::custom_req;
    r->fn = [fn = std::move(fn)](aio::detail::custom_req& c) { fn(c); };
    return aio::detail::submit(ctx, r, std::move(cb));
}

// A request that always runs on a worker: with the io_uring executor
// (AIOPP_EXECUTOR=uring) nops run on the ring, which pool_holder does not
// hold (tests/uring_test.cpp holds the ring for its ordering tests).
aio::request<void> worker_nop(aio::callback<void> cb, aio::context& ctx) {
    return aio::busy(0, std::move(cb), ctx);
}

// Holds the only worker thread until release() is called.
struct pool_holder {
    std::promise<void> go;
    std::shared_future<void> ready = go.get_future().share();
    aio::request<void> req;
    explicit pool_holder(aio::context& ctx) {
        ctx.max_parallel(1);
        auto f = ready;
        req = run_on_worker(ctx, [f](aio::detail::req&) { f.wait(); });
        EXPECT_TRUE(eventually([&] { return req.state() == aio::req_state::execute; }));
    }
    void release() { go.set_value(); }
};

TEST(Engine, NopRunsAndCallsBackOnce) {
    aio::context ctx;
    int called = 0;
    auto r = aio::nop(
        [&](aio::result<void> res) {
            EXPECT_TRUE(res);
            ++called;
        },
        ctx);
    EXPECT_NE(r.state(), aio::req_state::done);
    flush_or_fail(ctx);
    EXPECT_EQ(called, 1);
    EXPECT_TRUE(r.done());
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(Engine, ErrnoReachesCallback) {
    aio::context ctx;
    std::error_code got;
    run_on_worker(
        ctx, [](aio::detail::req& r) { r.fail(EXDEV); },
        [&](aio::result<void> res) { got = res.error(); });
    flush_or_fail(ctx);
    EXPECT_EQ(got, std::errc::cross_device_link);

    // busy with a negative time is refused at submission, through the callback
    std::error_code bad;
    aio::busy(
        -1, [&](aio::result<void> res) { bad = res.error(); }, ctx);
    flush_or_fail(ctx);
    EXPECT_EQ(bad, std::errc::invalid_argument);
}

TEST(Engine, LifecycleCounters) {
    aio::context ctx;
    EXPECT_EQ(ctx.nthreads(), 0u) << "threads start on demand only";
    ctx.max_parallel(0);  // queue without executing
    std::atomic<int> executed{0};
    for (int i = 0; i < 3; ++i)
        run_on_worker(ctx, [&](aio::detail::req&) { ++executed; });
    EXPECT_EQ(ctx.nreqs(), 3u);
    EXPECT_EQ(ctx.nready(), 3u);
    EXPECT_EQ(ctx.npending(), 0u);
    std::this_thread::sleep_for(50ms);  // give a (wrongly) running pool a chance
    EXPECT_EQ(executed.load(), 0);
    EXPECT_EQ(ctx.nthreads(), 0u);

    ctx.min_parallel(2);
    ASSERT_TRUE(eventually([&] { return ctx.npending() == 3; }));
    EXPECT_EQ(ctx.nready(), 0u);
    EXPECT_EQ(ctx.nreqs(), 3u) << "pending requests are still outstanding";
    EXPECT_EQ(executed.load(), 3);
    EXPECT_LE(ctx.nthreads(), 2u);
    EXPECT_GE(ctx.nthreads(), 1u);
    EXPECT_EQ(ctx.poll_cb(), 0);
    EXPECT_EQ(ctx.nreqs(), 0u);
    EXPECT_EQ(ctx.npending(), 0u);
}

TEST(Engine, PriorityOrderHigherFirstFifoWithin) {
    aio::context ctx;
    pool_holder hold(ctx);
    std::vector<int> order;
    const int pris[] = {0, -4, 4, 2, 0, 4, -1, 2, -4, 3};
    for (int i = 0; i < 10; ++i) {
        aio::pri(pris[i]);
        auto r = worker_nop([&order, i](aio::result<void>) { order.push_back(i); }, ctx);
        EXPECT_EQ(r.priority(), pris[i]);
    }
    hold.release();
    flush_or_fail(ctx);
    // expected: by priority descending, submission order within a priority
    std::vector<int> expected = {2, 5, 9, 3, 7, 0, 4, 6, 1, 8};
    EXPECT_EQ(order, expected);
}

// A worker claims several queued requests at once, in priority order. When
// one of them turns out slow, the unstarted rest goes back to the queues, so
// that a more urgent request submitted meanwhile overtakes them (as it would
// in libeio, where a worker takes one request at a time).
TEST(Engine, ABatchGivesBackItsRestAfterASlowRequest) {
    aio::context ctx;
    pool_holder hold(ctx);  // the only worker, held
    std::promise<void> go;
    std::shared_future<void> gate = go.get_future().share();
    std::vector<std::string> order;
    auto note = [&order](const char* what) {
        return [&order, what](aio::result<void>) { order.push_back(what); };
    };
    aio::pri(1);
    auto slow = run_on_worker(
        ctx,
        [gate](aio::detail::req&) {
            gate.wait();
            std::this_thread::sleep_for(2ms);  // "slow" is 50 us or more
        },
        note("slow"));
    aio::pri(-4);
    worker_nop(note("low1"), ctx);
    aio::pri(-4);
    worker_nop(note("low2"), ctx);
    hold.release();  // the worker claims all three in one batch
    ASSERT_TRUE(eventually([&] { return slow.state() == aio::req_state::execute; }));
    ASSERT_EQ(ctx.nready(), 0u) << "the two low ones were claimed with it";
    worker_nop(note("later"), ctx);  // priority 0: above the two claimed ones
    go.set_value();
    flush_or_fail(ctx);
    EXPECT_EQ(order, (std::vector<std::string>{"slow", "later", "low1", "low2"}));
}

TEST(Engine, NextRequestPriorityResetsAndNiceAccumulates) {
    aio::context ctx;
    EXPECT_EQ(aio::pri(), 0);
    EXPECT_EQ(aio::pri(3), 0) << "returns the previous value";
    EXPECT_EQ(aio::pri(), 3);
    auto a = aio::nop({}, ctx);
    EXPECT_EQ(a.priority(), 3);
    EXPECT_EQ(aio::pri(), 0) << "reset after each request";
    auto b = aio::nop({}, ctx);
    EXPECT_EQ(b.priority(), 0);

    aio::nice(1);
    aio::nice(2);
    EXPECT_EQ(aio::pri(), -3) << "nice subtracts, cumulatively";
    aio::nice(5);
    EXPECT_EQ(aio::pri(), aio::pri_min) << "clamped";
    aio::pri(100);
    EXPECT_EQ(aio::pri(), aio::pri_max);
    aio::pri(0);
    flush_or_fail(ctx);
}

TEST(Engine, PollFilenoReadableExactlyWhilePending) {
    aio::context ctx;
    int fd = ctx.poll_fileno();
    EXPECT_FALSE(readable(fd));
    aio::nop({}, ctx);
    ctx.poll_wait();
    EXPECT_TRUE(readable(fd));
    EXPECT_EQ(ctx.poll_cb(), 0);
    EXPECT_FALSE(readable(fd));
    EXPECT_EQ(ctx.poll_cb(), 0) << "no results: returns 0 at once";
}

TEST(Engine, EventfdWrittenOncePerTransition) {
    aio::context ctx;
    pool_holder hold(ctx);
    for (int i = 0; i < 50; ++i)
        worker_nop({}, ctx);  // the kernel writes the eventfd for ring completions
    hold.release();
    ASSERT_TRUE(eventually([&] { return ctx.npending() == 51; }));
    std::uint64_t counter = 0;
    ASSERT_EQ(::read(ctx.poll_fileno(), &counter, sizeof counter), 8);
    EXPECT_EQ(counter, 1u) << "one write for 51 results";
    flush_or_fail(ctx);
}

TEST(Engine, MaxPollReqsReturnsEarlyAndStaysReadable) {
    aio::context ctx;
    pool_holder hold(ctx);
    int called = 0;
    for (int i = 0; i < 10; ++i)
        aio::nop([&](aio::result<void>) { ++called; }, ctx);
    hold.release();
    ASSERT_TRUE(eventually([&] { return ctx.npending() == 11; }));
    ctx.max_poll_reqs(3);
    EXPECT_EQ(ctx.poll_cb(), -1);
    EXPECT_EQ(ctx.npending(), 8u);
    EXPECT_TRUE(readable(ctx.poll_fileno())) << "fd stays readable after an early return";
    EXPECT_EQ(ctx.poll_cb(), -1);
    EXPECT_EQ(ctx.poll_cb(), -1);
    EXPECT_EQ(ctx.npending(), 2u);
    EXPECT_EQ(called, 8);  // 9 processed, one of them the holder
    ctx.max_poll_reqs(0);
    EXPECT_EQ(ctx.poll_cb(), 0);
    EXPECT_EQ(called, 10);
    EXPECT_FALSE(readable(ctx.poll_fileno()));
}

TEST(Engine, MaxPollTimeReturnsEarly) {
    aio::context ctx;
    pool_holder hold(ctx);
    int called = 0;
    for (int i = 0; i < 5; ++i)
        aio::nop(
            [&](aio::result<void>) {
                ++called;
                std::this_thread::sleep_for(2ms);
            },
            ctx);
    hold.release();
    ASSERT_TRUE(eventually([&] { return ctx.npending() == 6; }));
    ctx.max_poll_time(0.000001);
    EXPECT_EQ(ctx.poll_cb(), -1);
    EXPECT_LT(called, 5);
    EXPECT_TRUE(readable(ctx.poll_fileno()));
    ctx.max_poll_time(0);
    EXPECT_EQ(ctx.poll_cb(), 0);
    EXPECT_EQ(called, 5);
}

// flush() leaves the descriptor alone while it runs (its own loop looks at
// the queues) and settles it once when it returns: not readable with nothing
// pending, and readable again at the next result (a descriptor left "written"
// but empty would never signal again).
TEST(Engine, FlushLeavesTheDescriptorSettled) {
    aio::context ctx;
    int fd = ctx.poll_fileno();
    for (int round = 0; round < 3; ++round) {
        int done = 0;
        for (int i = 0; i < 2000; ++i) {
            if (i % 2)
                aio::nop([&](aio::result<void> r) { done += r.has_value(); }, ctx);
            else
                aio::readlink(
                    "/proc/thread-self", [&](aio::result<std::string> r) { done += r.has_value(); },
                    ctx);
        }
        ctx.flush();
        EXPECT_EQ(done, 2000);
        EXPECT_EQ(ctx.nreqs(), 0u);
        EXPECT_FALSE(readable(fd)) << "round " << round << ": nothing pending after flush";
        aio::nop([&](aio::result<void>) { ++done; }, ctx);
        EXPECT_TRUE(eventually([&] { return readable(fd); })) << "round " << round;
        EXPECT_EQ(ctx.poll_cb(), 0);
        EXPECT_EQ(done, 2001);
        EXPECT_FALSE(readable(fd));
    }
}

TEST(Engine, FlushInterruptedByACallbackLeavesResultsReadable) {
    aio::context ctx;
    int fd = ctx.poll_fileno();
    int called = 0;
    for (int i = 0; i < 100; ++i)
        aio::nop(
            [&](aio::result<void>) {
                if (++called == 10) throw std::runtime_error("callback 10");
            },
            ctx);
    ASSERT_TRUE(eventually([&] { return ctx.npending() == 100; }));
    EXPECT_THROW(ctx.flush(), std::runtime_error);
    EXPECT_EQ(called, 10);
    EXPECT_EQ(ctx.npending(), 90u);
    EXPECT_TRUE(readable(fd)) << "results left by a throwing callback keep it readable";
    ctx.flush();
    EXPECT_EQ(called, 100);
    EXPECT_FALSE(readable(fd));
}

TEST(Engine, FlushInsideACallbackOfFlush) {
    aio::context ctx;
    int fd = ctx.poll_fileno();
    int inner = 0, outer = 0;
    for (int i = 0; i < 50; ++i)
        aio::nop(
            [&](aio::result<void>) {
                if (++outer != 1) return;
                for (int k = 0; k < 50; ++k)
                    aio::nop([&](aio::result<void>) { ++inner; }, ctx);
                ctx.flush();  // finishes everything, the outer flush's requests too
                EXPECT_EQ(ctx.nreqs(), 0u);
            },
            ctx);
    ctx.flush();
    EXPECT_EQ(outer, 50);
    EXPECT_EQ(inner, 50);
    EXPECT_FALSE(readable(fd));
    aio::nop([&](aio::result<void>) { ++outer; }, ctx);
    EXPECT_TRUE(eventually([&] { return readable(fd); }));
    ctx.flush();
    EXPECT_EQ(outer, 51);
    EXPECT_FALSE(readable(fd));
}

TEST(Engine, PollReturnsNumberProcessed) {
    aio::context ctx;
    pool_holder hold(ctx);
    for (int i = 0; i < 4; ++i)
        aio::nop({}, ctx);
    hold.release();
    ASSERT_TRUE(eventually([&] { return ctx.npending() == 5; }));
    EXPECT_EQ(ctx.poll(), 5);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(Engine, MaxOutstandingBlocksPollUntilBelowLimit) {
    aio::context ctx;
    ctx.max_outstanding(4);
    std::atomic<int> done{0};
    for (int i = 0; i < 20; ++i)
        run_on_worker(
            ctx, [](aio::detail::req&) { std::this_thread::sleep_for(1ms); },
            [&](aio::result<void>) { ++done; });
    EXPECT_EQ(ctx.nreqs(), 20u);
    ctx.poll_cb();
    EXPECT_LT(ctx.nreqs(), 4u) << "poll_cb returns only once below max_outstanding";
    EXPECT_GE(done.load(), 17);
    flush_or_fail(ctx);
}

TEST(Engine, CancelBeforeExecutionSkipsItAndTheCallback) {
    aio::context ctx;
    pool_holder hold(ctx);
    std::atomic<bool> executed{false};
    bool called = false;
    auto r = run_on_worker(
        ctx, [&](aio::detail::req&) { executed = true; },
        [&](aio::result<void>) { called = true; });
    EXPECT_EQ(r.state(), aio::req_state::ready);
    r.cancel();
    EXPECT_TRUE(r.cancelled());
    hold.release();
    flush_or_fail(ctx);
    EXPECT_FALSE(executed.load());
    EXPECT_FALSE(called);
    EXPECT_TRUE(r.done());
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TEST(Engine, CancelDuringExecutionSkipsOnlyTheCallback) {
    aio::context ctx;
    std::promise<void> go;
    auto f = go.get_future().share();
    std::atomic<bool> finished{false};
    bool called = false;
    auto r = run_on_worker(
        ctx,
        [&, f](aio::detail::req&) {
            f.wait();
            finished = true;
        },
        [&](aio::result<void>) { called = true; });
    ASSERT_TRUE(eventually([&] { return r.state() == aio::req_state::execute; }));
    r.cancel();
    go.set_value();
    flush_or_fail(ctx);
    EXPECT_TRUE(finished.load()) << "a running request is not interrupted";
    EXPECT_FALSE(called);
}

TEST(Engine, CancelAfterDoneIsHarmless) {
    aio::context ctx;
    int called = 0;
    auto r = aio::nop([&](aio::result<void>) { ++called; }, ctx);
    flush_or_fail(ctx);
    r.cancel();
    EXPECT_EQ(called, 1);
    aio::request_base empty;
    empty.cancel();  // null handle: no-op
}

TEST(Engine, ReplaceCallback) {
    aio::context ctx;
    pool_holder hold(ctx);
    int first = 0, second = 0;
    auto r = aio::nop([&](aio::result<void>) { ++first; }, ctx);
    r.set_callback([&](aio::result<void>) { ++second; });
    hold.release();
    flush_or_fail(ctx);
    EXPECT_EQ(first, 0);
    EXPECT_EQ(second, 1);

    // setting a callback on a request submitted without one
    int late = 0;
    pool_holder hold2(ctx);
    auto q = aio::nop({}, ctx);
    q.set_callback([&](aio::result<void>) { ++late; });
    hold2.release();
    flush_or_fail(ctx);
    EXPECT_EQ(late, 1);
}

TEST(Engine, CallbacksMaySubmitMore) {
    aio::context ctx;
    int depth = 0;
    std::function<void(aio::result<void>)> step = [&](aio::result<void>) {
        if (++depth < 100) aio::nop([&](aio::result<void> r) { step(std::move(r)); }, ctx);
    };
    aio::nop([&](aio::result<void> r) { step(std::move(r)); }, ctx);
    flush_or_fail(ctx);
    EXPECT_EQ(depth, 100);
}

TEST(Engine, ExceptionFromCallbackPropagatesOthersStayPending) {
    aio::context ctx;
    pool_holder hold(ctx);
    int called = 0;
    aio::nop([](aio::result<void>) { throw std::runtime_error("boom"); }, ctx);
    for (int i = 0; i < 3; ++i)
        aio::nop([&](aio::result<void>) { ++called; }, ctx);
    hold.release();
    ASSERT_TRUE(eventually([&] { return ctx.npending() == 5; }));
    EXPECT_THROW(ctx.poll_cb(), std::runtime_error);
    EXPECT_TRUE(readable(ctx.poll_fileno())) << "unprocessed results keep the fd readable";
    EXPECT_EQ(ctx.nreqs(), 3u);
    EXPECT_EQ(ctx.poll_cb(), 0);
    EXPECT_EQ(called, 3);
    EXPECT_FALSE(readable(ctx.poll_fileno()));
}

// ---- groups -----------------------------------------------------------------

TEST(Group, CallbackAfterAllSubrequests) {
    aio::context ctx;
    std::vector<std::string> log;
    auto g = aio::make_group(
        [&](aio::result<std::int64_t> r) {
            EXPECT_TRUE(r);
            log.push_back("group");
        },
        ctx);
    for (int i = 0; i < 5; ++i)
        g.add(aio::nop([&](aio::result<void>) { log.push_back("sub"); }, ctx));
    EXPECT_EQ(g.size(), 5u);
    flush_or_fail(ctx);
    ASSERT_EQ(log.size(), 6u);
    EXPECT_EQ(log.back(), "group");
    EXPECT_TRUE(g.done());
}

TEST(Group, EmptyGroupFinishes) {
    aio::context ctx;
    int called = 0;
    aio::make_group([&](aio::result<std::int64_t>) { ++called; }, ctx);
    flush_or_fail(ctx);
    EXPECT_EQ(called, 1);
}

TEST(Group, ResultAndErrnoReachCallback) {
    aio::context ctx;
    std::optional<aio::result<std::int64_t>> got;
    auto g = aio::make_group([&](aio::result<std::int64_t> r) { got = r; }, ctx);
    g.add(aio::nop([&](aio::result<void>) { g.set_result(42); }, ctx));
    flush_or_fail(ctx);
    ASSERT_TRUE(got);
    ASSERT_TRUE(*got);
    EXPECT_EQ(**got, 42);

    got.reset();
    auto h = aio::make_group([&](aio::result<std::int64_t> r) { got = r; }, ctx);
    h.add(aio::nop([&](aio::result<void>) { h.set_errno(ENOENT); }, ctx));
    flush_or_fail(ctx);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->error(), std::errc::no_such_file_or_directory);
}

TEST(Group, SubrequestAddedFromCallbackKeepsGroupAlive) {
    aio::context ctx;
    std::vector<std::string> log;
    auto g = aio::make_group([&](aio::result<std::int64_t>) { log.push_back("group"); }, ctx);
    g.add(aio::nop(
        [&](aio::result<void>) {
            log.push_back("first");
            g.add(aio::nop([&](aio::result<void>) { log.push_back("second"); }, ctx));
        },
        ctx));
    flush_or_fail(ctx);
    EXPECT_THAT(log, ::testing::ElementsAre("first", "second", "group"));
}

TEST(Group, NestedGroups) {
    aio::context ctx;
    std::vector<std::string> log;
    auto outer = aio::make_group([&](aio::result<std::int64_t>) { log.push_back("outer"); }, ctx);
    auto inner = aio::make_group([&](aio::result<std::int64_t>) { log.push_back("inner"); }, ctx);
    outer.add(inner);
    for (int i = 0; i < 3; ++i)
        inner.add(aio::nop([&](aio::result<void>) { log.push_back("leaf"); }, ctx));
    outer.add(aio::nop([&](aio::result<void>) { log.push_back("sibling"); }, ctx));
    flush_or_fail(ctx);
    ASSERT_EQ(log.size(), 6u);
    EXPECT_EQ(log.back(), "outer");
    auto inner_pos = std::find(log.begin(), log.end(), "inner") - log.begin();
    EXPECT_EQ(std::count(log.begin(), log.begin() + inner_pos, "leaf"), 3);
}

TEST(Group, CancelCancelsSubrequestsAndSkipsCallbacks) {
    aio::context ctx;
    pool_holder hold(ctx);
    std::atomic<int> executed{0};
    int called = 0;
    auto g = aio::make_group([&](aio::result<std::int64_t>) { ++called; }, ctx);
    auto inner = aio::make_group([&](aio::result<std::int64_t>) { ++called; }, ctx);
    g.add(inner);
    for (int i = 0; i < 4; ++i) {
        g.add(run_on_worker(
            ctx, [&](aio::detail::req&) { ++executed; }, [&](aio::result<void>) { ++called; }));
        inner.add(run_on_worker(
            ctx, [&](aio::detail::req&) { ++executed; }, [&](aio::result<void>) { ++called; }));
    }
    g.cancel();
    hold.release();
    flush_or_fail(ctx);
    EXPECT_EQ(executed.load(), 0);
    EXPECT_EQ(called, 0);
    EXPECT_TRUE(g.done());
    EXPECT_TRUE(inner.cancelled());
}

TEST(Group, CancelSubsStillCallsGroupCallback) {
    aio::context ctx;
    pool_holder hold(ctx);
    std::atomic<int> executed{0};
    int subs = 0, group_called = 0;
    auto g = aio::make_group([&](aio::result<std::int64_t>) { ++group_called; }, ctx);
    for (int i = 0; i < 4; ++i)
        g.add(run_on_worker(
            ctx, [&](aio::detail::req&) { ++executed; }, [&](aio::result<void>) { ++subs; }));
    g.cancel_subs();
    hold.release();
    flush_or_fail(ctx);
    EXPECT_EQ(executed.load(), 0);
    EXPECT_EQ(subs, 0);
    EXPECT_EQ(group_called, 1);
}

TEST(Group, NoAddAfterCallback) {
    aio::context ctx;
    auto g = aio::make_group({}, ctx);
    flush_or_fail(ctx);
    EXPECT_TRUE(g.done());
    auto r = aio::nop({}, ctx);
    EXPECT_THROW(g.add(r), std::logic_error);
    flush_or_fail(ctx);

    auto h = aio::make_group({}, ctx);
    auto done = aio::nop({}, ctx);
    flush_or_fail(ctx);
    EXPECT_THROW(h.add(done), std::logic_error) << "already finished request";
}

TEST(Group, AddToCancelledGroupCancelsTheRequest) {
    aio::context ctx;
    pool_holder hold(ctx);
    int called = 0;
    auto g = aio::make_group({}, ctx);
    g.add(aio::nop({}, ctx));
    g.cancel();
    auto r = aio::nop([&](aio::result<void>) { ++called; }, ctx);
    g.add(r);
    EXPECT_TRUE(r.cancelled());
    hold.release();
    flush_or_fail(ctx);
    EXPECT_EQ(called, 0);
}

// The manual's feeder example: stat files four (here: five) at a time.
TEST(Group, FeederWithLimitFiveGeneratesTen) {
    aio::context ctx;
    std::atomic<int> active{0}, max_active{0};
    int generated = 0, finished = 0, feeder_calls = 0;
    bool group_done = false;
    auto g = aio::make_group([&](aio::result<std::int64_t>) { group_done = true; }, ctx);
    g.limit(5);
    g.feed([&](aio::group& grp) {
        ++feeder_calls;
        EXPECT_LT(grp.size(), 5u) << "feeder runs only below the limit";
        if (generated == 10) return;  // adds nothing: feeder is removed
        ++generated;
        grp.add(run_on_worker(
            ctx,
            [&](aio::detail::req&) {
                int now = ++active;
                int m = max_active.load();
                while (now > m && !max_active.compare_exchange_weak(m, now)) {
                }
                std::this_thread::sleep_for(1ms);
                --active;
            },
            [&](aio::result<void>) { ++finished; }));
    });
    EXPECT_EQ(g.size(), 5u) << "feeding starts at once, up to the limit";
    flush_or_fail(ctx);
    EXPECT_EQ(generated, 10);
    EXPECT_EQ(finished, 10);
    EXPECT_LE(max_active.load(), 5);
    EXPECT_TRUE(group_done);
    EXPECT_EQ(feeder_calls, 11) << "ten adds, then one call that adds nothing";
}

TEST(Group, LimitZeroPausesFeedingAndFeedLiftsItToTwo) {
    aio::context ctx;
    int generated = 0;
    bool group_done = false;
    auto g = aio::make_group([&](aio::result<std::int64_t>) { group_done = true; }, ctx);
    EXPECT_EQ(g.limit(), 0u);
    // a long-running member keeps the group open while we play with the limit
    std::promise<void> go;
    auto f = go.get_future().share();
    g.add(run_on_worker(ctx, [f](aio::detail::req&) { f.wait(); }));
    g.feed([&](aio::group& grp) {
        if (generated < 6) {
            ++generated;
            grp.add(aio::nop({}, ctx));
        }
    });
    EXPECT_EQ(g.limit(), 2u) << "setting a feeder lifts limit 0 to 2";
    EXPECT_EQ(generated, 1) << "fed up to the limit (one slot was taken)";
    g.limit(0);
    ASSERT_TRUE(eventually([&] {
        ctx.poll_cb();
        return g.size() == 1;
    }));
    EXPECT_EQ(generated, 1) << "limit 0 pauses the feeder";
    g.limit(4);
    EXPECT_EQ(generated, 4) << "raising the limit resumes feeding at once";
    go.set_value();
    flush_or_fail(ctx);
    EXPECT_EQ(generated, 6);
    EXPECT_TRUE(group_done);
}

TEST(Group, FeederRemovedWhenItAddsNothing) {
    aio::context ctx;
    int calls = 0;
    auto g = aio::make_group({}, ctx);
    g.add(aio::nop({}, ctx));
    g.feed([&](aio::group&) { ++calls; });
    EXPECT_EQ(calls, 1);
    flush_or_fail(ctx);
    EXPECT_EQ(calls, 1) << "not called again after adding nothing";
}

// ---- pool ---------------------------------------------------------------------

// Quick requests keep at most one worker per CPU awake, plus the one on its
// way to watch them: pinned to one CPU, a storm of quick requests starts two
// threads, not the eight min_parallel allows (which only take turns).
TEST(Pool, QuickRequestsStartNoMoreThreadsThanCpusPlusOne) {
    std::thread pinned([] {
        cpu_set_t mine, one;
        ASSERT_EQ(::sched_getaffinity(0, sizeof mine, &mine), 0);
        CPU_ZERO(&one);
        for (int c = 0; c < CPU_SETSIZE; ++c) {
            if (CPU_ISSET(c, &mine)) {
                CPU_SET(c, &one);
                break;
            }
        }
        ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);  // workers inherit it
        aio::context ctx;
        ASSERT_EQ(ctx.parallel(), 8u);
        long called = 0;
        constexpr int kRounds = 20, kEach = 5000;
        for (int round = 0; round < kRounds; ++round) {
            for (int i = 0; i < kEach; ++i)
                run_on_worker(
                    ctx, [](aio::detail::req&) {},
                    [&](aio::result<void> r) { called += r.has_value(); });
            flush_or_fail(ctx);
        }
        EXPECT_EQ(called, long{kRounds} * kEach);
        EXPECT_LE(ctx.nthreads(), 2u);
    });
    pinned.join();
}

// A backlog of quick requests runs on a worker per CPU: the worker that
// claims takes its share and wakes a parked one for the rest while a CPU has
// no worker. It used to take everything, and the parked worker (the
// sentinel, which counted itself as awake) never joined: treescan's two
// workers ran 140 and 50 ms.
TEST(Pool, QuickBacklogRunsOnEveryCpu) {
    std::thread pinned([] {
        cpu_set_t mine, two;
        ASSERT_EQ(::sched_getaffinity(0, sizeof mine, &mine), 0);
        if (CPU_COUNT(&mine) < 2) GTEST_SKIP() << "needs two CPUs";
        CPU_ZERO(&two);
        for (int c = 0, n = 0; c < CPU_SETSIZE && n < 2; ++c)
            if (CPU_ISSET(c, &mine)) {
                CPU_SET(c, &two);
                ++n;
            }
        ASSERT_EQ(::sched_setaffinity(0, sizeof two, &two), 0);  // workers inherit it
        aio::context ctx;
        std::mutex mu;
        std::map<std::thread::id, long> ran;  // requests per worker
        // 64 in flight, each callback submitting the next (as treescan does)
        constexpr long kTotal = 20000;
        long submitted = 0, called = 0;
        std::function<void()> next = [&] {
            ++submitted;
            run_on_worker(
                ctx,
                [&](aio::detail::req&) {
                    // ~10 us of CPU: quick (the pool calls 50 us slow)
                    auto until = std::chrono::steady_clock::now() + 10us;
                    while (std::chrono::steady_clock::now() < until) {
                    }
                    std::lock_guard lk(mu);
                    ++ran[std::this_thread::get_id()];
                },
                [&](aio::result<void> r) {
                    called += r.has_value();
                    if (submitted < kTotal) next();
                });
        };
        for (int i = 0; i < 64; ++i)
            next();
        flush_or_fail(ctx);
        EXPECT_EQ(called, kTotal);
        // With the work shared, the busiest worker runs about half of it (it
        // ran four fifths when it took everything it found queued).
        long most = 0;
        for (const auto& [id, n] : ran)
            most = std::max(most, n);
        EXPECT_LE(most * 3, 2 * kTotal) << ran.size() << " workers, the busiest ran " << most;
    });
    pinned.join();
}

// Which thread ran each of n readlink("/proc/thread-self") requests (the
// kernel answers "<pid>/task/<tid>" for the thread that asks), with `depth`
// in flight: each callback submits the next, as a stat storm does.
std::multiset<std::string> threads_running_readlinks(aio::context& ctx, int n, int depth = 8) {
    std::multiset<std::string> seen;
    int submitted = 0;
    std::function<void()> next = [&] {
        ++submitted;
        aio::readlink(
            "/proc/thread-self",
            [&](aio::result<std::string> r) {
                ASSERT_TRUE(r) << r.error().message();
                seen.insert(*r);
                if (submitted < n) next();
            },
            ctx);
    };
    for (int i = 0; i < depth && submitted < n; ++i)
        next();
    ctx.flush();  // poll_wait is where the poll thread helps
    return seen;
}

std::string this_thread_self() {
    char buf[64];
    ssize_t n = ::readlink("/proc/thread-self", buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

TEST(Pool, PollWaitRunsQuickRequestsWhileItWaits) {
    // flush() waits for results with requests queued: it runs some itself.
    // Whether it finds any queued in a given round depends on the workers'
    // pace; over a few rounds it must.
    aio::context ctx;
    std::size_t mine = 0;
    for (int round = 0; round < 50 && mine == 0; ++round) {
        auto seen = threads_running_readlinks(ctx, 2000);
        ASSERT_EQ(seen.size(), 2000u);
        mine = seen.count(this_thread_self());
    }
    EXPECT_GT(mine, 0u);
}

TEST(Pool, PollWaitHelpsOnlyWhenAllowed) {
    aio::context_options opts;
    opts.poll_wait_helps = false;
    aio::context off(opts);
    auto seen = threads_running_readlinks(off, 2000);
    ASSERT_EQ(seen.size(), 2000u);
    EXPECT_EQ(seen.count(this_thread_self()), 0u) << "poll_wait_helps = false";

    // max_parallel(0) queues without executing, poll_wait included: while
    // it waits, another thread sees everything still queued, then lets one
    // worker run them.
    aio::context held;
    held.max_parallel(0);
    int held_ran = 0;
    for (int i = 0; i < 10; ++i)
        aio::readlink(
            "/proc/thread-self", [&](aio::result<std::string> r) { held_ran += r.has_value(); },
            held);
    std::size_t queued_while_waiting = 0;
    std::thread releaser([&] {
        std::this_thread::sleep_for(20ms);  // poll_wait has begun (or the check is vacuous)
        queued_while_waiting = held.nready();
        held.min_parallel(1);
    });
    held.poll_wait();
    releaser.join();
    held.flush();
    EXPECT_EQ(queued_while_waiting, 10u) << "requests ran under max_parallel(0)";
    EXPECT_EQ(held_ran, 10);

    // Requests that may wait on another thread or take long never run there.
    aio::context ctx;
    std::mutex mu;
    std::set<std::thread::id> ran;
    for (int i = 0; i < 2000; ++i)
        run_on_worker(ctx, [&](aio::detail::req&) {
            std::lock_guard lk(mu);
            ran.insert(std::this_thread::get_id());
        });
    flush_or_fail(ctx);
    EXPECT_EQ(ran.count(std::this_thread::get_id()), 0u) << "a library step ran in poll_wait";
}

TEST(Pool, ThreadsStartOnDemandUpToMinParallel) {
    aio::context ctx;
    std::promise<void> go;
    auto f = go.get_future().share();
    for (int i = 0; i < 20; ++i)
        run_on_worker(ctx, [f](aio::detail::req&) { f.wait(); });
    ASSERT_TRUE(eventually([&] { return ctx.nthreads() == 8; }));
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(ctx.nthreads(), 8u) << "default min_parallel is 8";
    go.set_value();
    flush_or_fail(ctx);
}

// A worker that claimed a whole batch and blocks in its first request holds
// the rest in its batch, not in the queue. Raising min_parallel must still
// put other threads on them (a sentinel steals from the batch); before, the
// new threads were never started, because the queue looked empty.
TEST(Pool, RaisedMinParallelTakesOverABlockedWorkersBatch) {
    aio::context ctx;
    ctx.max_parallel(0);  // queue everything first, so one worker sees it all
    std::promise<void> go;
    auto f = go.get_future().share();
    constexpr int n = 16;
    std::atomic<int> started{0};
    std::mutex m;
    std::set<pid_t> tids;
    for (int i = 0; i < n; ++i)
        run_on_worker(ctx, [&, f](aio::detail::req&) {
            {
                std::lock_guard lk(m);
                tids.insert(::gettid());
            }
            if (started++ == 0) f.wait();  // the first blocks until released
        });
    ctx.min_parallel(1);
    ASSERT_TRUE(eventually([&] { return started.load() >= 1; }));
    ctx.min_parallel(8);
    bool others_ran = eventually([&] { return started.load() == n; });
    go.set_value();
    flush_or_fail(ctx);
    EXPECT_TRUE(others_ran) << started.load() << " of " << n << " started while the first blocked";
    EXPECT_EQ(started.load(), n);
    EXPECT_GE(tids.size(), 2u);
}

TEST(Pool, MaxParallelStopsSurplusThreadsAndBlocks) {
    aio::context ctx;
    ctx.min_parallel(6);
    std::promise<void> go;
    auto f = go.get_future().share();
    for (int i = 0; i < 6; ++i)
        run_on_worker(ctx, [f](aio::detail::req&) { f.wait(); });
    ASSERT_TRUE(eventually([&] { return ctx.nthreads() == 6; }))
        << "threads " << ctx.nthreads() << " ready " << ctx.nready();
    go.set_value();
    ctx.max_parallel(2);
    EXPECT_LE(ctx.nthreads(), 2u) << "max_parallel returns once surplus threads exited";
    flush_or_fail(ctx);
    ctx.max_parallel(0);
    EXPECT_EQ(ctx.nthreads(), 0u);
    std::atomic<bool> ran{false};
    run_on_worker(ctx, [&](aio::detail::req&) { ran = true; });
    std::this_thread::sleep_for(30ms);
    EXPECT_FALSE(ran.load()) << "max_parallel(0) queues without executing";
    EXPECT_EQ(ctx.nready(), 1u);
    ctx.min_parallel(1);
    flush_or_fail(ctx);
    EXPECT_TRUE(ran.load());
}

TEST(Pool, IdleThreadsAboveMaxIdleExit) {
    aio::context ctx;
    ctx.max_idle(1);
    ctx.idle_timeout(0.05);
    std::latch all_running(4);
    for (int i = 0; i < 4; ++i)
        run_on_worker(ctx, [&](aio::detail::req&) { all_running.arrive_and_wait(); });
    flush_or_fail(ctx);  // four ran at once: the latch needed four threads
    EXPECT_TRUE(eventually([&] { return ctx.nthreads() <= 1; }))
        << "idle threads above max_idle exit after idle_timeout; left: " << ctx.nthreads();
    EXPECT_EQ(ctx.nthreads(), 1u) << "max_idle threads stay";
    // the pool still works afterwards
    int called = 0;
    aio::nop([&](aio::result<void>) { ++called; }, ctx);
    flush_or_fail(ctx);
    EXPECT_EQ(called, 1);
}

TEST(Pool, SettingsRoundTrip) {
    aio::context ctx;
    EXPECT_EQ(ctx.parallel(), 8u);
    EXPECT_EQ(ctx.max_idle(), 4u);
    EXPECT_DOUBLE_EQ(ctx.idle_timeout(), 10.0);
    EXPECT_EQ(ctx.max_poll_reqs(), 0u);
    EXPECT_DOUBLE_EQ(ctx.max_poll_time(), 0.0);
    EXPECT_EQ(ctx.max_outstanding(), 0u);
    ctx.min_parallel(3);
    EXPECT_EQ(ctx.parallel(), 8u) << "min_parallel never lowers";
    ctx.min_parallel(12);
    EXPECT_EQ(ctx.parallel(), 12u);
    ctx.max_parallel(5);
    EXPECT_EQ(ctx.parallel(), 5u);
}

// ---- threads, contexts, fork, teardown -------------------------------------------

TEST(Threads, FourThreadsSubmitConcurrentlyEveryCallbackOnce) {
    aio::context ctx;
    constexpr int kThreads = 4, kPerThread = 100000;
    std::vector<std::uint8_t> hits(kThreads * kPerThread, 0);
    std::atomic<int> submitters_done{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t) {
        ts.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                int id = t * kPerThread + i;
                // callbacks run on the polling (main) thread only
                aio::nop([&hits, id](aio::result<void>) { ++hits[id]; }, ctx);
            }
            ++submitters_done;
        });
    }
    auto main_id = std::this_thread::get_id();
    bool wrong_thread = false;
    aio::nop([&](aio::result<void>) { wrong_thread = std::this_thread::get_id() != main_id; }, ctx);
    while (submitters_done.load() < kThreads || ctx.nreqs()) {
        pollfd p{ctx.poll_fileno(), POLLIN, 0};
        ::poll(&p, 1, 10);
        ctx.poll_cb();
    }
    for (auto& t : ts)
        t.join();
    flush_or_fail(ctx);
    EXPECT_FALSE(wrong_thread);
    EXPECT_EQ(std::count(hits.begin(), hits.end(), 1), kThreads * kPerThread);
}

TEST(Threads, SeveralContextsAreIndependent) {
    aio::context a, b;
    EXPECT_NE(a.poll_fileno(), b.poll_fileno());
    int ca = 0, cb = 0;
    b.max_parallel(0);
    aio::nop([&](aio::result<void>) { ++ca; }, a);
    aio::nop([&](aio::result<void>) { ++cb; }, b);
    flush_or_fail(a);
    EXPECT_EQ(ca, 1);
    EXPECT_EQ(cb, 0);
    EXPECT_EQ(b.nreqs(), 1u);
    b.min_parallel(1);
    flush_or_fail(b);
    EXPECT_EQ(cb, 1);
}

TEST(Threads, DefaultContextServesFreeFunctions) {
    int called = 0;
    aio::nop([&](aio::result<void>) { ++called; });
    aio::testing::flush_or_fail(aio::default_context());
    EXPECT_EQ(called, 1);
}

#if defined(__SANITIZE_THREAD__)
// Threads of this process (/proc/self/task), 0 if unknown.
std::size_t threads_in_process() {
    std::size_t n = 0;
    if (DIR* d = ::opendir("/proc/self/task")) {
        while (dirent* e = ::readdir(d))
            n += e->d_name[0] != '.';
        ::closedir(d);
    }
    return n;
}
#endif

TEST(Fork, ReinitInChildStartsAfresh) {
#if defined(__SANITIZE_THREAD__)
    // TSan kills a child that starts threads after a fork of a process
    // with other threads: another test's context (the default one) may
    // still have workers when the whole binary runs in one process (ctest
    // runs each test in its own).
    if (threads_in_process() > 1) GTEST_SKIP() << "other threads alive: run this test alone";
#endif
    aio::context ctx;
    // the parent has requests in every state when it forks
    std::promise<void> go;
    auto f = go.get_future().share();
    run_on_worker(ctx, [f](aio::detail::req&) { f.wait(); });
    for (int i = 0; i < 10; ++i)
        aio::nop({}, ctx);
#if AIOPP_TEST_SANITIZED
    // The sanitizers' own allocators are not fork-safe (GCC 12's runtime has
    // no fork handlers): a worker inside malloc at fork time leaves the
    // child's allocator locked. Fork with the requests queued but with no
    // worker thread running instead.
    go.set_value();
    flush_or_fail(ctx);
    ctx.max_parallel(0);
    for (int i = 0; i < 10; ++i)
        aio::nop({}, ctx);
    ctx.min_parallel(8);
    ctx.max_parallel(0);
#endif
    int parent_fd = ctx.poll_fileno();
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ctx.reinit();
        if (AIOPP_TEST_SANITIZED) ctx.min_parallel(8);  // inherited max_parallel(0)
        int code = 0;
        if (ctx.nreqs() != 0) code |= 1;
        if (ctx.nthreads() != 0) code |= 2;
        int called = 0;
        for (int i = 0; i < 100; ++i)
            aio::nop([&](aio::result<void>) { ++called; }, ctx);
        ctx.flush();
        if (called != 100) code |= 4;
        if (ctx.poll_fileno() < 0) code |= 8;
        ::_exit(code);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "bit 1: nreqs, 2: threads, 4: callbacks, 8: fd";
#if AIOPP_TEST_SANITIZED
    ctx.min_parallel(8);
#else
    go.set_value();
#endif
    flush_or_fail(ctx);
    EXPECT_EQ(ctx.poll_fileno(), parent_fd);
}

TEST(Teardown, DestroyWithRequestsInFlightFreesEverythingWithoutCallbacks) {
    auto token = std::make_shared<int>(0);
    int called = 0;
    std::promise<void> go;
    auto f = go.get_future().share();
    std::thread release;
    {
        aio::context ctx;
        ctx.max_parallel(2);
        std::vector<aio::request<void>> holders;
        for (int i = 0; i < 2; ++i)
            holders.push_back(run_on_worker(
                ctx, [f](aio::detail::req&) { f.wait(); },
                [&, token](aio::result<void>) { ++called; }));
        // both threads busy before anything else is queued
        if (!eventually([&] {
                return holders[0].state() == aio::req_state::execute &&
                       holders[1].state() == aio::req_state::execute;
            })) {
            go.set_value();
            FAIL() << "the two holders never ran concurrently";
        }
        auto g = aio::make_group([&, token](aio::result<std::int64_t>) { ++called; }, ctx);
        for (int i = 0; i < 100; ++i)
            g.add(worker_nop([&, token](aio::result<void>) { ++called; }, ctx));
        g.feed([token](aio::group&) {});  // stays: the group is above its limit
        ctx.poll_cb();
        EXPECT_GT(token.use_count(), 100);
        // the destructor runs while two requests execute and the rest wait
        release = std::thread([&] {
            std::this_thread::sleep_for(20ms);
            go.set_value();
        });
    }
    release.join();
    EXPECT_EQ(called, 0);
    EXPECT_EQ(token.use_count(), 1) << "every callback (and what it captured) was freed";
}

TEST(Stress, MillionNopsNoLeak) {
    aio::context ctx;
    constexpr int kCount = 1000000;
    int called = 0;
    for (int i = 0; i < kCount; ++i)
        aio::nop([&](aio::result<void>) { ++called; }, ctx);
    flush_or_fail(ctx, 600);
    EXPECT_EQ(called, kCount);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

// Freed request memory stays in the thread's cache while bursts need it and
// goes back to malloc once an epoch (at least a second) passes without use.
TEST(Stress, RequestCacheKeepsABurstAndReturnsItWhenUnused) {
    if (!aio::detail::request_cache_enabled())
        GTEST_SKIP() << "sanitizer build: requests use the plain allocator";
    aio::context ctx;
    constexpr int kBurst = 50000;
    auto burst = [&](int n) {
        int called = 0;
        for (int i = 0; i < n; ++i)
            aio::nop([&](aio::result<void>) { ++called; }, ctx);
        flush_or_fail(ctx, 60);
        EXPECT_EQ(called, n);
    };
    burst(kBurst);
    std::size_t kept = aio::detail::cached_request_blocks();
    EXPECT_GE(kept, std::size_t{kBurst}) << "the burst's blocks are cached for the next one";
    burst(kBurst);  // served from the cache: it neither grows nor shrinks
    EXPECT_EQ(aio::detail::cached_request_blocks(), kept);
    // Two epochs of light use: the blocks never needed go back.
    for (int epoch = 0; epoch < 2; ++epoch) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        for (int i = 0; i < 10; ++i)
            burst(1000);
    }
    EXPECT_LT(aio::detail::cached_request_blocks(), std::size_t{kBurst} / 4);
}

}  // namespace
