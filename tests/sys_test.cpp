// aio::sys — the synchronous helpers, each checked against the raw syscall
// or an independent observation (read(2) of the mapped file, a child killed
// by SIGSEGV, fcntl flags, /proc/self/status, stat(1)).
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "aio/constants.hpp"
#include "aio/sys.hpp"
#include "support.hpp"

namespace {

using aio::testing::temp_dir;
namespace sys = aio::sys;

// Closes a descriptor at scope exit.
struct fd_guard {
    int fd;
    explicit fd_guard(int f) : fd(f) {}
    ~fd_guard() {
        if (fd >= 0) ::close(fd);
    }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
};

// A pipe whose ends are closed at scope exit.
struct test_pipe {
    int r = -1, w = -1;
    test_pipe() {
        int fds[2];
        if (::pipe(fds) != 0) throw std::runtime_error("pipe");
        r = fds[0];
        w = fds[1];
    }
    ~test_pipe() {
        ::close(r);
        ::close(w);
    }
    test_pipe(const test_pipe&) = delete;
    test_pipe& operator=(const test_pipe&) = delete;
};

// A descriptor number that is certainly closed.
int closed_fd() {
    int fd = ::open("/dev/null", O_RDONLY);
    ::close(fd);
    return fd;
}

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>('A' + (i * 7 + i / 251) % 53);
    return s;
}

std::string read_all(int fd, std::size_t max = 1 << 20) {
    std::string out(max, '\0');
    std::size_t got = 0;
    while (got < max) {
        ssize_t n = ::read(fd, out.data() + got, max - got);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    return out;
}

std::string pread_n(int fd, std::size_t n, off_t off) {
    std::string out(n, '\0');
    ssize_t got = ::pread(fd, out.data(), n, off);
    out.resize(got < 0 ? 0 : static_cast<std::size_t>(got));
    return out;
}

void write_str(int fd, const std::string& s) {
    ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size()));
}

// The range is mapped in this process (msync fails with ENOMEM on a hole).
bool is_mapped(void* addr, std::size_t len) {
    return ::msync(addr, len, MS_ASYNC) == 0;
}

// Runs `body` in a forked child with the default SIGSEGV action (ASan would
// otherwise catch the fault) and returns the child's wait status.
int in_child(const std::function<void()>& body) {
    pid_t pid = ::fork();
    if (pid == 0) {
        ::signal(SIGSEGV, SIG_DFL);
        ::signal(SIGBUS, SIG_DFL);
        body();
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

bool died_of(int status, int sig) {
    return WIFSIGNALED(status) && WTERMSIG(status) == sig;
}
bool exited_ok(int status) {
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// VmLck from /proc/self/status, in kB.
long locked_kb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmLck:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return -1;
}

// Whether mlock really locks memory here. The sanitizers (ASan, TSan)
// replace mlock, munlock, mlockall and munlockall with functions that do
// nothing and return 0, so their effects cannot be observed in those builds.
bool mlock_is_real() {
    static const bool real = [] {
        void* p = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) return false;
        const long before = locked_kb();
        bool locked = ::mlock(p, 4096) == 0 && locked_kb() > before;
        ::munmap(p, 4096);
        return locked;
    }();
    return real;
}

// ---- mmap and the mapping type ---------------------------------------------

TEST(SysMmap, FileMappingMatchesRead) {
    temp_dir d;
    const std::size_t ps = aio::pagesize();
    const std::string data = pattern(3 * ps + 123);
    aio::testing::write_file(d / "f", data);
    fd_guard fd(::open((d / "f").c_str(), O_RDONLY));
    ASSERT_GE(fd.fd, 0);

    auto m = sys::mmap(data.size(), aio::prot_read, aio::map_shared, fd.fd);
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(m->size(), data.size());
    EXPECT_FALSE(m->empty());
    EXPECT_TRUE(static_cast<bool>(*m));
    EXPECT_EQ(std::string(m->data(), m->size()), read_all(fd.fd));
    EXPECT_EQ(m->bytes().size(), data.size());

    // A mapping at a page offset sees the bytes pread sees there.
    auto m2 =
        sys::mmap(ps + 10, aio::prot_read, aio::map_private, fd.fd, static_cast<std::int64_t>(ps));
    ASSERT_TRUE(m2) << m2.error().message();
    EXPECT_EQ(std::string(m2->data(), m2->size()), pread_n(fd.fd, ps + 10, static_cast<off_t>(ps)));
}

TEST(SysMmap, SharedWritesReachTheFile) {
    temp_dir d;
    aio::testing::write_file(d / "f", std::string(100, 'x'));
    fd_guard fd(::open((d / "f").c_str(), O_RDWR));
    ASSERT_GE(fd.fd, 0);
    {
        auto m = sys::mmap(100, aio::prot_read | aio::prot_write, aio::map_shared, fd.fd);
        ASSERT_TRUE(m) << m.error().message();
        std::memcpy(m->data() + 10, "hello", 5);
    }  // unmapped here
    EXPECT_EQ(pread_n(fd.fd, 9, 8), "xxhelloxx");
    EXPECT_EQ(aio::testing::read_file(d / "f").substr(8, 9), "xxhelloxx");
}

TEST(SysMmap, AnonymousMemory) {
    const std::size_t ps = aio::pagesize();
    auto m =
        sys::mmap(2 * ps, aio::prot_read | aio::prot_write, aio::map_private | aio::map_anonymous);
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(m->data()[0], '\0');  // anonymous memory starts zeroed
    m->data()[2 * ps - 1] = 'z';
    EXPECT_EQ(m->data()[2 * ps - 1], 'z');
}

TEST(SysMmap, Errors) {
    temp_dir d;
    aio::testing::write_file(d / "f", std::string(8192, 'x'));
    fd_guard ro(::open((d / "f").c_str(), O_RDONLY));
    ASSERT_GE(ro.fd, 0);

    auto zero = sys::mmap(0, aio::prot_read, aio::map_shared, ro.fd);
    ASSERT_FALSE(zero);
    EXPECT_EQ(zero.err(), EINVAL);

    auto neg = sys::mmap(4096, aio::prot_read, aio::map_shared, ro.fd, -4096);
    ASSERT_FALSE(neg);
    EXPECT_EQ(neg.err(), EINVAL);

    auto unaligned = sys::mmap(100, aio::prot_read, aio::map_shared, ro.fd, 1);
    ASSERT_FALSE(unaligned);
    EXPECT_EQ(unaligned.err(), EINVAL);

    auto no_fd = sys::mmap(4096, aio::prot_read, aio::map_shared);  // fd -1, not anonymous
    ASSERT_FALSE(no_fd);
    EXPECT_EQ(no_fd.err(), EBADF);

    auto closed = sys::mmap(4096, aio::prot_read, aio::map_shared, closed_fd());
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.err(), EBADF);

    // A writable shared map of a read-only descriptor: EACCES (as mmap(2)).
    auto acc = sys::mmap(4096, aio::prot_read | aio::prot_write, aio::map_shared, ro.fd);
    ASSERT_FALSE(acc);
    EXPECT_EQ(acc.err(), EACCES);
    void* raw = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro.fd, 0);
    EXPECT_EQ(raw, MAP_FAILED);
    EXPECT_EQ(errno, EACCES);
}

