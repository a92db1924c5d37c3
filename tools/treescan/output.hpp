// treescan's output: one large buffer written with write(2) when full (no
// syscall per line), and the --grep filter (PCRE2, JIT-compiled).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace treescan {

/// Buffered writer on a descriptor.
class output {
  public:
    explicit output(int fd, std::size_t capacity = 256u << 10);
    ~output();
    output(const output&) = delete;
    output& operator=(const output&) = delete;

    /// Append prefix + name + suffix + term.
    void line(std::string_view prefix, std::string_view name, std::string_view suffix, char term) {
        std::size_t n = prefix.size() + name.size() + suffix.size() + 1;
        if (cap_ - len_ < n) {
            flush();
            if (n > cap_) return write_long(prefix, name, suffix, term);
        }
        append(prefix);
        append(name);
        append(suffix);
        buf_[len_++] = term;
    }
    /// Write out what is buffered. A failed write (other than EINTR) is
    /// remembered in error() and later output is dropped.
    void flush();
    /// errno of the first failed write, 0 if none.
    int error() const noexcept { return err_; }

  private:
    void append(std::string_view s) {
        if (!s.empty()) __builtin_memcpy(buf_.get() + len_, s.data(), s.size());
        len_ += s.size();
    }
    void write_all(const char* p, std::size_t n);
    void write_long(std::string_view prefix, std::string_view name, std::string_view suffix,
                    char term);

    int fd_;
    std::size_t cap_, len_ = 0;
    std::unique_ptr<char[]> buf_;
    int err_ = 0;
};

/// A Perl-compatible regular expression with the /s modifier, matched
/// against raw bytes (no UTF-8 interpretation, like the Perl script).
class matcher {
  public:
    matcher();
    ~matcher();
    matcher(const matcher&) = delete;
    matcher& operator=(const matcher&) = delete;

    /// Compile re; false with a message in `error`.
    bool compile(const std::string& re, std::string& error);
    bool matches(std::string_view subject);

  private:
    struct impl;
    std::unique_ptr<impl> p_;
};

}  // namespace treescan
