// Control: fcntl (integer and pointer arguments), ioctl, allocate (every
// fallocate mode) and fiemap, each compared with the synchronous syscall.
// allocate and fiemap need a filesystem that supports them ($TMPDIR or /tmp;
// ext4 here): where it answers EOPNOTSUPP the test is skipped and says why.
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "file_support.hpp"

namespace {

using aio::testing::await;
using aio::testing::closed_fd;
using aio::testing::open_or_die;
using aio::testing::read_file;
using aio::testing::temp_dir;
using aio::testing::unique_fd;
using aio::testing::write_file;

int sys_err(long long rc) {
    return rc < 0 ? errno : 0;
}

std::string fs_name(const std::string& path) {
    std::string out;
    aio::testing::run("df -T " + aio::testing::shell_quote(path) + " | awk 'NR==2{print $2}'",
                      &out);
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out.empty() ? "unknown" : out;
}

// ---- fcntl --------------------------------------------------------------------

TEST(Fcntl, IntegerCommandsLikeFcntl) {
    temp_dir d;
    write_file(d / "f", "x");
    auto fd = open_or_die(d / "f", O_RDONLY);
    aio::context ctx;
    auto call = [&](int f, int cmd, long arg) {
        return await<int>(ctx, [&](auto cb) { aio::fcntl(f, cmd, arg, std::move(cb), ctx); });
    };
    auto fl = call(fd, F_GETFL, 0);
    EXPECT_EQ(fl.value_or(-1), ::fcntl(fd, F_GETFL));
    EXPECT_EQ(call(fd, F_SETFL, O_NONBLOCK).value_or(-1), 0);
    EXPECT_TRUE(::fcntl(fd, F_GETFL) & O_NONBLOCK);
    EXPECT_EQ(call(fd, F_SETFD, 0).value_or(-1), 0);
    EXPECT_EQ(::fcntl(fd, F_GETFD), 0);
    EXPECT_EQ(call(fd, F_GETFD, 0).value_or(-1), 0);

    auto dup = call(fd, F_DUPFD_CLOEXEC, 200);
    ASSERT_TRUE(dup) << dup.error().message();
    unique_fd dfd(*dup);
    EXPECT_GE(*dup, 200);
    EXPECT_EQ(::fcntl(dfd, F_GETFD), FD_CLOEXEC);
    ASSERT_EQ(::lseek(fd, 1, SEEK_SET), 1);
    EXPECT_EQ(::lseek(dfd, 0, SEEK_CUR), 1);  // one open file description

    struct {
        int fd, cmd;
        long arg;
    } bad[] = {{closed_fd(), F_GETFL, 0}, {fd, 99999, 0}, {fd, F_DUPFD, -1}, {fd, F_SETSIG, -1}};
    for (auto& b : bad) {
        int want = sys_err(::fcntl(b.fd, b.cmd, b.arg));
        ASSERT_NE(want, 0);
        EXPECT_EQ(call(b.fd, b.cmd, b.arg).err(), want) << "cmd " << b.cmd;
    }
}

// Open-file-description locks conflict between two opens of one file even in
// one process, so the pointer variant can be checked without a second process.
TEST(Fcntl, PointerCommandsWithOfdLocks) {
    temp_dir d;
    write_file(d / "f", "0123456789");
    auto a = open_or_die(d / "f", O_RDWR);
    auto b = open_or_die(d / "f", O_RDWR);
    aio::context ctx;
    auto call = [&](int f, int cmd, void* arg) {
        return await<int>(ctx, [&](auto cb) { aio::fcntl(f, cmd, arg, std::move(cb), ctx); });
    };
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = 0;
    lock.l_len = 10;
    EXPECT_EQ(call(a, F_OFD_SETLK, &lock).value_or(-1), 0);

    struct flock query {};
    query.l_type = F_RDLCK;
    query.l_whence = SEEK_SET;
    query.l_len = 5;
    EXPECT_EQ(call(b, F_OFD_GETLK, &query).value_or(-1), 0);
    EXPECT_EQ(query.l_type, F_WRLCK);
    EXPECT_EQ(query.l_pid, -1);
    EXPECT_EQ(query.l_len, 10);

    struct flock conflict = lock;
    struct flock conflict2 = lock;
    int want = sys_err(::fcntl(b, F_OFD_SETLK, &conflict2));
    EXPECT_EQ(want, EAGAIN);
    EXPECT_EQ(call(b, F_OFD_SETLK, &conflict).err(), want);

    struct flock invalid = lock;
    invalid.l_type = 12345;
    struct flock invalid2 = invalid;
    want = sys_err(::fcntl(b, F_OFD_SETLK, &invalid2));
    EXPECT_EQ(call(b, F_OFD_SETLK, &invalid).err(), want);
    EXPECT_EQ(want, EINVAL);

    // bad pointers and descriptors: the kernel's EFAULT / EBADF
    want = sys_err(::fcntl(b, F_OFD_GETLK, static_cast<void*>(nullptr)));
    EXPECT_EQ(want, EFAULT);
    EXPECT_EQ(call(b, F_OFD_GETLK, nullptr).err(), want);
    EXPECT_EQ(call(closed_fd(), F_OFD_GETLK, &query).err(), EBADF);

    f_owner_ex owner{};
    EXPECT_EQ(call(a, F_GETOWN_EX, &owner).value_or(-1), 0);
    f_owner_ex owner2{};
    ASSERT_EQ(::fcntl(a, F_GETOWN_EX, &owner2), 0);
    EXPECT_EQ(owner.type, owner2.type);
    EXPECT_EQ(owner.pid, owner2.pid);
}

// ---- ioctl ------------------------------------------------------------------------

TEST(Ioctl, LikeIoctl) {
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    unique_fd pr(p[0]), pw(p[1]);
    ASSERT_EQ(::write(pw, "hello", 5), 5);
    aio::context ctx;
    auto call = [&](int f, unsigned long req, void* arg) {
        return await<int>(ctx, [&](auto cb) { aio::ioctl(f, req, arg, std::move(cb), ctx); });
    };
    int n = -1;
    EXPECT_EQ(call(pr, FIONREAD, &n).value_or(-1), 0);
    EXPECT_EQ(n, 5);

    temp_dir d;
    write_file(d / "f", "x");
    auto fd = open_or_die(d / "f", O_RDONLY);
    int flags = 0, flags2 = 0;
    int want = sys_err(::ioctl(fd, FS_IOC_GETFLAGS, &flags2));
    auto r = call(fd, FS_IOC_GETFLAGS, &flags);
    EXPECT_EQ(r.err(), want);
    EXPECT_EQ(flags, flags2);

    termios t{};
    want = sys_err(::ioctl(fd, TCGETS, &t));
    EXPECT_EQ(want, ENOTTY);
    EXPECT_EQ(call(fd, TCGETS, &t).err(), want);
    EXPECT_EQ(call(closed_fd(), FIONREAD, &n).err(), EBADF);
    want = sys_err(::ioctl(pr, FIONREAD, nullptr));
    EXPECT_EQ(want, EFAULT);
    EXPECT_EQ(call(pr, FIONREAD, nullptr).err(), want);
}

// ---- allocate -------------------------------------------------------------------

struct file_state {
    std::string data;
    off_t size = 0;
    blkcnt_t blocks = 0;
    friend bool operator==(const file_state&, const file_state&) = default;
};

file_state state_of(const std::string& path) {
    struct stat st {};
    ::stat(path.c_str(), &st);
    return {read_file(path), st.st_size, st.st_blocks};
}

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
    return s;
}