TEST(SysMapping, DestructorUnmaps) {
    void* addr = nullptr;
    std::size_t len = 0;
    {
        auto m = sys::mmap(4096, aio::prot_read, aio::map_private | aio::map_anonymous);
        ASSERT_TRUE(m);
        addr = m->data();
        len = m->size();
        EXPECT_TRUE(is_mapped(addr, len));
    }
    EXPECT_FALSE(is_mapped(addr, len));
}

TEST(SysMapping, MoveTransfersOwnership) {
    auto m = sys::mmap(4096, aio::prot_read, aio::map_private | aio::map_anonymous);
    ASSERT_TRUE(m);
    void* addr = m->data();
    sys::mapping a = std::move(*m);
    EXPECT_TRUE(m->empty());
    EXPECT_EQ(m->data(), nullptr);
    EXPECT_EQ(m->size(), 0u);
    EXPECT_EQ(a.data(), addr);

    // Move assignment unmaps what the target held.
    auto other = sys::mmap(4096, aio::prot_read, aio::map_private | aio::map_anonymous);
    ASSERT_TRUE(other);
    void* old = other->data();
    sys::mapping b = std::move(*other);
    b = std::move(a);
    EXPECT_FALSE(is_mapped(old, 4096));
    EXPECT_EQ(b.data(), addr);
    EXPECT_TRUE(is_mapped(addr, 4096));
    EXPECT_TRUE(a.empty());
}

TEST(SysMapping, ReleaseGivesUpOwnership) {
    void* addr = nullptr;
    std::size_t len = 0;
    {
        auto m = sys::mmap(4096, aio::prot_read, aio::map_private | aio::map_anonymous);
        ASSERT_TRUE(m);
        auto span = m->release();
        addr = span.data();
        len = span.size();
        EXPECT_TRUE(m->empty());
        EXPECT_EQ(len, 4096u);
    }
    EXPECT_TRUE(is_mapped(addr, len));  // the destructor left it alone
    EXPECT_EQ(::munmap(addr, len), 0);
}

TEST(SysMapping, ExplicitUnmap) {
    auto m = sys::mmap(4096, aio::prot_read, aio::map_private | aio::map_anonymous);
    ASSERT_TRUE(m);
    void* addr = m->data();
    auto r = m->unmap();
    EXPECT_TRUE(r) << r.error().message();
    EXPECT_TRUE(m->empty());
    EXPECT_FALSE(is_mapped(addr, 4096));
    EXPECT_TRUE(m->unmap());  // empty: nothing to do
    sys::mapping empty;
    EXPECT_TRUE(empty.unmap());
}

TEST(SysMapping, UnmapReportsTheKernelsError) {
    auto m = sys::mmap(8192, aio::prot_read, aio::map_private | aio::map_anonymous);
    ASSERT_TRUE(m);
    sys::mapping bogus(m->data() + 1, 100);  // not page-aligned: munmap says EINVAL
    auto r = bogus.unmap();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err(), EINVAL);
    EXPECT_TRUE(bogus.empty());
    EXPECT_TRUE(is_mapped(m->data(), 8192));
}

// ---- mprotect ----------------------------------------------------------------

