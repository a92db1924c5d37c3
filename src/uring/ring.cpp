// The io_uring executor (liburing). docs/api/uring.md is the user's view.
//
// Which executor a context gets (create):
//   context_options::executor  pool -> pool; uring -> the ring if it works.
//   automatic                  AIOPP_EXECUTOR=pool|uring|auto decides; unset
//                              or auto: the ring if it works, for the ops
//                              measured faster on it (auto_on_ring).
//   A process under a seccomp filter gets the ring only when the code asks
//   for it (options = uring): a filter may kill the process on
//   io_uring_setup, and ring ops bypass the filter's syscall rules.
//   "Works" means: io_uring_setup succeeds (no ENOSYS, EPERM from
//   io_uring_disabled or seccomp, ENOMEM), a NOP round trip completes and the
//   eventfd can be registered. Anything else: the pool alone. No SQPOLL.
//
// Submitted requests go into a lock-free intake (req_intake); the submitter
// then feeds the ring itself if it gets the ring's lock, else the lock's
// holder or the driving thread takes them (kick() has the protocol). In a storm
// the driving thread (drive()) reaps and refills the ring round after round.
//
// Requests wait in the ring's nine priority queues and enter the ring while
// fewer than depth_ are in flight ("in flight" = submitted, completion not
// yet reaped). Each holds a slot for that time: the slot index is the SQE's
// user_data and keeps what the kernel writes into (struct statx) and the
// resolved paths. Cancel SQEs carry user_data 0 and their completions are
// ignored. Slots are bounded by depth and cancels by one per slot, so the
// completion queue (twice the ring's size) never overflows. A slot is reused
// only after its completion was reaped, under mu_, and a cancel is submitted
// under mu_ too, so a cancel can never hit the slot's next request.
//
// accepts() keeps on the pool whatever the ring would do differently from
// the syscall (see docs/api/uring.md for the list and the reasons). Results
// the pool executor would have handled differently are re-run on the pool:
// EINTR or a leaked restart code (the pool retries), ECANCELED when nobody
// cancelled (the kernel cancels a thread's queued requests when it exits),
// statx ENOSYS/EPERM (fstatat fallback), fdatasync EINVAL/ENOSYS (fsync
// fallback), sync_file_range ENOSYS (fdatasync fallback).
#include "uring/ring.hpp"

#include "engine/context_impl.hpp"

#ifdef AIOPP_HAVE_URING

#include <fcntl.h>
#include <liburing.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

#include "ops/fs_req.hpp"
#include "ops/op.hpp"

namespace aio::detail {

namespace {

constexpr unsigned kEntries = 256;  // SQ size; the CQ is twice that
constexpr int kPriorities = pri_max - pri_min + 1;
constexpr std::size_t kOps = static_cast<std::size_t>(op::count_);
// How many requests ahead of the one it submits feed_locked() fetches.
constexpr std::size_t kPrefetch = 64;
// How long the driving thread watches the intake after catching up.
constexpr std::int64_t kLingerNs = 20000;
// Requests queued behind a full ring before the driving thread is made.
constexpr std::uint32_t kStartAfter = 2048;

// The opcode each op maps to (IORING_OP_LAST: not a ring op).
int opcode_of(op o) noexcept {
    switch (o) {
        case op::nop:
            return IORING_OP_NOP;
        case op::read:
            return IORING_OP_READ;
        case op::write:
            return IORING_OP_WRITE;
        case op::open:
            return IORING_OP_OPENAT;
        case op::close:
            return IORING_OP_CLOSE;
        case op::stat:
        case op::lstat:
        case op::fstat:
            return IORING_OP_STATX;
        case op::fsync:
        case op::fdatasync:
            return IORING_OP_FSYNC;
        case op::allocate:
            return IORING_OP_FALLOCATE;
        case op::sync_file_range:
            return IORING_OP_SYNC_FILE_RANGE;
        case op::unlink:
        case op::rmdir:
            return IORING_OP_UNLINKAT;
        case op::rename:
        case op::rename2:
            return IORING_OP_RENAMEAT;
        case op::mkdir:
            return IORING_OP_MKDIRAT;
        case op::symlink:
            return IORING_OP_SYMLINKAT;
        case op::link:
            return IORING_OP_LINKAT;
        default:
            return IORING_OP_LAST;
    }
}

// Ops that go to the ring under `automatic`, by measurement (docs/
// PERFORMANCE.md, "stat storm" and "io_uring"): on a quiet machine a path
// statx ran 2-2.3x slower on the ring than on the pool at every depth (the
// kernel hands it to an io-wq thread: one more hand-off), and so does
// openat (small files: 3.3-3.5 us per open+read+close with open on the
// pool, 8.8-9.1 us all on the ring); a nop is cheaper on the pool. So stat,
// lstat, fstat, open and nop stay on the pool; every other mapped op goes to
// the ring. executor_kind::uring sends every op the kernel supports.
bool auto_on_ring(op o) noexcept {
    switch (o) {
        case op::stat:
        case op::lstat:
        case op::fstat:
        case op::open:
        case op::nop:
            return false;
        default:
            return true;
    }
}

// A full memory barrier. ThreadSanitizer does not model fences (GCC warns):
// there, a sequentially consistent read-modify-write stands in.
inline void full_fence() noexcept {
#if defined(__SANITIZE_THREAD__)
    static std::atomic<int> word{0};
    word.fetch_add(0, std::memory_order_seq_cst);
#else
    std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

// Whether membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) works in this
// process (registered once per process; a fork child registers again).
bool membarrier_registered() noexcept {
    static std::atomic<pid_t> registered_for{0};
    pid_t self = ::getpid();
    if (registered_for.load(std::memory_order_acquire) == self) return true;
    if (::syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) != 0)
        return false;
    registered_for.store(self, std::memory_order_release);
    return true;
}

bool seccomp_filtered() noexcept {
    std::FILE* f = std::fopen("/proc/self/status", "re");
    if (!f) return false;
    char line[256];
    bool filtered = false;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "Seccomp:", 8) == 0) {
            filtered = std::atoi(line + 8) != 0;
            break;
        }
    }
    std::fclose(f);
    return filtered;
}

