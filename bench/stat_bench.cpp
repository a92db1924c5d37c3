// Stat storm: stat every regular file of tree T1 (scripts/t1.sh; 156 864
// files) with D requests in flight, against a synchronous statx loop on one
// thread and libuv's uv_fs_stat with the same paths and depth, in one run.
//
//   stat_bench [--benchmark_...]   (the tree: $AIOPP_T1, default /var/tmp/aiopp-t1)
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "aio/aio.hpp"

#ifdef AIOPP_BENCH_LIBUV
#include <uv.h>
#endif

namespace {

std::vector<std::string> g_files;

int collect(const char* path, const struct stat*, int type, FTW*) {
    if (type == FTW_F) g_files.emplace_back(path);
    return 0;
}

const std::vector<std::string>& files() {
    if (g_files.empty()) {
        const char* t1 = std::getenv("AIOPP_T1");
        std::string root = t1 && *t1 ? t1 : "/var/tmp/aiopp-t1";
        nftw(root.c_str(), collect, 64, FTW_PHYS);
        if (g_files.empty()) {
            std::fprintf(stderr, "stat_bench: no files under %s (run scripts/t1.sh)\n",
                         root.c_str());
            std::exit(1);
        }
        // warm the cache once
        struct statx x;
        for (auto& f : g_files)
            statx(AT_FDCWD, f.c_str(), 0, STATX_BASIC_STATS, &x);
    }
    return g_files;
}

void per_file(benchmark::State& state) {
    state.counters["ns_per_file"] =
        benchmark::Counter(static_cast<double>(state.iterations() * files().size()),
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// The synchronous loop; with Arg(n), n threads stat disjoint slices of the
// list (the floor two cores could reach, with no engine at all).
void BM_sync_statx(benchmark::State& state) {
    const auto& fs = files();
    std::size_t nthreads = static_cast<std::size_t>(state.range(0));
    std::atomic<long> ok{0};
    auto slice = [&](std::size_t first) {
        long mine = 0;
        struct statx x;
        for (std::size_t i = first; i < fs.size(); i += nthreads)
            mine += statx(AT_FDCWD, fs[i].c_str(), 0, STATX_BASIC_STATS, &x) == 0;
        ok += mine;
    };
    for (auto _ : state) {
        std::vector<std::thread> others;
        for (std::size_t t = 1; t < nthreads; ++t)
            others.emplace_back(slice, t);
        slice(0);
        for (auto& t : others)
            t.join();
    }
    if (ok != static_cast<long>(state.iterations() * fs.size())) state.SkipWithError("stat failed");
    per_file(state);
}
BENCHMARK(BM_sync_statx)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);

// The depths every storm runs at, and how each is timed.
const std::vector<std::int64_t> kDepths = {4, 8, 32, 1024};
void timed(benchmark::internal::Benchmark* b) {
    b->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);
}
void depths(benchmark::internal::Benchmark* b) {
    for (auto d : kDepths)
        b->Arg(d);
    timed(b);
}
// aiopp: each depth with context_options::poll_wait_helps on (1) and off (0).
void depths_helps(benchmark::internal::Benchmark* b) {
    b->ArgsProduct({kDepths, {1, 0}})->ArgNames({"depth", "helps"});
    timed(b);
}

// Keep `depth` stats in flight: each callback submits the next path.
// The second argument is context_options::poll_wait_helps (1: the default).
void BM_aiopp_stat(benchmark::State& state) {
    const auto& fs = files();
    std::size_t depth = static_cast<std::size_t>(state.range(0));
    aio::context_options opts;
    opts.poll_wait_helps = state.range(1) != 0;
    aio::context ctx(opts);
    long ok = 0;
    for (auto _ : state) {
        std::size_t next = 0;
        std::function<void()> submit_one = [&] {
            const std::string& p = fs[next++];
            aio::stat(
                p,
                [&](aio::result<aio::stat_t> r) {
                    ok += r.has_value();
                    if (next < fs.size()) submit_one();
                },
                ctx);
        };
        for (std::size_t i = 0; i < depth && next < fs.size(); ++i)
            submit_one();
        ctx.flush();
    }
    if (ok != static_cast<long>(state.iterations() * fs.size())) state.SkipWithError("stat failed");
    per_file(state);
    state.counters["threads"] = static_cast<double>(ctx.nthreads());
}
BENCHMARK(BM_aiopp_stat)->Apply(depths_helps);

#ifdef AIOPP_BENCH_LIBUV
struct uv_storm {
    uv_loop_t* loop;
    const std::vector<std::string>* fs;
    std::size_t next = 0;
    long ok = 0;
};

void uv_submit(uv_storm* s, uv_fs_t* req);

void uv_done(uv_fs_t* req) {
    auto* s = static_cast<uv_storm*>(req->data);
    s->ok += req->result == 0;
    uv_fs_req_cleanup(req);
    if (s->next < s->fs->size()) uv_submit(s, req);
}

void uv_submit(uv_storm* s, uv_fs_t* req) {
    req->data = s;
    uv_fs_stat(s->loop, req, (*s->fs)[s->next++].c_str(), uv_done);
}

void BM_libuv_fs_stat(benchmark::State& state) {
    const auto& fs = files();
    std::size_t depth = static_cast<std::size_t>(state.range(0));
    uv_loop_t loop;
    uv_loop_init(&loop);
    std::vector<uv_fs_t> reqs(depth);
    long ok = 0;
    for (auto _ : state) {
        uv_storm s{&loop, &fs};
        for (std::size_t i = 0; i < depth && s.next < fs.size(); ++i)
            uv_submit(&s, &reqs[i]);
        uv_run(&loop, UV_RUN_DEFAULT);
        ok += s.ok;
    }
    uv_loop_close(&loop);
    if (ok != static_cast<long>(state.iterations() * fs.size())) state.SkipWithError("stat failed");
    per_file(state);
}
BENCHMARK(BM_libuv_fs_stat)->Apply(depths);
#endif

}  // namespace

BENCHMARK_MAIN();
