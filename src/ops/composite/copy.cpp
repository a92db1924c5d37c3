// load, copy, move, pathsync: IO::AIO's Perl composites (AIO.pm's aio_load,
// aio_copy, aio_move, aio_pathsync) as groups of primitive requests.
//
// Each composite keeps its state in a shared_ptr captured by its steps; the
// next step is added from the previous step's callback, so the group stays
// alive until the last one. Descriptors are opened and closed by custom steps
// that keep them in the state (see composite.hpp for why).
#include "aio/copy.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <utility>

#include "aio/ops.hpp"
#include "ops/composite/composite.hpp"
#include "ops/composite/copy_common.hpp"

namespace aio {

namespace detail {

namespace {

struct load_group : group_req {
    load_t out;
};

// A custom step body: open path into fd (a cp::unique_fd in the state).
void open_into(custom_req& r, const path_arg& path, int flags, mode_t mode,
               cp::unique_fd& fd) noexcept {
    int dirfd;
    const char* p;
    if (!resolve(r, path, dirfd, p)) return;
    int f = retry_eintr([&] { return ::openat(dirfd, p, flags | O_CLOEXEC, mode); });
    if (f < 0) return r.fail(errno);
    fd.reset(f);
}

// Close fd; EINTR counts as closed (Linux releases the descriptor anyway).
int close_checked(cp::unique_fd& fd) noexcept {
    int f = fd.release();
    if (f < 0) return 0;
    return ::close(f) < 0 && errno != EINTR ? errno : 0;
}

cp::meta to_meta(const stat_t& s) noexcept {
    cp::meta m;
    m.mode = s.mode;
    m.uid = s.uid;
    m.gid = s.gid;
    m.nlink = static_cast<nlink_t>(s.nlink);
    m.size = s.size;
    m.blocks = s.blocks;
    m.dev = s.dev;
    m.ino = s.ino;
    m.rdev = s.rdev;
    m.atime = {static_cast<time_t>(s.atime.sec), static_cast<long>(s.atime.nsec)};
    m.mtime = {static_cast<time_t>(s.mtime.sec), static_cast<long>(s.mtime.nsec)};
    return m;
}

// ---- load ---------------------------------------------------------------------------

struct load_state : std::enable_shared_from_this<load_state> {
    step_sink s;
    load_group* g = nullptr;
    path_arg path;
    std::string data;
    std::size_t base = 0;   // where the file's bytes go in data
    std::size_t total = 0;  // bytes read so far
    std::size_t want = 0;   // st_size; 0: read until end of file
    cp::unique_fd fd;

    static constexpr std::size_t kChunk = 64 * 1024;

    void start() {
        s.custom([st = shared_from_this()](
                     custom_req& r) { open_into(r, st->path, O_RDONLY, 0, st->fd); },
                 [st = shared_from_this()](result<void> r) {
                     if (!r) return group_fail(st->g, r.err());
                     st->stat();
                 });
    }

    void stat() {
        s.step([&] {
            return aio::fstat(
                fd.get(),
                [st = shared_from_this()](result<stat_t> r) {
                    if (!r) return st->fail(r.err());
                    st->want = static_cast<std::size_t>(r->size > 0 ? r->size : 0);
                    st->read();
                },
                *s.ctx);
        });
    }

    // One read of what is left (the whole file, or a chunk when the size is
    // unknown); repeated while reads are short but not at the end.
    void read() {
        std::size_t len = want ? want - total : kChunk;
        s.step([&] {
            return aio::read(
                fd.get(), static_cast<std::int64_t>(total), len, std::move(data),
                static_cast<std::int64_t>(base + total),
                [st = shared_from_this()](result<io_data> r) {
                    if (!r) return st->fail(r.err());
                    st->data = std::move(r->data);
                    st->total += r->bytes;
                    bool more = r->bytes > 0 && (!st->want || st->total < st->want);
                    if (more) return st->read();
                    st->g->out = {st->total, std::move(st->data)};
                    group_ok(st->g, static_cast<std::int64_t>(st->total));
                    st->close();
                },
                *s.ctx);
        });
    }

    void close() {
        s.custom([st = shared_from_this()](custom_req&) { close_checked(st->fd); }, {});
    }

    void fail(int err) {
        group_fail(g, err);
        close();
    }
};

request<load_t> start_load(path_arg path, std::string data, std::int64_t dataoffset, bool check,
                           callback<load_t> cb, context& ctx) {
    int p = aio::pri();
    auto* g = new_group<load_group>();
    auto h = submit<load_t>(ctx, g, std::move(cb));
    auto st = std::make_shared<load_state>();
    st->s = {g, &ctx, p};
    st->g = g;
    st->path = std::move(path);
    if (check) {
        auto size = static_cast<std::int64_t>(data.size());
        std::int64_t off = dataoffset < 0 ? size + dataoffset : dataoffset;
        if (off < 0 || off > size) {
            group_fail(g, EINVAL);
            return h;
        }
        st->base = static_cast<std::size_t>(off);
    }
    st->data = std::move(data);
    st->start();
    return h;
}

// ---- copy -------------------------------------------------------------------------------

struct copy_state : std::enable_shared_from_this<copy_state> {
    step_sink s;
    path_arg src, dst;
    cp::unique_fd in, out;
    cp::meta m;
    cp::caps caps;
    bool written = false;   // the data step filled the destination (set on a worker)
    bool complete = false;  // ... and the close step closed it

