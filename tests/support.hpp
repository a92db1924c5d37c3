// Shared helpers for the tests: temporary directories, running commands,
// waiting for a context with a per-test deadline.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "aio/aio.hpp"

namespace aio::testing {

/// A fresh directory under $TMPDIR (or /tmp), removed with its contents on
/// destruction.
class temp_dir {
  public:
    explicit temp_dir(const std::string& tag = "aiopp");
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

/// Write a file with the given contents (synchronously); throws on failure.
void write_file(const std::string& path, const std::string& data, unsigned mode = 0644);
/// Read a whole file (synchronously); throws on failure.
std::string read_file(const std::string& path);
/// Run a shell command; returns its exit status and (optionally) its stdout.
int run(const std::string& cmd, std::string* out = nullptr);
/// Quote a string for /bin/sh.
std::string shell_quote(const std::string& s);

/// Whether something (even a dangling symlink) exists at path (lstat).
bool exists(const std::string& path);
/// lstat(2) of path; a failure fails the test and returns zeros.
struct stat lstat_of(const std::string& path);

/// Wait (with a generous deadline, never a timing assertion) for a
/// condition that another thread makes true; false if it never did.
template <class F>
bool eventually(F&& f, std::chrono::seconds limit = std::chrono::seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!f()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

/// Whether fd is readable right now (poll with a zero timeout).
bool readable(int fd);

/// Flush ctx, failing the test instead of hanging if it takes longer than
/// `seconds` (a deadline against deadlock, not a timing assertion).
void flush_or_fail(aio::context& ctx, double seconds = 120);

}  // namespace aio::testing
