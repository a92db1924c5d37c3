// Memory: msync, mtouch, mlock, mlockall on mmap'ed ranges, compared with the
// syscalls. Page state is read from /proc/self/pagemap (present; file page
// vs anonymous copy). mlockall locks the whole process, so it runs in a
// forked child, and not at all under ASan / TSan, whose shadow memory cannot
// be locked.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "file_support.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AIOPP_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define AIOPP_TEST_SANITIZED 1
#endif
#endif

namespace {

using aio::testing::await;
using aio::testing::open_or_die;
using aio::testing::temp_dir;
using aio::testing::unique_fd;
using aio::testing::write_file;

const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));

// ASan and TSan replace mlock, munlock, mlockall and munlockall with no-ops
// that return 0: there, aio's answers can only be compared with the
// (intercepted) synchronous calls, not with what the kernel would say.
#ifdef AIOPP_TEST_SANITIZED
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif

int sys_err(long long rc) {
    return rc < 0 ? errno : 0;
}

// An anonymous or file mapping, unmapped on destruction.
struct mapping {
    char* p = nullptr;
    std::size_t len = 0;
    mapping(std::size_t pages, int prot, int flags, int fd = -1) : len(pages * page) {
        void* m = ::mmap(nullptr, len, prot, flags, fd, 0);
        if (m == MAP_FAILED) ADD_FAILURE() << "mmap: " << std::strerror(errno);
        p = m == MAP_FAILED ? nullptr : static_cast<char*>(m);
    }
    ~mapping() {
        if (p) ::munmap(p, len);
    }
    mapping(const mapping&) = delete;
    mapping& operator=(const mapping&) = delete;
    char* at(std::size_t pg) const { return p + pg * page; }
};

// Three pages with the middle one unmapped. They are placed low in the address
// space (1 GiB and up: application memory also under ASan and TSan), far from
// where the kernel puts new mappings, so that nothing else (a thread stack, a
// sanitizer's allocator) is mapped into the hole during the test; and only
// the outer pages are unmapped at the end.
struct holey_mapping {
    char* p = nullptr;
    std::size_t len = 3 * page;
    holey_mapping() {
        for (std::uintptr_t hint = 1ul << 30; hint < (16ul << 30) && !p; hint += 1ul << 30) {
            void* m = ::mmap(reinterpret_cast<void*>(hint), len, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
            if (m == MAP_FAILED) continue;
            if (m != reinterpret_cast<void*>(hint)) {  // an old kernel ignored NOREPLACE
                ::munmap(m, len);
                continue;
            }
            p = static_cast<char*>(m);
        }
        if (!p) {
            ADD_FAILURE() << "no room for the test mapping";
            return;
        }
        ::munmap(p + page, page);
    }
    ~holey_mapping() {
        if (!p) return;
        ::munmap(p, page);
        ::munmap(p + 2 * page, page);
    }
    holey_mapping(const holey_mapping&) = delete;
    holey_mapping& operator=(const holey_mapping&) = delete;
    char* at(std::size_t pg) const { return p + pg * page; }
};

// /proc/self/pagemap entry of the page holding addr.
std::uint64_t pagemap(const void* addr) {
    static unique_fd fd(::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));
    std::uint64_t e = 0;
    auto off = static_cast<off_t>(reinterpret_cast<std::uintptr_t>(addr) / page * 8);
    if (::pread(fd, &e, sizeof e, off) != sizeof e) return 0;
    return e;
}
bool present(const void* a) {
    return pagemap(a) >> 63 & 1;
}
bool file_page(const void* a) {
    return pagemap(a) >> 61 & 1;
}