// The executor this context should try, after the environment variable.
executor_kind wanted_kind(executor_kind kind, bool& asked_in_code) noexcept {
    asked_in_code = kind != executor_kind::automatic;
    if (asked_in_code) return kind;
    const char* env = std::getenv("AIOPP_EXECUTOR");
    if (!env) return executor_kind::automatic;
    if (std::strcmp(env, "pool") == 0) return executor_kind::pool;
    if (std::strcmp(env, "uring") == 0) return executor_kind::uring;
    return executor_kind::automatic;  // "auto", or anything unknown
}

// A wd (not aio::cwd) with the path "." — the pool renames/removes it by its
// recorded absolute path (src/ops/namespace.cpp).
bool is_wd_itself(const path_arg& p) noexcept {
    return p.dir.impl() && p.path == ".";
}

// A kernel worker's wait interrupted (by a cancel, or by the exit of the
// thread that submitted it): EINTR, or a restart code that was not turned
// into EINTR on its way to the completion.
bool interrupted(int res) noexcept {
    constexpr int erestartsys = 512, erestartnointr = 513, erestartnohand = 514;
    return res == -EINTR || res == -erestartsys || res == -erestartnointr || res == -erestartnohand;
}

void set_res(req& r, int res) noexcept {
    if (res < 0) {
        r.err = -res;
        r.result = -1;
    } else {
        r.err = 0;
        r.result = res;
    }
}

// A FIFO of request pointers in a growable circular array. The ring's
// queues can hold a million requests that went cold since their submission;
// an array lets feed_locked() fetch the ones it is about to submit ahead
// of time (following a linked list would miss the cache once per request,
// each miss waiting for the one before). It keeps its largest size while
// the context lives: 8 bytes per request of the longest backlog.
class req_fifo {
  public:
    req_fifo() = default;
    req_fifo(const req_fifo&) = delete;
    req_fifo& operator=(const req_fifo&) = delete;
    ~req_fifo() { delete[] buf_; }

    bool empty() const noexcept { return head_ == tail_; }
    std::size_t size() const noexcept { return tail_ - head_; }
    /// False when the array could not grow (r is not queued).
    bool push(req* r) noexcept {
        if (tail_ - head_ == cap_ && !grow()) return false;
        buf_[tail_++ & (cap_ - 1)] = r;
        return true;
    }
    req* pop() noexcept { return buf_[head_++ & (cap_ - 1)]; }  // not empty
    /// The request i places behind the head (i < size()).
    req* peek(std::size_t i) const noexcept { return buf_[(head_ + i) & (cap_ - 1)]; }

  private:
    bool grow() noexcept {
        std::size_t cap = cap_ ? cap_ * 2 : 64;
        req** buf = new (std::nothrow) req*[cap];
        if (!buf) return false;
        for (std::size_t i = head_; i != tail_; ++i)
            buf[i - head_] = buf_[i & (cap_ - 1)];
        delete[] buf_;
        tail_ -= head_;
        head_ = 0;
        buf_ = buf;
        cap_ = cap;
        return true;
    }

    req** buf_ = nullptr;
    std::size_t cap_ = 0;  // 0 or a power of two
    std::size_t head_ = 0, tail_ = 0;
};

// Submissions on their way into the ring's queues: any thread pushes, the
// holder of the ring's lock takes. A bounded array with a sequence number
// per cell (a push claims a cell by moving the tail, then publishes it), so
// that taking a thousand requests reads their pointers from consecutive
// cache lines instead of following a thousand links. Full: push() fails and
// the submitter takes the lock to make room.
class req_intake {
  public:
    static constexpr std::uint32_t kCap = 4096;

    req_intake() : cells_(new cell[kCap]) {
        for (std::uint32_t i = 0; i < kCap; ++i)
            cells_[i].seq.store(i, std::memory_order_relaxed);
    }
    req_intake(const req_intake&) = delete;
    req_intake& operator=(const req_intake&) = delete;
    ~req_intake() { delete[] cells_; }

    /// Any thread. What orders the publishing store before the pusher's
    /// next look at the driving thread or the lock: uring_executor::kick().
    bool push(req* r) noexcept {
        std::uint32_t pos = tail_.load(std::memory_order_relaxed);
        for (;;) {
            cell& c = cells_[pos & (kCap - 1)];
            std::uint32_t seq = c.seq.load(std::memory_order_acquire);
            auto diff = static_cast<std::int32_t>(seq - pos);  // positions wrap around
            if (diff == 0) {
                if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
                    c.r = r;
                    c.pri = r->pri;
                    c.seq.store(pos + 1, std::memory_order_release);
                    return true;
                }
            } else if (diff < 0) {
                return false;  // full
            } else {
                pos = tail_.load(std::memory_order_relaxed);
            }
        }
    }
    /// Whether the oldest push is published (the consumer would get it).
    bool ready() const noexcept {
        std::uint32_t h = head_.load(std::memory_order_relaxed);
        return cells_[h & (kCap - 1)].seq.load(std::memory_order_seq_cst) == h + 1;
    }
    /// The oldest published request, or nullptr; its priority in pri (read
    /// from the cell: the request itself may still be in another core's
    /// cache). The lock holder only.
    req* pop(int& pri) noexcept {
        std::uint32_t h = head_.load(std::memory_order_relaxed);
        cell& c = cells_[h & (kCap - 1)];
        if (c.seq.load(std::memory_order_acquire) != h + 1) return nullptr;
        req* r = c.r;
        pri = c.pri;
        c.seq.store(h + kCap, std::memory_order_release);
        head_.store(h + 1, std::memory_order_relaxed);
        return r;
    }
    /// Positions claimed by pushes so far, and taken by pop() so far.
    std::uint32_t claimed() const noexcept { return tail_.load(std::memory_order_relaxed); }
    std::uint32_t taken() const noexcept { return head_.load(std::memory_order_relaxed); }
    /// Requests pushed and not taken (any thread; a snapshot).
    std::size_t size() const noexcept {
        std::uint32_t h = head_.load(std::memory_order_relaxed);
        std::uint32_t t = tail_.load(std::memory_order_relaxed);
        auto n = static_cast<std::int32_t>(t - h);
        return n > 0 ? static_cast<std::size_t>(n) : 0;
    }

  private:
    struct cell {
        std::atomic<std::uint32_t> seq;
        std::int8_t pri = 0;
        req* r = nullptr;
    };
    cell* cells_;
    alignas(64) std::atomic<std::uint32_t> tail_{0};
    alignas(64) std::atomic<std::uint32_t> head_{0};
};

