// aio::unique_function: calls, moves and destroys what it holds exactly
// once, keeps small callables inline (no allocation, counted through the
// global operator new of this program) and larger or over-aligned ones on
// the heap; a request's completion holds a callback inline.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <utility>

#include "aio/function.hpp"
#include "aio/request.hpp"

namespace {
std::atomic<long> g_allocs{0};
}

void* operator new(std::size_t n) {
    g_allocs.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void* operator new(std::size_t n, std::align_val_t a) {
    g_allocs.fetch_add(1, std::memory_order_relaxed);
    auto al = static_cast<std::size_t>(a);
    if (void* p = std::aligned_alloc(al, (n + al - 1) / al * al)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}

namespace {

// Counts its live copies: every constructed object must be destroyed once.
struct tracked {
    static inline int live = 0;
    int* calls;
    explicit tracked(int* c) : calls(c) { ++live; }
    tracked(const tracked& o) : calls(o.calls) { ++live; }
    tracked(tracked&& o) noexcept : calls(o.calls) { ++live; }
    ~tracked() { --live; }
    int operator()(int x) const { return ++*calls + x; }
};

long allocations_during(auto&& f) {
    long before = g_allocs.load();
    f();
    return g_allocs.load() - before;
}

TEST(UniqueFunction, EmptyAndNull) {
    aio::unique_function<int(int)> f;
    EXPECT_FALSE(f);
    aio::unique_function<int(int)> g = nullptr;
    EXPECT_FALSE(g);
    int (*fp)(int) = nullptr;
    aio::unique_function<int(int)> h = fp;  // a null function pointer is empty
    EXPECT_FALSE(h);
    aio::unique_function<int(int)> k = +[](int x) { return x * 2; };
    ASSERT_TRUE(k);
    EXPECT_EQ(k(21), 42);
}

TEST(UniqueFunction, TriviallyCopyableInlineSurvivesMoves) {
    int a = 1, b = 2, c = 3, d = 4;
    int* pa = &a;
    int* pb = &b;
    int* pc = &c;
    int* pd = &d;
    aio::unique_function<int()> f;
    EXPECT_EQ(allocations_during([&] { f = [pa, pb, pc, pd] { return *pa + *pb + *pc + *pd; }; }),
              0);
    aio::unique_function<int()> g = std::move(f);
    EXPECT_FALSE(f);
    ASSERT_TRUE(g);
    aio::unique_function<int()> h;
    h = std::move(g);
    EXPECT_FALSE(g);
    EXPECT_EQ(h(), 10);
    d = 40;
    EXPECT_EQ(h(), 46);  // the captured pointers, not copies of the values
}

TEST(UniqueFunction, InlineNonTrivialIsDestroyedOnce) {
    int calls = 0;
    {
        aio::unique_function<int(int)> f;
        EXPECT_EQ(allocations_during([&] { f = tracked(&calls); }), 0);
        EXPECT_EQ(tracked::live, 1);
        aio::unique_function<int(int)> g = std::move(f);
        EXPECT_EQ(tracked::live, 1);
        EXPECT_EQ(g(10), 11);
        g = nullptr;
        EXPECT_EQ(tracked::live, 0);
        g = tracked(&calls);
        f = std::move(g);
        EXPECT_EQ(tracked::live, 1);
        EXPECT_EQ(f(0), 2);
    }
    EXPECT_EQ(tracked::live, 0);
}

TEST(UniqueFunction, LargeCallablesGoToTheHeapAndMoveByPointer) {
    std::array<long, 16> big{};
    big[15] = 7;
    aio::unique_function<long()> f;
    EXPECT_EQ(allocations_during([&] { f = [big] { return big[15]; }; }), 1);
    aio::unique_function<long()> g;
    EXPECT_EQ(allocations_during([&] { g = std::move(f); }), 0);
    EXPECT_EQ(g(), 7);
}

TEST(UniqueFunction, OverAlignedCallablesGoToTheHeap) {
    struct alignas(32) wide {
        double v[4] = {1, 2, 3, 4};
        double operator()() const { return v[0] + v[3]; }
    };
    aio::unique_function<double()> f;
    EXPECT_EQ(allocations_during([&] { f = wide{}; }), 1);
    aio::unique_function<double()> g = std::move(f);
    EXPECT_EQ(g(), 5.0);
}

TEST(UniqueFunction, MoveOnlyCallable) {
    auto p = std::make_unique<int>(5);
    aio::unique_function<int()> f = [p = std::move(p)] { return *p; };
    aio::unique_function<int()> g = std::move(f);
    EXPECT_EQ(g(), 5);
}

TEST(UniqueFunction, EmplaceReplacesTheTarget) {
    int calls = 0;
    aio::unique_function<int(int)> f = tracked(&calls);
    f.emplace<tracked>(&calls);
    EXPECT_EQ(tracked::live, 1);
    EXPECT_EQ(f(1), 2);
    f.reset();
    EXPECT_EQ(tracked::live, 0);
}

// Every request stores its callback<T> inside its completion: that must not
// allocate for a callback that itself fits inline (four words of capture).
TEST(UniqueFunction, RequestCompletionHoldsACallbackInline) {
    int a = 0, b = 0, c = 0, d = 0;
    int *pa = &a, *pb = &b, *pc = &c, *pd = &d;
    aio::callback<void> cb = [pa, pb, pc, pd](aio::result<void>) { ++*pa, ++*pb, ++*pc, ++*pd; };
    aio::detail::completion comp;
    EXPECT_EQ(allocations_during(
                  [&] { comp.emplace<aio::detail::typed_completion<void>>(std::move(cb)); }),
              0);
    aio::callback<std::int64_t> cb64 = [pa, pb, pc, pd](aio::result<std::int64_t>) { ++*pa; };
    aio::detail::completion comp64;
    EXPECT_EQ(allocations_during([&] {
                  comp64.emplace<aio::detail::typed_completion<std::int64_t>>(std::move(cb64));
              }),
              0);
}

}  // namespace
