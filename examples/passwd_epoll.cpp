// Load /etc/passwd asynchronously, with results delivered by a plain epoll
// loop that may watch descriptors of its own as well.
#include <sys/epoll.h>
#include <unistd.h>

#include "aio/loop/epoll.hpp"
#include "load_passwd.hpp"

int main() {
    int ep = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) return 1;
    int status = -1;
    {
        aio::loop::epoll_attachment att(ep, aio::default_context());
        load_passwd([&](int s) { status = s; });
        while (status < 0) {
            epoll_event evs[16];
            int n = ::epoll_wait(ep, evs, 16, -1);
            for (int i = 0; i < n; ++i) {
                if (att.dispatch(evs[i])) continue;  // aio's results: poll_cb ran
                // ... one of the program's own descriptors
            }
        }
    }
    ::close(ep);
    return status;
}