TEST(SysMprotect, WriteToReadOnlyPageKillsChild) {
    auto m =
        sys::mmap(4096, aio::prot_read | aio::prot_write, aio::map_private | aio::map_anonymous);
    ASSERT_TRUE(m);
    volatile char* p = m->data();
    p[0] = 'a';
    EXPECT_TRUE(exited_ok(in_child([&] { p[1] = 'b'; })));  // writable before

    auto r = sys::mprotect(m->data(), m->size(), aio::prot_read);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(p[0], 'a');  // still readable
    EXPECT_TRUE(died_of(in_child([&] { p[1] = 'b'; }), SIGSEGV));

    ASSERT_TRUE(sys::mprotect(m->data(), m->size(), aio::prot_read | aio::prot_write));
    EXPECT_TRUE(exited_ok(in_child([&] { p[1] = 'b'; })));
}

TEST(SysMprotect, PartOfAMapping) {
    const std::size_t ps = aio::pagesize();
    auto m =
        sys::mmap(2 * ps, aio::prot_read | aio::prot_write, aio::map_private | aio::map_anonymous);
    ASSERT_TRUE(m);
    volatile char* p = m->data();
    // From the second page to the end (length nullopt).
    ASSERT_TRUE(sys::mprotect(*m, ps, std::nullopt, aio::prot_read));
    EXPECT_TRUE(exited_ok(in_child([&] { p[0] = 'x'; })));
    EXPECT_TRUE(died_of(in_child([&] { p[ps] = 'x'; }), SIGSEGV));
    // A length past the end is cut to fit (the raw call would fail: ENOMEM).
    ASSERT_TRUE(sys::mprotect(*m, 0, 10 * ps, aio::prot_none));
    EXPECT_TRUE(died_of(in_child([&] { (void)p[0]; }), SIGSEGV));
}

TEST(SysMprotect, Errors) {
    auto m = sys::mmap(2 * aio::pagesize(), aio::prot_read, aio::map_private | aio::map_anonymous);
    ASSERT_TRUE(m);
    auto unaligned = sys::mprotect(m->data() + 1, 10, aio::prot_read);
    ASSERT_FALSE(unaligned);
    EXPECT_EQ(unaligned.err(), EINVAL);

    auto past = sys::mprotect(*m, m->size() + 1, std::nullopt, aio::prot_read);
    ASSERT_FALSE(past);
    EXPECT_EQ(past.err(), EINVAL);

    void* addr = m->data();
    ASSERT_TRUE(m->unmap());
    auto hole = sys::mprotect(addr, 4096, aio::prot_read);
    ASSERT_FALSE(hole);
    EXPECT_EQ(hole.err(), ENOMEM);
}

// ---- madvise / fadvise ---------------------------------------------------------

TEST(SysMadvise, MatchesPosixMadvise) {
    const std::size_t ps = aio::pagesize();
    auto m =
        sys::mmap(4 * ps, aio::prot_read | aio::prot_write, aio::map_private | aio::map_anonymous);
    ASSERT_TRUE(m);
    for (int advice : {aio::madv_normal, aio::madv_sequential, aio::madv_random, aio::madv_willneed,
                       aio::madv_dontneed}) {
        EXPECT_EQ(::posix_madvise(m->data(), m->size(), advice), 0);
        auto r = sys::madvise(m->data(), m->size(), advice);
        EXPECT_TRUE(r) << advice << ": " << r.error().message();
    }
    EXPECT_TRUE(sys::madvise(*m, ps, std::nullopt, aio::madv_willneed));
    // Cut to fit: the same length on the raw pointer covers unmapped memory.
    EXPECT_TRUE(sys::madvise(*m, 0, 100 * ps, aio::madv_normal));
}

TEST(SysMadvise, Errors) {
    auto m = sys::mmap(aio::pagesize(), aio::prot_read, aio::map_private | aio::map_anonymous);
    ASSERT_TRUE(m);
    struct {
        void* addr;
        std::size_t len;
        int advice;
    } cases[] = {{m->data() + 1, 10, aio::madv_normal}, {m->data(), m->size(), 12345}};
    for (const auto& c : cases) {
        int raw = ::posix_madvise(c.addr, c.len, c.advice);
        auto r = sys::madvise(c.addr, c.len, c.advice);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.err(), raw);
        EXPECT_EQ(r.err(), EINVAL);
    }
    auto past = sys::madvise(*m, m->size() + 1, 1, aio::madv_normal);
    ASSERT_FALSE(past);
    EXPECT_EQ(past.err(), EINVAL);

    void* addr = m->data();
    ASSERT_TRUE(m->unmap());
    auto hole = sys::madvise(addr, 4096, aio::madv_willneed);
    ASSERT_FALSE(hole);
    EXPECT_EQ(hole.err(), ENOMEM);
}

TEST(SysFadvise, MatchesPosixFadvise) {
    temp_dir d;
    aio::testing::write_file(d / "f", pattern(10000));
    fd_guard fd(::open((d / "f").c_str(), O_RDONLY));
    ASSERT_GE(fd.fd, 0);
    for (int advice : {aio::fadv_normal, aio::fadv_sequential, aio::fadv_random, aio::fadv_noreuse,
                       aio::fadv_willneed, aio::fadv_dontneed}) {
        EXPECT_EQ(::posix_fadvise(fd.fd, 0, 0, advice), 0);
        auto r = sys::fadvise(fd.fd, 100, 5000, advice);
        EXPECT_TRUE(r) << advice << ": " << r.error().message();
    }
}

