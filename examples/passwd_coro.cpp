// Load /etc/passwd asynchronously, as a coroutine: each co_await is a
// request; the thread is never blocked by the file system (Coro::AIO's
// "more natural syntax").
#include <fcntl.h>

#include <cstdio>
#include <string>

#include "aio/aio.hpp"
#include "aio/coro.hpp"

aio::task<int> print_file(const char* path) {
    auto fd = co_await aio::open(path, O_RDONLY | O_CLOEXEC, 0);
    if (!fd) {
        std::fprintf(stderr, "%s: open: %s\n", path, fd.error().message().c_str());
        co_return 1;
    }
    auto st = co_await aio::fstat(*fd);  // for the size
    if (!st) {
        std::fprintf(stderr, "%s: fstat: %s\n", path, st.error().message().c_str());
        (void)co_await aio::close(*fd);
        co_return 1;
    }
    auto size = static_cast<std::size_t>(st->size);
    auto data = co_await aio::read(*fd, 0, size, std::string(), 0);
    (void)co_await aio::close(*fd);
    if (!data || data->bytes != size) {
        std::fprintf(stderr, "%s: short read: %s\n", path, data.error().message().c_str());
        co_return 1;
    }
    std::fwrite(data->data.data(), 1, data->data.size(), stdout);  // the contents
    co_return 0;
}

int main() {
    // Runs the coroutine, driving the default context's poll loop until it
    // ends. In an event-loop program: attach the context to the loop
    // (aio/loop/*.hpp) and aio::spawn(print_file(...)) on the loop's thread.
    return aio::sync_wait(aio::default_context(), print_file("/etc/passwd"));
}
