// copy_bench: time one copy, for bench/copy/run.sh (which runs each variant
// several times, interleaved, and reports medians).
//
//   copy_bench copy  SRC DST            aio::copy of one file
//   copy_bench cfr   SRC DST            plain copy_file_range(2) loop (the reference)
//   copy_bench tree  SRC DST [ACTIVE] [THREADS]
//                                       aio::cptree (feeder limit, worker threads)
//
// Prints the elapsed wall-clock seconds on stdout; errors go to stderr with
// exit status 1.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "aio/aio.hpp"

namespace {

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

int plain_cfr(const char* src, const char* dst) {
    int in = ::open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) return std::perror(src), 1;
    int out = ::open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) return std::perror(dst), 1;
    for (;;) {
        ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, 1u << 30, 0);
        if (n < 0) return std::perror("copy_file_range"), 1;
        if (n == 0) break;
    }
    ::close(in);
    if (::close(out) < 0) return std::perror("close"), 1;
    return 0;
}

// The aio variants time only the operation: the context (and its threads)
// exists before the clock starts, as in a program that uses aiopp anyway.
int aio_copy(const char* src, const char* dst, double& t) {
    aio::context ctx;
    int err = -1;
    double t0 = now();
    aio::copy(
        src, dst, [&](aio::result<void> r) { err = r.err(); }, ctx);
    ctx.flush();
    t = now() - t0;
    if (err) std::fprintf(stderr, "aio::copy: %s\n", std::strerror(err));
    return err ? 1 : 0;
}

int aio_tree(const char* src, const char* dst, std::size_t active, unsigned threads, double& t) {
    aio::context ctx;
    if (threads) {
        ctx.min_parallel(threads);
        ctx.max_parallel(threads);
    }
    aio::cptree_options o;
    o.max_active = active;
    int rc = 1;
    double t0 = now();
    aio::cptree(
        src, dst, std::move(o),
        [&](aio::result<aio::cptree_stats> r) {
            if (r) {
                rc = 0;
                std::fprintf(stderr, "cptree: %llu entries, %llu bytes\n",
                             static_cast<unsigned long long>(r->entries),
                             static_cast<unsigned long long>(r->bytes));
            } else {
                std::fprintf(stderr, "cptree: %s: %s: %s\n", r.path().c_str(), r.op().c_str(),
                             r.error().message().c_str());
            }
        },
        ctx);
    ctx.flush();
    t = now() - t0;
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s copy|cfr|tree SRC DST [ACTIVE] [THREADS]\n", argv[0]);
        return 2;
    }
    std::string mode = argv[1];
    double t = 0;
    int rc;
    if (mode == "copy") {
        rc = aio_copy(argv[2], argv[3], t);
    } else if (mode == "cfr") {
        double t0 = now();
        rc = plain_cfr(argv[2], argv[3]);
        t = now() - t0;
    } else if (mode == "tree") {
        rc = aio_tree(argv[2], argv[3], argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 16,
                      argc > 5 ? static_cast<unsigned>(std::strtoul(argv[5], nullptr, 10)) : 0, t);
    } else {
        return std::fprintf(stderr, "unknown mode %s\n", mode.c_str()), 2;
    }
    if (rc == 0) std::printf("%.3f\n", t);
    return rc;
}
