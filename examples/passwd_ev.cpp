// Load /etc/passwd asynchronously, with results delivered by a libev loop
// (the IO::AIO manual's EV example).
#include <ev.h>

#include "aio/loop/ev.hpp"
#include "load_passwd.hpp"

int main() {
    struct ev_loop* loop = ev_default_loop(0);
    // Register aio's poll descriptor with the loop: the loop calls poll_cb.
    aio::loop::ev_attachment att(loop, aio::default_context());

    int status = 1;
    load_passwd([&](int s) {
        status = s;
        ev_break(loop, EVBREAK_ALL);  // exit the event loop and the program
    });
    ev_run(loop, 0);  // process events while there are some
    att.rethrow_if_error();
    return status;
}