TEST(SysFadvise, Errors) {
    temp_dir d;
    aio::testing::write_file(d / "f", "x");
    fd_guard fd(::open((d / "f").c_str(), O_RDONLY));
    test_pipe p;
    struct {
        int fd;
        std::int64_t off, len;
        int advice, want;
    } cases[] = {
        {closed_fd(), 0, 0, aio::fadv_normal, EBADF},
        {-1, 0, 0, aio::fadv_normal, EBADF},
        {fd.fd, 0, 0, 999, EINVAL},
        {fd.fd, 0, -1, aio::fadv_normal, EINVAL},
        {p.r, 0, 0, aio::fadv_normal, ESPIPE},
    };
    for (const auto& c : cases) {
        // posix_fadvise returns the error number (errno is not set).
        int raw = ::posix_fadvise(c.fd, c.off, c.len, c.advice);
        auto r = sys::fadvise(c.fd, c.off, c.len, c.advice);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.err(), c.want);
        EXPECT_EQ(r.err(), raw);
    }
}

// ---- munlock / munlockall ----------------------------------------------------

TEST(SysMunlock, UndoesMlock) {
    if (!mlock_is_real()) GTEST_SKIP() << "mlock has no effect here (a sanitizer intercepts it)";
    const long base = locked_kb();
    ASSERT_GE(base, 0) << "no VmLck in /proc/self/status";
    auto m = sys::mmap(4 * aio::pagesize(), aio::prot_read | aio::prot_write,
                       aio::map_private | aio::map_anonymous);
    ASSERT_TRUE(m);
    if (::mlock(m->data(), m->size()) != 0) GTEST_SKIP() << "mlock: " << std::strerror(errno);
    EXPECT_GE(locked_kb(), base + static_cast<long>(m->size() / 1024));
    auto r = sys::munlock(*m);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(locked_kb(), base);

    ASSERT_EQ(::mlock(m->data(), m->size()), 0);
    ASSERT_TRUE(sys::munlock(m->data(), m->size()));
    EXPECT_EQ(locked_kb(), base);
}

TEST(SysMunlock, MunlockallUnlocksEverything) {
    if (!mlock_is_real()) GTEST_SKIP() << "mlock has no effect here (a sanitizer intercepts it)";
    auto m = sys::mmap(aio::pagesize(), aio::prot_read | aio::prot_write,
                       aio::map_private | aio::map_anonymous);
    ASSERT_TRUE(m);
    if (::mlock(m->data(), m->size()) != 0) GTEST_SKIP() << "mlock: " << std::strerror(errno);
    EXPECT_GT(locked_kb(), 0);
    auto r = sys::munlockall();
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(locked_kb(), 0);
}

TEST(SysMunlock, Errors) {
    auto m = sys::mmap(aio::pagesize(), aio::prot_read, aio::map_private | aio::map_anonymous);
    ASSERT_TRUE(m);
    auto past = sys::munlock(*m, m->size() + 1);  // checked by aio, before munlock
    ASSERT_FALSE(past);
    EXPECT_EQ(past.err(), EINVAL);
    if (!mlock_is_real()) GTEST_SKIP() << "munlock is a no-op here (a sanitizer intercepts it)";
    void* addr = m->data();
    ASSERT_TRUE(m->unmap());
    auto hole = sys::munlock(addr, 4096);
    ASSERT_FALSE(hole);
    EXPECT_EQ(hole.err(), ENOMEM);
}

// ---- splice / tee ----------------------------------------------------------------

TEST(SysSplice, FileToPipeAtAnOffset) {
    temp_dir d;
    const std::string data = pattern(1000);
    aio::testing::write_file(d / "f", data);
    fd_guard fd(::open((d / "f").c_str(), O_RDONLY));
    test_pipe p;
    auto n = sys::splice(fd.fd, 5, p.w, std::nullopt, 10, 0);
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(*n, 10u);
    EXPECT_EQ(read_all(p.r, 10), data.substr(5, 10));
    EXPECT_EQ(::lseek(fd.fd, 0, SEEK_CUR), 0);  // an explicit offset leaves the position
}

TEST(SysSplice, NulloptUsesAndAdvancesThePosition) {
    temp_dir d;
    const std::string data = pattern(1000);
    aio::testing::write_file(d / "f", data);
    fd_guard fd(::open((d / "f").c_str(), O_RDONLY));
    test_pipe p;
    ASSERT_EQ(::lseek(fd.fd, 3, SEEK_SET), 3);
    auto n = sys::splice(fd.fd, std::nullopt, p.w, std::nullopt, 4, aio::splice_f_move);
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(*n, 4u);
    EXPECT_EQ(read_all(p.r, 4), data.substr(3, 4));
    EXPECT_EQ(::lseek(fd.fd, 0, SEEK_CUR), 7);

    // At end of file: 0.
    ASSERT_EQ(::lseek(fd.fd, 0, SEEK_END), 1000);
    auto eof = sys::splice(fd.fd, std::nullopt, p.w, std::nullopt, 4, 0);
    ASSERT_TRUE(eof);
    EXPECT_EQ(*eof, 0u);
}

