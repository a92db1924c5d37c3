// The IO::AIO manual's example, shared by the event-loop examples: open
// /etc/passwd, fstat it for its size, read it, close it and print it, each
// step a request whose callback queues the next one. done(status) is called
// at the end (0 on success). Uses aio::default_context(), like the manual's
// global IO::AIO state.
#pragma once

#include <fcntl.h>

#include <cstdio>
#include <functional>
#include <string>
#include <utility>

#include "aio/aio.hpp"

inline void fail(const char* what, std::error_code ec, const std::function<void(int)>& done) {
    std::fprintf(stderr, "/etc/passwd: %s: %s\n", what, ec.message().c_str());
    done(1);
}

inline void load_passwd(std::function<void(int)> done) {
    aio::open("/etc/passwd", O_RDONLY | O_CLOEXEC, 0, [done](aio::result<int> fd) {
        if (!fd) return fail("open", fd.error(), done);
        aio::fstat(*fd, [done, fd = *fd](aio::result<aio::stat_t> st) {
            if (!st) return fail("fstat", st.error(), done);
            auto size = static_cast<std::size_t>(st->size);
            aio::read(fd, 0, size, std::string(), 0, [done, fd, size](aio::result<aio::io_data> r) {
                if (!r) return fail("read", r.error(), done);
                if (r->bytes != size) return fail("short read", {}, done);
                aio::close(fd, [done, data = std::move(r->data)](aio::result<void> c) {
                    if (!c) return fail("close", c.error(), done);
                    std::fwrite(data.data(), 1, data.size(), stdout);  // the contents
                    done(0);
                });
            });
        });
    });
}
