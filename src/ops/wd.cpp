// Working directories: wd objects, path resolution for the *at syscalls, and
// the wd_open request.
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "ops/dir.hpp"
#include "ops/exec.hpp"
#include "ops/fs_req.hpp"
#include "ops/submit.hpp"

namespace aio {

namespace detail {

wd_impl::~wd_impl() {
    if (fd >= 0) ::close(fd);
}

bool resolve(req& r, const path_arg& p, int& dirfd, const char*& path) noexcept {
    if (p.path.find('\0') != std::string::npos) {
        r.fail(EINVAL);
        return false;
    }
    if (p.dir.is_null() || p.path.empty()) {
        r.fail(ENOENT);
        return false;
    }
    dirfd = p.path[0] == '/' ? AT_FDCWD : p.dir.fd();
    path = p.path.c_str();
    return true;
}

// The canonical path of an open directory descriptor. /proc's link is the
// kernel's own name for it, but may be stale (" (deleted)") or unreachable
// from here (another mount namespace): accept it only if it names the same
// inode, else fall back to realpath(3) of the spelled path.
bool canonical_path(int fd, const path_arg& p, std::string& out) {
    struct stat want;
    if (::fstat(fd, &want) < 0) return false;
    auto same = [&](const char* path) {
        struct stat got;
        return ::stat(path, &got) == 0 && got.st_dev == want.st_dev && got.st_ino == want.st_ino;
    };
    char link[64];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    char buf[PATH_MAX];
    ssize_t n = ::readlink(link, buf, sizeof buf);
    if (n > 0 && n < static_cast<ssize_t>(sizeof buf) && buf[0] == '/') {
        buf[n] = '\0';
        if (same(buf)) {
            out.assign(buf, static_cast<std::size_t>(n));
            return true;
        }
    }
    std::string spelled = p.path;
    if (!spelled.empty() && spelled[0] != '/' && p.dir && !p.dir.is_cwd())
        spelled = p.dir.path() + "/" + spelled;
    char* rp = ::realpath(spelled.c_str(), nullptr);
    if (!rp) return false;
    out = rp;
    ::free(rp);
    if (!same(out.c_str())) {
        errno = ENOENT;  // the directory moved while we looked
        return false;
    }
    return true;
}

void exec_wd_open(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    int dirfd;
    const char* path;
    if (!resolve(r, f.path, dirfd, path)) return;
    int fd = retry_eintr([&] { return ::openat(dirfd, path, O_PATH | O_DIRECTORY | O_CLOEXEC); });
    if (fd < 0) return set_result(r, -1);
    try {
        auto impl = std::make_shared<wd_impl>();
        impl->fd = fd;
        if (!canonical_path(fd, f.path, impl->path)) return set_result(r, -1);  // impl closes fd
        f.out = wd(std::shared_ptr<const wd_impl>(std::move(impl)));
        r.result = 0;
    } catch (const std::bad_alloc&) {
        r.fail(ENOMEM);
    }
}

}  // namespace detail

const std::string& wd::path() const noexcept {
    static const std::string empty, dot = ".";
    if (p_) return p_->path;
    return cwd_ ? dot : empty;
}

int wd::fd() const noexcept {
    if (p_) return p_->fd;
    return cwd_ ? AT_FDCWD : -1;
}

request<wd> wd_open(path_arg path, callback<wd> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::wd_open);
    r->path = std::move(path);
    return detail::submit(ctx, r, std::move(cb));
}

}  // namespace aio
