// sendfile: native sendfile(2) (file -> socket, file -> pipe, file -> file)
// and the pread + write emulation (file -> O_APPEND file, which sendfile(2)
// refuses with EINVAL). Every case checks the bytes that arrived, that the
// output descriptor's position moved, that the input's did not, and that
// aio::sendfile and the synchronous aio::sys::sendfile agree.
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <climits>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "aio/sys_sendfile.hpp"
#include "file_support.hpp"

namespace {

using aio::testing::await;
using aio::testing::closed_fd;
using aio::testing::open_or_die;
using aio::testing::read_file;
using aio::testing::temp_dir;
using aio::testing::unique_fd;
using aio::testing::write_file;

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    std::uint32_t x = 12345;
    for (auto& c : s) {
        x = x * 1103515245 + 12345;
        c = static_cast<char>(x >> 16);
    }
    return s;
}

std::int64_t position(int fd) {
    return ::lseek(fd, 0, SEEK_CUR);
}

aio::result<std::size_t> send(aio::context& ctx, int out, int in, std::int64_t off,
                              std::size_t len) {
    return await<std::size_t>(
        ctx, [&](auto cb) { aio::sendfile(out, in, off, len, std::move(cb), ctx); });
}

// Read exactly n bytes (or up to EOF / EAGAIN) from a socket or pipe.
std::string drain(int fd, std::size_t n) {
    std::string s;
    char buf[65536];
    while (s.size() < n) {
        ssize_t got = ::read(fd, buf, std::min(sizeof buf, n - s.size()));
        if (got <= 0) break;
        s.append(buf, static_cast<std::size_t>(got));
    }
    return s;
}

struct socket_pair {
    unique_fd a, b;
    socket_pair() {
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0) {
            a.reset(sv[0]);
            b.reset(sv[1]);
        }
    }
};

TEST(Sendfile, FileToFileStartsAtOffsetWritesAtPosition) {
    temp_dir d;
    std::string data = pattern(100000);
    write_file(d / "in", data);
    write_file(d / "out", "___");
    write_file(d / "ref", "___");
    auto in = open_or_die(d / "in", O_RDONLY);
    auto out = open_or_die(d / "out", O_WRONLY);
    auto ref = open_or_die(d / "ref", O_WRONLY);
    ASSERT_EQ(::lseek(in, 5, SEEK_SET), 5);
    ASSERT_EQ(::lseek(out, 3, SEEK_SET), 3);
    ASSERT_EQ(::lseek(ref, 3, SEEK_SET), 3);
    aio::context ctx;
    auto r = send(ctx, out, in, 2, 70000);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(*r, 70000u);
    EXPECT_EQ(position(out), 70003);
    EXPECT_EQ(position(in), 5);
    EXPECT_EQ(read_file(d / "out"), "___" + data.substr(2, 70000));
    // the synchronous function: same result
    EXPECT_EQ(aio::sys::sendfile(ref, in, 2, 70000), 70000);
    EXPECT_EQ(read_file(d / "ref"), read_file(d / "out"));
    // and this pair is one the kernel's sendfile accepts (the native path)
    off_t off = 0;
    EXPECT_EQ(::sendfile(ref, in, &off, 1), 1);
}

TEST(Sendfile, AppendOnlyOutputIsEmulated) {
    temp_dir d;
    std::string data = pattern(200000);  // several rounds of the copy buffer
    write_file(d / "in", data);
    write_file(d / "out", "HDR");
    auto in = open_or_die(d / "in", O_RDONLY);
    auto out = open_or_die(d / "out", O_WRONLY | O_APPEND);
    off_t off = 0;
    ASSERT_EQ(::sendfile(out, in, &off, 10), -1);
    ASSERT_EQ(errno, EINVAL) << "the kernel accepts O_APPEND now: this test no longer "
                                "reaches the emulation";
    ASSERT_EQ(::lseek(in, 11, SEEK_SET), 11);
    aio::context ctx;
    auto r = send(ctx, out, in, 7, 150000);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(*r, 150000u);
    EXPECT_EQ(position(in), 11);
    EXPECT_EQ(position(out), 150003);
    EXPECT_EQ(read_file(d / "out"), "HDR" + data.substr(7, 150000));
    // past the end of the input: what is there
    auto tail = send(ctx, out, in, 199990, 100);
    EXPECT_EQ(tail.value_or(0), 10u);
    EXPECT_EQ(aio::sys::sendfile(out, in, 199990, 100), 10);
    EXPECT_EQ(read_file(d / "out"),
              "HDR" + data.substr(7, 150000) + data.substr(199990) + data.substr(199990));
}

