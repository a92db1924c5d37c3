// Working directories (IO::AIO::WD) and path arguments.
//
// An aio::wd is the canonical absolute path of a directory plus an O_PATH
// descriptor for it, obtained asynchronously with aio::wd_open(). Every path
// argument of every operation is an aio::path_arg: a plain path (relative to
// the process working directory), a (wd, relative path) pair, or a wd alone
// (meaning "."). An absolute path ignores the wd; a null wd (for example
// from a failed wd_open) fails the request with ENOENT. Operations resolve
// relative paths against the wd's descriptor with the *at syscalls, so a
// chdir() elsewhere in the program does not affect them.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace aio {

namespace detail {
struct wd_impl;
}

class wd {
  public:
    struct current_dir_t {
        explicit constexpr current_dir_t() = default;
    };
    static constexpr current_dir_t current_dir{};

    /// A null working directory: requests using it fail with ENOENT.
    constexpr wd() noexcept = default;
    /// The process working directory (aio::cwd).
    constexpr explicit wd(current_dir_t) noexcept : cwd_(true) {}
    explicit wd(std::shared_ptr<const detail::wd_impl> p) noexcept : p_(std::move(p)) {}

    bool is_null() const noexcept { return !p_ && !cwd_; }
    bool is_cwd() const noexcept { return cwd_; }
    explicit operator bool() const noexcept { return !is_null(); }

    /// Canonical absolute path ("" for a null wd, "." for aio::cwd).
    const std::string& path() const noexcept;
    /// Directory descriptor (O_PATH) to use with *at calls: AT_FDCWD for
    /// aio::cwd, -1 for a null wd.
    int fd() const noexcept;

    const std::shared_ptr<const detail::wd_impl>& impl() const noexcept { return p_; }

  private:
    std::shared_ptr<const detail::wd_impl> p_;
    bool cwd_ = false;
};

/// The process working directory (IO::AIO::CWD): as if no wd were given.
inline const wd cwd{wd::current_dir};

/// A path argument: (working directory, path). Implicitly constructible from
/// anything path-like, from a wd (meaning its directory itself), or from a
/// braced {wd, "relative/path"} pair.
struct path_arg {
    wd dir{wd::current_dir};
    std::string path;

    path_arg() = default;
    path_arg(const char* p) : path(p ? p : "") {}                   // NOLINT: implicit by design
    path_arg(std::string p) : path(std::move(p)) {}                 // NOLINT
    path_arg(std::string_view p) : path(p) {}                       // NOLINT
    path_arg(const std::filesystem::path& p) : path(p.native()) {}  // NOLINT
    path_arg(wd d) : dir(std::move(d)), path(".") {}                // NOLINT
    path_arg(wd d, std::string p) : dir(std::move(d)), path(std::move(p)) {}
};

}  // namespace aio
