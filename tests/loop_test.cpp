// Event-loop adapters (include/aio/loop/): each one against the real library.
//
// Every driver runs its loop on a thread of its own while the test thread
// submits; the checks are that every callback runs exactly once and on the
// loop thread, that early returns of poll_cb (max_poll_reqs) are picked up
// again, that coroutines are resumed by the loop, that an exception from a
// callback reaches the user and loses nothing, and that detaching leaves the
// loop with nothing to watch.
//
// libev, libuv and Asio are linked by tests/loop_deps.cmake, which defines
// AIOPP_HAVE_LIBEV / AIOPP_HAVE_LIBUV / AIOPP_HAVE_ASIO for what it found;
// without it only the epoll adapter is tested (the others are reported as
// skipped).
#include <poll.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "aio/aio.hpp"
#include "aio/coro.hpp"
#include "aio/loop/epoll.hpp"
#include "support.hpp"

#if AIOPP_HAVE_LIBEV
#include "aio/loop/ev.hpp"
#endif
#if AIOPP_HAVE_LIBUV
#include "aio/loop/uv.hpp"
#endif
#if AIOPP_HAVE_ASIO
#include "aio/loop/asio.hpp"
#endif

namespace {

using aio::testing::readable;

using aio::testing::flush_or_fail;

// ---- drivers: one per library; the same tests run on each --------------------
//
// attach/detach/run_once/idle are called while the loop is not running;
// run() runs it until stop(), which is called from a callback (loop thread);
// run_once() runs one non-blocking iteration.

struct epoll_driver {
    static constexpr const char* name = "epoll";
    int ep = ::epoll_create1(EPOLL_CLOEXEC);
    std::optional<aio::loop::epoll_attachment> att;
    bool stopping = false;

    ~epoll_driver() { ::close(ep); }
    void attach(aio::context& ctx) { att.emplace(aio::loop::attach_epoll(ep, ctx)); }
    void detach() { att.reset(); }
    void run() {
        stopping = false;
        while (!stopping) {
            epoll_event evs[8];
            int n = ::epoll_wait(ep, evs, 8, -1);
            for (int i = 0; i < n; ++i)
                if (!att->dispatch(evs[i])) throw std::logic_error("unknown epoll event");
        }
    }
    void stop() { stopping = true; }
    void run_once() {
        epoll_event evs[8];
        int n = ::epoll_wait(ep, evs, 8, 0);
        for (int i = 0; i < n; ++i)
            att->dispatch(evs[i]);
    }
    // Rethrows what a callback threw.
    void run_rethrowing() { run(); }
    // Nothing is watched any more, even though results are pending.
    bool idle() {
        epoll_event ev;
        return ::epoll_wait(ep, &ev, 1, 0) == 0;
    }
};

#if AIOPP_HAVE_LIBEV
struct ev_driver {
    static constexpr const char* name = "libev";
    struct ev_loop* loop = ev_loop_new(EVFLAG_AUTO);
    std::optional<aio::loop::ev_attachment> att;

    ~ev_driver() {
        att.reset();
        ev_loop_destroy(loop);
    }
    void attach(aio::context& ctx) { att.emplace(aio::loop::attach(loop, ctx)); }
    void detach() { att.reset(); }
    void run() { ev_run(loop, 0); }
    void stop() { ev_break(loop, EVBREAK_ALL); }
    void run_once() { ev_run(loop, EVRUN_NOWAIT); }
    void run_rethrowing() {
        run();
        att->rethrow_if_error();
    }
    bool idle() { return ev_run(loop, EVRUN_NOWAIT) == 0; }  // no active watcher left
};
#endif

#if AIOPP_HAVE_LIBUV
struct uv_driver {
    static constexpr const char* name = "libuv";
    uv_loop_t loop;
    std::optional<aio::loop::uv_attachment> att;

    uv_driver() { uv_loop_init(&loop); }
    ~uv_driver() {
        att.reset();
        uv_run(&loop, UV_RUN_NOWAIT);
        EXPECT_EQ(uv_loop_close(&loop), 0);  // every handle was closed and freed
    }
    void attach(aio::context& ctx) { att.emplace(aio::loop::attach(&loop, ctx)); }
    void detach() { att.reset(); }
    void run() { uv_run(&loop, UV_RUN_DEFAULT); }
    void stop() { uv_stop(&loop); }
    void run_once() { uv_run(&loop, UV_RUN_NOWAIT); }
    void run_rethrowing() {
        run();
        att->rethrow_if_error();
    }
    bool idle() {
        uv_run(&loop, UV_RUN_NOWAIT);  // lets the closed handle's callback free it
        return uv_loop_alive(&loop) == 0;
    }
};
#endif

#if AIOPP_HAVE_ASIO
struct asio_driver {
    static constexpr const char* name = "asio";
    asio::io_context io;
    std::optional<aio::loop::asio_attachment> att;