    // A copy cancelled between its data step and its end leaves a
    // destination without the source's times, mode and owner: remove it, so
    // that a cancelled copy leaves no destination behind. (This runs where
    // the last step lets go of the state: on the poll thread.)
    ~copy_state() {
        if (written && !complete) remove_dst();
    }

    void done(int err) const {
        if (err)
            group_fail(s.g, err);
        else
            group_ok(s.g);
    }

    void start() {
        s.custom([st = shared_from_this()](
                     custom_req& r) { open_into(r, st->src, O_RDONLY, 0, st->in); },
                 [st = shared_from_this()](result<void> r) {
                     if (!r) return st->done(r.err());
                     st->stat();
                 });
    }

    void stat() {
        s.step([&] {
            return aio::fstat(
                in.get(),
                [st = shared_from_this()](result<stat_t> r) {
                    if (!r) return st->finish_error(r.err());
                    if (S_ISDIR(r->mode)) return st->finish_error(EISDIR);
                    st->m = to_meta(*r);
                    st->data();
                },
                *s.ctx);
        });
    }

    // The one step that creates the destination and moves the bytes. The
    // destination is created with mode 0200 (as IO::AIO) and truncated only
    // once it is known not to be the source itself. On failure (including a
    // cancellation noticed between chunks) the step removes the destination
    // again, so that no partial file remains whatever happens to the steps
    // after it.
    void data() {
        s.custom(
            [st = shared_from_this()](custom_req& r) {
                open_into(r, st->dst, O_WRONLY | O_CREAT, 0200, st->out);
                if (r.err) return;
                struct stat d;
                int o = st->out.get();
                if (::fstat(o, &d) < 0) return r.fail(errno);
                if (d.st_dev == st->m.dev && d.st_ino == st->m.ino) return r.fail(EINVAL);
                cp::failure f;
                cp::data_progress p{nullptr, &r.cancelled};
                // Truncate only when there is something to cut: ext4 takes a
                // truncation to 0 as "replace via truncate" and flushes the new
                // data at close.
                bool ok = !S_ISREG(d.st_mode) || d.st_size == 0 ||
                          retry_eintr([&] { return ::ftruncate(o, 0); }) == 0;
                if (!ok) f = {errno, "ftruncate", true};
                if (ok) ok = cp::copy_data(st->in.get(), o, st->m, st->caps, p, f);
                if (!ok) {
                    st->remove_dst();
                    return r.fail(f.err);
                }
                st->written = true;
            },
            [st = shared_from_this()](result<void> r) {
                if (!r) return st->finish_error(r.err());
                st->close_in();
                st->times();
            });
    }

    // Runs on a worker: unlink the destination we were writing to.
    void remove_dst() noexcept {
        out.reset();
        int dirfd;
        const char* p;
        req scratch;  // resolve() reports errors into a request
        if (resolve(scratch, dst, dirfd, p)) ::unlinkat(dirfd, p, 0);
    }

    // Times, mode, owner, in IO::AIO's order; their errors are ignored.
    void times() {
        file_time at{m.atime.tv_sec, static_cast<std::uint32_t>(m.atime.tv_nsec)};
        file_time mt{m.mtime.tv_sec, static_cast<std::uint32_t>(m.mtime.tv_nsec)};
        s.step([&] {
            return aio::futime(
                out.get(), at, mt, [st = shared_from_this()](result<void>) { st->mode(); }, *s.ctx);
        });
    }

    void mode() {
        s.step([&] {
            return aio::fchmod(
                out.get(), m.mode & 07777, [st = shared_from_this()](result<void>) { st->owner(); },
                *s.ctx);
        });
    }

    void owner() {
        s.step([&] {
            return aio::fchown(
                out.get(), m.uid, m.gid,
                [st = shared_from_this()](result<void> r) {
                    // chown clears set-user/group-ID bits: put them back.
                    if (r && (st->m.mode & (S_ISUID | S_ISGID)))
                        return st->s.step([&] {
                            return aio::fchmod(
                                st->out.get(), st->m.mode & 07777,
                                [st](result<void>) { st->close_out(); }, *st->s.ctx);
                        });
                    st->close_out();
                },
                *s.ctx);
        });
    }

