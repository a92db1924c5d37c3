// Names: unlink, mknod, link, symlink, readlink, realpath, rename, rename2,
// mkdir, rmdir. (readdir and readdirx are in dir.cpp.)
//
// All of them are one *at syscall on resolve()'s (dirfd, path), except the
// cases where IO::AIO works on a wd's recorded path string:
//   rename / rename2 ({wd, "."}, new)  rename the wd's directory itself, by
//                                      its absolute path (the manual's special case)
//   rmdir ({wd, "."})                  remove the wd's directory by its absolute path
//   realpath ({wd, "."})               the wd's recorded path, without touching the disk
//   realpath ({wd, "rel"})             realpath(3) of the recorded path + "/rel"
// so after a wd's directory was renamed these follow the old name (the
// manual's caveat), while every other op follows the directory itself.
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "ops/exec.hpp"
#include "ops/fs_req.hpp"
#include "ops/submit.hpp"

namespace aio {

namespace detail {

namespace {

// A wd (not aio::cwd) with the path "." — the directory itself.
bool is_wd_itself(const path_arg& p) noexcept {
    return p.dir.impl() && p.path == ".";
}

// The largest symlink target readlink will grow its buffer to.
constexpr std::size_t kMaxLink = 1u << 20;

}  // namespace

void exec_unlink(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    set_result(r, retry_eintr([&] { return ::unlinkat(dirfd, path, 0); }));
}

void exec_mknod(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    set_result(r, retry_eintr([&] {
                   return ::mknodat(dirfd, path, static_cast<mode_t>(f.mode),
                                    static_cast<dev_t>(f.dev));
               }));
}

void exec_link(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int d1, d2;
    const char *p1, *p2;
    if (!resolve(r, f.path, d1, p1) || !resolve(r, f.path2, d2, p2)) return;
    set_result(r, retry_eintr([&] { return ::linkat(d1, p1, d2, p2, 0); }));
}

void exec_symlink(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path2, dirfd, path)) return;
    set_result(r, retry_eintr([&] { return ::symlinkat(f.data.c_str(), dirfd, path); }));
}

void exec_readlink(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    try {
        std::string buf(256, '\0');
        for (;;) {
            ssize_t n =
                retry_eintr([&] { return ::readlinkat(dirfd, path, buf.data(), buf.size()); });
            if (n < 0) return set_result(r, -1);
            if (static_cast<std::size_t>(n) < buf.size()) {  // not truncated
                buf.resize(static_cast<std::size_t>(n));
                break;
            }
            if (buf.size() >= kMaxLink) return r.fail(ENAMETOOLONG);
            buf.resize(buf.size() * 2);
        }
        f.result = static_cast<std::int64_t>(buf.size());
        f.data = std::move(buf);
        f.err = 0;
    } catch (const std::bad_alloc&) {
        r.fail(ENOMEM);
    }
}

void exec_realpath(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    try {
        if (is_wd_itself(f.path)) {
            f.data = f.path.dir.path();
        } else {
            std::string spelled;
            if (dirfd != AT_FDCWD) {
                spelled = f.path.dir.path();
                spelled += '/';
                spelled += path;
                path = spelled.c_str();
            }
            char* rp;
            do  // the poll thread may run it (help), with the application's signals
                rp = ::realpath(path, nullptr);
            while (!rp && errno == EINTR);
            if (!rp) return set_result(r, -1);
            f.data = rp;
            ::free(rp);
        }
        f.result = static_cast<std::int64_t>(f.data.size());
        f.err = 0;
    } catch (const std::bad_alloc&) {
        r.fail(ENOMEM);
    }
}

namespace {

void rename_common(req& r, unsigned flags) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int d1, d2;
    const char *p1, *p2;
    if (!resolve(r, f.path, d1, p1) || !resolve(r, f.path2, d2, p2)) return;
    if (is_wd_itself(f.path)) {
        d1 = AT_FDCWD;
        p1 = f.path.dir.path().c_str();
    }
    if (flags == 0)
        set_result(r, retry_eintr([&] { return ::renameat(d1, p1, d2, p2); }));
    else
        set_result(r, retry_eintr([&] { return ::renameat2(d1, p1, d2, p2, flags); }));
}

}  // namespace

