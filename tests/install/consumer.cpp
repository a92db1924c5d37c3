// Consumer of an installed aiopp: stats a file given on the command line and
// prints its size, proving headers, library and package files work.
#include <aio/aio.hpp>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    long long size = -1;
    aio::stat(argv[1], [&](aio::result<aio::stat_t> r) {
        if (r) size = r->size;
    });
    aio::default_context().flush();
    std::printf("%lld\n", size);
    return size >= 0 ? 0 : 1;
}
