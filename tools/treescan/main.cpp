// treescan — scan directory trees with many requests in flight.
//
// A C++ rebuild on aiopp of IO::AIO's treescan script (same options, same
// output: directories with a trailing '/'), made fast: see walker.cpp for
// how, docs/treescan.md for usage and docs/PERFORMANCE.md for numbers.
//
// Files: options.* (command line), output.* (buffered output, --grep),
// walker.* (the walk), main.cpp (setup).
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "aio/aio.hpp"
#include "options.hpp"
#include "output.hpp"
#include "walker.hpp"

namespace {

// Every directory in flight or waiting holds a descriptor: lift the soft
// limit to the hard one.
void raise_fd_limit() {
    rlimit rl;
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &rl);
    }
}

}  // namespace

int main(int argc, char** argv) {
    treescan::options opts;
    std::string error;
    switch (treescan::parse_options(argc, argv, opts, error, stdout)) {
        case treescan::parse_result::exit_ok:
            return 0;
        case treescan::parse_result::usage_error:
            std::fprintf(stderr, "treescan: %s\nUsage: try treescan --help\n", error.c_str());
            return 2;
        case treescan::parse_result::run:
            break;
    }
    treescan::matcher grep;
    if (opts.grep && !grep.compile(*opts.grep, error)) {
        std::fprintf(stderr, "treescan: %s\n", error.c_str());
        return 2;
    }
    raise_fd_limit();

    aio::context ctx;

    treescan::output out(STDOUT_FILENO);
    treescan::walker w(ctx, opts, out, opts.grep ? &grep : nullptr);
    return w.run(opts.paths);
}