TEST(SysSplice, PipeToFileAtAnOffset) {
    temp_dir d;
    aio::testing::write_file(d / "f", "");
    fd_guard fd(::open((d / "f").c_str(), O_RDWR));
    test_pipe p;
    write_str(p.w, "spliced data");
    auto n = sys::splice(p.r, std::nullopt, fd.fd, 100, 12, 0);
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(*n, 12u);
    EXPECT_EQ(pread_n(fd.fd, 12, 100), "spliced data");
    EXPECT_EQ(aio::testing::read_file(d / "f").size(), 112u);
    EXPECT_EQ(::lseek(fd.fd, 0, SEEK_CUR), 0);
}

TEST(SysSplice, Errors) {
    temp_dir d;
    aio::testing::write_file(d / "f", "0123456789");
    aio::testing::write_file(d / "g", "");
    fd_guard f(::open((d / "f").c_str(), O_RDONLY));
    fd_guard g(::open((d / "g").c_str(), O_RDWR));
    test_pipe p;

    auto badf = sys::splice(closed_fd(), std::nullopt, p.w, std::nullopt, 10, 0);
    ASSERT_FALSE(badf);
    EXPECT_EQ(badf.err(), EBADF);

    auto no_pipe = sys::splice(f.fd, 0, g.fd, 0, 10, 0);  // neither end is a pipe
    ASSERT_FALSE(no_pipe);
    EXPECT_EQ(no_pipe.err(), EINVAL);
    errno = 0;
    loff_t a = 0, b = 0;
    EXPECT_EQ(::splice(f.fd, &a, g.fd, &b, 10, 0), -1);
    EXPECT_EQ(errno, EINVAL);

    write_str(p.w, "x");
    auto pipe_off = sys::splice(p.r, 0, g.fd, 0, 1, 0);  // an offset for a pipe
    ASSERT_FALSE(pipe_off);
    EXPECT_EQ(pipe_off.err(), ESPIPE);

    auto neg = sys::splice(f.fd, -1, p.w, std::nullopt, 1, 0);
    ASSERT_FALSE(neg);
    EXPECT_EQ(neg.err(), EINVAL);

    test_pipe empty;
    auto again = sys::splice(empty.r, std::nullopt, g.fd, 0, 1, aio::splice_f_nonblock);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.err(), EAGAIN);
}

TEST(SysTee, DuplicatesWithoutConsuming) {
    test_pipe a, b;
    write_str(a.w, "hello world");
    auto n = sys::tee(a.r, b.w, 100, 0);
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(*n, 11u);
    EXPECT_EQ(read_all(b.r, 11), "hello world");
    EXPECT_EQ(read_all(a.r, 11), "hello world");  // still there
}

TEST(SysTee, Errors) {
    temp_dir d;
    aio::testing::write_file(d / "f", "x");
    fd_guard f(::open((d / "f").c_str(), O_RDONLY));
    test_pipe a, b;
    write_str(a.w, "x");

    auto badf = sys::tee(closed_fd(), b.w, 1, 0);
    ASSERT_FALSE(badf);
    EXPECT_EQ(badf.err(), EBADF);

    auto file = sys::tee(f.fd, b.w, 1, 0);  // not a pipe
    ASSERT_FALSE(file);
    EXPECT_EQ(file.err(), EINVAL);

    auto same = sys::tee(a.r, a.w, 1, 0);  // the same pipe
    ASSERT_FALSE(same);
    EXPECT_EQ(same.err(), EINVAL);
}

// ---- pipesize / pipe2 --------------------------------------------------------------

TEST(SysPipesize, QueryAndSet) {
    test_pipe p;
    auto q = sys::pipesize(p.r);
    ASSERT_TRUE(q) << q.error().message();
    EXPECT_EQ(*q, ::fcntl(p.r, F_GETPIPE_SZ));

    auto s = sys::pipesize(p.w, 100000);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_GE(*s, 100000);
    EXPECT_EQ(*s, ::fcntl(p.r, F_GETPIPE_SZ));  // the size actually in force
    EXPECT_EQ(*sys::pipesize(p.r), *s);

    auto small = sys::pipesize(p.r, 1);  // rounded up to a page
    ASSERT_TRUE(small);
    EXPECT_EQ(*small, static_cast<int>(aio::pagesize()));
    EXPECT_EQ(::fcntl(p.r, F_GETPIPE_SZ), *small);
}

TEST(SysPipesize, Errors) {
    temp_dir d;
    aio::testing::write_file(d / "f", "x");
    fd_guard f(::open((d / "f").c_str(), O_RDONLY));
    test_pipe p;

    auto file = sys::pipesize(f.fd);  // not a pipe
    ASSERT_FALSE(file);
    EXPECT_EQ(file.err(), EBADF);
    auto file_set = sys::pipesize(f.fd, 65536);
    ASSERT_FALSE(file_set);
    EXPECT_EQ(file_set.err(), EBADF);

    auto closed = sys::pipesize(closed_fd());
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.err(), EBADF);

    auto neg = sys::pipesize(p.r, -1);
    ASSERT_FALSE(neg);
    EXPECT_EQ(neg.err(), EINVAL);
    EXPECT_EQ(::fcntl(p.r, F_GETPIPE_SZ), *sys::pipesize(p.r));  // unchanged
}

