// The tree walk: many directories in flight, each read with one aio::scandir
// relative to its parent's descriptor, the listing formatted into one
// buffer, the engine driven with poll_wait + poll_cb.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "aio/aio.hpp"
#include "options.hpp"
#include "output.hpp"

namespace treescan {

struct counters {
    std::uint64_t dirs = 0;   // directories found (listed, or reported unreadable)
    std::uint64_t files = 0;  // everything else
    std::uint64_t stats = 0;  // lstat calls for -s
    std::uint64_t errors = 0;
};

class walker {
  public:
    walker(aio::context& ctx, const options& opts, output& out, matcher* grep);
    /// Scan every path; returns the exit status (0, or 1 after errors).
    int run(const std::vector<std::string>& paths);
    const counters& count() const noexcept { return n_; }

  private:
    struct job {
        aio::wd parent;      // the directory holding `name` (cwd for roots)
        std::string name;    // as given for roots, an entry name otherwise
        std::string prefix;  // the directory's listing path, with a trailing '/'
        bool root = false;
    };
    using task = aio::unique_function<void()>;

    void pump();
    void start(job j);
    void scanned(job& j, aio::result<aio::scandir_t> r);
    void root_failed(const job& j, std::error_code ec);
    void list(std::string_view prefix, std::string_view name, bool dir);
    void warn(std::string_view path, std::error_code ec);
    void warn(std::string_view path, std::string_view what, std::error_code ec);
    void queue_stats(const aio::scandir_t& s, const std::string& prefix);
    void queue_syncs(const aio::scandir_t& s, const std::string& prefix);
    void sync_file(aio::wd dir, std::string name, std::string path);
    void aux_done();
    void progress(bool final);
    void tune_threads();

    aio::context& ctx_;
    const options& o_;
    output& out_;
    matcher* grep_;
    char term_;
    bool listing_;
    unsigned jobs_;
    bool fixed_jobs_;
    unsigned threads_;
    bool fixed_threads_;
    double tune_wall_ = 0, waited_ = 0;
    bool io_bound_before_ = false;

    std::vector<job> todo_;  // a stack: depth first keeps few directories open
    unsigned inflight_ = 0;
    std::vector<task> aux_;  // -s / --sync requests waiting for a slot
    std::size_t aux_next_ = 0;
    unsigned aux_inflight_ = 0;
    unsigned aux_limit_;
    counters n_;
    std::string line_;  // scratch for --grep
    double start_ = 0, last_progress_ = 0;
};

}  // namespace treescan