// The ring's lock. Its own (not std::mutex) because kick() needs try_lock
// and unlock to be sequentially consistent read-modify-writes, so that a
// submitter whose try_lock fails and the holder who unlocks cannot both
// miss the submitter's request in the intake. Waiters spin briefly, then
// sleep on the lock word.
class ring_lock {
  public:
    bool try_lock() noexcept {
        int free = 0;
        return s_.compare_exchange_strong(free, 1, std::memory_order_seq_cst);
    }
    void lock() noexcept {
        for (int i = 0; i < 200; ++i) {
            if (s_.load(std::memory_order_relaxed) == 0 && try_lock()) return;
            cpu_relax();
        }
        while (s_.exchange(2, std::memory_order_seq_cst) != 0)
            s_.wait(2, std::memory_order_relaxed);
    }
    void unlock() noexcept {
        if (s_.exchange(0, std::memory_order_seq_cst) == 2) s_.notify_one();
    }

  private:
    std::atomic<int> s_{0};  // 0 free, 1 held, 2 held and someone may sleep
};

class uring_executor final : public ring_executor {
  public:
    uring_executor(context_impl& ctx, io_uring& ring, bool all_ops) : ctx_(ctx), ring_(ring) {
        io_uring_probe* probe = io_uring_get_probe_ring(&ring_);
        for (std::size_t i = 0; i < kOps; ++i) {
            auto o = static_cast<op>(i);
            int code = opcode_of(o);
            on_ring_[i] = code != IORING_OP_LAST && probe &&
                          io_uring_opcode_supported(probe, code) && (all_ops || auto_on_ring(o));
        }
        if (probe) io_uring_free_probe(probe);
        rlimit lim;
        fsize_limited_ = ::getrlimit(RLIMIT_FSIZE, &lim) != 0 || lim.rlim_cur != RLIM_INFINITY;
        membarrier_ = membarrier_registered();
        slots_.resize(kEntries);
        free_.reserve(kEntries);
        for (unsigned i = kEntries; i-- > 0;)
            free_.push_back(i);
    }

    ~uring_executor() override {
        if (abandoned_) return;
        stop_driver();
        io_uring_queue_exit(&ring_);
    }

    bool accepts(const req& r) const noexcept override;
    void submit(req* r, bool defer) override;
    void feed() override;
    void reap(req_queue& done) override;
    bool has_completions() const noexcept override { return !driving() && ncompleted() != 0; }
    bool in_fork_child() const noexcept { return forked_.load(std::memory_order_relaxed); }
    std::size_t nready() const noexcept override {
        return queued_.load(std::memory_order_relaxed) + intake_.size();
    }
    std::size_t ncompleted() const noexcept override {
        if (in_fork_child()) return 0;
        unsigned tail = __atomic_load_n(ring_.cq.ktail, __ATOMIC_ACQUIRE);
        unsigned head = __atomic_load_n(ring_.cq.khead, __ATOMIC_RELAXED);
        return tail - head;
    }
    void cancel(req* r) override;
    void drain(req_queue& done) override;
    void abandon() override;
    void forked() noexcept override { forked_.store(true, std::memory_order_relaxed); }
    void lock() override { mu_.lock(); }
    void unlock() override {
        mu_.unlock();
        kick();
    }
    void depth(unsigned n) override {
        mu_.lock();
        depth_.store(n < 1 ? 1 : n > kEntries ? kEntries : n, std::memory_order_relaxed);
        req_queue done, rerun;
        round_locked(done, rerun);
        unlock_and_hand_over(done, rerun);
    }
    unsigned depth() const noexcept override { return depth_.load(std::memory_order_relaxed); }
    std::uint64_t submitted(std::uint8_t opcode) const noexcept override {
        return opcode < kOps ? submitted_[opcode].load(std::memory_order_relaxed) : 0;
    }
    std::uint64_t driven() const noexcept override {
        return driven_.load(std::memory_order_relaxed);
    }

  private:
    // One request in the ring: what the kernel reads from or writes to.
    struct slot {
        req* r = nullptr;
        bool cancel_sent = false;
        int dirfd = AT_FDCWD, dirfd2 = AT_FDCWD;
        const char* path = nullptr;
        const char* path2 = nullptr;
        struct statx sx;
    };
    enum class outcome { done, rerun };
    enum class prep { ready, failed, pool };

    bool push(req* r) noexcept;
    bool push(req* r, int pri) noexcept;
    req* pop() noexcept;
    bool driving() const noexcept { return drive_.load(std::memory_order_seq_cst) != 0; }
    void kick();
    void pushed_fence() const noexcept;
    void stopped_fence() const noexcept;
    void drain_intake_locked(req_queue& rerun) noexcept;
    void drain_intake_through(std::uint32_t end, req_queue& rerun) noexcept;
    bool round_locked(req_queue& done, req_queue& rerun);
    void unlock_and_hand_over(req_queue& done, req_queue& rerun);
    void wake_driver() noexcept;
    static void* driver_entry(void* self);
    void drive();
    bool linger() noexcept;
    void stop_driver() noexcept;
    unsigned feed_locked(req_queue& done, req_queue& rerun);
    bool to_sqe(req* r, req_queue& done, req_queue& rerun);
    prep prepare(slot& s) noexcept;
    void fill_sqe(io_uring_sqe* sqe, slot& s) noexcept;
    void submit_locked();
    void recover_unsubmitted();
    unsigned reap_locked(req_queue& done, req_queue& rerun, bool draining);
    outcome complete(slot& s, int res) noexcept;
    void release_slot(unsigned idx) noexcept;
    void prep_cancel(io_uring_sqe* sqe, unsigned i) noexcept;
    void rerun_on_pool(req_queue& q);

    context_impl& ctx_;
    io_uring ring_;
    std::array<bool, kOps> on_ring_{};
    bool fsize_limited_ = false;  // RLIMIT_FSIZE when the ring was made
    bool membarrier_ = false;     // the driving thread's stop can fence every thread (kick)
    bool abandoned_ = false;
    std::atomic<bool> forked_{false};  // this is a fork child: the ring is the parent's