TEST(SysPipe2, PlainPipe) {
    auto p = sys::pipe2();
    ASSERT_TRUE(p) << p.error().message();
    fd_guard r(p->first), w(p->second);
    EXPECT_EQ(::fcntl(r.fd, F_GETFD) & FD_CLOEXEC, 0);
    EXPECT_EQ(::fcntl(w.fd, F_GETFD) & FD_CLOEXEC, 0);
    EXPECT_EQ(::fcntl(r.fd, F_GETFL) & O_ACCMODE, O_RDONLY);
    EXPECT_EQ(::fcntl(w.fd, F_GETFL) & O_ACCMODE, O_WRONLY);
    write_str(w.fd, "through");
    EXPECT_EQ(read_all(r.fd, 7), "through");
}

TEST(SysPipe2, Flags) {
    auto p = sys::pipe2(aio::o_cloexec | aio::o_nonblock);
    ASSERT_TRUE(p) << p.error().message();
    fd_guard r(p->first), w(p->second);
    EXPECT_NE(::fcntl(r.fd, F_GETFD) & FD_CLOEXEC, 0);
    EXPECT_NE(::fcntl(w.fd, F_GETFD) & FD_CLOEXEC, 0);
    EXPECT_NE(::fcntl(r.fd, F_GETFL) & O_NONBLOCK, 0);
    char c;
    EXPECT_EQ(::read(r.fd, &c, 1), -1);
    EXPECT_EQ(errno, EAGAIN);

    auto only_cloexec = sys::pipe2(aio::o_cloexec);
    ASSERT_TRUE(only_cloexec);
    fd_guard r2(only_cloexec->first), w2(only_cloexec->second);
    EXPECT_NE(::fcntl(r2.fd, F_GETFD) & FD_CLOEXEC, 0);
    EXPECT_EQ(::fcntl(r2.fd, F_GETFL) & O_NONBLOCK, 0);
}

TEST(SysPipe2, BadFlags) {
    auto p = sys::pipe2(aio::o_creat);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.err(), EINVAL);
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CREAT), -1);
    EXPECT_EQ(errno, EINVAL);
}

// ---- eventfd / memfd_create ------------------------------------------------------

TEST(SysEventfd, CounterAndFlags) {
    auto e = sys::eventfd(5);
    ASSERT_TRUE(e) << e.error().message();
    fd_guard fd(*e);
    std::uint64_t v = 0;
    ASSERT_EQ(::read(fd.fd, &v, sizeof v), 8);
    EXPECT_EQ(v, 5u);
    EXPECT_EQ(::fcntl(fd.fd, F_GETFD) & FD_CLOEXEC, 0);

    auto nb = sys::eventfd(0, aio::efd_cloexec | aio::efd_nonblock);
    ASSERT_TRUE(nb);
    fd_guard nfd(*nb);
    EXPECT_NE(::fcntl(nfd.fd, F_GETFD) & FD_CLOEXEC, 0);
    EXPECT_EQ(::read(nfd.fd, &v, sizeof v), -1);  // counter 0, non-blocking
    EXPECT_EQ(errno, EAGAIN);

    auto sem = sys::eventfd(3, aio::efd_semaphore);
    ASSERT_TRUE(sem);
    fd_guard sfd(*sem);
    ASSERT_EQ(::read(sfd.fd, &v, sizeof v), 8);
    EXPECT_EQ(v, 1u);  // semaphore mode: one at a time
}

TEST(SysEventfd, BadFlags) {
    auto e = sys::eventfd(0, 0x7fffffff);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.err(), EINVAL);
}

