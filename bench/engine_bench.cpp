// Request round trip: N empty requests submitted, executed by the pool and
// their callbacks run, in ns per request. The same work through libuv's
// uv_queue_work in the same run gives the ratio docs/PERFORMANCE.md reports.
//
//   engine_bench [--benchmark_...]        (see scripts/bench.sh)
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <vector>

#include "aio/aio.hpp"

#ifdef AIOPP_BENCH_LIBUV
#include <uv.h>
#endif

namespace {

constexpr int kRequests = 1000000;

void BM_aiopp_nop(benchmark::State& state) {
    unsigned threads = static_cast<unsigned>(state.range(0));
    aio::context ctx;
    ctx.min_parallel(threads);
    ctx.max_parallel(threads);
    long called = 0;
    for (auto _ : state) {
        for (int i = 0; i < kRequests; ++i)
            aio::nop([&called](aio::result<void>) { ++called; }, ctx);
        ctx.flush();
    }
    if (called != static_cast<long>(state.iterations()) * kRequests)
        state.SkipWithError("lost callbacks");
    state.counters["ns_per_req"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * kRequests,
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["threads"] = static_cast<double>(threads);
}
BENCHMARK(BM_aiopp_nop)->Arg(2)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2);

#ifdef AIOPP_BENCH_LIBUV
void BM_libuv_queue_work(benchmark::State& state) {
    // libuv sizes its pool from UV_THREADPOOL_SIZE (read once per process).
    uv_loop_t loop;
    uv_loop_init(&loop);
    std::vector<uv_work_t> reqs(kRequests);
    long called = 0;
    for (auto _ : state) {
        for (auto& r : reqs) {
            r.data = &called;
            uv_queue_work(
                &loop, &r, [](uv_work_t*) {},
                [](uv_work_t* w, int) { ++*static_cast<long*>(w->data); });
        }
        uv_run(&loop, UV_RUN_DEFAULT);
    }
    uv_loop_close(&loop);
    if (called != static_cast<long>(state.iterations()) * kRequests)
        state.SkipWithError("lost callbacks");
    state.counters["ns_per_req"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * kRequests,
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_libuv_queue_work)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2);
#endif

}  // namespace

BENCHMARK_MAIN();