void exec_rename(req& r) noexcept {
    rename_common(r, 0);
}

void exec_rename2(req& r) noexcept {
    rename_common(r, static_cast<unsigned>(static_cast<fs_req&>(r).flags));
}

void exec_mkdir(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    set_result(r, retry_eintr([&] { return ::mkdirat(dirfd, path, static_cast<mode_t>(f.mode)); }));
}

void exec_rmdir(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    if (is_wd_itself(f.path)) {
        const char* abs = f.path.dir.path().c_str();
        return set_result(r, retry_eintr([&] { return ::rmdir(abs); }));
    }
    set_result(r, retry_eintr([&] { return ::unlinkat(dirfd, path, AT_REMOVEDIR); }));
}

}  // namespace detail

// ---- front functions --------------------------------------------------------------
// Fields: path (the name; link/rename: the old name), path2 (link, rename:
// the new name; symlink: the link to create), data (symlink: the target;
// readlink/realpath: the result), mode (mknod, mkdir), dev (mknod),
// flags (rename2).

namespace {

request<void> submit_one(detail::op o, path_arg path, callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(o);
    r->path = std::move(path);
    return detail::submit(ctx, r, std::move(cb));
}

request<void> submit_two(detail::op o, path_arg p1, path_arg p2, unsigned flags, callback<void> cb,
                         context& ctx) {
    auto* r = new detail::fs_req(o);
    r->path = std::move(p1);
    r->path2 = std::move(p2);
    r->flags = static_cast<int>(flags);
    return detail::submit(ctx, r, std::move(cb));
}

}  // namespace

request<void> unlink(path_arg path, callback<void> cb, context& ctx) {
    return submit_one(detail::op::unlink, std::move(path), std::move(cb), ctx);
}

request<void> mknod(path_arg path, mode_t mode, dev_t dev, callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::mknod);
    r->path = std::move(path);
    r->mode = mode;
    r->dev = dev;
    return detail::submit(ctx, r, std::move(cb));
}

request<void> link(path_arg oldpath, path_arg newpath, callback<void> cb, context& ctx) {
    return submit_two(detail::op::link, std::move(oldpath), std::move(newpath), 0, std::move(cb),
                      ctx);
}

request<void> symlink(std::string target, path_arg newpath, callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::symlink);
    if (target.find('\0') != std::string::npos) detail::preset_error(*r, EINVAL);
    r->data = std::move(target);
    r->path2 = std::move(newpath);
    return detail::submit(ctx, r, std::move(cb));
}

request<std::string> readlink(path_arg path, callback<std::string> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::readlink);
    r->path = std::move(path);
    return detail::submit(ctx, r, std::move(cb));
}

request<std::string> realpath(path_arg path, callback<std::string> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::realpath);
    r->path = std::move(path);
    return detail::submit(ctx, r, std::move(cb));
}

request<void> rename(path_arg oldpath, path_arg newpath, callback<void> cb, context& ctx) {
    return submit_two(detail::op::rename, std::move(oldpath), std::move(newpath), 0, std::move(cb),
                      ctx);
}

request<void> rename2(path_arg oldpath, path_arg newpath, unsigned flags, callback<void> cb,
                      context& ctx) {
    return submit_two(detail::op::rename2, std::move(oldpath), std::move(newpath), flags,
                      std::move(cb), ctx);
}

request<void> mkdir(path_arg path, mode_t mode, callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::mkdir);
    r->path = std::move(path);
    r->mode = mode;
    return detail::submit(ctx, r, std::move(cb));
}

request<void> rmdir(path_arg path, callback<void> cb, context& ctx) {
    return submit_one(detail::op::rmdir, std::move(path), std::move(cb), ctx);
}

}  // namespace aio
