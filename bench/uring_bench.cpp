// The io_uring executor against the worker pool, with raw liburing as the
// floor, on the same work in the same run (docs/PERFORMANCE.md, "io_uring"):
//
//   nop     1 000 000 empty requests, submitted at once, callbacks run; and in
//           rounds of 1000 (plain, and each round in an aio::batch); and a
//           new context's first storm of 1000 ("fresh_storm", its slowest)
//   stat    stat of every regular file of tree T1 (scripts/t1.sh), 32 in flight;
//           and all of them at once ("all_pool", "all_uring")
//   unlink  20 000 empty files unlinked at once
//   small   open + read 4 KiB + close of 20 000 files, 32 files in flight;
//           "sync" is the plain synchronous loop
//
// All times are per request (nop, stat) or per file (small); warm caches.
//
//   uring_bench [--benchmark_filter=...]     (T1: $AIOPP_T1 or /var/tmp/aiopp-t1;
//                                             small files: $AIOPP_SMALL or
//                                             /var/tmp/aiopp-small, made once)
#include <benchmark/benchmark.h>
#include <dirent.h>
#include <fcntl.h>
#include <liburing.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "aio/aio.hpp"

namespace {

constexpr int kNops = 1000000;
constexpr int kInFlight = 32;
constexpr int kSmallFiles = 20000;
constexpr std::size_t kSmallSize = 4096;

aio::context_options with(aio::executor_kind k) {
    aio::context_options o;
    o.executor = k;
    return o;
}

void per_item(benchmark::State& state, std::size_t n, const char* name) {
    state.counters[name] =
        benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(n),
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Skip a benchmark whose context did not get the executor it is named after.
bool got(benchmark::State& state, aio::context& ctx, aio::executor_kind want) {
    if (want == aio::executor_kind::automatic || ctx.executor() == want) return true;
    state.SkipWithError("io_uring is not available");
    return false;
}

// ---- nop ------------------------------------------------------------------------------

void BM_nop_aiopp(benchmark::State& state, aio::executor_kind k) {
    aio::context ctx(with(k));
    if (!got(state, ctx, k)) return;
    long called = 0;
    for (auto _ : state) {
        for (int i = 0; i < kNops; ++i)
            aio::nop([&called](aio::result<void>) { ++called; }, ctx);
        ctx.flush();
    }
    if (called != static_cast<long>(state.iterations()) * kNops)
        state.SkipWithError("lost callbacks");
    per_item(state, kNops, "ns_per_nop");
}
BENCHMARK_CAPTURE(BM_nop_aiopp, pool, aio::executor_kind::pool)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_nop_aiopp, uring, aio::executor_kind::uring)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_nop_aiopp, automatic, aio::executor_kind::automatic)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The same nops in rounds of 1000 (submit, flush): the engine's cost per
// request while its requests stay in the cache, without the cost of keeping
// a million of them in memory at once. "batched": each round is submitted
// inside an aio::batch, so that the ring's requests enter the kernel
// together when it ends instead of one io_uring_enter per request while the
// ring has free slots.
void BM_nop_aiopp_rounds(benchmark::State& state, aio::executor_kind k, bool batched) {
    aio::context ctx(with(k));
    if (!got(state, ctx, k)) return;
    long called = 0;
    for (auto _ : state) {
        for (int round = 0; round < kNops / 1000; ++round) {
            std::optional<aio::batch> b;
            if (batched) b.emplace(ctx);
            for (int i = 0; i < 1000; ++i)
                aio::nop([&called](aio::result<void>) { ++called; }, ctx);
            b.reset();
            ctx.flush();
        }
    }
    if (called != static_cast<long>(state.iterations()) * kNops)
        state.SkipWithError("lost callbacks");
    per_item(state, kNops, "ns_per_nop");
}
BENCHMARK_CAPTURE(BM_nop_aiopp_rounds, pool, aio::executor_kind::pool, false)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_nop_aiopp_rounds, uring, aio::executor_kind::uring, false)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_nop_aiopp_rounds, pool_batched, aio::executor_kind::pool, true)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_nop_aiopp_rounds, uring_batched, aio::executor_kind::uring, true)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// A new context's first storm: make a context, submit 1000 nops at once,
// flush, destroy it; one per iteration, 24 repetitions, with the slowest
// reported ("_max"): the driving thread is created and joined each time, and
// a storm's start must not stall behind it.
void BM_nop_fresh_storm(benchmark::State& state, aio::executor_kind k) {
    long called = 0;
    for (auto _ : state) {
        aio::context ctx(with(k));
        if (!got(state, ctx, k)) return;
        for (int i = 0; i < 1000; ++i)
            aio::nop([&called](aio::result<void>) { ++called; }, ctx);
        ctx.flush();
    }
    if (called != static_cast<long>(state.iterations()) * 1000)
        state.SkipWithError("lost callbacks");
    per_item(state, 1000, "ns_per_nop");
}
double slowest(const std::vector<double>& v) {
    return *std::max_element(v.begin(), v.end());
}
BENCHMARK_CAPTURE(BM_nop_fresh_storm, pool, aio::executor_kind::pool)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime()
    ->Iterations(1)
    ->Repetitions(24)
    ->ComputeStatistics("max", slowest);
