// The walk, as the Perl treescan does it but without its three costs: it
// stats every entry (aio_scandir of IO::AIO 4.80 ignores d_type on ext4), it
// resolves a realpath for every directory (aio_wd), and it wakes a thread
// per request. Here a directory costs one request when the filesystem
// reports d_type: aio::scandir opens it relative to its parent's descriptor
// (no path walk, no realpath), reads it with getdents64 and hands back its
// descriptor for the children.
//
// Scheduling: up to jobs_ directories in flight; the rest wait on a stack
// (depth first, so the descriptors held open stay few: the parents of
// waiting directories). Each finished scan lists its entries into the
// output buffer and starts the next scans from inside its callback, so the
// workers never run dry while the poll thread formats. -s / --sync add
// requests of their own (aux_), bounded separately; while many of those
// wait, no new directories are started.
#include "walker.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace treescan {

namespace {

// Threads start low (a cached tree is CPU-bound: more threads than cores
// only add switching) and double, up to kMaxThreads, while work waits and at
// least half of them sleep in a filesystem call — on a cold disk or a slow
// (FUSE, NFS) filesystem. CPU use would be a worse signal: under load from
// other processes it drops too. Jobs follow: kJobsPerThread per thread.
constexpr unsigned kStartThreads = 2;
constexpr unsigned kMaxThreads = 64;
constexpr unsigned kJobsPerThread = 64;
constexpr double kTuneInterval = 0.005;    // s between looks at the threads
constexpr int kScandirMaxreq = 8;          // stats per directory without d_type (as Perl's)
constexpr std::size_t kAuxBacklog = 4096;  // queued -s/--sync requests before scans pause

double now() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Read a small /proc file relative to dirfd into buf; false if unreadable.
bool read_proc(int dir, const std::string& path, char* buf, std::size_t size) {
    int fd = ::openat(dir, path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    ssize_t n = ::read(fd, buf, size - 1);
    ::close(fd);
    if (n <= 0) return false;
    buf[n] = '\0';
    return true;
}

// Number of worker threads asleep (not runnable: 'S' or 'D') in a system
// call other than futex, where an idle worker waits: waiting for a disk or a
// FUSE or NFS server. From /proc/self/task/*/{stat,syscall}; -1 where that
// is unavailable. A thread preempted by other load is runnable, not counted.
int threads_blocked_in_io() {
    DIR* d = ::opendir("/proc/self/task");
    if (!d) return -1;
    std::string self = std::to_string(::getpid());
    int blocked = 0;
    bool readable = false;
    char buf[512];
    while (dirent* e = ::readdir(d)) {
        if (e->d_name[0] == '.' || self == e->d_name) continue;  // not the main thread
        std::string tid = e->d_name;
        if (!read_proc(dirfd(d), tid + "/stat", buf, sizeof buf)) continue;
        readable = true;
        const char* paren = std::strrchr(buf, ')');  // the name may contain anything
        if (!paren || paren[1] != ' ' || (paren[2] != 'S' && paren[2] != 'D')) continue;
        if (!read_proc(dirfd(d), tid + "/syscall", buf, sizeof buf)) {
            if (paren[2] == 'D') ++blocked;  // no syscall file: uninterruptible sleep only
            continue;
        }
        if (buf[0] >= '0' && buf[0] <= '9' && std::strtol(buf, nullptr, 10) != SYS_futex) ++blocked;
    }
    ::closedir(d);
    return readable ? blocked : -1;
}

void write_stderr(const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
        ssize_t w = ::write(2, s.data() + off, s.size() - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            return;
        }
        off += static_cast<std::size_t>(w);
    }
}

}  // namespace