    // ---- submission (lock-free) and the driving thread -------------------------
    req_intake intake_;
    // 1 while the driving thread owns the feeding: submitters only push.
    alignas(64) std::atomic<int> drive_{0};
    std::atomic<bool> stop_{false};
    pthread_t driver_{};
    bool driver_started_ = false;         // under mu_
    std::uint32_t waited_unstarted_ = 0;  // under mu_: wake_driver() calls before it started

    // ---- guarded by mu_ (the SQ and the CQ are used only under it) ----------
    ring_lock mu_;
    req_fifo queue_[kPriorities];
    unsigned nonempty_ = 0;  // bit p: queue_[p] holds requests
    std::vector<slot> slots_;
    std::vector<unsigned> free_;
    unsigned inflight_ = 0;
    std::atomic<unsigned> depth_{kEntries};  // written under mu_
    std::atomic<std::size_t> queued_{0};     // written under mu_, read anywhere
    std::array<std::atomic<std::uint64_t>, kOps> submitted_{};
    std::atomic<std::uint64_t> driven_{0};  // written under mu_
};

bool uring_executor::accepts(const req& r) const noexcept {
    if (in_fork_child()) return false;
    if (r.err || r.is_group || r.opcode >= kOps || !on_ring_[r.opcode]) return false;
    auto o = static_cast<op>(r.opcode);
    if (o == op::nop) return true;  // a plain req, no fs_req fields
    // Growing a file beyond RLIMIT_FSIZE raises SIGXFSZ in the thread that
    // does it: blocked in a worker, fatal in the submitting thread.
    if (fsize_limited_ && (o == op::write || o == op::allocate)) return false;
    const auto& f = static_cast<const fs_req&>(r);
    switch (o) {
        case op::read:
        case op::write:
            // The ring's length is 32 bits, and its offset -1 means "the
            // current position": a negative explicit offset (EINVAL from
            // pread) stays on the pool, like a null buffer (EFAULT or not).
            // So does the current position itself: read(2)/write(2) update
            // it atomically (f_pos_lock), the ring does not, so two
            // requests on one descriptor could use the same position.
            if (f.length > UINT_MAX || f.at_position || f.offset < 0) return false;
            return f.owned_buffer || f.buf != nullptr;
        case op::fstat:
            return f.fd >= 0;
        case op::sync_file_range:
            return f.length <= UINT_MAX;
        case op::rmdir:
        case op::rename:
        case op::rename2:
            return !is_wd_itself(f.path);
        default:
            return true;
    }
}