BENCHMARK_CAPTURE(BM_nop_fresh_storm, uring, aio::executor_kind::uring)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime()
    ->Iterations(1)
    ->Repetitions(24)
    ->ComputeStatistics("max", slowest);

// Raw liburing: NOPs in batches as large as the ring, one io_uring_enter per
// batch that submits and waits. The floor is the plain ring; the variants
// show whether a setup flag (or a registered ring descriptor) makes the
// kernel's part cheaper, which the executor could then use too.
void BM_nop_liburing(benchmark::State& state, unsigned flags, bool register_fd) {
    constexpr unsigned batch = 256;
    io_uring ring;
    io_uring_params p{};
    p.flags = flags;
    if (io_uring_queue_init_params(batch, &ring, &p) < 0)
        return state.SkipWithError("io_uring_queue_init_params (flags not supported here)");
    if (register_fd && io_uring_register_ring_fd(&ring) < 0) {
        io_uring_queue_exit(&ring);
        return state.SkipWithError("io_uring_register_ring_fd");
    }
    long called = 0;
    for (auto _ : state) {
        for (int done = 0; done < kNops;) {
            for (unsigned i = 0; i < batch; ++i)
                io_uring_prep_nop(io_uring_get_sqe(&ring));
            io_uring_submit_and_wait(&ring, batch);
            unsigned head, n = 0;
            io_uring_cqe* cqe;
            io_uring_for_each_cqe(&ring, head, cqe) {
                ++n;
            }
            io_uring_cq_advance(&ring, n);
            done += static_cast<int>(n);
            called += n;
        }
    }
    io_uring_queue_exit(&ring);
    per_item(state, static_cast<std::size_t>(called / state.iterations()), "ns_per_nop");
}
BENCHMARK_CAPTURE(BM_nop_liburing, plain, 0u, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_nop_liburing, submit_all, unsigned{IORING_SETUP_SUBMIT_ALL}, false)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_nop_liburing, coop_taskrun, unsigned{IORING_SETUP_COOP_TASKRUN}, false)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_nop_liburing, single_issuer_defer_taskrun,
                  unsigned{IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN}, false)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_nop_liburing, registered_fd, 0u, true)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// ---- unlink storm ---------------------------------------------------------------------

