// Load /etc/passwd asynchronously, with results delivered by a libuv loop.
#include <uv.h>

#include "aio/loop/uv.hpp"
#include "load_passwd.hpp"

int main() {
    uv_loop_t* loop = uv_default_loop();
    int status = 1;
    {
        aio::loop::uv_attachment att(loop, aio::default_context());
        load_passwd([&](int s) {
            status = s;
            uv_stop(loop);
        });
        uv_run(loop, UV_RUN_DEFAULT);
        att.rethrow_if_error();
    }                             // detached: the handle is closed...
    uv_run(loop, UV_RUN_NOWAIT);  // ...and freed by the loop
    uv_loop_close(loop);
    return status;
}
