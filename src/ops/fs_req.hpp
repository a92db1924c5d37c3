// The request type shared by the primitive operations: one struct with the
// argument and result fields the ops need (like libuv's uv_fs_t). Each
// operation documents which fields it uses next to its front function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "aio/ops.hpp"
#include "aio/wd.hpp"
#include "engine/req.hpp"
#include "ops/op.hpp"

struct statx;  // <sys/stat.h>

namespace aio::detail {

struct wd_impl {
    std::string path;  // canonical absolute path
    int fd = -1;       // O_PATH | O_DIRECTORY descriptor
    wd_impl() = default;
    wd_impl(const wd_impl&) = delete;
    wd_impl& operator=(const wd_impl&) = delete;
    ~wd_impl();
};

struct fs_req : req {
    explicit fs_req(op o) { this->opcode = static_cast<std::uint8_t>(o); }

    // arguments
    path_arg path, path2;
    int fd = -1, fd2 = -1;
    std::int64_t offset = 0;
    bool at_position = false;   // read/write: offset was nullopt
    bool owned_buffer = false;  // read/write: the std::string variants (data, dataoffset)
    std::uint64_t length = 0;
    std::int64_t dataoffset = 0;
    int flags = 0;  // open flags, whence, rename flags, fallocate mode, ...
    std::uint32_t mode = 0;
    std::uint32_t uid = 0, gid = 0;
    std::uint64_t dev = 0;
    unsigned long cmd = 0;
    long arg = 0;
    void* buf = nullptr;  // caller-owned buffer or memory range
    std::optional<file_time> atime, mtime;
    std::optional<std::uint64_t> opt_length;
    std::optional<std::uint32_t> opt_count;
    std::string data;        // owned buffer; readlink / realpath result
    std::int64_t n[4] = {};  // spare integer arguments

    // typed results beyond result/err/data
    std::variant<std::monostate, stat_t, statvfs_t, std::vector<std::string>, dir_entries, fiemap_t,
                 wd>
        out;
};

/// A step of a composite operation run on a worker: calls fn(r).
struct custom_req : req {
    custom_req() { this->opcode = static_cast<std::uint8_t>(op::custom); }
    unique_function<void(custom_req&)> fn;
};

/// Resolve a path argument for an *at syscall. On failure sets r's errno
/// (ENOENT for a null wd or an empty path, EINVAL for an embedded NUL) and
/// returns false.
bool resolve(req& r, const path_arg& p, int& dirfd, const char*& path) noexcept;

/// Record a syscall's return value: rc < 0 means errno.
inline void set_result(req& r, long long rc) noexcept {
    if (rc < 0) {
        r.err = errno;
        r.result = -1;
    } else {
        r.err = 0;
        r.result = rc;
    }
}

/// stat_t from what statx(2) (or io_uring's STATX) returned; the one
/// conversion the pool and the ring share (src/ops/metadata.cpp).
void fill_stat(stat_t& s, const struct statx& x) noexcept;

/// Retry a syscall interrupted by a signal.
template <class F>
auto retry_eintr(F&& f) {
    decltype(f()) rc;
    do
        rc = f();
    while (rc < 0 && errno == EINTR);
    return rc;
}

}  // namespace aio::detail