// 20 000 empty files unlinked at once (every unlink runs in a kernel worker
// on the ring): a storm larger than the ring whose completions come one by
// one. The files are made (untimed) before each iteration in
// $AIOPP_UNLINK or /var/tmp/aiopp-unlink.
void BM_unlink_all(benchmark::State& state, aio::executor_kind k) {
    constexpr int kFiles = 20000;
    const char* env = std::getenv("AIOPP_UNLINK");
    std::string dir = env ? env : "/var/tmp/aiopp-unlink";
    aio::context ctx(with(k));
    if (!got(state, ctx, k)) return;
    std::vector<std::string> paths;
    for (int i = 0; i < kFiles; ++i)
        paths.push_back(dir + "/f" + std::to_string(i));
    long ok = 0;
    for (auto _ : state) {
        state.PauseTiming();
        ::mkdir(dir.c_str(), 0755);
        for (const auto& p : paths)
            ::close(::open(p.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
        state.ResumeTiming();
        for (const auto& p : paths)
            aio::unlink(
                p, [&](aio::result<void> r) { ok += r.has_value(); }, ctx);
        ctx.flush();
    }
    ::rmdir(dir.c_str());
    if (ok != static_cast<long>(state.iterations()) * kFiles) state.SkipWithError("unlink failed");
    per_item(state, kFiles, "ns_per_unlink");
}
BENCHMARK_CAPTURE(BM_unlink_all, pool, aio::executor_kind::pool)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_unlink_all, uring, aio::executor_kind::uring)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// ---- stat storm over T1 ---------------------------------------------------------------

void walk(const std::string& dir, std::vector<std::string>& files) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        std::string p = dir + "/" + name;
        if (e->d_type == DT_DIR)
            walk(p, files);
        else if (e->d_type == DT_REG)
            files.push_back(std::move(p));
    }
    ::closedir(d);
}

const std::vector<std::string>& t1_files() {
    static const std::vector<std::string> files = [] {
        const char* env = std::getenv("AIOPP_T1");
        std::vector<std::string> v;
        walk(env ? env : "/var/tmp/aiopp-t1", v);
        return v;
    }();
    return files;
}

// in_flight 0: every file at once, a storm larger than the ring whose
// completions come from the kernel's workers one by one ("all").
void BM_stat_aiopp(benchmark::State& state, aio::executor_kind k, std::size_t in_flight) {
    const auto& files = t1_files();
    if (files.empty()) return state.SkipWithError("no tree T1: run scripts/t1.sh");
    aio::context ctx(with(k));
    if (!got(state, ctx, k)) return;
    long ok = 0;
    for (auto _ : state) {
        std::size_t next = 0;
        std::function<void()> start = [&] {
            if (next == files.size()) return;
            aio::stat(
                files[next++],
                [&](aio::result<aio::stat_t> r) {
                    ok += r.has_value();
                    start();
                },
                ctx);
        };
        for (std::size_t i = 0; i < (in_flight ? in_flight : files.size()); ++i)
            start();
        ctx.flush();
    }
    if (ok != static_cast<long>(state.iterations() * files.size()))
        state.SkipWithError("stat failed");
    per_item(state, files.size(), "ns_per_stat");
    state.counters["files"] = static_cast<double>(files.size());
}
BENCHMARK_CAPTURE(BM_stat_aiopp, pool, aio::executor_kind::pool, kInFlight)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_stat_aiopp, uring, aio::executor_kind::uring, kInFlight)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_stat_aiopp, all_pool, aio::executor_kind::pool, 0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_stat_aiopp, all_uring, aio::executor_kind::uring, 0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_stat_sync(benchmark::State& state) {
    const auto& files = t1_files();
    if (files.empty()) return state.SkipWithError("no tree T1: run scripts/t1.sh");
    long ok = 0;
    for (auto _ : state) {
        for (const auto& f : files) {
            struct statx x;
            ok += ::statx(AT_FDCWD, f.c_str(), AT_NO_AUTOMOUNT, STATX_BASIC_STATS | STATX_BTIME,
                          &x) == 0;
        }
    }
    per_item(state, files.size(), "ns_per_stat");
}
BENCHMARK(BM_stat_sync)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_stat_liburing(benchmark::State& state) {
    const auto& files = t1_files();
    if (files.empty()) return state.SkipWithError("no tree T1: run scripts/t1.sh");
    io_uring ring;
    if (io_uring_queue_init(kInFlight, &ring, 0) < 0)
        return state.SkipWithError("io_uring_queue_init");
    std::vector<struct statx> bufs(kInFlight);
    long ok = 0;
    for (auto _ : state) {
        std::size_t next = 0, done = 0;
        auto prep = [&](unsigned slot) {
            io_uring_sqe* sqe = io_uring_get_sqe(&ring);
            io_uring_prep_statx(sqe, AT_FDCWD, files[next++].c_str(), AT_NO_AUTOMOUNT,
                                STATX_BASIC_STATS | STATX_BTIME, &bufs[slot]);
            io_uring_sqe_set_data64(sqe, slot);
        };
        for (unsigned s = 0; s < kInFlight && next < files.size(); ++s)
            prep(s);
        while (done < files.size()) {
            io_uring_submit_and_wait(&ring, 1);
            unsigned head, n = 0;
            io_uring_cqe* cqe;
            std::vector<unsigned> freed;
            io_uring_for_each_cqe(&ring, head, cqe) {
                ++n;
                ok += cqe->res == 0;
                freed.push_back(static_cast<unsigned>(cqe->user_data));
            }
            io_uring_cq_advance(&ring, n);
            done += n;
            for (unsigned s : freed)
                if (next < files.size()) prep(s);
        }
    }
    io_uring_queue_exit(&ring);
    per_item(state, files.size(), "ns_per_stat");
}
BENCHMARK(BM_stat_liburing)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- small files -------------------------------------------------------------------------