// Counters written only under mu_ (and read anywhere): no atomic
// read-modify-write needed.
inline void bump(std::atomic<std::size_t>& a, long d) noexcept {
    a.store(a.load(std::memory_order_relaxed) + static_cast<std::size_t>(d),
            std::memory_order_relaxed);
}
inline void bump(std::atomic<std::uint64_t>& a) noexcept {
    a.store(a.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

bool uring_executor::push(req* r) noexcept {
    return push(r, r->pri);
}

bool uring_executor::push(req* r, int pri) noexcept {
    int p = pri - pri_min;
    if (!queue_[p].push(r)) return false;
    nonempty_ |= 1u << p;
    bump(queued_, 1);
    return true;
}

req* uring_executor::pop() noexcept {
    if (!nonempty_) return nullptr;
    int p = 31 - __builtin_clz(nonempty_);  // the highest priority with requests
    req_fifo& q = queue_[p];
    req* r = q.pop();
    if (q.empty())
        nonempty_ &= ~(1u << p);
    else if (q.size() > kPrefetch)
        __builtin_prefetch(q.peek(kPrefetch));  // its header, for feed_locked
    bump(queued_, -1);
    return r;
}

// Submission: r goes into the lock-free intake, always (so that a thread's
// requests keep their order even when another thread's push, claimed
// earlier, is not published yet); then the submitter feeds the ring itself
// if the lock is free (one io_uring_enter while slots are free), or leaves
// it to whoever holds the lock, or to the driving thread.
void uring_executor::submit(req* r, bool defer) {
    if (intake_.push(r)) {
        pushed_fence();
        if (!defer) kick();
        return;
    }
    // The intake is full: make room under the lock. Everything claimed in
    // it is older than r and goes first, pushes still in progress included.
    req_queue done, rerun;
    mu_.lock();
    drain_intake_through(intake_.claimed(), rerun);
    if (!push(r)) rerun.push(r);  // no memory to queue it here: the pool takes it
    if (!defer && !driving()) round_locked(done, rerun);
    unlock_and_hand_over(done, rerun);
}

void uring_executor::feed() {
    if (driving()) return;
    if (!queued_.load(std::memory_order_relaxed) && !intake_.size()) return;
    req_queue done, rerun;
    mu_.lock();
    round_locked(done, rerun);
    unlock_and_hand_over(done, rerun);
}

// Whoever pushed into the intake makes sure someone takes it: the driving
// thread (which takes the intake on every round and looks once more after
// it stops), the holder of the lock (which looks after unlocking), or this
// thread. Each side writes, fences, then reads what the other writes, so
// that at least one of them sees the other:
//   pusher: publish the cell; fence 1; load drive_ (1: done); fence 2;
//           look at the intake (the oldest cell; unpublished: its pusher,
//           older, sees to it); try_lock (taken: the holder sees to it)
//   driver: store drive_ = 0; fence; look at the intake
//   holder: unlock (a seq_cst exchange); fence 2; look at the intake
// Fence 1 pairs only with the driver's: with membarrier() the driver's
// fence makes every thread's barrier for it, once per stop, and fence 1 is
// a compiler barrier (pushed_fence) — a full barrier per submission while
// the driving thread runs was ~6 % of the poll thread's time. Fence 2 pairs
// with other pushers and holders; only pushers that find no driving thread
// (and so enter the ring themselves) pay it.
void uring_executor::pushed_fence() const noexcept {
    if (membarrier_)
        std::atomic_signal_fence(std::memory_order_seq_cst);
    else
        full_fence();
}

void uring_executor::stopped_fence() const noexcept {
    if (!membarrier_ || ::syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0)
        full_fence();
}

void uring_executor::kick() {
    while (!driving()) {
        full_fence();
        if (!intake_.ready() || !mu_.try_lock()) return;  // see the protocol above
        req_queue done, rerun;
        round_locked(done, rerun);
        mu_.unlock();
        rerun_on_pool(rerun);
        ctx_.push_results(done);
    }
}

// Unlock, hand over what the round produced, and take what was pushed into
// the intake meanwhile.
void uring_executor::unlock_and_hand_over(req_queue& done, req_queue& rerun) {
    mu_.unlock();
    rerun_on_pool(rerun);
    ctx_.push_results(done);
    kick();
}

// Move the intake into the priority queues, as far as its pushes are
// published. mu_ held.
void uring_executor::drain_intake_locked(req_queue& rerun) noexcept {
    int pri;
    while (req* r = intake_.pop(pri))
        if (!push(r, pri)) rerun.push(r);
}

// The same up to position end, waiting for pushes claimed before it that
// are not published yet (their submitters are between two stores). mu_
// held.
void uring_executor::drain_intake_through(std::uint32_t end, req_queue& rerun) noexcept {
    int pri;
    for (unsigned waits = 0; intake_.taken() != end;) {
        if (req* r = intake_.pop(pri)) {
            if (!push(r, pri)) rerun.push(r);
        } else if (++waits < 64) {
            cpu_relax();
        } else {
            sched_yield();  // that submitter was preempted
        }
    }
}

// One round of feeding: the intake into the queues, the queues into the
// ring. When the ring is full, its completions are waiting and requests
// are queued behind them, the driving thread takes over: it reaps and
// refills while this thread goes on (submitting, or running callbacks).
// Returns whether anything entered the ring. mu_ held.
bool uring_executor::round_locked(req_queue& done, req_queue& rerun) {
    unsigned added = feed_locked(done, rerun);
    if (nonempty_ && inflight_ >= depth_.load(std::memory_order_relaxed) && ncompleted() != 0 &&
        !in_fork_child() && ctx_.parallel() != 0)
        wake_driver();
    return added != 0;
}

// mu_ held. The thread is made only once a context has queued kStartAfter
// requests behind a full ring: a short storm costs less without it (its
// creation and join, ~0.1–0.2 ms, against ~40 ns saved per request).
void uring_executor::wake_driver() noexcept {
    if (!driver_started_ && ++waited_unstarted_ < kStartAfter) return;
    if (drive_.exchange(1, std::memory_order_seq_cst) != 0) return;
    if (!driver_started_) {
        if (start_engine_thread(driver_, &driver_entry, this) != 0) {
            // No thread: the submitters and poll_cb go on feeding.
            drive_.store(0, std::memory_order_seq_cst);
            return;
        }
        driver_started_ = true;
        return;
    }
    drive_.notify_one();
}

void* uring_executor::driver_entry(void* self) {
    static_cast<uring_executor*>(self)->drive();
    return nullptr;
}

// The driving thread: while asked to (drive_ = 1), reap, take the intake,
// refill the ring and hand the results over, round after round, as long as
// rounds make progress and requests wait. Then it gives the feeding back to
// the submitters and poll_cb and sleeps until asked again.
void uring_executor::drive() {
    for (;;) {
        if (stop_.load(std::memory_order_seq_cst)) return;
        if (drive_.load(std::memory_order_seq_cst) == 0) {
            drive_.wait(0, std::memory_order_seq_cst);
            continue;
        }
        for (;;) {
            req_queue done, rerun;
            mu_.lock();
            bool progress = false;
            if (!in_fork_child()) {
                progress = reap_locked(done, rerun, false) != 0;
                if (unsigned added = feed_locked(done, rerun)) {
                    progress = true;
                    driven_.store(driven_.load(std::memory_order_relaxed) + added,
                                  std::memory_order_relaxed);
                    reap_locked(done, rerun, false);  // what completed inside io_uring_enter
                }
            }
            bool more = progress && (nonempty_ || intake_.ready());
            bool caught_up = progress && !more;
            mu_.unlock();
            rerun_on_pool(rerun);
            ctx_.push_results(done);
            if (!more && !(caught_up && linger())) break;
        }
        drive_.store(0, std::memory_order_seq_cst);
        stopped_fence();
        // Completions posted after the last round are poll_cb's now; it may
        // have looked (and found none to reap) while this thread ran.
        if (ncompleted() != 0) ctx_.ring_completions_left();
        kick();  // what was pushed while this thread was deciding to stop
    }
}

// The driving thread caught up with the submitters: watch the intake for a
// few microseconds before handing the feeding back, so that a stream of
// submissions keeps going through the intake instead of falling back to one
// io_uring_enter per request (while the ring has free slots) each time the
// driver is briefly ahead. Returns whether a submission came.
bool uring_executor::linger() noexcept {
    return spin_until([this] { return intake_.ready() || stop_.load(std::memory_order_relaxed); },
                      kLingerNs) &&
           !stop_.load(std::memory_order_relaxed);
}

// Destructor and drain(): end the driving thread. Not in a fork child (the
// thread is the parent's).
void uring_executor::stop_driver() noexcept {
    if (in_fork_child()) return;
    mu_.lock();
    bool started = driver_started_;
    driver_started_ = false;
    mu_.unlock();
    if (!started) return;
    stop_.store(true, std::memory_order_seq_cst);
    drive_.store(1, std::memory_order_seq_cst);
    drive_.notify_one();
    pthread_join(driver_, nullptr);
    drive_.store(0, std::memory_order_seq_cst);
}

// Move queued requests into the ring, highest priority first, while slots
// are free. Cancelled ones, and ones whose arguments fail before the
// syscall, go to `done`; ones the pool must run to `rerun`. mu_ held.
unsigned uring_executor::feed_locked(req_queue& done, req_queue& rerun) {
    if (in_fork_child() || ctx_.parallel() == 0) {
        drain_intake_locked(rerun);
        return 0;  // max_parallel(0): queue without executing
    }
    unsigned added = 0;
    unsigned depth = depth_.load(std::memory_order_relaxed);
    // Nothing queued and room for the whole intake: every request in it
    // enters the ring now whatever its priority, so it goes straight from
    // the intake into the SQ, in order (the queues are for choosing who goes
    // first when the ring is full).
    if (!nonempty_) {
        std::size_t n = intake_.size();
        if (n != 0 && inflight_ < depth && n <= depth - inflight_) {
            int pri;
            for (std::size_t i = 0; i < n; ++i) {
                req* r = intake_.pop(pri);
                if (!r) break;  // a push still in progress: it waits for the next round
                if (to_sqe(r, done, rerun)) ++added;
            }
        }
    }
    drain_intake_locked(rerun);
    while (inflight_ < depth && nonempty_) {
        if (to_sqe(pop(), done, rerun)) ++added;
    }
    if (added) submit_locked();
    return added;
}

// Put r into an SQE (the caller submits), unless it was cancelled (-> done)
// or fails or belongs to the pool before the syscall (-> done, rerun).
// Returns whether it entered. mu_ held, a slot free.
bool uring_executor::to_sqe(req* r, req_queue& done, req_queue& rerun) {
    if (r->cancelled.load(std::memory_order_relaxed)) {
        done.push(r);
        return false;
    }
    r->state.store(req_state::execute, std::memory_order_relaxed);
    unsigned idx = free_.back();
    slot& s = slots_[idx];
    s.r = r;
    s.cancel_sent = false;
    if (prep p = prepare(s); p != prep::ready) {
        s.r = nullptr;
        (p == prep::failed ? done : rerun).push(r);
        return false;
    }
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    if (!sqe) {  // cannot happen (the SQ is as large as the depth): the pool runs it
        s.r = nullptr;
        r->state.store(req_state::ready, std::memory_order_relaxed);
        rerun.push(r);
        return false;
    }
    free_.pop_back();
    fill_sqe(sqe, s);
    io_uring_sqe_set_data64(sqe, idx + 1);
    ++inflight_;
    bump(submitted_[r->opcode]);
    return true;
}

// Everything that can fail before the syscall, as the pool executor would
// fail it: path resolution (ENOENT, EINVAL) and the owned read buffer
// (ENOMEM): `failed` (r's errno set). `pool` for what only the pool does
// exactly like the syscall.
uring_executor::prep uring_executor::prepare(slot& s) noexcept {
    req& r = *s.r;
    auto o = static_cast<op>(r.opcode);
    if (o == op::nop) return prep::ready;
    auto& f = static_cast<fs_req&>(r);
    auto ok = [](bool resolved) { return resolved ? prep::ready : prep::failed; };
    switch (o) {
        case op::open:
        case op::stat:
        case op::lstat:
        case op::unlink:
        case op::rmdir:
        case op::mkdir:
            return ok(resolve(r, f.path, s.dirfd, s.path));
        case op::symlink:
            return ok(resolve(r, f.path2, s.dirfd, s.path));
        case op::link:
        case op::rename:
        case op::rename2:
            return ok(resolve(r, f.path, s.dirfd, s.path) &&
                      resolve(r, f.path2, s.dirfd2, s.path2));
        case op::read:
        case op::write:
            // The ring runs I/O on descriptors with an offset (files, block
            // devices); one cheap lseek tells. On the others (pipe, socket,
            // FIFO, tty) pread/pwrite fail with ESPIPE, while the ring would
            // ignore the offset and read or write (a write to a broken pipe
            // raising SIGPIPE in the submitting thread, a read that waits
            // for data completed by task work that interrupts that thread's
            // epoll_wait): the pool gives the syscall's answer.
            if (::lseek(f.fd, 0, SEEK_CUR) < 0) return prep::pool;
            if (o == op::read && f.owned_buffer) {
                try {
                    f.data.resize(static_cast<std::size_t>(f.dataoffset) +
                                  static_cast<std::size_t>(f.length));
                } catch (const std::exception&) {  // bad_alloc, length_error
                    f.fail(ENOMEM);
                    return prep::failed;
                }
            }
            return prep::ready;
        default:
            return prep::ready;
    }
}

void uring_executor::fill_sqe(io_uring_sqe* sqe, slot& s) noexcept {
    req& r = *s.r;
    auto o = static_cast<op>(r.opcode);
    if (o == op::nop) return io_uring_prep_nop(sqe);
    auto& f = static_cast<fs_req&>(r);
    auto off = static_cast<std::uint64_t>(f.offset);  // >= 0 (accepts)
    auto len = static_cast<unsigned>(f.length);
    constexpr int stat_flags = AT_NO_AUTOMOUNT | AT_STATX_SYNC_AS_STAT;
    constexpr unsigned stat_mask = STATX_BASIC_STATS | STATX_BTIME;
    switch (o) {
        case op::read: {
            void* buf = f.owned_buffer ? f.data.data() + f.dataoffset : f.buf;
            return io_uring_prep_read(sqe, f.fd, buf, len, off);
        }
        case op::write: {
            const void* buf = f.owned_buffer ? f.data.data() + f.dataoffset : f.buf;
            return io_uring_prep_write(sqe, f.fd, buf, len, off);
        }
        case op::open:
            io_uring_prep_openat(sqe, s.dirfd, s.path, f.flags, f.mode);
            // The ring first tries an open inline with O_NONBLOCK forced on,
            // which changes what opening a FIFO or a device does (a FIFO
            // reader does not wait for a writer, a writer gets ENXIO).
            // Unless the caller's flags make that attempt harmless, open in
            // a kernel worker, blocking like open(2).
            if (!(f.flags & (O_NONBLOCK | O_PATH | O_DIRECTORY))) sqe->flags |= IOSQE_ASYNC;
            return;
        case op::close:
            return io_uring_prep_close(sqe, f.fd);
        case op::stat:
            return io_uring_prep_statx(sqe, s.dirfd, s.path, stat_flags, stat_mask, &s.sx);
        case op::lstat:
            return io_uring_prep_statx(sqe, s.dirfd, s.path, stat_flags | AT_SYMLINK_NOFOLLOW,
                                       stat_mask, &s.sx);
        case op::fstat:
            return io_uring_prep_statx(sqe, f.fd, "", stat_flags | AT_EMPTY_PATH, stat_mask, &s.sx);
        case op::fsync:
            return io_uring_prep_fsync(sqe, f.fd, 0);
        case op::fdatasync:
            return io_uring_prep_fsync(sqe, f.fd, IORING_FSYNC_DATASYNC);
        case op::allocate:
            return io_uring_prep_fallocate(sqe, f.fd, f.flags, f.offset,
                                           static_cast<off_t>(f.length));
        case op::sync_file_range:
            return io_uring_prep_sync_file_range(sqe, f.fd, len,
                                                 static_cast<std::uint64_t>(f.offset), f.flags);
        case op::unlink:
            return io_uring_prep_unlinkat(sqe, s.dirfd, s.path, 0);
        case op::rmdir:
            return io_uring_prep_unlinkat(sqe, s.dirfd, s.path, AT_REMOVEDIR);
        case op::rename:
            return io_uring_prep_renameat(sqe, s.dirfd, s.path, s.dirfd2, s.path2, 0);
        case op::rename2:
            return io_uring_prep_renameat(sqe, s.dirfd, s.path, s.dirfd2, s.path2,
                                          static_cast<unsigned>(f.flags));
        case op::mkdir:
            return io_uring_prep_mkdirat(sqe, s.dirfd, s.path, static_cast<mode_t>(f.mode));
        case op::symlink:
            return io_uring_prep_symlinkat(sqe, f.data.c_str(), s.dirfd, s.path);
        case op::link:
            return io_uring_prep_linkat(sqe, s.dirfd, s.path, s.dirfd2, s.path2, 0);
        default:  // accepts() lets nothing else in
            return io_uring_prep_nop(sqe);
    }
}

// Hand the prepared SQEs to the kernel. A submission the kernel refuses
// twice (ENOMEM, EAGAIN, a broken ring) is taken back and run on the pool:
// the ring never sits on requests it could not submit. mu_ held.
void uring_executor::submit_locked() {
    for (int attempt = 0; attempt < 2; ++attempt) {
        int rc = io_uring_submit(&ring_);
        if (io_uring_sq_ready(&ring_) == 0) return;
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) break;
    }
    recover_unsubmitted();
}

// Take back the SQEs the kernel did not consume (without SQPOLL it reads the
// SQ only inside io_uring_enter, which returned). mu_ held.
void uring_executor::recover_unsubmitted() {
    unsigned head = __atomic_load_n(ring_.sq.khead, __ATOMIC_ACQUIRE);
    unsigned tail = ring_.sq.sqe_tail;
    req_queue rerun;
    for (unsigned i = head; i != tail; ++i) {
        const io_uring_sqe& sqe = ring_.sq.sqes[i & ring_.sq.ring_mask];
        std::uint64_t ud = sqe.user_data;
        if (sqe.opcode == IORING_OP_ASYNC_CANCEL) {
            if (sqe.addr >= 1 && sqe.addr <= kEntries) slots_[sqe.addr - 1].cancel_sent = false;
            continue;
        }
        if (ud == 0 || ud > kEntries) continue;
        slot& s = slots_[ud - 1];
        req* r = s.r;
        release_slot(static_cast<unsigned>(ud - 1));
        r->err = 0;
        rerun.push(r);
    }
    __atomic_store_n(ring_.sq.ktail, head, __ATOMIC_RELEASE);
    ring_.sq.sqe_head = ring_.sq.sqe_tail = head;
    // The pool takes mu_ (the engine's), never ours: safe to call here.
    rerun_on_pool(rerun);
}

void uring_executor::release_slot(unsigned idx) noexcept {
    slots_[idx].r = nullptr;
    slots_[idx].cancel_sent = false;
    free_.push_back(idx);
    --inflight_;
}

void uring_executor::rerun_on_pool(req_queue& q) {
    while (req* r = q.pop()) {
        r->err = 0;
        r->result = 0;
        try {
            ctx_.run_on_pool(r);
        } catch (const std::exception&) {
            // Only starting a worker can throw, after r was queued: a worker
            // that exists (or starts later) runs it. Never out of the
            // driving thread, and never leaving the rest of q behind.
        }
    }
}

// Record the kernel's answer in the request as the pool executor would.
uring_executor::outcome uring_executor::complete(slot& s, int res) noexcept {
    req& r = *s.r;
    bool cancelled = r.cancelled.load(std::memory_order_relaxed);
    auto o = static_cast<op>(r.opcode);
    if (!cancelled && (res == -ECANCELED || (interrupted(res) && o != op::close)))
        return outcome::rerun;
    if (o == op::nop) {
        set_res(r, res < 0 ? res : 0);
        return outcome::done;
    }
    auto& f = static_cast<fs_req&>(r);
    switch (o) {
        case op::read:
            if (f.owned_buffer)
                f.data.resize(static_cast<std::size_t>(f.dataoffset) +
                              static_cast<std::size_t>(res > 0 ? res : 0));
            break;
        case op::stat:
        case op::lstat:
        case op::fstat:
            if (!cancelled && (res == -ENOSYS || res == -EPERM)) return outcome::rerun;
            if (res == 0) {
                stat_t st;
                fill_stat(st, s.sx);
                f.out = st;
            }
            break;
        case op::fdatasync:
            if (!cancelled && (res == -EINVAL || res == -ENOSYS)) return outcome::rerun;
            break;
        case op::sync_file_range:
            if (!cancelled && res == -ENOSYS) return outcome::rerun;
            break;
        default:
            break;
    }
    set_res(r, res);
    return outcome::done;
}

// Collect completions; returns how many. mu_ held.
unsigned uring_executor::reap_locked(req_queue& done, req_queue& rerun, bool draining) {
    unsigned head, n = 0;
    io_uring_cqe* cqe;
    io_uring_for_each_cqe(&ring_, head, cqe) {
        ++n;
        std::uint64_t ud = cqe->user_data;
        if (ud == 0 || ud > kEntries) continue;  // a cancel's own completion
        auto idx = static_cast<unsigned>(ud - 1);
        slot& s = slots_[idx];
        req* r = s.r;
        outcome oc = complete(s, cqe->res);
        release_slot(idx);
        if (oc == outcome::rerun && !draining)
            rerun.push(r);
        else
            done.push(r);
    }
    io_uring_cq_advance(&ring_, n);
    return n;
}

void uring_executor::reap(req_queue& done) {
    // While the driving thread runs, it reaps (and hands the results over).
    if (in_fork_child() || driving()) return;
    req_queue finished, rerun, none;
    mu_.lock();
    // Twice: completions of what the first feed submitted (NOPs, cached
    // reads: done inside io_uring_enter) are collected at once, and their
    // slots refilled.
    for (int round = 0; round < 2; ++round) {
        reap_locked(finished, rerun, false);
        round_locked(finished, rerun);
    }
    unlock_and_hand_over(none, rerun);
    // Cancelled-while-queued requests and failed preparations are in
    // finished too: all of them go to the result queue.
    done.splice(finished);
}

// An IORING_OP_ASYNC_CANCEL for slot i. Its own completion (user_data 0)
// is skipped when it succeeds, so that npending does not count it.
void uring_executor::prep_cancel(io_uring_sqe* sqe, unsigned i) noexcept {
    io_uring_prep_cancel64(sqe, i + 1, 0);
    io_uring_sqe_set_data64(sqe, 0);
    if (ring_.features & IORING_FEAT_CQE_SKIP) sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
}

void uring_executor::cancel(req* r) {
    if (in_fork_child()) return;
    mu_.lock();
    for (unsigned i = 0; i < kEntries; ++i) {
        slot& s = slots_[i];
        if (s.r != r) continue;
        if (s.cancel_sent) break;
        io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
        if (!sqe) {
            submit_locked();
            sqe = io_uring_get_sqe(&ring_);
            if (!sqe) break;
        }
        prep_cancel(sqe, i);
        s.cancel_sent = true;
        submit_locked();
        break;
    }
    // Not in the ring: still queued (feed skips it) or already completed.
    mu_.unlock();
    kick();
}

void uring_executor::drain(req_queue& done) {
    if (!in_fork_child()) stop_driver();
    std::lock_guard lk(mu_);
    req_queue rerun;  // stays empty: the queues grow without limit here
    drain_intake_locked(rerun);
    while (req* r = rerun.pop())
        done.push(r);
    while (req* r = pop())
        done.push(r);             // never executed, like the pool's queued requests
    if (in_fork_child()) return;  // a fork child: what is in the ring is the parent's
    for (unsigned i = 0; i < kEntries; ++i) {
        slot& s = slots_[i];
        if (!s.r || s.cancel_sent) continue;
        io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
        if (!sqe) {
            submit_locked();
            sqe = io_uring_get_sqe(&ring_);
            if (!sqe) break;
        }
        prep_cancel(sqe, i);
        s.cancel_sent = true;
    }
    submit_locked();
    while (inflight_) {
        reap_locked(done, rerun, true);
        if (!inflight_) break;
        io_uring_cqe* cqe;
        int rc = io_uring_wait_cqe(&ring_, &cqe);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN) {
            // The ring cannot tell us any more (it should not happen). The
            // kernel may still write into what the requests in it point
            // to: leave those requests and the slots allocated, forever.
            new std::vector<slot>(std::move(slots_));
            break;
        }
    }
}