long vm_locked_kb() {
    std::ifstream st("/proc/self/status");
    std::string line;
    while (std::getline(st, line))
        if (line.rfind("VmLck:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

// ---- msync ------------------------------------------------------------------------

TEST(Msync, RoundsDownToThePageAndSyncs) {
    temp_dir d;
    write_file(d / "f", std::string(4 * page, 'a'));
    auto fd = open_or_die(d / "f", O_RDWR);
    mapping m(4, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    ASSERT_TRUE(m.p);
    m.p[page + 5] = 'Z';
    aio::context ctx;
    // an unaligned start: msync(2) itself says EINVAL, aio rounds down first
    EXPECT_EQ(sys_err(::msync(m.p + 100, 2 * page, MS_SYNC)), EINVAL);
    auto r = await<void>(
        ctx, [&](auto cb) { aio::msync(m.p + 100, 2 * page, MS_SYNC, std::move(cb), ctx); });
    EXPECT_TRUE(r) << r.error().message();
    char c = 0;
    ASSERT_EQ(::pread(fd, &c, 1, static_cast<off_t>(page + 5)), 1);
    EXPECT_EQ(c, 'Z');
    for (int flags : {MS_ASYNC, MS_SYNC | MS_INVALIDATE}) {
        int want = sys_err(::msync(m.p, m.len, flags));
        auto s =
            await<void>(ctx, [&](auto cb) { aio::msync(m.p, m.len, flags, std::move(cb), ctx); });
        EXPECT_EQ(s.err(), want) << "flags " << flags;
    }
}

TEST(Msync, ErrorsLikeMsync) {
    holey_mapping m;
    ASSERT_TRUE(m.p);
    aio::context ctx;
    // contradictory flags: EINVAL
    int want = sys_err(::msync(m.p, m.len, MS_SYNC | MS_ASYNC));
    EXPECT_EQ(want, EINVAL);
    auto r = await<void>(
        ctx, [&](auto cb) { aio::msync(m.p, m.len, MS_SYNC | MS_ASYNC, std::move(cb), ctx); });
    EXPECT_EQ(r.err(), want);
    // a hole in the range: ENOMEM
    want = sys_err(::msync(m.p, m.len, MS_SYNC));
    EXPECT_EQ(want, ENOMEM);
    r = await<void>(ctx,
                    [&](auto cb) { aio::msync(m.p + 1, m.len - 1, MS_SYNC, std::move(cb), ctx); });
    EXPECT_EQ(r.err(), want);
    // a range that wraps around the address space
    r = await<void>(ctx,
                    [&](auto cb) { aio::msync(m.p, SIZE_MAX - 10, MS_SYNC, std::move(cb), ctx); });
    EXPECT_EQ(r.err(), EINVAL);
}

// ---- mtouch -------------------------------------------------------------------------

TEST(Mtouch, ReadingInstantiatesEveryPageOfTheRange) {
    mapping m(16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    ASSERT_TRUE(m.p);
    for (std::size_t i = 0; i < 16; ++i)
        ASSERT_FALSE(present(m.at(i))) << i;
    aio::context ctx;
    // [page 2 + 10, page 7 + 10): pages 2..7
    auto r = await<void>(
        ctx, [&](auto cb) { aio::mtouch(m.at(2) + 10, 5 * page, 0, std::move(cb), ctx); });
    ASSERT_TRUE(r) << r.error().message();
    for (std::size_t i = 0; i < 16; ++i)
        EXPECT_EQ(present(m.at(i)), i >= 2 && i <= 7) << "page " << i;
}

// A private file mapping: MT_MODIFY writes each page (the kernel gives it an
// anonymous copy), plain mtouch only reads (the page stays the file's).
TEST(Mtouch, ModifyDirtiesEveryPageWithoutChangingIt) {
    temp_dir d;
    std::string content;
    for (std::size_t i = 0; i < 8 * page; ++i)
        content += static_cast<char>('a' + i % 23);
    write_file(d / "f", content);
    auto fd = open_or_die(d / "f", O_RDONLY);
    mapping m(8, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
    ASSERT_TRUE(m.p);
    aio::context ctx;
    auto r = await<void>(ctx, [&](auto cb) { aio::mtouch(m.p, m.len, 0, std::move(cb), ctx); });
    ASSERT_TRUE(r) << r.error().message();
    for (std::size_t i = 0; i < 8; ++i) {
        EXPECT_TRUE(present(m.at(i))) << i;
        EXPECT_TRUE(file_page(m.at(i))) << i;
    }
    auto w = await<void>(ctx, [&](auto cb) {
        aio::mtouch(m.at(2) + 1, 3 * page - 2, aio::MT_MODIFY, std::move(cb), ctx);
    });
    ASSERT_TRUE(w) << w.error().message();
    for (std::size_t i = 0; i < 8; ++i)
        EXPECT_EQ(file_page(m.at(i)), i < 2 || i > 4) << "page " << i;
    EXPECT_EQ(std::string(m.p, m.len), content);
}

TEST(Mtouch, BadRangesFailWithoutFaulting) {
    holey_mapping m;
    ASSERT_TRUE(m.p);
    aio::context ctx;
    auto call = [&](void* a, std::size_t n, int flags) {
        return await<void>(ctx, [&](auto cb) { aio::mtouch(a, n, flags, std::move(cb), ctx); });
    };
    for (int flags : {0, aio::MT_MODIFY}) {
        EXPECT_EQ(call(m.p, m.len, flags).err(), ENOMEM);     // hole in the middle
        EXPECT_EQ(call(nullptr, page, flags).err(), ENOMEM);  // page 0
        EXPECT_EQ(call(m.p, SIZE_MAX, flags).err(), EINVAL);  // wraps around
        EXPECT_EQ(call(reinterpret_cast<void*>(UINTPTR_MAX - 10), 5, flags).err(), EINVAL);
        EXPECT_TRUE(call(nullptr, 0, flags));     // empty: nothing to touch
        EXPECT_TRUE(call(m.at(2), page, flags));  // the part still mapped
    }
}

// ---- mlock ----------------------------------------------------------------------------

// RLIMIT_MEMLOCK (or CAP_IPC_LOCK) decides whether mlock works: aio::mlock
// must answer what mlock(2) answers for the same range.
TEST(Mlock, LikeMlock) {
    mapping a(4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    mapping b(4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    ASSERT_TRUE(a.p && b.p);
    long before = vm_locked_kb();
    int want = sys_err(::mlock(b.p, 2 * page + 20));
    if (want == 0) ::munlock(b.p, 3 * page);
    aio::context ctx;
    auto r = await<void>(ctx, [&](auto cb) {
        aio::mlock(a.p + 10, 2 * page + 10, std::move(cb), ctx);  // pages 0..2
    });
    EXPECT_EQ(r.err(), want);
    if (r && !sanitized) {
        for (std::size_t i = 0; i < 4; ++i)
            EXPECT_EQ(present(a.at(i)), i < 3) << "page " << i;
        EXPECT_EQ(vm_locked_kb() - before, static_cast<long>(3 * page / 1024));
        ::munlock(a.p, a.len);
    } else {
        std::printf("note: mlock not permitted here (%s)\n", std::strerror(want));
    }
    EXPECT_EQ(vm_locked_kb(), before);
}

TEST(Mlock, Errors) {
    holey_mapping m;
    ASSERT_TRUE(m.p);
    aio::context ctx;
    int want = sys_err(::mlock(m.p, m.len));
    ::munlock(m.p, page);
    if (!sanitized) {
        EXPECT_EQ(want, ENOMEM);
    }
    auto r = await<void>(ctx, [&](auto cb) { aio::mlock(m.p, m.len, std::move(cb), ctx); });
    EXPECT_EQ(r.err(), want);
    ::munlock(m.p, page);
    r = await<void>(ctx, [&](auto cb) { aio::mlock(m.p, SIZE_MAX, std::move(cb), ctx); });
    EXPECT_EQ(r.err(), EINVAL);  // checked before mlock is called
}

// Unprivileged with RLIMIT_MEMLOCK 0: mlock and mlockall are refused (EPERM)
// before anything is locked, so this runs under the sanitizers too.
TEST(Mlock, RefusedWithoutPrivilegeOrLimit) {
    std::string msg = aio::testing::in_child([]() -> std::string {
        rlimit zero{0, 0};
        if (::setrlimit(RLIMIT_MEMLOCK, &zero) < 0 || !aio::testing::drop_privileges())
            return "cannot drop privileges";
        aio::testing::child_checks ck;
        mapping m(2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
        int want = sys_err(::mlock(m.p, m.len));
        ck.expect(sanitized || want != 0, "sync mlock succeeded without privilege");
        aio::context ctx;
        auto r = await<void>(ctx, [&](auto cb) { aio::mlock(m.p, m.len, std::move(cb), ctx); });
        ck.expect_err(r.err(), want, "aio::mlock");
        for (int flags : {MCL_CURRENT, MCL_FUTURE}) {
            want = sys_err(::mlockall(flags));
            ck.expect(sanitized || want != 0, "sync mlockall succeeded without privilege");
            auto a = await<void>(ctx, [&](auto cb) { aio::mlockall(flags, std::move(cb), ctx); });
            ck.expect_err(a.err(), want, "aio::mlockall " + std::to_string(flags));
        }
        return ck.failures;
    });
    EXPECT_EQ(msg, "");
}

// ---- mlockall ----------------------------------------------------------------------------

TEST(Mlockall, InvalidFlags) {
    aio::context ctx;
    for (int flags : {0, MCL_ONFAULT, 0x100}) {
        int want = sys_err(::mlockall(flags));
        if (!sanitized) {
            EXPECT_EQ(want, EINVAL);
        }
        auto r = await<void>(ctx, [&](auto cb) { aio::mlockall(flags, std::move(cb), ctx); });
        EXPECT_EQ(r.err(), want) << "flags " << flags;
    }
}

TEST(Mlockall, LocksCurrentMappingsInAChild) {
#ifdef AIOPP_TEST_SANITIZED
    GTEST_SKIP() << "mlockall(MCL_CURRENT) cannot lock a sanitizer's shadow memory";
#else
    // what the synchronous call says in the same situation (a child, this user)
    std::string sync_msg = aio::testing::in_child([&]() -> std::string {
        int e = sys_err(::mlockall(MCL_CURRENT));
        ::munlockall();
        return e ? std::strerror(e) : "";
    });
    std::string msg = aio::testing::in_child([&]() -> std::string {
        aio::context ctx;
        auto r = await<void>(ctx, [&](auto cb) { aio::mlockall(MCL_CURRENT, std::move(cb), ctx); });
        long locked = vm_locked_kb();
        ::munlockall();
        if (r.err()) return std::strerror(r.err());
        if (locked <= 0) return "mlockall succeeded but nothing is locked";
        return "";
    });
    EXPECT_EQ(msg, sync_msg);
    if (!sync_msg.empty())
        std::printf("note: mlockall not permitted here (%s)\n", sync_msg.c_str());
#endif
}

}  // namespace