const std::vector<std::string>& small_files() {
    static const std::vector<std::string> files = [] {
        const char* env = std::getenv("AIOPP_SMALL");
        std::string dir = env ? env : "/var/tmp/aiopp-small";
        std::string done = dir + ".done";
        std::vector<std::string> v;
        for (int i = 0; i < kSmallFiles; ++i) {
            char name[32];
            std::snprintf(name, sizeof name, "/%02d/%05d", i % 100, i);
            v.push_back(dir + name);
        }
        if (::access(done.c_str(), F_OK) != 0) {
            ::mkdir(dir.c_str(), 0755);
            for (int d = 0; d < 100; ++d) {
                char sub[8];
                std::snprintf(sub, sizeof sub, "/%02d", d);
                ::mkdir((dir + sub).c_str(), 0755);
            }
            std::string data(kSmallSize, 'x');
            for (const auto& f : v) {
                int fd = ::open(f.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                if (fd < 0 ||
                    ::write(fd, data.data(), data.size()) != static_cast<ssize_t>(kSmallSize))
                    std::perror(f.c_str());
                if (fd >= 0) ::close(fd);
            }
            ::close(::open(done.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
        }
        // warm the caches (inodes, dentries, pages): every run measures the same thing
        char buf[kSmallSize];
        for (const auto& f : v) {
            int fd = ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd >= 0 && ::pread(fd, buf, sizeof buf, 0) < 0) std::perror(f.c_str());
            if (fd >= 0) ::close(fd);
        }
        return v;
    }();
    return files;
}

void BM_small_sync(benchmark::State& state) {
    const auto& files = small_files();
    std::vector<char> buf(kSmallSize);
    long bytes = 0;
    for (auto _ : state) {
        for (const auto& f : files) {
            int fd = ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
            bytes += ::pread(fd, buf.data(), buf.size(), 0);
            ::close(fd);
        }
    }
    if (bytes != static_cast<long>(state.iterations() * files.size() * kSmallSize))
        state.SkipWithError("short reads");
    per_item(state, files.size(), "ns_per_file");
}
BENCHMARK(BM_small_sync)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_small_aiopp(benchmark::State& state, aio::executor_kind k) {
    const auto& files = small_files();
    aio::context ctx(with(k));
    if (!got(state, ctx, k)) return;
    std::vector<std::vector<char>> bufs(kInFlight, std::vector<char>(kSmallSize));
    long bytes = 0;
    for (auto _ : state) {
        std::size_t next = 0;
        std::function<void(int)> start = [&](int slot) {
            if (next == files.size()) return;
            aio::open(
                files[next++], O_RDONLY | O_CLOEXEC, 0,
                [&, slot](aio::result<int> fd) {
                    if (!fd) return start(slot);
                    int f = *fd;
                    aio::read(
                        f, 0, bufs[slot].data(), kSmallSize,
                        [&, slot, f](aio::result<std::size_t> n) {
                            bytes += static_cast<long>(n.value_or(0));
                            aio::close(f, {}, ctx);
                            start(slot);
                        },
                        ctx);
                },
                ctx);
        };
        for (int i = 0; i < kInFlight; ++i)
            start(i);
        ctx.flush();
    }
    if (bytes != static_cast<long>(state.iterations() * files.size() * kSmallSize))
        state.SkipWithError("short reads");
    per_item(state, files.size(), "ns_per_file");
}
BENCHMARK_CAPTURE(BM_small_aiopp, pool, aio::executor_kind::pool)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_small_aiopp, uring, aio::executor_kind::uring)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_small_aiopp, automatic, aio::executor_kind::automatic)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Raw liburing, the same chain: open, then read, then close, 32 files in flight.
void BM_small_liburing(benchmark::State& state) {
    const auto& files = small_files();
    io_uring ring;
    if (io_uring_queue_init(2 * kInFlight, &ring, 0) < 0)
        return state.SkipWithError("io_uring_queue_init");
    std::vector<std::vector<char>> bufs(kInFlight, std::vector<char>(kSmallSize));
    long bytes = 0;
    // user_data: slot << 8 | step (0 open, 1 read, 2 close); the fd in fds[slot]
    std::vector<int> fds(kInFlight, -1);
    for (auto _ : state) {
        std::size_t next = 0, closed = 0;
        auto open_next = [&](unsigned slot) {
            if (next == files.size()) return;
            io_uring_sqe* sqe = io_uring_get_sqe(&ring);
            io_uring_prep_openat(sqe, AT_FDCWD, files[next++].c_str(), O_RDONLY | O_CLOEXEC, 0);
            io_uring_sqe_set_data64(sqe, std::uint64_t{slot} << 8);
        };
        for (unsigned s = 0; s < kInFlight; ++s)
            open_next(s);
        while (closed < files.size()) {
            io_uring_submit_and_wait(&ring, 1);
            unsigned head, n = 0;
            io_uring_cqe* cqe;
            std::vector<std::pair<std::uint64_t, int>> got;
            io_uring_for_each_cqe(&ring, head, cqe) {
                ++n;
                got.emplace_back(cqe->user_data, cqe->res);
            }
            io_uring_cq_advance(&ring, n);
            for (auto [ud, res] : got) {
                auto slot = static_cast<unsigned>(ud >> 8);
                io_uring_sqe* sqe;
                switch (ud & 0xff) {
                    case 0:
                        fds[slot] = res;
                        sqe = io_uring_get_sqe(&ring);
                        io_uring_prep_read(sqe, res, bufs[slot].data(), kSmallSize, 0);
                        io_uring_sqe_set_data64(sqe, ud | 1);
                        break;
                    case 1:
                        bytes += res;
                        sqe = io_uring_get_sqe(&ring);
                        io_uring_prep_close(sqe, fds[slot]);
                        io_uring_sqe_set_data64(sqe, (ud & ~std::uint64_t{0xff}) | 2);
                        break;
                    default:
                        ++closed;
                        open_next(slot);
                }
            }
        }
    }
    io_uring_queue_exit(&ring);
    if (bytes != static_cast<long>(state.iterations() * files.size() * kSmallSize))
        state.SkipWithError("short reads");
    per_item(state, files.size(), "ns_per_file");
}
BENCHMARK(BM_small_liburing)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
