// Descriptors and sync: open, close, seek (SEEK_DATA / SEEK_HOLE), read and
// write in all four shapes, readahead, sync, syncfs, fsync, fdatasync,
// sync_file_range. Each compared with the synchronous syscall on the same
// files; the fallbacks for missing syscalls run in a forked child whose
// seccomp filter makes those syscalls fail with ENOSYS.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "file_support.hpp"

namespace {

using aio::testing::await;
using aio::testing::closed_fd;
using aio::testing::open_or_die;
using aio::testing::temp_dir;
using aio::testing::unique_fd;
using aio::testing::write_file;

// errno of a synchronous call's return value (0 on success).
int sys_err(long long rc) {
    return rc < 0 ? errno : 0;
}

std::int64_t position(int fd) {
    return ::lseek(fd, 0, SEEK_CUR);
}

const std::string digits = "0123456789abcdef";

// ---- open / close ------------------------------------------------------------

TEST(Open, CreatesWithModeLikeOpen) {
    temp_dir d;
    aio::context ctx;
    auto r = await<int>(ctx, [&](auto cb) {
        aio::open(d / "a", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0640, std::move(cb), ctx);
    });
    ASSERT_TRUE(r) << r.error().message();
    unique_fd fd(*r);
    unique_fd ref(::open((d / "b").c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0640));
    struct stat sa {
    }, sb{};
    ASSERT_EQ(::fstat(fd, &sa), 0);
    ASSERT_EQ(::fstat(ref, &sb), 0);
    EXPECT_EQ(sa.st_mode, sb.st_mode);
    EXPECT_EQ(::fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
    EXPECT_EQ(::fcntl(fd, F_GETFD), ::fcntl(ref, F_GETFD));
    ASSERT_EQ(::write(fd, "x", 1), 1);
    EXPECT_EQ(aio::testing::read_file(d / "a"), "x");
}

TEST(Open, ErrorsMatchOpen) {
    temp_dir d;
    write_file(d / "f", "data");
    aio::context ctx;
    struct {
        std::string path;
        int flags;
    } cases[] = {
        {d / "missing", O_RDONLY},          // ENOENT
        {d / "f", O_CREAT | O_EXCL},        // EEXIST
        {d / "f/x", O_RDONLY},              // ENOTDIR
        {d / "f", O_RDONLY | O_DIRECTORY},  // ENOTDIR
        {d.path(), O_WRONLY},               // EISDIR
        {d / "missing/x", O_CREAT | O_WRONLY},
    };
    for (auto& c : cases) {
        int want = sys_err(::open(c.path.c_str(), c.flags | O_CLOEXEC, 0644));
        ASSERT_NE(want, 0) << c.path;
        auto r = await<int>(ctx, [&](auto cb) {
            aio::open(c.path, c.flags | O_CLOEXEC, 0644, std::move(cb), ctx);
        });
        EXPECT_EQ(r.err(), want) << c.path;
    }
}

TEST(Open, WorkingDirectoryAndBadPaths) {
    temp_dir d;
    ::mkdir((d / "sub").c_str(), 0755);
    write_file(d / "sub/rel", "relative");
    write_file(d / "abs", "absolute");
    aio::context ctx;
    auto w = await<aio::wd>(ctx, [&](auto cb) { aio::wd_open(d / "sub", std::move(cb), ctx); });
    ASSERT_TRUE(w) << w.error().message();

    auto read_all = [](int fd) {
        char buf[64];
        ssize_t n = ::pread(fd, buf, sizeof buf, 0);
        return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    };
    auto rel = await<int>(ctx, [&](auto cb) {
        aio::open({*w, "rel"}, O_RDONLY | O_CLOEXEC, 0, std::move(cb), ctx);
    });
    ASSERT_TRUE(rel) << rel.error().message();
    EXPECT_EQ(read_all(unique_fd(*rel)), "relative");

    // an absolute path ignores the wd
    auto abs = await<int>(ctx, [&](auto cb) {
        aio::open({*w, d / "abs"}, O_RDONLY | O_CLOEXEC, 0, std::move(cb), ctx);
    });
    ASSERT_TRUE(abs) << abs.error().message();
    EXPECT_EQ(read_all(unique_fd(*abs)), "absolute");

    // a wd alone is its directory
    auto dir = await<int>(ctx, [&](auto cb) {
        aio::open(*w, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, std::move(cb), ctx);
    });
    ASSERT_TRUE(dir) << dir.error().message();
    unique_fd dfd(*dir);
    struct stat a {
    }, b{};
    ASSERT_EQ(::fstat(dfd, &a), 0);
    ASSERT_EQ(::stat((d / "sub").c_str(), &b), 0);
    EXPECT_EQ(a.st_ino, b.st_ino);

    // null wd, a wd from a failed wd_open, an embedded NUL, an empty path
    auto bad_wd =
        await<aio::wd>(ctx, [&](auto cb) { aio::wd_open(d / "nonexistent", std::move(cb), ctx); });
    ASSERT_FALSE(bad_wd);
    aio::wd failed = bad_wd ? *bad_wd : aio::wd{};
    for (const aio::path_arg& p : {aio::path_arg(aio::wd{}, "rel"), aio::path_arg(failed, "rel"),
                                   aio::path_arg(std::string("sub\0rel", 7)), aio::path_arg("")}) {
        auto r = await<int>(
            ctx, [&](auto cb) { aio::open(p, O_RDONLY | O_CLOEXEC, 0, std::move(cb), ctx); });
        EXPECT_FALSE(r);
        EXPECT_EQ(r.err(), p.path.find('\0') != std::string::npos ? EINVAL : ENOENT);
    }
}

// Root bypasses permissions: EACCES needs an unprivileged child.
TEST(Open, PermissionDeniedForUnprivilegedUser) {
    temp_dir d;
    write_file(d / "secret", "x", 0600);
    ::chmod(d.path().c_str(), 0755);
    std::string path = d / "secret";
    std::string msg = aio::testing::in_child([&]() -> std::string {
        if (!aio::testing::drop_privileges()) return "cannot drop privileges";
        int want = sys_err(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        aio::context ctx;
        auto r = await<int>(
            ctx, [&](auto cb) { aio::open(path, O_RDONLY | O_CLOEXEC, 0, std::move(cb), ctx); });
        if (want != EACCES) return "sync open: errno " + std::to_string(want);
        if (r.err() != EACCES) return "aio open: errno " + std::to_string(r.err());
        return "";
    });
    EXPECT_EQ(msg, "");
}

TEST(Close, ClosesAndReportsEBADF) {
    temp_dir d;
    write_file(d / "f", "x");
    aio::context ctx;
    int fd = ::open((d / "f").c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    auto r = await<void>(ctx, [&](auto cb) { aio::close(fd, std::move(cb), ctx); });
    EXPECT_TRUE(r) << r.error().message();
    EXPECT_EQ(::fcntl(fd, F_GETFD), -1);
    EXPECT_EQ(errno, EBADF);
    for (int bad : {fd, -1, 1 << 20}) {
        int want = sys_err(::close(bad));
        auto e = await<void>(ctx, [&](auto cb) { aio::close(bad, std::move(cb), ctx); });
        EXPECT_EQ(e.err(), want);
        EXPECT_EQ(e.err(), EBADF);
    }
}

// ---- seek ------------------------------------------------------------------------

TEST(Seek, WhenceLikeLseek) {
    temp_dir d;
    write_file(d / "f", digits);
    auto fd = open_or_die(d / "f", O_RDONLY);
    aio::context ctx;
    struct {
        std::int64_t off;
        int whence;
        std::int64_t want;
    } cases[] = {{5, SEEK_SET, 5}, {3, SEEK_CUR, 8}, {-2, SEEK_END, 14}, {100, SEEK_SET, 100}};
    for (auto& c : cases) {
        auto r = await<std::int64_t>(
            ctx, [&](auto cb) { aio::seek(fd, c.off, c.whence, std::move(cb), ctx); });
        ASSERT_TRUE(r) << r.error().message();
        EXPECT_EQ(*r, c.want);
        EXPECT_EQ(position(fd), c.want);
    }
}

TEST(Seek, ErrorsLikeLseek) {
    temp_dir d;
    write_file(d / "f", digits);
    auto fd = open_or_die(d / "f", O_RDONLY);
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    unique_fd pr(p[0]), pw(p[1]);
    aio::context ctx;
    struct {
        int fd;
        std::int64_t off;
        int whence;
    } cases[] = {{fd, -1, SEEK_SET},
                 {fd, 0, 12345},
                 {closed_fd(), 0, SEEK_SET},
                 {pr, 0, SEEK_SET},
                 {fd, 100, SEEK_DATA}};
    for (auto& c : cases) {
        ASSERT_EQ(::lseek(fd, 0, SEEK_SET), 0);
        int want = sys_err(::lseek(c.fd, c.off, c.whence));
        ASSERT_NE(want, 0);
        ASSERT_EQ(::lseek(fd, 0, SEEK_SET), 0);
        auto r = await<std::int64_t>(
            ctx, [&](auto cb) { aio::seek(c.fd, c.off, c.whence, std::move(cb), ctx); });
        EXPECT_EQ(r.err(), want) << "whence " << c.whence << " off " << c.off;
        EXPECT_EQ(position(fd), 0);
    }
}

// A sparse file: data at [0, 4K) and [1M, 1M+4K), holes elsewhere.
TEST(Seek, DataAndHoleInSparseFile) {
    temp_dir d;
    auto fd = open_or_die(d / "sparse", O_RDWR | O_CREAT);
    std::string block(4096, 'x');
    ASSERT_EQ(::pwrite(fd, block.data(), block.size(), 0), 4096);
    ASSERT_EQ(::pwrite(fd, block.data(), block.size(), 1 << 20), 4096);
    ASSERT_EQ(::ftruncate(fd, (2 << 20)), 0);
    ASSERT_EQ(::fsync(fd), 0);
    // a filesystem without hole support reports the whole file as data
    bool holes = ::lseek(fd, 0, SEEK_HOLE) == 4096;
    if (!holes) std::printf("note: %s does not report holes\n", d.path().c_str());
    auto ref = open_or_die(d / "sparse", O_RDONLY);
    aio::context ctx;
    for (int whence : {SEEK_DATA, SEEK_HOLE})
        for (std::int64_t off : {0L, 100L, 4096L, 8192L, (1L << 20) - 1, 1L << 20,
                                 (1L << 20) + 4096, (2L << 20) - 1, 2L << 20, 3L << 20}) {
            errno = 0;
            off_t want = ::lseek(ref, off, whence);
            int want_err = want < 0 ? errno : 0;
            auto r = await<std::int64_t>(
                ctx, [&](auto cb) { aio::seek(fd, off, whence, std::move(cb), ctx); });
            std::string what = std::string(whence == SEEK_DATA ? "SEEK_DATA " : "SEEK_HOLE ") +
                               std::to_string(off);
            EXPECT_EQ(r.err(), want_err) << what;
            if (want >= 0) {
                EXPECT_EQ(r.value_or(-1), want) << what;
            }
        }
    if (holes) {
        auto r = await<std::int64_t>(
            ctx, [&](auto cb) { aio::seek(fd, 8192, SEEK_DATA, std::move(cb), ctx); });
        EXPECT_EQ(r.value_or(-1), 1 << 20);
        auto e = await<std::int64_t>(
            ctx, [&](auto cb) { aio::seek(fd, 2 << 20, SEEK_DATA, std::move(cb), ctx); });
        EXPECT_EQ(e.err(), ENXIO);
    }
}

// ---- read / write into caller buffers ---------------------------------------------

// A buffer with guard bytes on both sides, to prove nothing is written outside.
struct guarded {
    static constexpr std::size_t guard = 64;
    std::vector<char> mem;
    explicit guarded(std::size_t n, char fill = '.') : mem(n + 2 * guard, '#') {
        std::fill(mem.begin() + guard, mem.end() - guard, fill);
    }
    char* data() { return mem.data() + guard; }
    std::size_t size() const { return mem.size() - 2 * guard; }
    std::string str() { return {data(), size()}; }
    bool guards_intact() const {
        for (std::size_t i = 0; i < guard; ++i)
            if (mem[i] != '#' || mem[mem.size() - 1 - i] != '#') return false;
        return true;
    }
};

TEST(Read, ExplicitOffsetLeavesPosition) {
    temp_dir d;
    write_file(d / "f", digits);
    auto fd = open_or_die(d / "f", O_RDONLY);
    ASSERT_EQ(::lseek(fd, 3, SEEK_SET), 3);
    aio::context ctx;
    guarded buf(6);
    auto r = await<std::size_t>(
        ctx, [&](auto cb) { aio::read(fd, 7, buf.data(), 6, std::move(cb), ctx); });
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(*r, 6u);
    EXPECT_EQ(buf.str(), "789abc");
    EXPECT_TRUE(buf.guards_intact());
    EXPECT_EQ(position(fd), 3);

    // short read at the end of the file, zero bytes past it
    guarded tail(10);
    auto t = await<std::size_t>(
        ctx, [&](auto cb) { aio::read(fd, 12, tail.data(), 10, std::move(cb), ctx); });
    EXPECT_EQ(t.value_or(99), 4u);
    EXPECT_EQ(tail.str(), "cdef......");
    EXPECT_TRUE(tail.guards_intact());
    auto z = await<std::size_t>(
        ctx, [&](auto cb) { aio::read(fd, 100, tail.data(), 10, std::move(cb), ctx); });
    EXPECT_EQ(z.value_or(99), 0u);
}

TEST(Read, CurrentPositionMovesIt) {
    temp_dir d;
    write_file(d / "f", digits);
    auto fd = open_or_die(d / "f", O_RDONLY);
    ASSERT_EQ(::lseek(fd, 2, SEEK_SET), 2);
    aio::context ctx;
    guarded buf(5);
    for (const char* want : {"23456", "789ab"}) {
        auto r = await<std::size_t>(
            ctx, [&](auto cb) { aio::read(fd, std::nullopt, buf.data(), 5, std::move(cb), ctx); });
        EXPECT_EQ(r.value_or(0), 5u);
        EXPECT_EQ(buf.str(), want);
    }
    EXPECT_EQ(position(fd), 12);
    EXPECT_TRUE(buf.guards_intact());

    // a pipe has no offset: only the current-position variant works
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    unique_fd pr(p[0]), pw(p[1]);
    ASSERT_EQ(::write(pw, "pipe", 4), 4);
    auto pipe_read = await<std::size_t>(
        ctx, [&](auto cb) { aio::read(pr, std::nullopt, buf.data(), 5, std::move(cb), ctx); });
    EXPECT_EQ(pipe_read.value_or(0), 4u);
    char c;
    int want = sys_err(::pread(pr, &c, 1, 0));
    auto e = await<std::size_t>(
        ctx, [&](auto cb) { aio::read(pr, 0, buf.data(), 5, std::move(cb), ctx); });
    EXPECT_EQ(e.err(), want);
    EXPECT_EQ(e.err(), ESPIPE);
}

TEST(Read, ErrorsLikeTheSyscallAndBadBuffers) {
    temp_dir d;
    write_file(d / "f", digits);
    auto wr = open_or_die(d / "f", O_WRONLY);
    auto dir = open_or_die(d.path(), O_RDONLY | O_DIRECTORY);
    auto fd = open_or_die(d / "f", O_RDONLY);
    aio::context ctx;
    guarded buf(8);
    for (int bad : {closed_fd(), static_cast<int>(wr), static_cast<int>(dir)}) {
        for (aio::offset_t off : {aio::offset_t{}, aio::offset_t{0}}) {
            int want = sys_err(off ? ::pread(bad, buf.data(), 8, 0) : ::read(bad, buf.data(), 8));
            ASSERT_NE(want, 0);
            auto r = await<std::size_t>(
                ctx, [&](auto cb) { aio::read(bad, off, buf.data(), 8, std::move(cb), ctx); });
            EXPECT_EQ(r.err(), want) << "fd " << bad;
        }
    }
    // negative offset: pread says EINVAL
    int want = sys_err(::pread(fd, buf.data(), 8, -1));
    auto neg = await<std::size_t>(
        ctx, [&](auto cb) { aio::read(fd, -1, buf.data(), 8, std::move(cb), ctx); });
    EXPECT_EQ(neg.err(), want);
    // a null buffer: EFAULT without touching anything; a length beyond SSIZE_MAX: EINVAL
    auto null =
        await<std::size_t>(ctx, [&](auto cb) { aio::read(fd, 0, nullptr, 8, std::move(cb), ctx); });
    EXPECT_EQ(null.err(), EFAULT);
    auto huge = await<std::size_t>(ctx, [&](auto cb) {
        aio::read(fd, 0, buf.data(), std::size_t{SSIZE_MAX} + 1, std::move(cb), ctx);
    });
    EXPECT_EQ(huge.err(), EINVAL);
    auto huge2 = await<std::size_t>(ctx, [&](auto cb) {
        aio::read(fd, std::nullopt, buf.data(), SIZE_MAX, std::move(cb), ctx);
    });
    EXPECT_EQ(huge2.err(), EINVAL);
    EXPECT_EQ(buf.str(), "........");
    EXPECT_TRUE(buf.guards_intact());
    EXPECT_EQ(position(fd), 0);
    // a null buffer with length 0 is an empty read
    auto empty =
        await<std::size_t>(ctx, [&](auto cb) { aio::read(fd, 0, nullptr, 0, std::move(cb), ctx); });
    EXPECT_EQ(empty.value_or(99), 0u);
}

TEST(Write, ExplicitOffsetAndCurrentPosition) {
    temp_dir d;
    write_file(d / "f", digits);
    auto fd = open_or_die(d / "f", O_RDWR);
    ASSERT_EQ(::lseek(fd, 1, SEEK_SET), 1);
    aio::context ctx;
    auto r =
        await<std::size_t>(ctx, [&](auto cb) { aio::write(fd, 10, "XYZ", 3, std::move(cb), ctx); });
    EXPECT_EQ(r.value_or(0), 3u);
    EXPECT_EQ(position(fd), 1);
    EXPECT_EQ(aio::testing::read_file(d / "f"), "0123456789XYZdef");
    auto c = await<std::size_t>(
        ctx, [&](auto cb) { aio::write(fd, std::nullopt, "ab", 2, std::move(cb), ctx); });
    EXPECT_EQ(c.value_or(0), 2u);
    EXPECT_EQ(position(fd), 3);
    // past the end: a hole, then the data
    auto far =
        await<std::size_t>(ctx, [&](auto cb) { aio::write(fd, 20, "!", 1, std::move(cb), ctx); });
    EXPECT_EQ(far.value_or(0), 1u);
    EXPECT_EQ(aio::testing::read_file(d / "f"),
              std::string("0ab3456789XYZdef") + std::string(4, '\0') + "!");

    // O_APPEND: the current-position write goes to the end
    auto app = open_or_die(d / "f", O_WRONLY | O_APPEND);
    auto a = await<std::size_t>(
        ctx, [&](auto cb) { aio::write(app, std::nullopt, "END", 3, std::move(cb), ctx); });
    EXPECT_EQ(a.value_or(0), 3u);
    EXPECT_EQ(aio::testing::read_file(d / "f").substr(21), "END");
}

TEST(Write, ErrorsLikeTheSyscallAndBadBuffers) {
    temp_dir d;
    write_file(d / "f", digits);
    auto ro = open_or_die(d / "f", O_RDONLY);
    auto fd = open_or_die(d / "f", O_RDWR);
    aio::context ctx;
    for (int bad : {closed_fd(), static_cast<int>(ro)})
        for (aio::offset_t off : {aio::offset_t{}, aio::offset_t{0}}) {
            int want = sys_err(off ? ::pwrite(bad, "x", 1, 0) : ::write(bad, "x", 1));
            ASSERT_NE(want, 0);
            auto r = await<std::size_t>(
                ctx, [&](auto cb) { aio::write(bad, off, "x", 1, std::move(cb), ctx); });
            EXPECT_EQ(r.err(), want);
        }
    int want = sys_err(::pwrite(fd, "x", 1, -5));
    auto neg =
        await<std::size_t>(ctx, [&](auto cb) { aio::write(fd, -5, "x", 1, std::move(cb), ctx); });
    EXPECT_EQ(neg.err(), want);
    auto null = await<std::size_t>(
        ctx, [&](auto cb) { aio::write(fd, 0, nullptr, 4, std::move(cb), ctx); });
    EXPECT_EQ(null.err(), EFAULT);
    auto huge = await<std::size_t>(ctx, [&](auto cb) {
        aio::write(fd, 0, "x", std::size_t{SSIZE_MAX} + 1, std::move(cb), ctx);
    });
    EXPECT_EQ(huge.err(), EINVAL);
    EXPECT_EQ(aio::testing::read_file(d / "f"), digits);
}

// Workers block signals: writing to a pipe without a reader reports EPIPE
// instead of killing the process with SIGPIPE (as in libeio).
TEST(Write, BrokenPipeIsEPIPE) {
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    ::close(p[0]);
    unique_fd pw(p[1]);
    aio::context ctx;
    auto r = await<std::size_t>(
        ctx, [&](auto cb) { aio::write(pw, std::nullopt, "x", 1, std::move(cb), ctx); });
    EXPECT_EQ(r.err(), EPIPE);
}

// ---- read / write with an owned std::string --------------------------------------------

// Expected values are what IO::AIO 4.80's aio_read gave for the same
// arguments on the same 16-byte file (perl -MIO::AIO).
TEST(ReadOwned, GrowsAndShrinksLikeIoAio) {
    temp_dir d;
    write_file(d / "f", digits);
    auto fd = open_or_die(d / "f", O_RDONLY);
    aio::context ctx;
    struct {
        std::int64_t off;
        std::size_t len;
        std::int64_t doff;
        int err;
        std::size_t bytes;
        const char* data;
    } cases[] = {
        {0, 4, 0, 0, 4, "0123"},          {0, 4, 3, 0, 4, "XYZ0123"}, {0, 4, 5, EINVAL, 0, ""},
        {0, 4, -1, 0, 4, "XY0123"},       {0, 4, -3, 0, 4, "0123"},   {0, 4, -4, EINVAL, 0, ""},
        {14, 10, 1, 0, 2, "Xef"},         {100, 4, 1, 0, 0, "X"},     {0, 0, 1, 0, 0, "X"},
        {0, 4, INT64_MIN, EINVAL, 0, ""},
    };
    for (auto& c : cases) {
        auto r = await<aio::io_data>(
            ctx, [&](auto cb) { aio::read(fd, c.off, c.len, "XYZ", c.doff, std::move(cb), ctx); });
        std::string what = "off " + std::to_string(c.off) + " len " + std::to_string(c.len) +
                           " doff " + std::to_string(c.doff);
        EXPECT_EQ(r.err(), c.err) << what;
        if (r) {
            EXPECT_EQ(r->bytes, c.bytes) << what;
            EXPECT_EQ(r->data, c.data) << what;
        }
    }
    EXPECT_EQ(position(fd), 0);
}

TEST(ReadOwned, CurrentPositionAndErrors) {
    temp_dir d;
    write_file(d / "f", digits);
    auto fd = open_or_die(d / "f", O_RDONLY);
    ASSERT_EQ(::lseek(fd, 10, SEEK_SET), 10);
    aio::context ctx;
    auto r = await<aio::io_data>(ctx, [&](auto cb) {
        aio::read(fd, std::nullopt, 4, std::string(), 0, std::move(cb), ctx);
    });
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->data, "abcd");
    EXPECT_EQ(position(fd), 14);

    auto bad = await<aio::io_data>(ctx, [&](auto cb) {
        aio::read(closed_fd(), 0, 4, std::string("keep"), 0, std::move(cb), ctx);
    });
    EXPECT_EQ(bad.err(), EBADF);
    auto huge = await<aio::io_data>(ctx, [&](auto cb) {
        aio::read(fd, 0, std::size_t{SSIZE_MAX} + 1, std::string(), 0, std::move(cb), ctx);
    });
    EXPECT_EQ(huge.err(), EINVAL);
    // more than a std::string can hold: the buffer cannot be made
    auto nomem = await<aio::io_data>(ctx, [&](auto cb) {
        aio::read(fd, 0, std::size_t{SSIZE_MAX}, std::string(), 0, std::move(cb), ctx);
    });
    EXPECT_EQ(nomem.err(), ENOMEM);
    EXPECT_EQ(position(fd), 14);
}

// IO::AIO 4.80's aio_write gives the same results, except that it silently
// clamps a length beyond the buffer (10 -> 5, 2 at 4 -> 1) where aiopp says
// EINVAL.
TEST(WriteOwned, LengthAndDataOffset) {
    temp_dir d;
    aio::context ctx;
    struct {
        std::optional<std::size_t> len;
        std::int64_t doff;
        int err;
        const char* written;
    } cases[] = {
        {2, 0, 0, "AB"},
        {std::nullopt, 2, 0, "CDE"},
        {10, 0, EINVAL, ""},
        {2, 4, EINVAL, ""},
        {2, 6, EINVAL, ""},
        {std::nullopt, -2, 0, "DE"},
        {std::nullopt, -7, EINVAL, ""},
        {std::nullopt, 5, 0, ""},
        {0, 5, 0, ""},
        {std::nullopt, 0, 0, "ABCDE"},
        {1, -5, 0, "A"},
    };
    for (auto& c : cases) {
        write_file(d / "f", "");
        auto fd = open_or_die(d / "f", O_WRONLY);
        auto r = await<aio::io_data>(
            ctx, [&](auto cb) { aio::write(fd, 0, c.len, "ABCDE", c.doff, std::move(cb), ctx); });
        std::string what = "len " + (c.len ? std::to_string(*c.len) : "nullopt") + " doff " +
                           std::to_string(c.doff);
        EXPECT_EQ(r.err(), c.err) << what;
        if (r) {
            EXPECT_EQ(r->bytes, std::strlen(c.written)) << what;
            EXPECT_EQ(r->data, "ABCDE") << what;  // handed back unchanged
        }
        EXPECT_EQ(aio::testing::read_file(d / "f"), c.written) << what;
    }
}

TEST(WriteOwned, CurrentPositionAndErrors) {
    temp_dir d;
    write_file(d / "f", digits);
    auto fd = open_or_die(d / "f", O_RDWR);
    ASSERT_EQ(::lseek(fd, 4, SEEK_SET), 4);
    aio::context ctx;
    auto r = await<aio::io_data>(ctx, [&](auto cb) {
        aio::write(fd, std::nullopt, std::nullopt, "wxyz", 1, std::move(cb), ctx);
    });
    EXPECT_EQ(r.value_or(aio::io_data{}).bytes, 3u);
    EXPECT_EQ(position(fd), 7);
    EXPECT_EQ(aio::testing::read_file(d / "f"), "0123xyz789abcdef");
    auto ro = open_or_die(d / "f", O_RDONLY);
    int want = sys_err(::write(ro, "x", 1));
    auto e = await<aio::io_data>(ctx, [&](auto cb) {
        aio::write(ro, std::nullopt, std::nullopt, "x", 0, std::move(cb), ctx);
    });
    EXPECT_EQ(e.err(), want);
    EXPECT_EQ(e.err(), EBADF);
}

// ---- readahead ----------------------------------------------------------------------------

TEST(Readahead, LikeTheSyscall) {
    temp_dir d;
    write_file(d / "f", std::string(100000, 'r'));
    auto fd = open_or_die(d / "f", O_RDONLY);
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    unique_fd pr(p[0]), pw(p[1]);
    ASSERT_EQ(::lseek(fd, 7, SEEK_SET), 7);
    aio::context ctx;
    struct {
        int fd;
        std::int64_t off;
        std::size_t len;
    } cases[] = {
        {fd, 0, 100000}, {fd, 4097, 10}, {fd, 1 << 30, 100}, {pr, 0, 100}, {closed_fd(), 0, 100}};
    for (auto& c : cases) {
        int want = sys_err(::readahead(c.fd, c.off, c.len));
        auto r = await<void>(
            ctx, [&](auto cb) { aio::readahead(c.fd, c.off, c.len, std::move(cb), ctx); });
        EXPECT_EQ(r.err(), want) << "fd " << c.fd << " off " << c.off;
    }
    EXPECT_EQ(position(fd), 7);
}

// ---- sync family ----------------------------------------------------------------------------

TEST(Sync, SyncSucceeds) {
    aio::context ctx;
    auto r = await<void>(ctx, [&](auto cb) { aio::sync(std::move(cb), ctx); });
    EXPECT_TRUE(r) << r.error().message();
}

// Each fd-based sync call, on a regular file (success) and on descriptors the
// syscall rejects, compared with the syscall (fdatasync: with its fsync
// fallback, which gives the same answers on these descriptors).
TEST(Sync, FdCallsLikeTheSyscalls) {
    temp_dir d;
    write_file(d / "f", digits);
    auto fd = open_or_die(d / "f", O_RDWR);
    auto ro = open_or_die(d / "f", O_RDONLY);
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    unique_fd pr(p[0]), pw(p[1]);
    int fds[] = {fd, ro, pr, closed_fd()};
    aio::context ctx;
    for (int f : fds) {
        std::string what = "fd " + std::to_string(f);
        int want = sys_err(::fsync(f));
        auto r = await<void>(ctx, [&](auto cb) { aio::fsync(f, std::move(cb), ctx); });
        EXPECT_EQ(r.err(), want) << "fsync " << what;

        want = sys_err(::fdatasync(f));
        r = await<void>(ctx, [&](auto cb) { aio::fdatasync(f, std::move(cb), ctx); });
        EXPECT_EQ(r.err(), want) << "fdatasync " << what;

        want = sys_err(::syncfs(f));
        r = await<void>(ctx, [&](auto cb) { aio::syncfs(f, std::move(cb), ctx); });
        EXPECT_EQ(r.err(), want) << "syncfs " << what;

        for (unsigned flags : {0u, unsigned{SYNC_FILE_RANGE_WRITE},
                               unsigned{SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                        SYNC_FILE_RANGE_WAIT_AFTER},
                               0x100u}) {
            want = sys_err(::sync_file_range(f, 0, 0, flags));
            r = await<void>(
                ctx, [&](auto cb) { aio::sync_file_range(f, 0, 0, flags, std::move(cb), ctx); });
            EXPECT_EQ(r.err(), want) << "sync_file_range " << what << " flags " << flags;
        }
        want = sys_err(::sync_file_range(f, -1, 10, 0));
        r = await<void>(ctx,
                        [&](auto cb) { aio::sync_file_range(f, -1, 10, 0, std::move(cb), ctx); });
        EXPECT_EQ(r.err(), want) << "sync_file_range negative offset " << what;
    }
    // the expected answers themselves, so the comparison above is not vacuous
    EXPECT_EQ(sys_err(::fsync(pr)), EINVAL);
    EXPECT_EQ(sys_err(::sync_file_range(pr, 0, 0, 0)), ESPIPE);
    EXPECT_EQ(sys_err(::fsync(fds[3])), EBADF);
}

// ---- fallbacks for missing syscalls ------------------------------------------------------

// In a child whose seccomp filter makes readahead, syncfs, fdatasync,
// sync_file_range and sendfile fail with ENOSYS: readahead reads instead,
// syncfs syncs everything and still says ENOSYS, fdatasync falls back to
// fsync, sync_file_range to fdatasync (-> fsync), sendfile to pread + write.
TEST(Fallback, MissingSyscallsAreEmulated) {
    if (!aio::testing::can_deny_syscalls) GTEST_SKIP() << "no seccomp filter for this architecture";
    temp_dir d;
    write_file(d / "in", digits);
    std::string in_path = d / "in", out_path = d / "out";
    std::string msg = aio::testing::in_child([&]() -> std::string {
        aio::testing::child_checks ck;
        if (!aio::testing::deny_syscalls(
                {SYS_readahead, SYS_syncfs, SYS_fdatasync, SYS_sync_file_range, SYS_sendfile}))
            return "cannot install the seccomp filter";
        int in = ::open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
        int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        int pipefd[2];
        if (in < 0 || out < 0 || ::pipe2(pipefd, O_CLOEXEC) < 0) return "setup failed";
        ck.expect_err(sys_err(::readahead(in, 0, 10)), ENOSYS, "filter: readahead");
        ck.expect_err(sys_err(::fdatasync(out)), ENOSYS, "filter: fdatasync");

        aio::context ctx;
        auto ra = await<void>(ctx, [&](auto cb) { aio::readahead(in, 0, 10, std::move(cb), ctx); });
        ck.expect_err(ra.err(), 0, "readahead emulated");
        auto ra_bad = await<void>(ctx, [&](auto cb) {
            aio::readahead(out, 0, 10, std::move(cb), ctx);  // write-only: pread says EBADF
        });
        ck.expect_err(ra_bad.err(), EBADF, "readahead emulated, write-only fd");
        auto ra_pipe = await<void>(
            ctx, [&](auto cb) { aio::readahead(pipefd[0], 0, 10, std::move(cb), ctx); });
        ck.expect_err(ra_pipe.err(), ESPIPE, "readahead emulated, pipe");

        auto sfs = await<void>(ctx, [&](auto cb) { aio::syncfs(out, std::move(cb), ctx); });
        ck.expect_err(sfs.err(), ENOSYS, "syncfs without the syscall");

        auto fds = await<void>(ctx, [&](auto cb) { aio::fdatasync(out, std::move(cb), ctx); });
        ck.expect_err(fds.err(), 0, "fdatasync -> fsync");
        auto fds_pipe =
            await<void>(ctx, [&](auto cb) { aio::fdatasync(pipefd[0], std::move(cb), ctx); });
        ck.expect_err(fds_pipe.err(), EINVAL, "fdatasync -> fsync on a pipe");

        auto sfr = await<void>(ctx, [&](auto cb) {
            aio::sync_file_range(out, 0, 0, SYNC_FILE_RANGE_WRITE, std::move(cb), ctx);
        });
        ck.expect_err(sfr.err(), 0, "sync_file_range -> fdatasync");
        auto sfr_bad = await<void>(
            ctx, [&](auto cb) { aio::sync_file_range(closed_fd(), 0, 0, 0, std::move(cb), ctx); });
        ck.expect_err(sfr_bad.err(), EBADF, "sync_file_range -> fdatasync, bad fd");

        ::lseek(in, 1, SEEK_SET);
        auto sf = await<std::size_t>(
            ctx, [&](auto cb) { aio::sendfile(out, in, 4, 100, std::move(cb), ctx); });
        ck.expect_err(sf.err(), 0, "sendfile emulated");
        ck.expect(sf.value_or(0) == 12, "sendfile emulated: 12 bytes");
        ck.expect(::lseek(in, 0, SEEK_CUR) == 1, "sendfile emulated: in offset unchanged");
        ck.expect(::lseek(out, 0, SEEK_CUR) == 12, "sendfile emulated: out offset moved");
        ck.expect(aio::testing::read_file(out_path) == digits.substr(4),
                  "sendfile emulated: contents");
        ::close(in);
        ::close(out);
        ::close(pipefd[0]);
        ::close(pipefd[1]);
        return ck.failures;
    });
    EXPECT_EQ(msg, "");
}

}  // namespace