    // A failing close of the destination (a deferred write error on NFS, say)
    // means the copy is not there: remove it and report the error.
    void close_out() {
        s.custom(
            [st = shared_from_this()](custom_req& r) {
                if (int e = close_checked(st->out)) {
                    st->remove_dst();
                    st->written = false;
                    return r.fail(e);
                }
                st->complete = true;
            },
            [st = shared_from_this()](result<void> r) { st->done(r.err()); });
    }

    void close_in() {
        s.custom([st = shared_from_this()](custom_req&) { close_checked(st->in); }, {});
    }

    // Report err after closing what is open (the data step already removed
    // the destination if it had written to it).
    void finish_error(int err) {
        done(err);
        s.custom(
            [st = shared_from_this()](custom_req&) {
                close_checked(st->in);
                close_checked(st->out);
            },
            {});
    }
};

// ---- move ----------------------------------------------------------------------------

struct move_state : std::enable_shared_from_this<move_state> {
    step_sink s;
    path_arg src, dst;

    void start() {
        s.step([&] {
            return aio::rename(
                src, dst,
                [st = shared_from_this()](result<void> r) {
                    if (r.err() == EXDEV) return st->copy();
                    if (!r) return group_fail(st->s.g, r.err());
                    group_ok(st->s.g);
                },
                *s.ctx);
        });
    }

    void copy() {
        s.step([&] {
            return aio::copy(
                src, dst,
                [st = shared_from_this()](result<void> r) {
                    if (!r) return group_fail(st->s.g, r.err());
                    st->unlink();
                },
                *s.ctx);
        });
    }

    // Unlike IO::AIO (which ignores it), a failing unlink of the source is
    // reported: the file was copied, not moved.
    void unlink() {
        s.step([&] {
            return aio::unlink(
                src,
                [st = shared_from_this()](result<void> r) {
                    if (!r) return group_fail(st->s.g, r.err());
                    group_ok(st->s.g);
                },
                *s.ctx);
        });
    }
};

// ---- pathsync ----------------------------------------------------------------------------

struct pathsync_state : std::enable_shared_from_this<pathsync_state> {
    step_sink s;
    path_arg path;
    cp::unique_fd fd;

    void start() {
        s.custom([st = shared_from_this()](
                     custom_req& r) { open_into(r, st->path, O_RDONLY, 0, st->fd); },
                 [st = shared_from_this()](result<void> r) {
                     if (!r) return group_fail(st->s.g, r.err());
                     st->sync();
                 });
    }

    void sync() {
        s.step([&] {
            return aio::fsync(
                fd.get(),
                [st = shared_from_this()](result<void> r) {
                    if (r)
                        group_ok(st->s.g);
                    else
                        group_fail(st->s.g, r.err());
                    st->s.custom([st](custom_req&) { close_checked(st->fd); }, {});
                },
                *s.ctx);
        });
    }
};

template <class State>
std::shared_ptr<State> make_state(group_req* g, context& ctx, int pri) {
    auto st = std::make_shared<State>();
    st->s = {g, &ctx, pri};
    return st;
}

}  // namespace

result<load_t> take(req& r, tag<load_t>) {
    if (r.err) return errno_code(r.err);
    return std::move(static_cast<load_group&>(r).out);
}

}  // namespace detail

request<load_t> load(path_arg path, callback<load_t> cb, context& ctx) {
    return detail::start_load(std::move(path), {}, 0, false, std::move(cb), ctx);
}

request<load_t> load(path_arg path, std::string data, std::int64_t dataoffset, callback<load_t> cb,
                     context& ctx) {
    return detail::start_load(std::move(path), std::move(data), dataoffset, true, std::move(cb),
                              ctx);
}

request<void> copy(path_arg src, path_arg dst, callback<void> cb, context& ctx) {
    int p = aio::pri();
    auto* g = detail::new_group<detail::group_req>();
    auto h = detail::submit<void>(ctx, g, std::move(cb));
    auto st = detail::make_state<detail::copy_state>(g, ctx, p);
    st->src = std::move(src);
    st->dst = std::move(dst);
    st->start();
    return h;
}

request<void> move(path_arg src, path_arg dst, callback<void> cb, context& ctx) {
    int p = aio::pri();
    auto* g = detail::new_group<detail::group_req>();
    auto h = detail::submit<void>(ctx, g, std::move(cb));
    auto st = detail::make_state<detail::move_state>(g, ctx, p);
    st->src = std::move(src);
    st->dst = std::move(dst);
    st->start();
    return h;
}

request<void> pathsync(path_arg path, callback<void> cb, context& ctx) {
    int p = aio::pri();
    auto* g = detail::new_group<detail::group_req>();
    auto h = detail::submit<void>(ctx, g, std::move(cb));
    auto st = detail::make_state<detail::pathsync_state>(g, ctx, p);
    st->path = std::move(path);
    st->start();
    return h;
}

}  // namespace aio