TEST(SysMemfd, CreateWriteRead) {
    auto m = sys::memfd_create("aiopp-test", aio::mfd_cloexec);
    ASSERT_TRUE(m) << m.error().message();
    fd_guard fd(*m);
    write_str(fd.fd, "memory file");
    EXPECT_EQ(pread_n(fd.fd, 11, 0), "memory file");
    struct stat st;
    ASSERT_EQ(::fstat(fd.fd, &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_EQ(st.st_size, 11);
    EXPECT_NE(::fcntl(fd.fd, F_GETFD) & FD_CLOEXEC, 0);
    char link[256] = {};
    std::string proc = "/proc/self/fd/" + std::to_string(fd.fd);
    ASSERT_GT(::readlink(proc.c_str(), link, sizeof link - 1), 0);
    EXPECT_EQ(std::string(link).rfind("/memfd:aiopp-test", 0), 0u) << link;
}

TEST(SysMemfd, SealingFlag) {
    auto sealable = sys::memfd_create("s", aio::mfd_allow_sealing | aio::mfd_cloexec);
    ASSERT_TRUE(sealable);
    fd_guard a(*sealable);
    EXPECT_EQ(::fcntl(a.fd, F_ADD_SEALS, F_SEAL_WRITE), 0);
    EXPECT_EQ(::write(a.fd, "x", 1), -1);
    EXPECT_EQ(errno, EPERM);

    auto plain = sys::memfd_create("p", aio::mfd_cloexec);
    ASSERT_TRUE(plain);
    fd_guard b(*plain);
    EXPECT_EQ(::fcntl(b.fd, F_ADD_SEALS, F_SEAL_WRITE), -1);  // sealing not allowed
    EXPECT_EQ(errno, EPERM);
    EXPECT_EQ(::fcntl(b.fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
}

TEST(SysMemfd, Errors) {
    auto nul = sys::memfd_create(std::string_view("a\0b", 3), 0);
    ASSERT_FALSE(nul);
    EXPECT_EQ(nul.err(), EINVAL);

    auto too_long = sys::memfd_create(std::string(250, 'n'), 0);  // the kernel allows 249
    ASSERT_FALSE(too_long);
    EXPECT_EQ(too_long.err(), EINVAL);
    auto way_too_long = sys::memfd_create(std::string(5000, 'n'), 0);
    ASSERT_FALSE(way_too_long);
    EXPECT_EQ(way_too_long.err(), EINVAL);
    auto longest = sys::memfd_create(std::string(249, 'n'), aio::mfd_cloexec);
    ASSERT_TRUE(longest) << longest.error().message();
    ::close(*longest);

    auto flags = sys::memfd_create("x", 0x4000u);  // not an MFD_* flag
    ASSERT_FALSE(flags);
    EXPECT_EQ(flags.err(), EINVAL);
}

// ---- device numbers ----------------------------------------------------------------

static_assert((sys::major)((sys::makedev)(8, 17)) == 8);
static_assert((sys::minor)((sys::makedev)(8, 17)) == 17);
static_assert((sys::makedev)(1, 3) == 0x103);

TEST(SysDev, AgreesWithGlibc) {
    const unsigned values[] = {0,       1,       3,        0xff,     0x100,      0xfff,     0x1000,
                               0x12345, 0xfffff, 0x100000, 0xabcdef, 0x7fffffff, 0xffffffff};
    for (unsigned maj : values) {
        for (unsigned min : values) {
            const std::uint64_t dev = (sys::makedev)(maj, min);
            EXPECT_EQ(dev, static_cast<std::uint64_t>(::makedev(maj, min))) << maj << "," << min;
            EXPECT_EQ((sys::major)(dev), maj);
            EXPECT_EQ((sys::minor)(dev), min);
            EXPECT_EQ((sys::major)(dev), ::major(dev));
            EXPECT_EQ((sys::minor)(dev), ::minor(dev));
        }
    }
}

TEST(SysDev, DevNull) {
    struct stat st;
    ASSERT_EQ(::stat("/dev/null", &st), 0);
    EXPECT_EQ((sys::major)(st.st_rdev), 1u);
    EXPECT_EQ((sys::minor)(st.st_rdev), 3u);
    EXPECT_EQ((sys::makedev)(1, 3), st.st_rdev);
}

// ---- filesystem names ----------------------------------------------------------------

static_assert(sys::fs_name(0xef53) == "ext2/ext3/ext4");
static_assert(sys::fs_name(0x9fa0) == "proc");
static_assert(sys::fs_name(0x12345678).empty());

TEST(SysFsName, KnownAndUnknownMagic) {
    EXPECT_EQ(sys::fs_name(0x01021994), "tmpfs");
    EXPECT_EQ(sys::fs_name(0x58465342), "xfs");
    EXPECT_EQ(sys::fs_name(0x9123683e), "btrfs");
    EXPECT_EQ(sys::fs_name(0x7461636f), "ocfs2");
    EXPECT_EQ(sys::fs_name(0xff534d42), "cifs");
    EXPECT_EQ(sys::fs_name(0xffffffffff534d42ull), "cifs");  // sign-extended 32-bit f_type
    EXPECT_EQ(sys::fs_name(0x10000ef53ull), "");             // not a 32-bit magic
    EXPECT_EQ(sys::fs_name(0), "");
}

// Every row of the manual's table (shared/reference/IO-AIO.txt, under
// aio_statvfs) is in fs_type_names, and nothing else is.
TEST(SysFsName, TableIsTheManualsTable) {
    std::set<std::uint32_t> magics;
    for (const auto& row : sys::fs_type_names) {
        EXPECT_TRUE(magics.insert(row.magic).second) << "duplicate " << std::hex << row.magic;
        EXPECT_EQ(sys::fs_name(row.magic), row.name);
    }
    const char* src = std::getenv("AIOPP_SOURCE_DIR");
    std::string manual = std::string(src ? src : ".") + "/../shared/reference/IO-AIO.txt";
    std::ifstream in(manual);
    if (!in) GTEST_SKIP() << "manual not found at " << manual;
    std::string line;
    std::size_t rows = 0;
    while (std::getline(in, line)) {
        if (line.rfind("   0x", 0) != 0 || line.size() < 15 || line[13] != ' ') continue;
        const auto magic = static_cast<std::uint32_t>(std::stoul(line.substr(5, 8), nullptr, 16));
        const std::string name = line.substr(14);
        ++rows;
        EXPECT_EQ(sys::fs_name(magic), name) << line;
    }
    EXPECT_EQ(rows, std::size(sys::fs_type_names));
}

// What stat(1) says about the filesystem `path` is on: its f_type (hex) and
// coreutils' name for it. Names where coreutils and the manual agree are
// compared too ("ext2/ext3" in coreutils is "ext2/ext3/ext4" in the manual).
void expect_like_stat_f(const std::string& path) {
    std::string out;
    ASSERT_EQ(aio::testing::run("stat -f -c '%t %T' " + aio::testing::shell_quote(path), &out), 0);
    std::istringstream words(out);
    std::string hex, name;
    words >> hex >> name;
    const std::uint64_t magic = std::stoull(hex, nullptr, 16);
    auto m = sys::fs_magic(path);
    ASSERT_TRUE(m) << path << ": " << m.error().message();
    EXPECT_EQ(*m, magic) << path;
    auto n = sys::fs_name_of(path);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, sys::fs_name(magic)) << path << ": stat(1) calls it " << name;
    for (const char* same : {"proc", "tmpfs", "xfs", "btrfs", "sysfs", "devpts", "nfs"}) {
        if (name == same) {
            EXPECT_EQ(*n, name) << path;
        }
    }
}

TEST(SysFsName, OfPaths) {
    auto proc = sys::fs_name_of("/proc");
    ASSERT_TRUE(proc) << proc.error().message();
    EXPECT_EQ(*proc, "proc");
    expect_like_stat_f("/proc");
    expect_like_stat_f("/tmp");
    expect_like_stat_f("/");

    if (::access("/dev/shm", F_OK) != 0) GTEST_SKIP() << "no /dev/shm";
    expect_like_stat_f("/dev/shm");
    std::string out;
    ASSERT_EQ(aio::testing::run("stat -f -c %T /dev/shm", &out), 0);
    if (out.rfind("tmpfs", 0) == 0) {
        EXPECT_EQ(*sys::fs_name_of("/dev/shm"), "tmpfs");
    }
}

TEST(SysFsName, OfDescriptors) {
    fd_guard fd(::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_GE(fd.fd, 0);
    auto name = sys::fs_name_of(fd.fd);
    ASSERT_TRUE(name) << name.error().message();
    EXPECT_EQ(*name, "proc");
    struct statfs st;
    ASSERT_EQ(::fstatfs(fd.fd, &st), 0);
    EXPECT_EQ(*sys::fs_magic(fd.fd), static_cast<std::uint64_t>(st.f_type));
}

TEST(SysFsName, WithAWorkingDirectory) {
    aio::context ctx;
    aio::wd proc, tmp;
    aio::wd_open(
        "/proc", [&](aio::result<aio::wd> r) { proc = r.value_or(aio::wd{}); }, ctx);
    aio::wd_open(
        "/tmp", [&](aio::result<aio::wd> r) { tmp = r.value_or(aio::wd{}); }, ctx);
    aio::testing::flush_or_fail(ctx);
    ASSERT_TRUE(proc && tmp);

    auto rel = sys::fs_name_of({proc, "self"});  // relative to the wd
    ASSERT_TRUE(rel) << rel.error().message();
    EXPECT_EQ(*rel, "proc");
    auto self = sys::fs_name_of(proc);  // the wd itself
    ASSERT_TRUE(self);
    EXPECT_EQ(*self, "proc");
    auto abs = sys::fs_name_of({tmp, "/proc/self"});  // absolute: the wd is ignored
    ASSERT_TRUE(abs);
    EXPECT_EQ(*abs, "proc");
    EXPECT_EQ(*sys::fs_magic({tmp, "."}), *sys::fs_magic("/tmp"));

    // A wd from a failed wd_open is null: ENOENT, as for every aio path.
    aio::wd failed{aio::wd::current_dir};
    aio::wd_open(
        "/no-such-dir-aiopp", [&](aio::result<aio::wd> r) { failed = r.value_or(aio::wd{}); }, ctx);
    aio::testing::flush_or_fail(ctx);
    ASSERT_TRUE(failed.is_null());
    auto from_failed = sys::fs_name_of({failed, "x"});
    ASSERT_FALSE(from_failed);
    EXPECT_EQ(from_failed.err(), ENOENT);

    auto missing = sys::fs_magic({tmp, "no-such-entry-aiopp"});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.err(), ENOENT);
}

TEST(SysFsName, Errors) {
    temp_dir d;
    aio::testing::write_file(d / "file", "x");
    struct {
        aio::path_arg path;
        int want;
    } cases[] = {
        {d / "missing", ENOENT},
        {d / "file/below", ENOTDIR},
        {std::string("/tmp\0x", 6), EINVAL},
        {aio::path_arg(aio::wd{}, "x"), ENOENT},  // null wd
        {"", ENOENT},
    };
    for (const auto& c : cases) {
        auto r = sys::fs_name_of(c.path);
        ASSERT_FALSE(r) << c.path.path;
        EXPECT_EQ(r.err(), c.want) << c.path.path;
        auto m = sys::fs_magic(c.path);
        ASSERT_FALSE(m);
        EXPECT_EQ(m.err(), c.want);
    }
    struct statfs st;
    EXPECT_EQ(::statfs((d / "missing").c_str(), &st), -1);
    EXPECT_EQ(errno, ENOENT);

    auto badf = sys::fs_name_of(closed_fd());
    ASSERT_FALSE(badf);
    EXPECT_EQ(badf.err(), EBADF);
    auto badf2 = sys::fs_magic(-1);
    ASSERT_FALSE(badf2);
    EXPECT_EQ(badf2.err(), EBADF);
}

}  // namespace