    ~asio_driver() { att.reset(); }
    void attach(aio::context& ctx) { att.emplace(aio::loop::attach(io, ctx)); }
    void detach() { att.reset(); }
    void run() {
        io.restart();
        io.run();
    }
    void stop() { io.stop(); }
    void run_once() {
        io.restart();
        io.poll();
    }
    void run_rethrowing() {
        io.restart();
        io.run();  // Asio lets handler exceptions out of run()
    }
    bool idle() {
        io.restart();
        io.poll();  // runs the cancelled wait's handler
        io.poll();  // out of work: stops
        return io.stopped();
    }
};
#endif

template <class D>
class Loop : public ::testing::Test {};

using drivers = ::testing::Types<epoll_driver
#if AIOPP_HAVE_LIBEV
                                 ,
                                 ev_driver
#endif
#if AIOPP_HAVE_LIBUV
                                 ,
                                 uv_driver
#endif
#if AIOPP_HAVE_ASIO
                                 ,
                                 asio_driver
#endif
                                 >;
struct driver_names {
    template <class D>
    static std::string GetName(int) {
        return D::name;
    }
};
TYPED_TEST_SUITE(Loop, drivers, driver_names);

// Submit n nops from this thread while the loop runs on another; every
// callback must run once, on the loop thread.
template <class D>
void many_requests(int n, unsigned max_poll_reqs) {
    aio::context ctx;
    ctx.max_poll_reqs(max_poll_reqs);
    D d;
    d.attach(ctx);
    std::vector<unsigned char> calls(static_cast<std::size_t>(n), 0);
    int done = 0, wrong_thread = 0;
    std::atomic<std::thread::id> loop_id{};
    std::thread loop([&] {
        loop_id = std::this_thread::get_id();
        d.run();
    });
    while (loop_id.load() == std::thread::id{})
        std::this_thread::yield();
    const auto tid = loop_id.load();
    for (int i = 0; i < n; ++i) {
        aio::nop(
            [&, i, tid](aio::result<void> r) {
                EXPECT_TRUE(r);
                if (std::this_thread::get_id() != tid) ++wrong_thread;
                ++calls[static_cast<std::size_t>(i)];
                if (++done == n) d.stop();
            },
            ctx);
    }
    loop.join();
    EXPECT_EQ(done, n);
    EXPECT_EQ(wrong_thread, 0);
    int not_once = 0;
    for (auto c : calls)
        not_once += c != 1;
    EXPECT_EQ(not_once, 0);
    EXPECT_EQ(ctx.nreqs(), 0u);
    d.detach();
    EXPECT_TRUE(d.idle());
}

TYPED_TEST(Loop, HundredThousandRequestsEachCalledBackOnceOnTheLoopThread) {
    many_requests<TypeParam>(100'000, 0);
}

// poll_cb returns early after 7 results: the adapter must come back for the
// rest although no new result makes the descriptor readable again (all
// results are queued before the loop starts: no new edge will come).
TYPED_TEST(Loop, EarlyReturnsOfPollCbArePickedUpAgain) {
    constexpr int n = 1000;
    aio::context ctx;
    ctx.max_poll_reqs(7);
    int done = 0;
    // busy(0) runs on a worker with either executor: the ring would hold
    // nops beyond its depth until poll_cb reaps and refills it.
    for (int i = 0; i < n; ++i)
        aio::busy(
            0, [&](aio::result<void>) { ++done; }, ctx);
    while (ctx.npending() < n)
        std::this_thread::yield();
    TypeParam d;
    d.attach(ctx);
    // Non-blocking iterations, a generous number: each must make progress.
    for (int spins = 0; done < n && spins < 100'000; ++spins)
        d.run_once();
    EXPECT_EQ(done, n);
}

// The same while results keep arriving from another thread.
TYPED_TEST(Loop, EarlyReturnsWhileSubmitting) {
    many_requests<TypeParam>(20'000, 7);
}

TYPED_TEST(Loop, ResultsPendingBeforeAttachingAreDelivered) {
    aio::context ctx;
    int done = 0;
    TypeParam d;
    for (int i = 0; i < 10; ++i)
        aio::nop(
            [&](aio::result<void>) {
                if (++done == 10) d.stop();
            },
            ctx);
    while (!readable(ctx.poll_fileno()))
        std::this_thread::yield();
    d.attach(ctx);
    d.run();
    EXPECT_EQ(done, 10);
}

aio::task<> nops_then_stop(aio::context& ctx, std::thread::id& where, int& resumed,
                           std::function<void()> stop) {
    for (int i = 0; i < 1000; ++i) {
        auto r = co_await aio::nop({}, ctx);
        EXPECT_TRUE(r);
        ++resumed;
        where = std::this_thread::get_id();
    }
    auto [a, b] = co_await aio::when_all(aio::nop({}, ctx), aio::busy(-1, {}, ctx));
    EXPECT_TRUE(a);
    EXPECT_EQ(b.err(), EINVAL);
    stop();
}

TYPED_TEST(Loop, CoroutinesAreResumedByTheLoop) {
    aio::context ctx;
    TypeParam d;
    d.attach(ctx);
    std::thread::id where;
    int resumed = 0;
    // Spawned before the loop runs: it runs up to its first co_await here;
    // from then on only the loop thread resumes it.
    aio::spawn(nops_then_stop(ctx, where, resumed, [&] { d.stop(); }));
    std::thread::id loop_id;
    std::thread loop([&] {
        loop_id = std::this_thread::get_id();
        d.run();
    });
    loop.join();
    EXPECT_EQ(resumed, 1000);
    EXPECT_EQ(where, loop_id);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TYPED_TEST(Loop, AnExceptionFromACallbackReachesTheUserAndLosesNothing) {
    aio::context ctx;
    TypeParam d;
    d.attach(ctx);
    int done = 0;
    for (int i = 0; i < 20; ++i)
        aio::nop(
            [&](aio::result<void>) {
                if (++done == 4) throw std::runtime_error("callback failed");
                if (done == 20) d.stop();
            },
            ctx);
    EXPECT_THROW(d.run_rethrowing(), std::runtime_error);
    EXPECT_EQ(done, 4);
    d.run_rethrowing();  // the loop goes on with the results left
    EXPECT_EQ(done, 20);
    EXPECT_EQ(ctx.nreqs(), 0u);
}

TYPED_TEST(Loop, DetachingStopsDelivery) {
    aio::context ctx;
    TypeParam d;
    d.attach(ctx);
    int done = 0;
    aio::nop([&](aio::result<void>) { ++done; }, ctx);
    while (!readable(ctx.poll_fileno()))
        std::this_thread::yield();
    d.detach();
    EXPECT_TRUE(d.idle());  // nothing watched although a result is pending
    EXPECT_EQ(done, 0);
    ctx.poll_cb();  // still there for whoever polls
    EXPECT_EQ(done, 1);
}

TYPED_TEST(Loop, AttachmentsMove) {
    aio::context ctx;
    TypeParam d;
    d.attach(ctx);
    auto moved = std::move(*d.att);
    EXPECT_FALSE(*d.att);
    EXPECT_TRUE(moved);
    d.att.emplace(std::move(moved));
    int done = 0;
    aio::nop(
        [&](aio::result<void>) {
            ++done;
            d.stop();
        },
        ctx);
    d.run();
    EXPECT_EQ(done, 1);
}

// In a fork child: reinit() gives the context a new descriptor; a new epoll
// instance and a new attachment deliver the child's results.
TEST(LoopFork, EpollAttachmentRecreatedAfterReinit) {
    aio::context ctx;
    int ep = ::epoll_create1(EPOLL_CLOEXEC);
    std::optional<aio::loop::epoll_attachment> att;
    att.emplace(ep, ctx);
    flush_or_fail(ctx);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ctx.reinit();
        att.reset();  // harmless here: it names the parent's (now closed) descriptor
        ::close(ep);
        int ep2 = ::epoll_create1(EPOLL_CLOEXEC);
        aio::loop::epoll_attachment child(ep2, ctx);
        bool got = false;
        aio::nop([&](aio::result<void> r) { got = static_cast<bool>(r); }, ctx);
        while (!got) {
            epoll_event ev;
            if (::epoll_wait(ep2, &ev, 1, 10'000) != 1) _exit(2);
            child.dispatch(ev);
        }
        _exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    // The parent's attachment still works.
    bool got = false;
    aio::nop([&](aio::result<void>) { got = true; }, ctx);
    while (!got) {
        epoll_event ev;
        ASSERT_EQ(::epoll_wait(ep, &ev, 1, 30'000), 1);
        att->dispatch(ev);
    }
    att.reset();
    ::close(ep);
}

TEST(LoopLibraries, Linked) {
    std::string missing;
#if !AIOPP_HAVE_LIBEV
    missing += " libev";
#endif
#if !AIOPP_HAVE_LIBUV
    missing += " libuv";
#endif
#if !AIOPP_HAVE_ASIO
    missing += " asio";
#endif
    if (!missing.empty())
        GTEST_SKIP() << "not linked (tests/loop_deps.cmake not included?):" << missing;
}

}  // namespace