TEST(Sendfile, FileToSocketIsNative) {
    temp_dir d;
    std::string data = pattern(60000);
    write_file(d / "in", data);
    auto in = open_or_die(d / "in", O_RDONLY);
    socket_pair sp;
    ASSERT_GE(sp.a.get(), 0);
    int sndbuf = 1 << 20;
    ::setsockopt(sp.a, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    aio::context ctx;
    auto r = send(ctx, sp.a, in, 1000, 40000);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(*r, 40000u);
    EXPECT_EQ(drain(sp.b, 40000), data.substr(1000, 40000));
    EXPECT_EQ(position(in), 0);
    EXPECT_EQ(aio::sys::sendfile(sp.a, in, 59000, 5000), 1000);
    EXPECT_EQ(drain(sp.b, 1000), data.substr(59000));
    off_t off = 0;
    EXPECT_EQ(::sendfile(sp.a, in, &off, 1), 1);  // native path
}

TEST(Sendfile, FileToPipe) {
    temp_dir d;
    std::string data = pattern(30000);
    write_file(d / "in", data);
    auto in = open_or_die(d / "in", O_RDONLY);
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    unique_fd pr(p[0]), pw(p[1]);
    ASSERT_GE(::fcntl(pw, F_SETPIPE_SZ, 1 << 16), 30000);
    aio::context ctx;
    auto r = send(ctx, pw, in, 0, 30000);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(*r, 30000u);
    EXPECT_EQ(drain(pr, 30000), data);
}

// A non-blocking socket that fills up: the bytes that went are reported; with
// nothing sent at all the error is EAGAIN.
TEST(Sendfile, NonBlockingOutputReturnsPartialCount) {
    temp_dir d;
    std::string data = pattern(4 << 20);
    write_file(d / "in", data);
    auto in = open_or_die(d / "in", O_RDONLY);
    socket_pair sp;
    ASSERT_GE(sp.a.get(), 0);
    ASSERT_EQ(::fcntl(sp.a, F_SETFL, O_NONBLOCK), 0);
    aio::context ctx;
    auto r = send(ctx, sp.a, in, 0, data.size());
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_GT(*r, 0u);
    EXPECT_LT(*r, data.size());
    auto again = send(ctx, sp.a, in, static_cast<std::int64_t>(*r), data.size() - *r);
    EXPECT_EQ(again.err(), EAGAIN);
    ASSERT_EQ(::fcntl(sp.b, F_SETFL, O_NONBLOCK), 0);
    EXPECT_EQ(drain(sp.b, data.size()), data.substr(0, *r));
}

// The same through the emulation: a non-blocking socket with O_APPEND (which
// sendfile(2) refuses) takes a short write, then EAGAIN.
TEST(Sendfile, EmulationStopsAtShortWrite) {
    temp_dir d;
    std::string data = pattern(4 << 20);
    write_file(d / "in", data);
    auto in = open_or_die(d / "in", O_RDONLY);
    socket_pair sp;
    ASSERT_GE(sp.a.get(), 0);
    ASSERT_EQ(::fcntl(sp.a, F_SETFL, O_NONBLOCK | O_APPEND), 0);
    off_t off = 0;
    if (::sendfile(sp.a, in, &off, 1) != -1 || errno != EINVAL)
        GTEST_SKIP() << "the kernel sends to an O_APPEND socket: no emulation to test";
    aio::context ctx;
    auto r = send(ctx, sp.a, in, 0, data.size());
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_GT(*r, 0u);
    EXPECT_LT(*r, data.size());
    auto again = send(ctx, sp.a, in, static_cast<std::int64_t>(*r), data.size() - *r);
    EXPECT_EQ(again.err(), EAGAIN);
    ASSERT_EQ(::fcntl(sp.b, F_SETFL, O_NONBLOCK), 0);
    EXPECT_EQ(drain(sp.b, data.size()), data.substr(0, *r));
}

TEST(Sendfile, EndOfInputAndZeroLength) {
    temp_dir d;
    write_file(d / "in", "0123456789");
    write_file(d / "out", "");
    auto in = open_or_die(d / "in", O_RDONLY);
    auto out = open_or_die(d / "out", O_WRONLY);
    aio::context ctx;
    EXPECT_EQ(send(ctx, out, in, 10, 5).value_or(99), 0u);
    EXPECT_EQ(send(ctx, out, in, 1000, 5).value_or(99), 0u);
    EXPECT_EQ(send(ctx, out, in, 0, 0).value_or(99), 0u);
    EXPECT_EQ(send(ctx, out, in, 8, 100).value_or(99), 2u);
    EXPECT_EQ(read_file(d / "out"), "89");
}

// Errors: the same from aio::sendfile, aio::sys::sendfile and, where the
// kernel's sendfile gets to say it, from sendfile(2) itself.
TEST(Sendfile, Errors) {
    temp_dir d;
    write_file(d / "in", "0123456789");
    write_file(d / "out", "");
    auto in = open_or_die(d / "in", O_RDONLY);
    auto out = open_or_die(d / "out", O_WRONLY);
    auto in_wronly = open_or_die(d / "in", O_WRONLY);
    auto out_rdonly = open_or_die(d / "out", O_RDONLY);
    auto dir = open_or_die(d.path(), O_RDONLY | O_DIRECTORY);
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    unique_fd pr(p[0]), pw(p[1]);
    aio::context ctx;
    struct {
        const char* what;
        int out, in;
        std::int64_t off;
        std::size_t len;
        int err;
        bool native;  // sendfile(2) reports this error itself
    } cases[] = {
        {"closed out", closed_fd(), in, 0, 5, EBADF, true},
        {"closed in", out, closed_fd(), 0, 5, EBADF, true},
        {"read-only out", out_rdonly, in, 0, 5, EBADF, true},
        {"write-only in", out, in_wronly, 0, 5, EBADF, true},
        {"directory in", out, dir, 0, 5, EISDIR, false},
        {"negative offset", out, in, -1, 5, EINVAL, true},
        {"length beyond SSIZE_MAX", out, in, 0, std::size_t{SSIZE_MAX} + 1, EINVAL, false},
        {"pipe in", out, pr, 0, 5, ESPIPE, false},
    };
    for (auto& c : cases) {
        auto r = send(ctx, c.out, c.in, c.off, c.len);
        EXPECT_EQ(r.err(), c.err) << c.what;
        errno = 0;
        EXPECT_EQ(aio::sys::sendfile(c.out, c.in, c.off, c.len), -1) << c.what;
        EXPECT_EQ(errno, c.err) << c.what;
        if (c.native) {
            off_t off = c.off;
            EXPECT_EQ(::sendfile(c.out, c.in, &off, c.len), -1) << c.what;
            EXPECT_EQ(errno, c.err) << c.what;
        }
    }
    EXPECT_EQ(read_file(d / "out"), "");
}

}  // namespace
