// Synchronous system helpers (aio/sys.hpp): thin wrappers that turn each
// syscall's -1/errno (or returned error number) into aio::result.
#include "aio/sys.hpp"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>

namespace aio::sys {

namespace {

result<void> check(int rc) noexcept {
    if (rc < 0) return errno_code(errno);
    return {};
}

// For posix_fadvise / posix_madvise, which return the error number.
result<void> check_returned(int err) noexcept {
    if (err != 0) return errno_code(err);
    return {};
}

template <class F>
auto retry_eintr(F&& f) noexcept {
    for (;;) {
        auto rc = f();
        if (rc >= 0 || errno != EINTR) return rc;
    }
}

// [offset, offset+length) of m, the length cut to fit; false if offset is
// outside the mapping.
bool sub_range(const mapping& m, std::size_t offset, std::optional<std::size_t> length, char*& addr,
               std::size_t& len) noexcept {
    if (offset > m.size()) return false;
    std::size_t rest = m.size() - offset;
    len = length && *length < rest ? *length : rest;
    addr = m.data() + offset;
    return true;
}

result<std::uint64_t> magic_of(const struct statfs& st) noexcept {
    // f_type is a signed word; magic numbers are 32-bit values.
    return static_cast<std::uint64_t>(static_cast<unsigned long>(st.f_type));
}

}  // namespace

// ---- advice ----------------------------------------------------------------

result<void> fadvise(int fd, std::int64_t offset, std::int64_t len, int advice) noexcept {
    return check_returned(::posix_fadvise(fd, offset, len, advice));
}

result<void> madvise(void* addr, std::size_t len, int advice) noexcept {
    return check_returned(::posix_madvise(addr, len, advice));
}

result<void> mprotect(void* addr, std::size_t len, int prot) noexcept {
    return check(::mprotect(addr, len, prot));
}

result<void> munlock(const void* addr, std::size_t len) noexcept {
    return check(::munlock(addr, len));
}

result<void> munlockall() noexcept {
    return check(::munlockall());
}

// ---- memory maps -------------------------------------------------------------

mapping& mapping::operator=(mapping&& o) noexcept {
    if (this != &o) {
        (void)unmap();
        addr_ = std::exchange(o.addr_, nullptr);
        len_ = std::exchange(o.len_, 0);
    }
    return *this;
}

mapping::~mapping() {
    (void)unmap();
}

std::span<char> mapping::release() noexcept {
    std::span<char> r{data(), len_};
    addr_ = nullptr;
    len_ = 0;
    return r;
}

result<void> mapping::unmap() noexcept {
    if (!addr_) return {};
    int rc = ::munmap(std::exchange(addr_, nullptr), std::exchange(len_, 0));
    return check(rc);
}

result<mapping> mmap(std::size_t length, int prot, int flags, int fd,
                     std::int64_t offset) noexcept {
    if (length == 0 || offset < 0) return errno_code(EINVAL);
    void* p = ::mmap(nullptr, length, prot, flags, fd, static_cast<off_t>(offset));
    if (p == MAP_FAILED) return errno_code(errno);
    return mapping(p, length);
}

result<void> madvise(const mapping& m, std::size_t offset, std::optional<std::size_t> length,
                     int advice) noexcept {
    char* addr;
    std::size_t len;
    if (!sub_range(m, offset, length, addr, len)) return errno_code(EINVAL);
    return madvise(addr, len, advice);
}

result<void> mprotect(const mapping& m, std::size_t offset, std::optional<std::size_t> length,
                      int prot) noexcept {
    char* addr;
    std::size_t len;
    if (!sub_range(m, offset, length, addr, len)) return errno_code(EINVAL);
    return mprotect(addr, len, prot);
}

result<void> munlock(const mapping& m, std::size_t offset,
                     std::optional<std::size_t> length) noexcept {
    char* addr;
    std::size_t len;
    if (!sub_range(m, offset, length, addr, len)) return errno_code(EINVAL);
    return munlock(addr, len);
}

// ---- pipes and zero-copy -----------------------------------------------------

result<std::size_t> splice(int fd_in, std::optional<std::int64_t> off_in, int fd_out,
                           std::optional<std::int64_t> off_out, std::size_t length,
                           unsigned flags) noexcept {
    if ((off_in && *off_in < 0) || (off_out && *off_out < 0)) return errno_code(EINVAL);
    // splice advances the offsets it is given; IO::AIO discards them, so do we.
    loff_t in = off_in.value_or(0), out = off_out.value_or(0);
    ssize_t n = retry_eintr([&] {
        return ::splice(fd_in, off_in ? &in : nullptr, fd_out, off_out ? &out : nullptr, length,
                        flags);
    });
    if (n < 0) return errno_code(errno);
    return static_cast<std::size_t>(n);
}

result<std::size_t> tee(int fd_in, int fd_out, std::size_t length, unsigned flags) noexcept {
    ssize_t n = retry_eintr([&] { return ::tee(fd_in, fd_out, length, flags); });
    if (n < 0) return errno_code(errno);
    return static_cast<std::size_t>(n);
}

result<int> pipesize(int fd) noexcept {
    int n = ::fcntl(fd, F_GETPIPE_SZ);
    if (n < 0) return errno_code(errno);
    return n;
}

result<int> pipesize(int fd, int new_size) noexcept {
    if (new_size < 0) return errno_code(EINVAL);
    int n = ::fcntl(fd, F_SETPIPE_SZ, new_size);
    if (n < 0) return errno_code(errno);
    return n;
}

result<pipe_fds> pipe2(int flags) noexcept {
    int fds[2];
    if (::pipe2(fds, flags) < 0) return errno_code(errno);
    return pipe_fds{fds[0], fds[1]};
}

result<int> eventfd(unsigned initval, int flags) noexcept {
    int fd = ::eventfd(initval, flags);
    if (fd < 0) return errno_code(errno);
    return fd;
}

result<int> memfd_create(std::string_view name, unsigned flags) noexcept {
    // The kernel limit (249 bytes) is checked by the kernel; this bound only
    // keeps the copy on the stack.
    char buf[256];
    if (name.find('\0') != std::string_view::npos || name.size() >= sizeof buf)
        return errno_code(EINVAL);
    name.copy(buf, name.size());
    buf[name.size()] = '\0';
    int fd = ::memfd_create(buf, flags);
    if (fd < 0) return errno_code(errno);
    return fd;
}

// ---- filesystem types ----------------------------------------------------------

result<std::uint64_t> fs_magic(const path_arg& p) noexcept {
    if (p.path.find('\0') != std::string::npos) return errno_code(EINVAL);
    if (p.dir.is_null() || p.path.empty()) return errno_code(ENOENT);
    struct statfs st;
    if (p.path[0] == '/' || p.dir.is_cwd()) {
        if (retry_eintr([&] { return ::statfs(p.path.c_str(), &st); }) < 0)
            return errno_code(errno);
        return magic_of(st);
    }
    // No statfsat(2): open the path relative to the wd (O_PATH follows a
    // final symlink as statfs does) and fstatfs the result.
    int fd = retry_eintr([&] { return ::openat(p.dir.fd(), p.path.c_str(), O_PATH | O_CLOEXEC); });
    if (fd < 0) return errno_code(errno);
    int rc = ::fstatfs(fd, &st);
    int err = errno;
    ::close(fd);
    if (rc < 0) return errno_code(err);
    return magic_of(st);
}

result<std::uint64_t> fs_magic(int fd) noexcept {
    struct statfs st;
    if (retry_eintr([&] { return ::fstatfs(fd, &st); }) < 0) return errno_code(errno);
    return magic_of(st);
}

result<std::string_view> fs_name_of(const path_arg& path) noexcept {
    auto m = fs_magic(path);
    if (!m) return m.error();
    return fs_name(*m);
}

result<std::string_view> fs_name_of(int fd) noexcept {
    auto m = fs_magic(fd);
    if (!m) return m.error();
    return fs_name(*m);
}

}  // namespace aio::sys
