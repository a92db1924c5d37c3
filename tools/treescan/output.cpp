#include "output.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <unistd.h>

#include <cerrno>

namespace treescan {

output::output(int fd, std::size_t capacity) : fd_(fd), cap_(capacity), buf_(new char[capacity]) {}

output::~output() {
    flush();
}

void output::write_all(const char* p, std::size_t n) {
    while (n && !err_) {
        ssize_t w = ::write(fd_, p, n);
        if (w < 0) {
            if (errno != EINTR) err_ = errno;
            continue;
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

void output::flush() {
    write_all(buf_.get(), len_);
    len_ = 0;
}

void output::write_long(std::string_view prefix, std::string_view name, std::string_view suffix,
                        char term) {
    write_all(prefix.data(), prefix.size());
    write_all(name.data(), name.size());
    write_all(suffix.data(), suffix.size());
    write_all(&term, 1);
}

struct matcher::impl {
    pcre2_code* code = nullptr;
    pcre2_match_data* data = nullptr;
    ~impl() {
        if (data) pcre2_match_data_free(data);
        if (code) pcre2_code_free(code);
    }
};

matcher::matcher() = default;
matcher::~matcher() = default;

bool matcher::compile(const std::string& re, std::string& error) {
    auto p = std::make_unique<impl>();
    int code = 0;
    PCRE2_SIZE offset = 0;
    p->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(re.data()), re.size(), PCRE2_DOTALL, &code,
                            &offset, nullptr);
    if (!p->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        error = std::string(reinterpret_cast<const char*>(msg)) + " at offset " +
                std::to_string(offset) + " in regular expression \"" + re + "\"";
        return false;
    }
    pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);  // optional: falls back to the interpreter
    p->data = pcre2_match_data_create_from_pattern(p->code, nullptr);
    if (!p->data) {
        error = "out of memory";
        return false;
    }
    p_ = std::move(p);
    return true;
}

bool matcher::matches(std::string_view s) {
    int rc = pcre2_match(p_->code, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), 0, 0, p_->data,
                         nullptr);
    return rc >= 0;
}

}  // namespace treescan
