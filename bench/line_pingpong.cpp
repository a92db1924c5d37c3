// Cache-line round trip between two CPUs: what one cross-thread hand-off of
// a cache line costs on this machine right now. Thread A (on the first CPU
// this process may use) writes an odd number into a shared line, thread B
// (on the second) waits for it and writes the next even one, A waits for
// that: ns per round trip, one line per run.
//
//   line_pingpong [runs]        (default 5 runs of 2 000 000 round trips)
//
// On a virtual machine the two vCPUs may be hyperthreads of one core or
// sit on different cores, and the host may move them: docs/PERFORMANCE.md
// uses this to tell which case a benchmark run met.
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace {

alignas(64) std::atomic<long> g_line{0};

void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

}  // namespace

int main(int argc, char** argv) {
    cpu_set_t mine;
    if (sched_getaffinity(0, sizeof mine, &mine) != 0 || CPU_COUNT(&mine) < 2) {
        std::fprintf(stderr, "line_pingpong: needs two CPUs\n");
        return 1;
    }
    int cpus[2], found = 0;
    for (int c = 0; c < CPU_SETSIZE && found < 2; ++c)
        if (CPU_ISSET(c, &mine)) cpus[found++] = c;
    int runs = argc > 1 ? std::atoi(argv[1]) : 5;
    constexpr long kTrips = 2000000;
    for (int run = 0; run < runs; ++run) {
        g_line.store(0);
        std::thread b([&] {
            pin(cpus[1]);
            for (long i = 0; i < kTrips; ++i) {
                while (g_line.load(std::memory_order_acquire) != 2 * i + 1) {
                }
                g_line.store(2 * i + 2, std::memory_order_release);
            }
        });
        pin(cpus[0]);
        auto t0 = std::chrono::steady_clock::now();
        for (long i = 0; i < kTrips; ++i) {
            g_line.store(2 * i + 1, std::memory_order_release);
            while (g_line.load(std::memory_order_acquire) != 2 * i + 2) {
            }
        }
        auto t1 = std::chrono::steady_clock::now();
        b.join();
        std::printf("cpu %d <-> cpu %d: %.1f ns per round trip\n", cpus[0], cpus[1],
                    std::chrono::duration<double, std::nano>(t1 - t0).count() / kTrips);
    }
}
