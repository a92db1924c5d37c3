// Memory: msync, mtouch, mlock, mlockall on caller-owned address ranges.
//
// Ranges are widened to whole pages (the start rounded down, the end up), as
// the kernel calls require a page-aligned start.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "ops/exec.hpp"
#include "ops/fs_req.hpp"
#include "ops/submit.hpp"

namespace aio {

namespace detail {

namespace {

std::uintptr_t page_size() noexcept {
    static const auto size = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

struct page_range {
    std::uintptr_t begin = 0, end = 0;  // end: one past the last page
    void* addr() const noexcept { return reinterpret_cast<void*>(begin); }
    std::size_t length() const noexcept { return end - begin; }
};

// [addr, addr+len) widened to pages; false (EINVAL) if it wraps around.
bool to_pages(const fs_req& f, page_range& p) noexcept {
    std::uintptr_t mask = page_size() - 1;
    auto a = reinterpret_cast<std::uintptr_t>(f.buf);
    if (a > UINTPTR_MAX - mask || f.length > UINTPTR_MAX - mask - a) return false;
    p.begin = a & ~mask;
    p.end = (a + f.length + mask) & ~mask;
    return true;
}

// ENOMEM if part of the range is not mapped (what msync and mlock say), so
// that mtouch reports a bad range instead of faulting. The check and the
// touching are not atomic: unmapping the range while mtouch runs on it is
// still the caller's bug.
bool all_mapped(const page_range& p) noexcept {
    unsigned char vec[256];
    std::uintptr_t step = page_size() * sizeof vec;
    for (std::uintptr_t a = p.begin; a < p.end; a += std::min(step, p.end - a))
        if (::mincore(reinterpret_cast<void*>(a), std::min(step, p.end - a), vec) < 0) return false;
    return true;
}

fs_req* new_range_req(op o, void* addr, std::size_t length) {
    auto* r = new fs_req(o);
    r->buf = addr;
    r->length = length;
    return r;
}

}  // namespace

// fields: buf = addr, length, flags
void exec_msync(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    page_range p;
    if (!to_pages(f, p)) return r.fail(EINVAL);
    set_result(r, ::msync(p.addr(), p.length(), f.flags));
}

// One byte per page: read it, or (MT_MODIFY) write it back unchanged. The
// write is a compare-and-swap of the byte with itself, so a concurrent store
// by another thread is never undone. Stops early when cancelled.
void exec_mtouch(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    page_range p;
    if (f.length == 0) return set_result(r, 0);
    if (!to_pages(f, p)) return r.fail(EINVAL);
    if (!all_mapped(p)) return set_result(r, -1);
    bool modify = f.flags & MT_MODIFY;
    for (std::uintptr_t a = p.begin; a < p.end; a += page_size()) {
        auto* byte = reinterpret_cast<volatile unsigned char*>(a);
        unsigned char v = __atomic_load_n(byte, __ATOMIC_RELAXED);
        if (modify)
            while (!__atomic_compare_exchange_n(byte, &v, v, true, __ATOMIC_RELAXED,
                                                __ATOMIC_RELAXED)) {
            }
        if (r.cancelled.load(std::memory_order_relaxed)) break;
    }
    set_result(r, 0);
}

void exec_mlock(req& r) noexcept {
    auto& f = static_cast<fs_req&>(r);
    page_range p;
    if (!to_pages(f, p)) return r.fail(EINVAL);
    set_result(r, ::mlock(p.addr(), p.length()));
}

// fields: flags (MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT)
void exec_mlockall(req& r) noexcept {
    set_result(r, ::mlockall(static_cast<fs_req&>(r).flags));
}

}  // namespace detail

request<void> msync(void* addr, std::size_t length, int flags, callback<void> cb, context& ctx) {
    auto* r = detail::new_range_req(detail::op::msync, addr, length);
    r->flags = flags;
    return detail::submit(ctx, r, std::move(cb));
}

request<void> mtouch(void* addr, std::size_t length, int flags, callback<void> cb, context& ctx) {
    auto* r = detail::new_range_req(detail::op::mtouch, addr, length);
    r->flags = flags;
    return detail::submit(ctx, r, std::move(cb));
}

request<void> mlock(void* addr, std::size_t length, callback<void> cb, context& ctx) {
    return detail::submit(ctx, detail::new_range_req(detail::op::mlock, addr, length),
                          std::move(cb));
}

request<void> mlockall(int flags, callback<void> cb, context& ctx) {
    auto* r = new detail::fs_req(detail::op::mlockall);
    r->flags = flags;
    return detail::submit(ctx, r, std::move(cb));
}

}  // namespace aio