void uring_executor::abandon() {
    // The ring's memory is shared with the parent: do not reap, submit or
    // register anything. Queued requests are ours to free; requests in the
    // ring belong to the parent's kernel state and are abandoned. The
    // driving thread is the parent's: forget it.
    driver_started_ = false;
    req_queue unqueued;
    drain_intake_locked(unqueued);
    while (req* r = unqueued.pop()) {
        r->state.store(req_state::done);
        release(r);
    }
    while (req* r = pop()) {
        r->state.store(req_state::done);
        release(r);
    }
    // Unmapping and closing only drop this process's references.
    io_uring_queue_exit(&ring_);
    abandoned_ = true;
}

// A ring with the SQ/CQ sizes we need, or an errno.
int setup_ring(io_uring& ring) noexcept {
    io_uring_params p{};
    p.flags = IORING_SETUP_SUBMIT_ALL;  // a bad SQE does not stop the ones after it
    int rc = io_uring_queue_init_params(kEntries, &ring, &p);
    if (rc == -EINVAL) {  // before 5.18
        p = io_uring_params{};
        rc = io_uring_queue_init_params(kEntries, &ring, &p);
    }
    if (rc < 0) return -rc;
    if (!(p.features & IORING_FEAT_NODROP)) {  // before 5.5: completions could be lost
        io_uring_queue_exit(&ring);
        return ENOSYS;
    }
    // A NOP round trip: io_uring_enter may be filtered even when setup is not.
    io_uring_sqe* sqe = io_uring_get_sqe(&ring);
    if (!sqe) {
        io_uring_queue_exit(&ring);
        return EIO;
    }
    io_uring_prep_nop(sqe);
    io_uring_sqe_set_data64(sqe, 0);
    io_uring_cqe* cqe = nullptr;
    do
        rc = io_uring_submit_and_wait(&ring, 1);
    while (rc == -EINTR);
    if (rc >= 0) rc = io_uring_peek_cqe(&ring, &cqe);
    if (rc < 0 || !cqe || cqe->res != 0) {
        io_uring_queue_exit(&ring);
        return rc < 0 ? -rc : EIO;
    }
    io_uring_cqe_seen(&ring, cqe);
    return 0;
}

}  // namespace

ring_executor* ring_executor::create(context_impl& ctx, executor_kind kind) {
    bool asked_in_code = false;
    executor_kind k = wanted_kind(kind, asked_in_code);
    if (k == executor_kind::pool) return nullptr;
    if (!asked_in_code && seccomp_filtered()) return nullptr;
    io_uring ring;
    if (setup_ring(ring) != 0) return nullptr;
    // Registered after the NOP: the descriptor must not start out readable.
    if (io_uring_register_eventfd(&ring, ctx.poll_fileno()) < 0) {
        io_uring_queue_exit(&ring);
        return nullptr;
    }
    try {
        return new uring_executor(ctx, ring, k == executor_kind::uring);
    } catch (const std::bad_alloc&) {
        io_uring_queue_exit(&ring);
        return nullptr;
    }
}

}  // namespace aio::detail

#else  // !AIOPP_HAVE_URING

namespace aio::detail {

ring_executor* ring_executor::create(context_impl&, executor_kind) {
    return nullptr;
}

}  // namespace aio::detail

#endif
