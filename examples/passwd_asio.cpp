// Load /etc/passwd asynchronously, with results delivered by an Asio
// io_context (standalone Asio).
#include <asio/io_context.hpp>

#include "aio/loop/asio.hpp"
#include "load_passwd.hpp"

int main() {
    asio::io_context io;
    aio::loop::asio_attachment att(io, aio::default_context());
    int status = 1;
    load_passwd([&](int s) {
        status = s;
        io.stop();
    });
    io.run();  // exceptions thrown by callbacks come out of run()
    return status;
}