// Each mode applied to twin files, one with aio::allocate, one with
// fallocate(2): same result, same contents, size and allocated blocks.
TEST(Allocate, EveryModeLikeFallocate) {
    temp_dir d;
    constexpr off_t K = 1024;
    struct {
        const char* name;
        int mode;
        off_t off, len;
        bool error = false;  // the kernel rejects it
    } cases[] = {
        {"0 (extend)", 0, 256 * K, 64 * K},
        {"KEEP_SIZE", FALLOC_FL_KEEP_SIZE, 256 * K, 128 * K},
        {"PUNCH_HOLE|KEEP_SIZE", FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 64 * K, 64 * K},
        {"PUNCH_HOLE|KEEP_SIZE unaligned", FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 1000, 5000},
        {"COLLAPSE_RANGE", FALLOC_FL_COLLAPSE_RANGE, 64 * K, 64 * K},
        {"ZERO_RANGE", FALLOC_FL_ZERO_RANGE, 3000, 70000},
        {"ZERO_RANGE|KEEP_SIZE past the end", FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 200 * K,
         100 * K},
        // errors
        {"PUNCH_HOLE without KEEP_SIZE", FALLOC_FL_PUNCH_HOLE, 0, 4 * K, true},
        {"COLLAPSE_RANGE unaligned", FALLOC_FL_COLLAPSE_RANGE, 1000, 4 * K, true},
        {"COLLAPSE_RANGE to the end", FALLOC_FL_COLLAPSE_RANGE, 128 * K, 128 * K, true},
        {"zero length", 0, 0, 0, true},
        {"negative offset", 0, -4096, 4096, true},
        {"negative length", 0, 0, -1, true},
        {"unknown mode", 0x4000000, 0, 4096, true},
    };
    std::string content = pattern(256 * K);
    aio::context ctx;
    std::string skipped;
    for (auto& c : cases) {
        write_file(d / "a", content);
        write_file(d / "b", content);
        auto a = open_or_die(d / "a", O_RDWR);
        auto b = open_or_die(d / "b", O_RDWR);
        ASSERT_EQ(::fsync(a), 0);
        ASSERT_EQ(::fsync(b), 0);
        int want = sys_err(::fallocate(b, c.mode, c.off, c.len));
        auto r = await<void>(
            ctx, [&](auto cb) { aio::allocate(a, c.mode, c.off, c.len, std::move(cb), ctx); });
        EXPECT_EQ(r.err(), want) << c.name;
        if (c.error) {
            EXPECT_NE(want, 0) << c.name << ": the kernel accepted it";
        } else if (want == EOPNOTSUPP) {
            skipped += std::string(" ") + c.name;
            continue;
        } else {
            EXPECT_EQ(want, 0) << c.name << ": " << std::strerror(want);
        }
        EXPECT_EQ(state_of(d / "a"), state_of(d / "b")) << c.name;
    }
    // the cases that change the file did change it (not a comparison of no-ops)
    write_file(d / "a", content);
    auto a = open_or_die(d / "a", O_RDWR);
    auto r = await<void>(
        ctx, [&](auto cb) { aio::allocate(a, 0, 256 * K, 64 * K, std::move(cb), ctx); });
    EXPECT_TRUE(r);
    EXPECT_EQ(state_of(d / "a").size, 320 * K);
    if (!skipped.empty())
        std::printf("note: %s (%s) does not support:%s (EOPNOTSUPP, compared errno only)\n",
                    d.path().c_str(), fs_name(d.path()).c_str(), skipped.c_str());
}