walker::walker(aio::context& ctx, const options& opts, output& out, matcher* grep)
    : ctx_(ctx),
      o_(opts),
      out_(out),
      grep_(grep),
      term_(opts.print0 ? '\0' : '\n'),
      listing_(!opts.quiet),
      fixed_jobs_(opts.jobs != 0),
      threads_(opts.threads ? opts.threads : kStartThreads),
      fixed_threads_(opts.threads != 0) {
    jobs_ = fixed_jobs_ ? opts.jobs : kJobsPerThread * threads_;
    aux_limit_ = 4 * jobs_;
    if (threads_ < ctx_.parallel())
        ctx_.max_parallel(threads_);
    else
        ctx_.min_parallel(threads_);
}

int walker::run(const std::vector<std::string>& paths) {
    start_ = last_progress_ = tune_wall_ = now();
    for (auto it = paths.rbegin(); it != paths.rend(); ++it) {
        job j;
        j.root = true;
        j.name = *it;
        while (j.name.size() > 1 && j.name.back() == '/')
            j.name.pop_back();
        j.prefix = j.name == "/" ? "/" : j.name + "/";
        todo_.push_back(std::move(j));
    }
    pump();
    while (ctx_.nreqs()) {
        double t0 = now();
        ctx_.poll_wait();
        waited_ += now() - t0;
        ctx_.poll_cb();
        tune_threads();
        if (o_.progress) progress(false);
    }
    out_.flush();
    if (o_.progress) progress(true);
    if (std::getenv("TREESCAN_DEBUG")) {
        if (DIR* d = ::opendir("/proc/self/task")) {  // CPU time per thread
            std::string line = "threads' cpu (ms):";
            char buf[128];
            while (dirent* e = ::readdir(d))
                if (e->d_name[0] != '.' &&
                    read_proc(dirfd(d), std::string(e->d_name) + "/schedstat", buf, sizeof buf))
                    line += " " + std::to_string(std::strtoull(buf, nullptr, 10) / 1000000);
            ::closedir(d);
            std::fprintf(stderr, "%s\n", line.c_str());
        }
        rusage self{}, all{};
        ::getrusage(RUSAGE_THREAD, &self);
        ::getrusage(RUSAGE_SELF, &all);
        std::fprintf(stderr,
                     "main thread: %ld voluntary / %ld involuntary switches, cpu %.3f s; "
                     "process: %ld / %ld; cpu %.3f s\n",
                     self.ru_nvcsw, self.ru_nivcsw,
                     static_cast<double>(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
                         static_cast<double>(self.ru_utime.tv_usec + self.ru_stime.tv_usec) * 1e-6,
                     all.ru_nvcsw, all.ru_nivcsw,
                     static_cast<double>(all.ru_utime.tv_sec + all.ru_stime.tv_sec) +
                         static_cast<double>(all.ru_utime.tv_usec + all.ru_stime.tv_usec) * 1e-6);
    }
    if (int e = out_.error()) {
        if (e != EPIPE) write_stderr(std::string("treescan: write error: ") + strerror(e) + "\n");
        return 1;
    }
    return n_.errors ? 1 : 0;
}

// Start what waits, within the limits. Called after every completion.
void walker::pump() {
    while (aux_inflight_ < aux_limit_ && aux_next_ < aux_.size()) {
        ++aux_inflight_;
        task t = std::move(aux_[aux_next_++]);
        t();
    }
    if (aux_next_ == aux_.size()) {
        aux_.clear();
        aux_next_ = 0;
    }
    while (inflight_ < jobs_ && !todo_.empty() && aux_.size() - aux_next_ < kAuxBacklog) {
        job j = std::move(todo_.back());
        todo_.pop_back();
        start(std::move(j));
    }
}

void walker::start(job j) {
    ++inflight_;
    // Roots are followed if they are symlinks (as the Perl script's "$path/.");
    // below them nothing is: a directory swapped for a symlink is an error.
    aio::path_arg where =
        j.root ? aio::path_arg(j.name) : aio::path_arg(std::move(j.parent), j.name);
    unsigned flags = j.root ? 0 : aio::SCANDIR_NOFOLLOW;
    // the directory is needed only to recurse, unless -s or --sync work in it
    if (!o_.stat && !o_.sync) flags |= aio::SCANDIR_CLOSE_LEAVES;
    aio::scandir(
        std::move(where), kScandirMaxreq, flags,
        [this, j = std::move(j)](aio::result<aio::scandir_t> r) mutable {
            --inflight_;
            scanned(j, std::move(r));
            pump();
        },
        ctx_);
}

void walker::scanned(job& j, aio::result<aio::scandir_t> r) {
    if (!r) {
        if (j.root) return root_failed(j, r.error());
        ++n_.errors;
        return warn(j.prefix, r.error());
    }
    aio::scandir_t& s = *r;
    if (j.root) {
        ++n_.dirs;
        list(j.prefix, {}, false);
    }
    n_.dirs += s.dirs.size();
    n_.files += s.nondirs.size();
    if (listing_) {
        if (!o_.files_only)
            for (const auto& d : s.dirs)
                list(j.prefix, d, true);
        if (!o_.dirs_only)
            for (const auto& f : s.nondirs)
                list(j.prefix, f, false);
    }
    if (o_.stat) queue_stats(s, j.prefix);
    if (o_.sync) queue_syncs(s, j.prefix);
    for (auto& d : s.dirs) {
        job child;
        child.parent = s.dir;
        child.prefix.reserve(j.prefix.size() + d.size() + 1);
        child.prefix.append(j.prefix).append(d).push_back('/');
        child.name = std::move(d);
        todo_.push_back(std::move(child));
    }
}

// A root that could not be scanned: a directory we may not read is still
// listed (as find does); anything else is only reported.
void walker::root_failed(const job& j, std::error_code ec) {
    ++n_.errors;
    struct stat st;
    if (::stat(j.name.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        ++n_.dirs;
        list(j.prefix, {}, false);
        return warn(j.prefix, ec);
    }
    warn(j.name, ec);
}

// One listing line; `dir` adds the trailing '/'. A root's line is its prefix.
void walker::list(std::string_view prefix, std::string_view name, bool dir) {
    if (!listing_ || (dir || name.empty() ? o_.files_only : o_.dirs_only)) return;
    std::string_view suffix = dir ? "/" : "";
    if (grep_) {
        line_.assign(prefix).append(name).append(suffix);
        if (!grep_->matches(line_)) return;
    }
    out_.line(prefix, name, suffix, term_);
}

void walker::warn(std::string_view path, std::error_code ec) {
    write_stderr(std::string(path) + ": " + ec.message() + "\n");
}

void walker::warn(std::string_view path, std::string_view what, std::error_code ec) {
    write_stderr(std::string(path) + ": " + std::string(what) + ": " + ec.message() + "\n");
}

// -s: lstat every entry (the point is the side effect: stat data in the cache).
void walker::queue_stats(const aio::scandir_t& s, const std::string&) {
    for (const auto* names : {&s.dirs, &s.nondirs})
        for (const auto& name : *names)
            aux_.push_back([this, dir = s.dir, name] {
                ++n_.stats;
                aio::lstat(
                    {dir, name}, [this](aio::result<aio::stat_t>) { aux_done(); }, ctx_);
            });
}

// --sync: fsync the directory itself and every regular file in it.
void walker::queue_syncs(const aio::scandir_t& s, const std::string& prefix) {
    aux_.push_back([this, dir = s.dir, prefix] {
        aio::fsync(
            dir.fd(),
            [this, dir, prefix](aio::result<void> r) {
                if (!r) {
                    ++n_.errors;
                    warn(prefix, "fsync", r.error());
                }
                aux_done();
            },
            ctx_);
    });
    for (const auto& name : s.nondirs)
        aux_.push_back(
            [this, dir = s.dir, name, path = prefix + name] { sync_file(dir, name, path); });
}

// lstat first: only regular files are opened (opening a fifo or a device has
// effects of its own), and never through a symlink.
void walker::sync_file(aio::wd dir, std::string name, std::string path) {
    aio::lstat(
        {dir, name},
        [this, dir, name, path](aio::result<aio::stat_t> st) mutable {
            if (!st || !st->is_reg()) return aux_done();
            aio::open(
                {dir, name}, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0,
                [this, path = std::move(path)](aio::result<int> fd) {
                    if (!fd) {
                        ++n_.errors;
                        warn(path, fd.error());
                        return aux_done();
                    }
                    aio::fsync(
                        *fd,
                        [this, fd = *fd, path](aio::result<void> r) {
                            if (!r) {
                                ++n_.errors;
                                warn(path, "fsync", r.error());
                            }
                            aio::close(
                                fd, [this](aio::result<void>) { aux_done(); }, ctx_);
                        },
                        ctx_);
                },
                ctx_);
        },
        ctx_);
}

// More threads while requests wait and the CPUs are mostly idle: the
// workers are waiting for the disk or the filesystem, not computing.
void walker::tune_threads() {
    if (fixed_threads_ || threads_ >= kMaxThreads) return;
    double t = now();
    double span = t - tune_wall_;
    if (span < kTuneInterval) return;
    tune_wall_ = t;
    double waited = std::exchange(waited_, 0.0);
    // Cheap tests first: work must be waiting for a thread, and this thread
    // must have spent most of the time waiting for results.
    if (ctx_.nready() == 0 || waited < 0.5 * span) {
        io_bound_before_ = false;
        return;
    }
    int blocked = threads_blocked_in_io();
    // Against the threads that exist: the pool may not have started all
    // that were asked for yet.
    unsigned running = std::max(1u, std::min(threads_, static_cast<unsigned>(ctx_.nthreads())));
    bool io_bound = blocked >= 0 && 2 * static_cast<unsigned>(blocked) >= running;
    // twice in a row: a single page fault is not a slow filesystem
    bool grow = io_bound && io_bound_before_;
    io_bound_before_ = io_bound;
    if (!grow) return;
    threads_ = std::min(2 * threads_, kMaxThreads);
    ctx_.min_parallel(threads_);
    if (std::getenv("TREESCAN_DEBUG"))
        std::fprintf(stderr, "%.3f s: %u threads (%d blocked, %zu ready)\n", t - start_, threads_,
                     blocked, ctx_.nready());
    if (!fixed_jobs_) {
        jobs_ = kJobsPerThread * threads_;
        aux_limit_ = 4 * jobs_;
    }
}

void walker::aux_done() {
    --aux_inflight_;
    pump();
}

// The Perl script's progress line (at most once a second), and with `final`
// a summary.
void walker::progress(bool final) {
    double t = now();
    if (!final && t - last_progress_ < 1) return;
    last_progress_ = t;
    double d = t - start_ > 0 ? t - start_ : 1e-9;
    char buf[512];
    std::snprintf(buf, sizeof buf, "\r%llu dirs (%g/s) %llu files (%g/s) %llu stats (%g/s)       ",
                  static_cast<unsigned long long>(n_.dirs), static_cast<double>(n_.dirs) / d,
                  static_cast<unsigned long long>(n_.files), static_cast<double>(n_.files) / d,
                  static_cast<unsigned long long>(n_.stats), static_cast<double>(n_.stats) / d);
    std::string s = buf;
    if (final) {
        std::uint64_t entries = n_.dirs + n_.files;
        std::snprintf(
            buf, sizeof buf,
            "\ntreescan: %llu entries (%llu directories, %llu files) in %.3f s, "
            "%.0f entries/s, %llu errors, %u threads\n",
            static_cast<unsigned long long>(entries), static_cast<unsigned long long>(n_.dirs),
            static_cast<unsigned long long>(n_.files), d, static_cast<double>(entries) / d,
            static_cast<unsigned long long>(n_.errors), ctx_.parallel());
        s += buf;
    }
    write_stderr(s);
}

}  // namespace treescan
