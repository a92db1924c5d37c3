// Helpers shared by the file, file_control and memory tests: waiting for one
// request, descriptors that close themselves, running a check in a forked
// child (dropped privileges, seccomp filters, mlockall).
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "support.hpp"

namespace aio::testing {

/// Submit one request with `submit(cb)` and wait for its callback.
template <class T, class Submit>
aio::result<T> await(aio::context& ctx, Submit&& submit) {
    std::optional<aio::result<T>> out;
    submit(aio::callback<T>([&out](aio::result<T> r) { out.emplace(std::move(r)); }));
    flush_or_fail(ctx);
    if (!out) {
        ADD_FAILURE() << "the callback was not called";
        return aio::errno_code(ECANCELED);
    }
    return std::move(*out);
}

/// A descriptor closed on destruction.
class unique_fd {
  public:
    unique_fd() = default;
    explicit unique_fd(int fd) : fd_(fd) {}
    unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& o) noexcept {
        reset(std::exchange(o.fd_, -1));
        return *this;
    }
    ~unique_fd() { reset(); }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }
    int get() const { return fd_; }
    operator int() const { return fd_; }  // NOLINT: used as a plain fd

  private:
    int fd_ = -1;
};

inline unique_fd open_or_die(const std::string& path, int flags, mode_t mode = 0644) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd < 0) ADD_FAILURE() << "open " << path << ": " << std::strerror(errno);
    return unique_fd(fd);
}

/// A descriptor number that is not open (and that nothing will open during
/// the test: the kernel hands out the lowest free number, this is the
/// highest one allowed).
inline int closed_fd() {
    rlimit rl{};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    int fd = rl.rlim_cur > 1 && rl.rlim_cur < (1u << 20) ? static_cast<int>(rl.rlim_cur - 1) : 1023;
    ::close(fd);
    return fd;
}

/// Run `child` in a forked process; it returns an empty string on success or
/// what went wrong. Returns the child's complaint ("" when it passed). Call
/// before creating any aio::context in the test, so that the process forks
/// while it has a single thread.
inline std::string in_child(const std::function<std::string()>& child) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) return "pipe failed";
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) return "fork failed";
    if (pid == 0) {
        ::close(p[0]);
        std::string msg;
        try {
            msg = child();
        } catch (const std::exception& e) {
            msg = std::string("exception: ") + e.what();
        }
        if (!msg.empty()) (void)!::write(p[1], msg.data(), msg.size());
        ::_exit(msg.empty() ? 0 : 1);
    }
    ::close(p[1]);
    std::string msg;
    char buf[512];
    ssize_t n;
    while ((n = ::read(p[0], buf, sizeof buf)) > 0)
        msg.append(buf, static_cast<std::size_t>(n));
    ::close(p[0]);
    int st = 0;
    ::waitpid(pid, &st, 0);
    if (!WIFEXITED(st)) return "child died with signal " + std::to_string(WTERMSIG(st)) + " " + msg;
    if (WEXITSTATUS(st) != 0 && msg.empty()) return "child failed";
    return msg;
}

/// Drop to an unprivileged user (nobody) in a child process.
inline bool drop_privileges() {
    return ::setgroups(0, nullptr) == 0 && ::setresgid(65534, 65534, 65534) == 0 &&
           ::setresuid(65534, 65534, 65534) == 0;
}

/// Whether deny_syscalls knows this architecture's seccomp audit value.
#if defined(__x86_64__) || defined(__aarch64__)
inline constexpr bool can_deny_syscalls = true;
#else
inline constexpr bool can_deny_syscalls = false;
#endif

/// Make the listed syscalls fail with ENOSYS in this process (and threads it
/// creates later): the way to exercise the fallbacks for missing syscalls.
inline bool deny_syscalls(const std::vector<long>& nrs) {
#if defined(__x86_64__)
    constexpr unsigned arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
    constexpr unsigned arch = AUDIT_ARCH_AARCH64;
#else
    return false;
#endif
    std::vector<sock_filter> f;
    f.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
    f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0));
    f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    f.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
    for (long nr : nrs) {
        f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<unsigned>(nr), 0, 1));
        f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)));
    }
    f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    sock_fprog prog{static_cast<unsigned short>(f.size()), f.data()};
    return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
           ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

/// Collects failures inside a child (gtest assertions do not cross fork).
struct child_checks {
    std::string failures;
    void expect(bool ok, const std::string& what) {
        if (!ok) failures += what + "\n";
    }
    void expect_err(int got, int want, const std::string& what) {
        if (got != want)
            failures += what + ": errno " + std::to_string(got) + " (" + std::strerror(got) +
                        "), want " + std::to_string(want) + " (" + std::strerror(want) + ")\n";
    }
};

}  // namespace aio::testing