TEST(Allocate, PunchHoleMakesAHole) {
    temp_dir d;
    write_file(d / "f", pattern(256 * 1024));
    auto fd = open_or_die(d / "f", O_RDWR);
    ASSERT_EQ(::fsync(fd), 0);
    aio::context ctx;
    auto r = await<void>(ctx, [&](auto cb) {
        aio::allocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 64 * 1024, 64 * 1024,
                      std::move(cb), ctx);
    });
    if (r.err() == EOPNOTSUPP)
        GTEST_SKIP() << fs_name(d.path()) << " does not support FALLOC_FL_PUNCH_HOLE";
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(::lseek(fd, 0, SEEK_HOLE), 64 * 1024);
    EXPECT_EQ(::lseek(fd, 64 * 1024, SEEK_DATA), 128 * 1024);
    std::string data = read_file(d / "f");
    EXPECT_EQ(data.size(), 256u * 1024);
    EXPECT_EQ(data.substr(64 * 1024, 64 * 1024), std::string(64 * 1024, '\0'));
}

TEST(Allocate, DescriptorErrors) {
    temp_dir d;
    write_file(d / "f", "x");
    auto ro = open_or_die(d / "f", O_RDONLY);
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    unique_fd pr(p[0]), pw(p[1]);
    aio::context ctx;
    for (int fd : {static_cast<int>(ro), static_cast<int>(pw), closed_fd()}) {
        int want = sys_err(::fallocate(fd, 0, 0, 4096));
        ASSERT_NE(want, 0);
        auto r =
            await<void>(ctx, [&](auto cb) { aio::allocate(fd, 0, 0, 4096, std::move(cb), ctx); });
        EXPECT_EQ(r.err(), want) << "fd " << fd;
    }
}

// ---- fiemap ---------------------------------------------------------------------------

