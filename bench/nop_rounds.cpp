// Nops in rounds of 1000, each round in an aio::batch and flushed: a fixed
// amount of work for counting instructions per request, not for timing.
// docs/PERFORMANCE.md ("io_uring", stop 15) runs it under callgrind twice
// and divides the difference by the difference in requests:
//
//   valgrind --tool=callgrind --callgrind-out-file=a.out nop_rounds uring 100
//   valgrind --tool=callgrind --callgrind-out-file=b.out nop_rounds uring 300
//   (total Ir of b - total Ir of a) / 200 000 = instructions per nop
//
//   nop_rounds [pool|uring] [rounds]   (default: uring 100)
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "aio/aio.hpp"

int main(int argc, char** argv) {
    aio::context_options opts;
    bool pool = argc > 1 && std::strcmp(argv[1], "pool") == 0;
    opts.executor = pool ? aio::executor_kind::pool : aio::executor_kind::uring;
    int rounds = argc > 2 ? std::atoi(argv[2]) : 100;
    aio::context ctx(opts);
    if (!pool && ctx.executor() != aio::executor_kind::uring) {
        std::fprintf(stderr, "nop_rounds: io_uring is not available\n");
        return 1;
    }
    long called = 0;
    for (int round = 0; round < rounds; ++round) {
        {
            aio::batch b(ctx);
            for (int i = 0; i < 1000; ++i)
                aio::nop([&called](aio::result<void>) { ++called; }, ctx);
        }
        ctx.flush();
    }
    std::printf("%ld nops\n", called);
    return called == 1000L * rounds ? 0 : 1;
}
