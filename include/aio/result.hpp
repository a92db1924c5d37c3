// aio::result<T> — the value of a request or the errno it failed with.
//
// Errors are values: a result holds either a T or a std::error_code in the
// generic (errno) category, exactly what the syscall reported. value() throws
// std::system_error for callers who prefer exceptions; nothing else does.
#pragma once

#include <cerrno>
#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>

namespace aio {

/// Make an error_code from an errno value.
inline std::error_code errno_code(int e) noexcept {
    return {e, std::generic_category()};
}

template <class T>
class [[nodiscard]] result {
  public:
    using value_type = T;

    result(T v) : v_(std::move(v)) {}  // NOLINT: implicit, like expected
    result(std::error_code ec) : ec_(ec) {}

    bool has_value() const noexcept { return v_.has_value(); }
    explicit operator bool() const noexcept { return has_value(); }

    /// The error; empty (value 0) when the result holds a value.
    std::error_code error() const noexcept { return ec_; }
    /// The errno value: 0 on success.
    int err() const noexcept { return ec_.value(); }

    T& value() & {
        check();
        return *v_;
    }
    const T& value() const& {
        check();
        return *v_;
    }
    T&& value() && {
        check();
        return std::move(*v_);
    }
    template <class U>
    T value_or(U&& dflt) const& {
        return v_ ? *v_ : static_cast<T>(std::forward<U>(dflt));
    }

    T& operator*() & noexcept { return *v_; }
    const T& operator*() const& noexcept { return *v_; }
    T&& operator*() && noexcept { return std::move(*v_); }
    T* operator->() noexcept { return &*v_; }
    const T* operator->() const noexcept { return &*v_; }

  private:
    void check() const {
        if (!v_) throw std::system_error(ec_);
    }
    std::optional<T> v_;
    std::error_code ec_;
};

template <>
class [[nodiscard]] result<void> {
  public:
    using value_type = void;
    result() noexcept = default;
    result(std::error_code ec) noexcept : ec_(ec) {}  // NOLINT

    bool has_value() const noexcept { return !ec_; }
    explicit operator bool() const noexcept { return has_value(); }
    std::error_code error() const noexcept { return ec_; }
    int err() const noexcept { return ec_.value(); }
    void value() const {
        if (ec_) throw std::system_error(ec_);
    }

  private:
    std::error_code ec_;
};

}  // namespace aio