// One raw FS_IOC_FIEMAP call with room for `room` extents.
struct raw_fiemap {
    int err = 0;
    std::uint32_t mapped = 0;
    std::vector<aio::extent> extents;
};

raw_fiemap fiemap_raw(int fd, std::uint64_t start, std::uint64_t len, std::uint32_t flags,
                      std::uint32_t room) {
    std::vector<unsigned char> buf(sizeof(fiemap) + room * sizeof(fiemap_extent));
    auto* fm = reinterpret_cast<fiemap*>(buf.data());
    fm->fm_start = start;
    fm->fm_length = len;
    fm->fm_flags = flags;
    fm->fm_extent_count = room;
    raw_fiemap out;
    if (::ioctl(fd, FS_IOC_FIEMAP, fm) < 0) {
        out.err = errno;
        return out;
    }
    out.mapped = fm->fm_mapped_extents;
    for (std::uint32_t i = 0; room && i < fm->fm_mapped_extents; ++i)
        out.extents.push_back({fm->fm_extents[i].fe_logical, fm->fm_extents[i].fe_physical,
                               fm->fm_extents[i].fe_length, fm->fm_extents[i].fe_flags});
    return out;
}

// One fragmented file shared by the Fiemap tests (building it takes a moment).
class Fiemap : public ::testing::Test {
  protected:
    static constexpr int blocks = 600;  // more extents than aio asks for per call (256)
    static void SetUpTestSuite() {
        dir_ = new temp_dir;
        // 4 KiB of data every 8 KiB: one extent per block, holes between
        int fd = ::open((*dir_ / "frag").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        std::string block(4096, 'f');
        for (int i = 0; fd >= 0 && i < blocks; ++i)
            if (::pwrite(fd, block.data(), block.size(), off_t{i} * 8192) != 4096) break;
        if (fd >= 0) ::close(fd);
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    void SetUp() override {
        fd_ = open_or_die(*dir_ / "frag", O_RDONLY);
        struct stat st {};
        ASSERT_EQ(::fstat(fd_, &st), 0);
        ASSERT_EQ(st.st_size, off_t{blocks - 1} * 8192 + 4096);
        all_ = fiemap_raw(fd_, 0, FIEMAP_MAX_OFFSET, FIEMAP_FLAG_SYNC, 4 * blocks);
        if (all_.err == EOPNOTSUPP)
            GTEST_SKIP() << fs_name(dir_->path()) << " does not support FIEMAP (EOPNOTSUPP)";
        ASSERT_EQ(all_.err, 0) << std::strerror(all_.err);
    }
    aio::result<aio::fiemap_t> call(std::uint64_t start, std::optional<std::uint64_t> len,
                                    std::uint32_t flags, std::optional<std::uint32_t> count,
                                    int fd = -2) {
        return await<aio::fiemap_t>(ctx_, [&](auto cb) {
            aio::fiemap(fd == -2 ? fd_.get() : fd, start, len, flags, count, std::move(cb), ctx_);
        });
    }
    static temp_dir* dir_;
    unique_fd fd_;
    raw_fiemap all_;
    aio::context ctx_;
};

temp_dir* Fiemap::dir_ = nullptr;

TEST_F(Fiemap, AllExtentsMatchOneLargeRawCall) {
    ASSERT_GT(all_.extents.size(), 256u) << "the file did not fragment: the chunked loop is "
                                            "not exercised";
    auto r = call(0, std::nullopt, FIEMAP_FLAG_SYNC, std::nullopt);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->count, r->extents.size());
    EXPECT_EQ(r->extents, all_.extents);
    ASSERT_FALSE(r->extents.empty());
    EXPECT_TRUE(r->extents.back().flags & FIEMAP_EXTENT_LAST);
}

TEST_F(Fiemap, CountZeroCountsAndCountLimits) {
    auto n = call(0, std::nullopt, 0, 0u);
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_TRUE(n->extents.empty());
    EXPECT_EQ(n->count, fiemap_raw(fd_, 0, FIEMAP_MAX_OFFSET, 0, 0).mapped);
    EXPECT_EQ(n->count, all_.extents.size());

    for (std::uint32_t limit : {1u, 10u, 300u}) {
        auto r = call(0, std::nullopt, 0, limit);
        ASSERT_TRUE(r) << r.error().message();
        ASSERT_EQ(r->extents.size(), limit);
        EXPECT_EQ(r->count, limit);
        EXPECT_TRUE(std::equal(r->extents.begin(), r->extents.end(), all_.extents.begin()));
    }
    auto more = call(0, std::nullopt, 0, 100000u);
    EXPECT_EQ(more.value_or(aio::fiemap_t{}).extents, all_.extents);
}

TEST_F(Fiemap, RangeMatchesRawCall) {
    struct {
        std::uint64_t start;
        std::optional<std::uint64_t> len;
    } ranges[] = {{1 << 20, 256 * 1024},     {1000, 5000},     {4096, 1}, {1 << 20, std::nullopt},
                  {100 << 20, std::nullopt}, {100 << 20, 4096}};
    for (auto& rg : ranges) {
        auto raw = fiemap_raw(fd_, rg.start, rg.len.value_or(FIEMAP_MAX_OFFSET), 0, 4 * blocks);
        ASSERT_EQ(raw.err, 0);
        auto r = call(rg.start, rg.len, 0, std::nullopt);
        ASSERT_TRUE(r) << r.error().message();
        EXPECT_EQ(r->extents, raw.extents) << "start " << rg.start;
    }
}

// e2fsprogs' filefrag reads the same ioctl: its extent list (logical offset
// and length in blocks) must be ours.
TEST_F(Fiemap, AgreesWithFilefrag) {
    std::string out;
    if (aio::testing::run(
            "filefrag -v -b4096 " + aio::testing::shell_quote(*dir_ / "frag") + " 2>/dev/null",
            &out) != 0)
        GTEST_SKIP() << "filefrag (e2fsprogs) not available";
    std::vector<std::pair<std::uint64_t, std::uint64_t>> theirs;  // logical block, blocks
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        unsigned idx;
        unsigned long long lstart, lend, pstart, pend, len;
        if (std::sscanf(line.c_str(), " %u: %llu.. %llu: %llu.. %llu: %llu:", &idx, &lstart, &lend,
                        &pstart, &pend, &len) == 6)
            theirs.emplace_back(lstart, len);
    }
    auto r = call(0, std::nullopt, FIEMAP_FLAG_SYNC, std::nullopt);
    ASSERT_TRUE(r) << r.error().message();
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ours;
    for (auto& e : r->extents)
        ours.emplace_back(e.logical / 4096, e.length / 4096);
    EXPECT_EQ(ours, theirs) << out.substr(0, 2000);
}

TEST_F(Fiemap, ErrorsLikeTheIoctl) {
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    unique_fd pr(p[0]), pw(p[1]);
    struct {
        const char* what;
        int fd;
        std::uint64_t len;
        std::uint32_t flags;
    } cases[] = {{"pipe", pr, FIEMAP_MAX_OFFSET, 0},
                 {"closed", closed_fd(), FIEMAP_MAX_OFFSET, 0},
                 {"unknown flag", fd_, FIEMAP_MAX_OFFSET, 0x40000000},
                 {"zero length", fd_, 0, 0}};
    for (auto& c : cases) {
        int want = fiemap_raw(c.fd, 0, c.len, c.flags, 8).err;
        ASSERT_NE(want, 0) << c.what;
        for (std::optional<std::uint32_t> count :
             {std::optional<std::uint32_t>{}, std::optional<std::uint32_t>{0u},
              std::optional<std::uint32_t>{5u}}) {
            auto r = call(0, c.len, c.flags, count, c.fd);
            EXPECT_EQ(r.err(), want) << c.what;
        }
    }
    EXPECT_EQ(fiemap_raw(fd_, 0, FIEMAP_MAX_OFFSET, 0x40000000, 8).err, EBADR);
}

TEST(FiemapSmall, EmptyFileHasNoExtents) {
    temp_dir d;
    write_file(d / "empty", "");
    auto fd = open_or_die(d / "empty", O_RDONLY);
    aio::context ctx;
    auto r = await<aio::fiemap_t>(ctx, [&](auto cb) {
        aio::fiemap(fd, 0, std::nullopt, 0, std::nullopt, std::move(cb), ctx);
    });
    if (r.err() == EOPNOTSUPP) GTEST_SKIP() << fs_name(d.path()) << " does not support FIEMAP";
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_TRUE(r->extents.empty());
    EXPECT_EQ(r->count, 0u);
}

}  // namespace
