// IO::AIO — the Perl interface of IO::AIO 4.80, implemented on aiopp.
//
// Every aio_* function parses its Perl arguments first (which may croak),
// then creates the aiopp request with the public API, attaches a preq (see
// glue.hpp) and, in non-void context, returns the request object. Results
// are turned into Perl values in the completion, which runs inside poll_cb.
//
// aio_close (dup2 over the descriptor) and aio_slurp (open + read + close as
// one request) run as the library's internal "custom" step; everything else
// uses the operations of include/aio/ops.hpp and sys.hpp.

#include "glue.hpp"

#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/mount.h>

#include "consts.hpp"
#include "custom.hpp"

using namespace plaio;

namespace {

// ---- state of the module ----------------------------------------------------------

int g_close_fd = -1;       // read end of a pipe whose write end is closed (aio_close)
int g_poll_fd = -1;        // the poll descriptor Perl sees; stable across reinit
bool g_forked = false;     // in a fork child that has not called reinit
SV* g_on_next_submit = nullptr;

// The birth time of the last aio_stat, and the statcache it produced: st_btime
// reports it while PL_statcache still holds that stat.
Stat_t g_last_stat;
aio::file_time g_last_btime;
bool g_have_btime = false;

struct statx g_stx;  // IO::AIO::statx's result, read by the stx_* functions

void after_fork_child() {
    g_forked = true;
}

void on_submit(pTHX) {
    if (!g_on_next_submit) return;
    SV* cb = sv_2mortal(g_on_next_submit);
    g_on_next_submit = nullptr;
    dSP;
    PUSHMARK(SP);
    PUTBACK;
    call_sv(cb, G_DISCARD | G_EVAL);
}

/// Return the request object (non-void context) and run _on_next_submit.
/// The object is made first: the hook may run poll_cb and finish the request.
#define REQ_RETURN(p)                                                   \
    do {                                                                \
        SV* obj_ = GIMME_V != G_VOID ? req_sv(aTHX_ p) : nullptr;       \
        if (g_on_next_submit) {                                         \
            PUTBACK;                                                    \
            on_submit(aTHX);                                            \
            SPAGAIN;                                                    \
        }                                                               \
        if (obj_) XPUSHs(obj_);                                         \
    } while (0)

/// Phase 2 of an aio_* function: create the preq, run `stmt` (which submits
/// and attaches), release the preq if that threw, croak outside the try.
#define SUBMIT(p, cbcv, ...)                                           \
    preq* p = preq_new();                                              \
    p->cb = cbcv ? SvREFCNT_inc_simple_NN(cbcv) : nullptr;             \
    {                                                                  \
        char msg_[200];                                                \
        msg_[0] = 0;                                                   \
        try {                                                          \
            __VA_ARGS__;                                               \
        } catch (const std::exception& e_) {                           \
            std::snprintf(msg_, sizeof msg_, "IO::AIO: %s", e_.what()); \
        }                                                              \
        if (msg_[0]) {                                                 \
            if (!p->r) preq_free(p);                                   \
            croak("%s", msg_);                                         \
        }                                                              \
    }

// ---- result values ------------------------------------------------------------------

/// The status IV passed to most callbacks. IO::AIO passes a read-only scalar
/// and so do we; one is recycled while callbacks do not keep it.
SV* g_iv_cache = nullptr;

struct iv_arg {
    SV* sv;
    iv_arg(pTHX_ IV v) {
        if (g_iv_cache) {
            sv = std::exchange(g_iv_cache, nullptr);
            SvREADONLY_off(sv);
            SvIV_set(sv, v);
            SvIOK_only(sv);
            SvREADONLY_on(sv);
        } else {
            sv = newSViv(v);
            SvREADONLY_on(sv);
        }
    }
};

/// Callback with a single status IV (the common case), reusing the IV.
void deliver_iv(preq* p, int err, IV v) {
    if (!p->cb) {
        deliver_plain(p, err, nullptr);
        return;
    }
    dTHXa(g_perl);
    iv_arg a(aTHX_ v);
    struct release {
        PerlInterpreter* my_perl;
        SV* sv;
        ~release() {
            if (SvREFCNT(sv) == 1 && !g_iv_cache)
                g_iv_cache = sv;
            else
                SvREFCNT_dec(sv);
        }
    } rel{aTHX, a.sv};
    deliver_plain(p, err, a.sv);
}

template <class T>
void deliver_status(preq* p, aio::result<T>& r) {
    deliver_iv(p, r.err(), r ? 0 : -1);
}

template <class T>
void deliver_count(preq* p, aio::result<T>& r) {
    deliver_iv(p, r.err(), r ? static_cast<IV>(*r) : -1);
}

/// Status for (void) results.
auto status_fn = [](preq* p, aio::result<void>& r) { deliver_iv(p, r.err(), r ? 0 : -1); };

// ---- file handles ----------------------------------------------------------------------

/// A Perl handle for a new descriptor, as IO::AIO makes it: a glob named
/// fd#N in package IO::AIO, opened "<&=N", ">&=N" or "+<&=N". Mortal.
SV* new_fh(pTHX_ int fd, int accmode) {
    if (fd < 0) return &PL_sv_undef;
    GV* gv = reinterpret_cast<GV*>(sv_newmortal());
    char sym[64];
    int len = std::snprintf(sym, sizeof sym, "fd#%d", fd);
    gv_init_pvn(gv, g_stash_aio, sym, len, 0);
    len = std::snprintf(sym, sizeof sym, "%s&=%d",
                        accmode == O_RDONLY   ? "<"
                        : accmode == O_WRONLY ? ">"
                                              : "+<",
                        fd);
    if (!do_openn(gv, sym, len, 0, 0, 0, nullptr, nullptr, 0)) return &PL_sv_undef;
    return reinterpret_cast<SV*>(gv);
}

// ---- stat results ------------------------------------------------------------------------

void set_statcache(pTHX_ const aio::stat_t& s, bool lstat) {
    Stat_t& c = PL_statcache;
    std::memset(&c, 0, sizeof c);
    c.st_dev = s.dev;
    c.st_ino = s.ino;
    c.st_mode = s.mode;
    c.st_nlink = s.nlink;
    c.st_uid = s.uid;
    c.st_gid = s.gid;
    c.st_rdev = s.rdev;
    c.st_size = s.size;
    c.st_blksize = s.blksize;
    c.st_blocks = s.blocks;
    c.st_atim.tv_sec = s.atime.sec;
    c.st_atim.tv_nsec = s.atime.nsec;
    c.st_mtim.tv_sec = s.mtime.sec;
    c.st_mtim.tv_nsec = s.mtime.nsec;
    c.st_ctim.tv_sec = s.ctime.sec;
    c.st_ctim.tv_nsec = s.ctime.nsec;
    PL_laststatval = 0;
    PL_laststype = lstat ? OP_LSTAT : OP_STAT;
    g_last_stat = c;
    g_have_btime = s.has_btime();
    g_last_btime = s.btime;
}

void deliver_stat(preq* p, aio::result<aio::stat_t>& r) {
    dTHXa(g_perl);
    bool lstat = p->i1;
    if (r) {
        set_statcache(aTHX_ * r, lstat);
    } else {
        PL_laststatval = -1;
        PL_laststype = lstat ? OP_LSTAT : OP_STAT;
    }
    deliver_iv(p, r.err(), r ? 0 : -1);
}

SV* newSVu64(pTHX_ std::uint64_t v) {
    return newSVuv(static_cast<UV>(v));
}

void deliver_statvfs(preq* p, aio::result<aio::statvfs_t>& r) {
    deliver(p, r.err(), [&r](pTHX_ SV**& sp) {
        if (!r) {
            XPUSHs(&PL_sv_undef);
            return;
        }
        const aio::statvfs_t& f = *r;
        HV* hv = newHV();
        SV* rv = sv_2mortal(newRV_noinc(reinterpret_cast<SV*>(hv)));
        hv_stores(hv, "bsize", newSVu64(aTHX_ f.bsize));
        hv_stores(hv, "frsize", newSVu64(aTHX_ f.frsize));
        hv_stores(hv, "blocks", newSVu64(aTHX_ f.blocks));
        hv_stores(hv, "bfree", newSVu64(aTHX_ f.bfree));
        hv_stores(hv, "bavail", newSVu64(aTHX_ f.bavail));
        hv_stores(hv, "files", newSVu64(aTHX_ f.files));
        hv_stores(hv, "ffree", newSVu64(aTHX_ f.ffree));
        hv_stores(hv, "favail", newSVu64(aTHX_ f.favail));
        hv_stores(hv, "fsid", newSVu64(aTHX_ f.fsid));
        hv_stores(hv, "flag", newSVu64(aTHX_ f.flag));
        hv_stores(hv, "namemax", newSVu64(aTHX_ f.namemax));
        XPUSHs(rv);
    });
}

// ---- directory results ----------------------------------------------------------------------

SV* g_type_sv[16] = {};  // read-only DT_* scalars, shared as IO::AIO does

SV* type_sv(pTHX_ unsigned t) {
    t &= 15;
    if (!g_type_sv[t]) {
        g_type_sv[t] = newSViv(t);
        SvREADONLY_on(g_type_sv[t]);
    }
    return SvREFCNT_inc_simple_NN(g_type_sv[t]);
}

void deliver_readdir(preq* p, aio::result<std::vector<std::string>>& r) {
    deliver(p, r.err(), [&r](pTHX_ SV**& sp) {
        if (!r) {
            XPUSHs(&PL_sv_undef);
            return;
        }
        AV* av = newAV();
        SV* rv = sv_2mortal(newRV_noinc(reinterpret_cast<SV*>(av)));
        if (!r->empty()) av_extend(av, static_cast<SSize_t>(r->size()) - 1);
        SSize_t i = 0;
        for (const std::string& n : *r)
            av_store(av, i++, newSVpvn(n.data(), n.size()));
        XPUSHs(rv);
    });
}

void deliver_readdirx(preq* p, aio::result<aio::dir_entries>& r) {
    deliver(p, r.err(), [p, &r](pTHX_ SV**& sp) {
        unsigned inflags = static_cast<unsigned>(p->i1);
        if (!r) {
            XPUSHs(&PL_sv_undef);
            XPUSHs(sv_2mortal(newSViv(inflags | aio::READDIR_DENTS)));
            return;
        }
        AV* av = newAV();
        SV* rv = sv_2mortal(newRV_noinc(reinterpret_cast<SV*>(av)));
        if (!r->entries.empty()) av_extend(av, static_cast<SSize_t>(r->entries.size()) - 1);
        SSize_t i = 0;
        bool dents = inflags & aio::READDIR_DENTS;
        for (const aio::dirent_t& e : r->entries) {
            SV* name = newSVpvn(e.name.data(), e.name.size());
            if (dents) {
                AV* ent = newAV();
                av_extend(ent, 2);
                av_store(ent, 0, name);
                av_store(ent, 1, type_sv(aTHX_ e.type));
                av_store(ent, 2, newSVuv(static_cast<UV>(e.ino)));
                av_store(av, i++, newRV_noinc(reinterpret_cast<SV*>(ent)));
            } else {
                av_store(av, i++, name);
            }
        }
        XPUSHs(rv);
        XPUSHs(sv_2mortal(newSViv(r->flags)));
    });
}

/// readlink / realpath: the string, or no argument at all on error.
void deliver_string(preq* p, aio::result<std::string>& r) {
    deliver(p, r.err(), [&r](pTHX_ SV**& sp) {
        if (r && !r->empty()) XPUSHs(sv_2mortal(newSVpvn(r->data(), r->size())));
    });
}

// ---- scalar buffers (aio_read, aio_mlock, ...) ---------------------------------------------

/// $offset/$length inside a scalar as IO::AIO resolves them for the memory
/// functions: a negative offset counts from the end, an undef or too long
/// length means "to the end".
char* scalar_range(pTHX_ SV* data, IV offset, SV* length, std::size_t& len) {
    STRLEN svlen;
    char* ptr = SvPVbyte(data, svlen);
    UV l = SvOK(length) ? SvUV(length) : 0;
    if (offset < 0) offset += static_cast<IV>(svlen);
    if (offset < 0 || offset > static_cast<IV>(svlen)) croak("offset outside of scalar");
    if (!SvOK(length) || l + offset > svlen) l = svlen - offset;
    len = l;
    return ptr + offset;
}

// ---- memory maps ------------------------------------------------------------------------------

/// Magic that owns an IO::AIO::mmap'ed scalar's mapping (an aio::sys::mapping).
int mmap_free(pTHX_ SV* sv, MAGIC* mg) {
    auto* m = reinterpret_cast<aio::sys::mapping*>(mg->mg_ptr);
    int saved = errno;
    char* addr = m ? m->data() : nullptr;
    delete m;
    errno = saved;
    mg->mg_ptr = nullptr;
    SvREADONLY_off(sv);
    if (addr && SvPVX(sv) != addr) croak("ERROR: IO::AIO::mmap-mapped scalar changed location, detected");
    SvCUR_set(sv, 0);
    SvPV_set(sv, nullptr);
    SvOK_off(sv);
    return 0;
}

MGVTBL mmap_vtbl = {nullptr, nullptr, nullptr, nullptr, mmap_free, nullptr, nullptr, nullptr};

void clear_foreign(pTHX_ SV* sv) {
    sv_unmagicext(sv, PERL_MAGIC_ext, &mmap_vtbl);
}

// ---- group feeder ---------------------------------------------------------------------------------

void run_feeder(preq* p) {
    dTHXa(g_perl);
    if (!p->feeder || !SvOK(p->feeder)) return;
    SV* feeder = p->feeder;
    SvREFCNT_inc_simple_void_NN(feeder);  // the feeder may replace itself
    perl_scope(aTHX_ [&] {
        SAVEFREESV(feeder);
        dSP;
        PUSHMARK(SP);
        XPUSHs(req_sv(aTHX_ p));
        PUTBACK;
        call_perl(aTHX_ feeder, G_VOID | G_DISCARD, true);
    });
}

/// The group behind a GRP object (croaks like IO::AIO for a finished one).
preq* grp_preq(pTHX_ SV* sv) {
    preq* p = sv_to_preq(aTHX_ sv);
    if (!p) croak("busy IO::AIO::REQ object expected");
    if (!p->r->is_group) croak("IO::AIO::GRP method on a request that is not a group");
    return p;
}

aio::group grp_of(preq* p) {
    aio::detail::acquire(p->r);
    return aio::group(p->r);
}

// ---- composite results --------------------------------------------------------------------

/// A mortal reference to an array of names.
[[maybe_unused]] SV* names_rv(pTHX_ const std::vector<std::string>& v) {
    AV* av = newAV();
    SV* rv = sv_2mortal(newRV_noinc(reinterpret_cast<SV*>(av)));
    if (!v.empty()) av_extend(av, static_cast<SSize_t>(v.size()) - 1);
    SSize_t i = 0;
    for (const std::string& n : v)
        av_store(av, i++, newSVpvn(n.data(), n.size()));
    return rv;
}

/// A Perl scalar held by a C++ callable (a reference, released with it).
struct sv_holder {
    SV* sv = nullptr;
    explicit sv_holder(SV* s) : sv(s) {
        dTHXa(g_perl);
        SvREFCNT_inc_simple_void_NN(s);
    }
    sv_holder(sv_holder&& o) noexcept : sv(std::exchange(o.sv, nullptr)) {}
    sv_holder& operator=(sv_holder&&) = delete;
    ~sv_holder() {
        if (sv && g_alive) {
            dTHXa(g_perl);
            SvREFCNT_dec(sv);
        }
    }
};

#if __has_include("aio/copy.hpp")
/// cptree's progress callback: the Perl code gets a hash of the counters.
aio::unique_function<void(const aio::cptree_progress&)> progress_fn(pTHX_ SV* cv) {
    return [h = sv_holder(cv)](const aio::cptree_progress& pr) {
        dTHXa(g_perl);
        perl_scope(aTHX_ [&] {
        dSP;
        PUSHMARK(SP);
        HV* hv = newHV();
        hv_stores(hv, "entries_done", newSVuv(pr.entries_done));
        hv_stores(hv, "entries_total", newSVuv(pr.entries_total));
        hv_stores(hv, "bytes_done", newSVuv(pr.bytes_done));
        hv_stores(hv, "bytes_total", newSVuv(pr.bytes_total));
        hv_stores(hv, "totals_final", newSViv(pr.totals_final));
        XPUSHs(sv_2mortal(newRV_noinc(reinterpret_cast<SV*>(hv))));
        PUTBACK;
        call_perl(aTHX_ h.sv, G_VOID | G_DISCARD, false);
        });
    };
}

/// cptree/mvtree's statistics (and where a failure happened) as a hash.
SV* cptree_stats_rv(pTHX_ const aio::result<aio::cptree_stats>& r) {
    const aio::cptree_stats& s = r.stats();
    HV* hv = newHV();
    hv_stores(hv, "entries", newSVuv(s.entries));
    hv_stores(hv, "dirs", newSVuv(s.dirs));
    hv_stores(hv, "files", newSVuv(s.files));
    hv_stores(hv, "symlinks", newSVuv(s.symlinks));
    hv_stores(hv, "specials", newSVuv(s.specials));
    hv_stores(hv, "hardlinks", newSVuv(s.hardlinks));
    hv_stores(hv, "bytes", newSVuv(s.bytes));
    hv_stores(hv, "renamed", newSViv(s.renamed));
    if (!r) {
        hv_stores(hv, "path", newSVpvn(r.path().data(), r.path().size()));
        hv_stores(hv, "op", newSVpvn(r.op().data(), r.op().size()));
    }
    return sv_2mortal(newRV_noinc(reinterpret_cast<SV*>(hv)));
}
#endif

// ---- end of program and fork ------------------------------------------------------------------

void at_perl_exit(pTHX_ void*) {
    // Perl is being torn down: stop the workers while its data is still
    // valid, then never touch it again (requests the engine still holds are
    // freed by the context's destructor at process exit).
    try {
        if (g_forked) {
            ctx().reinit();
            g_forked = false;
        }
        ctx().max_parallel(0);
    } catch (...) {
    }
    g_alive = false;
}

/// Keep the descriptor Perl sees the same after reinit (IO::AIO dups the new
/// event pipe over the old one, so event-loop watchers stay valid).
void stabilise_poll_fd() {
    int fd = ctx().poll_fileno();
    if (g_poll_fd < 0) {
        g_poll_fd = fd;
    } else if (fd != g_poll_fd) {
        ::dup2(fd, g_poll_fd);
        ::fcntl(g_poll_fd, F_SETFD, FD_CLOEXEC);
    }
}

}  // namespace

MODULE = IO::AIO                PACKAGE = IO::AIO

PROTOTYPES: ENABLE

BOOT:
{
    g_perl = aTHX;
    g_alive = true;
    g_stash_aio = gv_stashpv("IO::AIO", GV_ADD);
    g_stash_req = gv_stashpv("IO::AIO::REQ", GV_ADD);
    g_stash_grp = gv_stashpv("IO::AIO::GRP", GV_ADD);
    g_stash_wd = gv_stashpv("IO::AIO::WD", GV_ADD);

    install_constants(aTHX_ g_stash_aio);
    newCONSTSUB(g_stash_aio, "PAGESIZE", newSViv(static_cast<IV>(aio::pagesize())));
    newCONSTSUB(g_stash_aio, "CWD", new_wd_sv(aTHX_ aio::cwd));
    newCONSTSUB(g_stash_aio, "INVALID_WD", new_wd_sv(aTHX_ aio::wd()));

    int pfd[2];
    if (::pipe(pfd) < 0 || ::fcntl(pfd[0], F_SETFD, FD_CLOEXEC) < 0 || ::close(pfd[1]) < 0)
        croak("IO::AIO: unable to create dummy pipe for aio_close");
    g_close_fd = pfd[0];

    try {
        stabilise_poll_fd();
    } catch (...) {
        croak("IO::AIO: unable to initialise the aiopp context");
    }
    pthread_atfork(nullptr, nullptr, after_fork_child);
    Perl_call_atexit(aTHX_ at_perl_exit, nullptr);
}

void
reinit()
    PROTOTYPE:
    CODE:
        ENGINE_CALL(ctx().reinit());
        stabilise_poll_fd();
        g_forked = false;

void
max_poll_reqs(unsigned int nreqs)
    PROTOTYPE: $
    CODE:
        ctx().max_poll_reqs(nreqs);

void
max_poll_time(double nseconds)
    PROTOTYPE: $
    CODE:
        ctx().max_poll_time(nseconds);

void
min_parallel(unsigned int nthreads)
    PROTOTYPE: $
    CODE:
        ENGINE_CALL(ctx().min_parallel(nthreads));

void
max_parallel(unsigned int nthreads)
    PROTOTYPE: $
    CODE:
        ENGINE_CALL(ctx().max_parallel(nthreads));

void
max_idle(unsigned int nthreads)
    PROTOTYPE: $
    CODE:
        ctx().max_idle(nthreads);

void
idle_timeout(double seconds)
    PROTOTYPE: $
    CODE:
        ctx().idle_timeout(seconds);

void
max_outstanding(unsigned int maxreqs)
    PROTOTYPE: $
    CODE:
        ctx().max_outstanding(maxreqs);

int
poll_fileno()
    PROTOTYPE:
    CODE:
        RETVAL = g_poll_fd;
    OUTPUT:
        RETVAL

int
poll_cb(...)
    PROTOTYPE:
    CODE:
        RETVAL = 0;
        ENGINE_CALL(RETVAL = ctx().poll_cb());
    OUTPUT:
        RETVAL

void
poll_wait()
    PROTOTYPE:
    CODE:
        ENGINE_CALL(ctx().poll_wait());

int
poll()
    PROTOTYPE:
    CODE:
        RETVAL = 0;
        ENGINE_CALL(ctx().poll_wait(); RETVAL = ctx().poll_cb());
    OUTPUT:
        RETVAL

void
flush()
    PROTOTYPE:
    CODE:
        ENGINE_CALL(ctx().flush());

int
nreqs()
    PROTOTYPE:
    ALIAS:
        nready = 1
        npending = 2
        nthreads = 3
    CODE:
        switch (ix) {
            case 0: RETVAL = static_cast<int>(ctx().nreqs()); break;
            case 1: RETVAL = static_cast<int>(ctx().nready()); break;
            case 2: RETVAL = static_cast<int>(ctx().npending()); break;
            default: RETVAL = static_cast<int>(ctx().nthreads()); break;
        }
    OUTPUT:
        RETVAL

void
_end()
    PROTOTYPE:
    CODE:
        /* END block: run outstanding callbacks as IO::AIO 4.80 does, unless
           nothing could ever finish them (a fork child that did not reinit,
           or no threads allowed: IO::AIO hangs there). */
        if (g_forked) {
            ENGINE_CALL(ctx().reinit());
            g_forked = false;
        } else if (ctx().parallel() == 0) {
            ENGINE_CALL(ctx().poll_cb());
        } else {
            ENGINE_CALL(ctx().flush());
        }

int
aioreq_pri(int pri = 0)
    PROTOTYPE: ;$
    CODE:
        RETVAL = aio::pri();
        if (items > 0) aio::pri(pri);
    OUTPUT:
        RETVAL

void
aioreq_nice(int nice = 0)
    PROTOTYPE: ;$
    CODE:
        aio::nice(nice);

void
_on_next_submit(SV* cb)
    PROTOTYPE: $
    CODE:
        SvREFCNT_dec(g_on_next_submit);
        g_on_next_submit = SvOK(cb) ? newSVsv(cb) : nullptr;

void
aio_nop(SV* callback = &PL_sv_undef)
    PROTOTYPE: ;$
    ALIAS:
        aio_sync = 1
    PPCODE:
{
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        if (ix == 1) {
            attach(aio::sync(), p, status_fn);
        } else {
            attach(aio::nop(), p, [](preq* q, aio::result<void>& r) { deliver_plain(q, r.err(), nullptr); });
        }
    });
    REQ_RETURN(p);
}

void
aio_busy(double delay, SV* callback = &PL_sv_undef)
    PROTOTYPE: $;$
    PPCODE:
{
    SV* cv = get_cb(aTHX_ callback);
    if (!(delay >= 0)) delay = 0;
    SUBMIT(p, cv, attach(aio::busy(delay), p, [](preq* q, aio::result<void>& r) {
        deliver_plain(q, r.err(), nullptr);
    }));
    REQ_RETURN(p);
}

void
aio_wd(SV* pathname, SV* callback = &PL_sv_undef)
    PROTOTYPE: $;$
    PPCODE:
{
    path_in pi;
    get_path(aTHX_ pathname, pi, "pathname");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        attach(aio::wd_open(make_path(pi)), p, [](preq* q, aio::result<aio::wd>& r) {
            deliver(q, r.err(), [&r](pTHX_ SV**& sp) {
                XPUSHs(r ? sv_2mortal(new_wd_sv(aTHX_ std::move(*r))) : &PL_sv_undef);
            });
        });
    });
    REQ_RETURN(p);
}

void
aio_open(SV* pathname, int flags, int mode, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$$;$
    PPCODE:
{
    path_in pi;
    get_path(aTHX_ pathname, pi, "pathname");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        p->i1 = flags & O_ACCMODE;
        attach(aio::open(make_path(pi), flags, static_cast<mode_t>(mode)), p,
               [](preq* q, aio::result<int>& r) {
                   if (!q->cb && r) ::close(*r);  /* nobody can ever get this descriptor */
                   deliver(q, r.err(), [q, &r](pTHX_ SV**& sp) {
                       XPUSHs(r ? new_fh(aTHX_ * r, q->i1) : &PL_sv_undef);
                   });
               });
    });
    REQ_RETURN(p);
}

void
aio_close(SV* fh, SV* callback = &PL_sv_undef)
    PROTOTYPE: $;$
    PPCODE:
{
    int fd = sv_fileno_croak(aTHX_ fh, false);
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        hold(p, newSVsv(fh));
        attach(custom_dup2(g_close_fd, fd), p, deliver_status<std::int64_t>);
    });
    REQ_RETURN(p);
}

void
aio_seek(SV* fh, SV* offset, int whence, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$$;$
    PPCODE:
{
    int fd = sv_fileno_croak(aTHX_ fh, false);
    IV off = SvIV(offset);
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        hold(p, newSVsv(fh));
        attach(aio::seek(fd, off, whence), p, deliver_count<std::int64_t>);
    });
    REQ_RETURN(p);
}

void
aio_read(SV* fh, SV* offset, SV* length, SV* data, IV dataoffset, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$$$$;$
    ALIAS:
        aio_write = 1
    PPCODE:
{
    bool wr = ix == 1;
    int fd = sv_fileno_croak(aTHX_ fh, wr);
    sv8(aTHX_ data, "data");
    if (!wr && SvREADONLY(data)) croak_no_modify();
    STRLEN svlen = 0;
    char* svptr = SvOK(data) ? SvPVbyte(data, svlen) : nullptr;  /* no "uninitialized" warning */
    UV len = SvOK(length) ? SvUV(length) : 0;
    if (dataoffset < 0) dataoffset += static_cast<IV>(svlen);
    if (dataoffset < 0 || dataoffset > static_cast<IV>(svlen))
        croak("dataoffset outside of data scalar");
    if (wr) {
        if (!SvOK(length) || len + dataoffset > svlen) len = svlen - dataoffset;
    } else if (!SvPOK(data) || SvLEN(data) >= SvCUR(data)) {
        if (SvIsCOW(data)) sv_force_normal_flags(data, 0);
        svptr = sv_grow(data, len + dataoffset + 1);
        SvPOK_only(data);
    } else if (SvCUR(data) < len + dataoffset) {
        croak("length + dataoffset outside of scalar, and cannot grow");
    }
    std::optional<std::int64_t> off;
    if (SvOK(offset)) off = SvIV(offset);
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        hold(p, newSVsv(fh));
        p->data = SvREFCNT_inc_simple_NN(data);
        p->stroffset = dataoffset;
        if (!SvREADONLY(data)) {
            SvREADONLY_on(data);
            p->ro_off = true;
        }
        if (wr) {
            attach(aio::write(fd, off, svptr + dataoffset, len), p, deliver_count<std::size_t>);
        } else {
            p->grow = SvLEN(data) != 0;  // not a foreign (mmap'ed) buffer
            attach(aio::read(fd, off, svptr + dataoffset, len), p,
                   [](preq* q, aio::result<std::size_t>& r) {
                       dTHXa(g_perl);
                       SV* d = q->data;
                       if (q->ro_off) {
                           SvREADONLY_off(d);
                           q->ro_off = false;
                       }
                       if (q->grow) {
                           SvCUR_set(d, q->stroffset + (r ? *r : 0));
                           *SvEND(d) = 0;
                           SvPOK_only(d);
                           SvSETMAGIC(d);
                       }
                       deliver_iv(q, r.err(), r ? static_cast<IV>(*r) : -1);
                   });
        }
    });
    REQ_RETURN(p);
}

void
aio_sendfile(SV* out_fh, SV* in_fh, IV in_offset, UV length, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$$$;$
    PPCODE:
{
    int ifd = sv_fileno_croak(aTHX_ in_fh, false);
    int ofd = sv_fileno_croak(aTHX_ out_fh, true);
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        hold(p, newSVsv(out_fh));
        hold(p, newSVsv(in_fh));
        attach(aio::sendfile(ofd, ifd, in_offset, length), p, deliver_count<std::size_t>);
    });
    REQ_RETURN(p);
}

void
aio_readahead(SV* fh, IV offset, UV length, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$$;$
    PPCODE:
{
    int fd = sv_fileno_croak(aTHX_ fh, false);
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        hold(p, newSVsv(fh));
        attach(aio::readahead(fd, offset, length), p, status_fn);
    });
    REQ_RETURN(p);
}

void
aio_stat(SV* fh_or_path, SV* callback = &PL_sv_undef)
    PROTOTYPE: $;$
    ALIAS:
        aio_lstat = 1
        aio_statvfs = 2
    PPCODE:
{
    sv8(aTHX_ fh_or_path, "fh_or_path");
    int fd = -1;
    path_in pi;
    bool fh = is_fh(aTHX_ fh_or_path);
    if (fh)
        fd = fh_of(aTHX_ fh_or_path);
    else
        get_path(aTHX_ fh_or_path, pi, "fh_or_path");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        if (fh) hold(p, newSVsv(fh_or_path));
        if (ix == 2) {
            if (fh)
                attach(aio::fstatvfs(fd), p, deliver_statvfs);
            else
                attach(aio::statvfs(make_path(pi)), p, deliver_statvfs);
        } else {
            p->i1 = ix == 1;
            if (fh)
                attach(aio::fstat(fd), p, deliver_stat);
            else if (ix == 1)
                attach(aio::lstat(make_path(pi)), p, deliver_stat);
            else
                attach(aio::stat(make_path(pi)), p, deliver_stat);
        }
    });
    REQ_RETURN(p);
}

void
aio_utime(SV* fh_or_path, SV* atime, SV* mtime, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$$;$
    PPCODE:
{
    sv8(aTHX_ fh_or_path, "fh_or_path");
    /* IO::AIO 4.80: both undef means "now"; a single undef is the time -1 */
    bool now = !SvOK(atime) && !SvOK(mtime);
    NV at = SvOK(atime) ? SvNV(atime) : -1.;
    NV mt = SvOK(mtime) ? SvNV(mtime) : -1.;
    int fd = -1;
    path_in pi;
    bool fh = is_fh(aTHX_ fh_or_path);
    if (fh)
        fd = fh_of(aTHX_ fh_or_path);
    else
        get_path(aTHX_ fh_or_path, pi, "fh_or_path");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        std::optional<aio::file_time> a, m;
        if (!now) {
            a = nv_time(at);
            m = nv_time(mt);
        }
        if (fh) {
            hold(p, newSVsv(fh_or_path));
            attach(aio::futime(fd, a, m), p, status_fn);
        } else {
            attach(aio::utime(make_path(pi), a, m), p, status_fn);
        }
    });
    REQ_RETURN(p);
}

void
aio_chown(SV* fh_or_path, SV* uid, SV* gid, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$$;$
    PPCODE:
{
    sv8(aTHX_ fh_or_path, "fh_or_path");
    uid_t u = static_cast<uid_t>(SvOK(uid) ? SvIV(uid) : -1);
    gid_t g = static_cast<gid_t>(SvOK(gid) ? SvIV(gid) : -1);
    int fd = -1;
    path_in pi;
    bool fh = is_fh(aTHX_ fh_or_path);
    if (fh)
        fd = fh_of(aTHX_ fh_or_path);
    else
        get_path(aTHX_ fh_or_path, pi, "fh_or_path");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        if (fh) {
            hold(p, newSVsv(fh_or_path));
            attach(aio::fchown(fd, u, g), p, status_fn);
        } else {
            attach(aio::chown(make_path(pi), u, g), p, status_fn);
        }
    });
    REQ_RETURN(p);
}

void
aio_chmod(SV* fh_or_path, int mode, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$;$
    PPCODE:
{
    sv8(aTHX_ fh_or_path, "fh_or_path");
    int fd = -1;
    path_in pi;
    bool fh = is_fh(aTHX_ fh_or_path);
    if (fh)
        fd = fh_of(aTHX_ fh_or_path);
    else
        get_path(aTHX_ fh_or_path, pi, "fh_or_path");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        if (fh) {
            hold(p, newSVsv(fh_or_path));
            attach(aio::fchmod(fd, static_cast<mode_t>(mode)), p, status_fn);
        } else {
            attach(aio::chmod(make_path(pi), static_cast<mode_t>(mode)), p, status_fn);
        }
    });
    REQ_RETURN(p);
}

void
aio_truncate(SV* fh_or_path, SV* offset, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$;$
    PPCODE:
{
    sv8(aTHX_ fh_or_path, "fh_or_path");
    IV off = SvOK(offset) ? SvIV(offset) : -1;
    int fd = -1;
    path_in pi;
    bool fh = is_fh(aTHX_ fh_or_path);
    if (fh)
        fd = fh_of(aTHX_ fh_or_path);
    else
        get_path(aTHX_ fh_or_path, pi, "fh_or_path");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        if (fh) {
            hold(p, newSVsv(fh_or_path));
            attach(aio::ftruncate(fd, off), p, status_fn);
        } else {
            attach(aio::truncate(make_path(pi), off), p, status_fn);
        }
    });
    REQ_RETURN(p);
}

void
aio_allocate(SV* fh, int mode, IV offset, UV len, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$$$;$
    PPCODE:
{
    int fd = sv_fileno_croak(aTHX_ fh, false);
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        hold(p, newSVsv(fh));
        attach(aio::allocate(fd, mode, offset, static_cast<std::int64_t>(len)), p, status_fn);
    });
    REQ_RETURN(p);
}

void
aio_fiemap(SV* fh, IV start, SV* length, U32 flags, SV* count, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$$$$;$
    PPCODE:
{
    int fd = sv_fileno_croak(aTHX_ fh, false);
    std::optional<std::uint64_t> len;
    if (SvOK(length)) len = static_cast<std::uint64_t>(SvIV(length));
    std::optional<std::uint32_t> cnt;  /* undef (or negative, as in IO::AIO): all extents */
    if (SvOK(count) && SvIV(count) >= 0) cnt = static_cast<std::uint32_t>(SvIV(count));
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        hold(p, newSVsv(fh));
        p->i1 = cnt && *cnt == 0;
        attach(aio::fiemap(fd, static_cast<std::uint64_t>(start), len, flags, cnt), p,
               [](preq* q, aio::result<aio::fiemap_t>& r) {
                   deliver(q, r.err(), [q, &r](pTHX_ SV**& sp) {
                       if (!r) return;  // IO::AIO passes no arguments on error
                       if (q->i1) {
                           XPUSHs(sv_2mortal(newSViv(static_cast<IV>(r->count))));
                           return;
                       }
                       AV* av = newAV();
                       SV* rv = sv_2mortal(newRV_noinc(reinterpret_cast<SV*>(av)));
                       SSize_t i = 0;
                       for (const aio::extent& e : r->extents) {
                           AV* x = newAV();
                           av_extend(x, 3);
                           av_store(x, 0, newSVuv(static_cast<UV>(e.logical)));
                           av_store(x, 1, newSVuv(static_cast<UV>(e.physical)));
                           av_store(x, 2, newSVuv(static_cast<UV>(e.length)));
                           av_store(x, 3, newSVuv(e.flags));
                           av_store(av, i++, newRV_noinc(reinterpret_cast<SV*>(x)));
                       }
                       XPUSHs(rv);
                   });
               });
    });
    REQ_RETURN(p);
}

void
aio_unlink(SV* pathname, SV* callback = &PL_sv_undef)
    PROTOTYPE: $;$
    ALIAS:
        aio_rmdir = 1
        aio_readdir = 2
        aio_readlink = 3
        aio_realpath = 4
    PPCODE:
{
    path_in pi;
    get_path(aTHX_ pathname, pi, "pathname");
    if (ix == 4 && !pi.null_wd) {
        /* realpath of "file/" gives the file, as IO::AIO 4.80 and Cwd::realpath do */
        while (pi.len > 1 && pi.ptr[pi.len - 1] == '/')
            --pi.len;
    }
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        switch (ix) {
            case 0: attach(aio::unlink(make_path(pi)), p, status_fn); break;
            case 1: attach(aio::rmdir(make_path(pi)), p, status_fn); break;
            case 2: attach(aio::readdir(make_path(pi)), p, deliver_readdir); break;
            case 3: attach(aio::readlink(make_path(pi)), p, deliver_string); break;
            default: attach(aio::realpath(make_path(pi)), p, deliver_string); break;
        }
    });
    REQ_RETURN(p);
}

void
aio_readdirx(SV* pathname, IV flags, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$;$
    PPCODE:
{
    path_in pi;
    get_path(aTHX_ pathname, pi, "pathname");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        p->i1 = static_cast<int>(flags);
        attach(aio::readdirx(make_path(pi), static_cast<unsigned>(flags)), p, deliver_readdirx);
    });
    REQ_RETURN(p);
}

void
aio_mkdir(SV* pathname, int mode, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$;$
    PPCODE:
{
    path_in pi;
    get_path(aTHX_ pathname, pi, "pathname");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        attach(aio::mkdir(make_path(pi), static_cast<mode_t>(mode)), p, status_fn);
    });
    REQ_RETURN(p);
}

void
aio_mknod(SV* pathname, int mode, UV dev, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$$;$
    PPCODE:
{
    path_in pi;
    get_path(aTHX_ pathname, pi, "pathname");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        attach(aio::mknod(make_path(pi), static_cast<mode_t>(mode), static_cast<dev_t>(dev)), p,
               status_fn);
    });
    REQ_RETURN(p);
}

void
aio_link(SV* oldpath, SV* newpath, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$;$
    ALIAS:
        aio_symlink = 1
        aio_rename = 2
    PPCODE:
{
    path_in a, b;
    get_path(aTHX_ oldpath, a, "oldpath");
    get_path(aTHX_ newpath, b, "newpath");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        switch (ix) {
            case 0: attach(aio::link(make_path(a), make_path(b)), p, status_fn); break;
            case 1:
                attach(aio::symlink(std::string(a.ptr, a.len), make_path(b)), p, status_fn);
                break;
            default: attach(aio::rename(make_path(a), make_path(b)), p, status_fn); break;
        }
    });
    REQ_RETURN(p);
}

void
aio_rename2(SV* oldpath, SV* newpath, int flags = 0, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$;$$
    PPCODE:
{
    path_in a, b;
    get_path(aTHX_ oldpath, a, "oldpath");
    get_path(aTHX_ newpath, b, "newpath");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        attach(aio::rename2(make_path(a), make_path(b), static_cast<unsigned>(flags)), p,
               status_fn);
    });
    REQ_RETURN(p);
}

void
aio_fsync(SV* fh, SV* callback = &PL_sv_undef)
    PROTOTYPE: $;$
    ALIAS:
        aio_fdatasync = 1
        aio_syncfs = 2
    PPCODE:
{
    int fd = sv_fileno_croak(aTHX_ fh, false);
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        hold(p, newSVsv(fh));
        switch (ix) {
            case 0: attach(aio::fsync(fd), p, status_fn); break;
            case 1: attach(aio::fdatasync(fd), p, status_fn); break;
            default: attach(aio::syncfs(fd), p, status_fn); break;
        }
    });
    REQ_RETURN(p);
}

void
aio_sync_file_range(SV* fh, IV offset, UV nbytes, UV flags, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$$$;$
    PPCODE:
{
    int fd = sv_fileno_croak(aTHX_ fh, false);
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        hold(p, newSVsv(fh));
        attach(aio::sync_file_range(fd, offset, static_cast<std::int64_t>(nbytes),
                                    static_cast<unsigned>(flags)),
               p, status_fn);
    });
    REQ_RETURN(p);
}

void
aio_msync(SV* data, IV offset = 0, SV* length = &PL_sv_undef, int flags = -1, SV* callback = &PL_sv_undef)
    PROTOTYPE: $;$$$$
    ALIAS:
        aio_mtouch = 1
    PPCODE:
{
    sv8(aTHX_ data, "data");
    std::size_t len;
    char* ptr = scalar_range(aTHX_ data, offset, length, len);
    if (flags < 0) flags = ix == 0 ? MS_SYNC : 0;
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        hold(p, SvREFCNT_inc_simple_NN(data));
        if (ix == 0)
            attach(aio::msync(ptr, len, flags), p, status_fn);
        else
            attach(aio::mtouch(ptr, len, flags), p, status_fn);
    });
    REQ_RETURN(p);
}

void
aio_mlock(SV* data, IV offset = 0, SV* length = &PL_sv_undef, SV* callback = &PL_sv_undef)
    PROTOTYPE: $;$$$
    PPCODE:
{
    sv8(aTHX_ data, "data");
    std::size_t len;
    void* ptr = scalar_range(aTHX_ data, offset, length, len);
    page_align(ptr, len);
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        hold(p, SvREFCNT_inc_simple_NN(data));
        attach(aio::mlock(ptr, len), p, status_fn);
    });
    REQ_RETURN(p);
}

void
aio_mlockall(IV flags, SV* callback = &PL_sv_undef)
    PROTOTYPE: $;$
    PPCODE:
{
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, attach(aio::mlockall(static_cast<int>(flags)), p, status_fn));
    REQ_RETURN(p);
}

void
aio_ioctl(SV* fh, UV request, SV* arg, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$$;$
    ALIAS:
        aio_fcntl = 1
    PPCODE:
{
    int fd = sv_fileno_croak(aTHX_ fh, false);
    sv8(aTHX_ arg, "arg");
    char* buf = nullptr;
    IV iarg = 0;
    if (SvPOK(arg) || !SvNIOK(arg)) {
        /* a buffer: at least 256 bytes, as IO::AIO (and perl's own fcntl/ioctl) */
        STRLEN have;
        buf = SvPV_force(arg, have);
        if (have < 256) {
            /* like perl's ioctl: the scalar becomes (at least) 256 bytes long */
            buf = SvGROW(arg, 257);
            std::memset(buf + have, 0, 257 - have);
            SvCUR_set(arg, 256);
        }
    } else {
        iarg = SvIV(arg);
    }
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        hold(p, newSVsv(fh));
        hold(p, SvREFCNT_inc_simple_NN(arg));
        if (ix == 1) {
            if (buf)
                attach(aio::fcntl(fd, static_cast<int>(request), static_cast<void*>(buf)), p,
                       deliver_count<int>);
            else
                attach(aio::fcntl(fd, static_cast<int>(request), static_cast<long>(iarg)), p,
                       deliver_count<int>);
        } else {
            void* a = buf ? static_cast<void*>(buf) : INT2PTR(void*, iarg);
            attach(aio::ioctl(fd, static_cast<unsigned long>(request), a), p, deliver_count<int>);
        }
    });
    REQ_RETURN(p);
}

void
aio_slurp(SV* pathname, IV offset, UV length, SV* data, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$$$;$
    PPCODE:
{
    path_in pi;
    get_path(aTHX_ pathname, pi, "pathname");
    sv8(aTHX_ data, "data");
    clear_foreign(aTHX_ data);
    if (SvREADONLY(data)) croak_no_modify();
    char* buf = nullptr;
    if (length) {
        if (!SvPOK(data) || SvLEN(data) >= SvCUR(data)) {
            if (SvIsCOW(data)) sv_force_normal_flags(data, 0);
            buf = sv_grow(data, length + 1);
        } else if (SvCUR(data) < length) {
            croak("length outside of scalar, and cannot grow");
        } else {
            buf = SvPVbyte_nolen(data);
        }
    }
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        p->data = SvREFCNT_inc_simple_NN(data);
        SvREADONLY_on(data);
        p->ro_off = true;
        p->grow = buf != nullptr;
        attach(custom_slurp(make_path(pi), offset, length, buf, p), p,
               [](preq* q, aio::result<std::int64_t>& r) {
                   dTHXa(g_perl);
                   SV* d = q->data;
                   SvREADONLY_off(d);
                   q->ro_off = false;
                   if (r) {
                       if (q->grow) {
                           SvCUR_set(d, static_cast<STRLEN>(*r));
                           *SvEND(d) = 0;
                           SvPOK_only(d);
                       } else {
                           std::string& s = slurp_buffer(q);
                           sv_setpvn(d, s.data(), s.size());
                           std::string().swap(s);
                       }
                       SvSETMAGIC(d);
                   }
                   deliver_iv(q, r.err(), r ? static_cast<IV>(*r) : -1);
               });
    });
    REQ_RETURN(p);
}

void
aio_group(SV* callback = &PL_sv_undef)
    PROTOTYPE: ;$
    PPCODE:
{
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        p->is_group = true;
        attach(aio::make_group(), p, [](preq* q, aio::result<std::int64_t>& r) {
            deliver(q, r.err(), [q](pTHX_ SV**& sp) {
                if (AV* av = q->gres) {
                    SSize_t n = AvFILLp(av) + 1;
                    EXTEND(sp, n);
                    for (SSize_t i = 0; i < n; ++i)
                        PUSHs(AvARRAY(av)[i] ? AvARRAY(av)[i] : &PL_sv_undef);
                }
            });
        });
    });
    SV* obj = req_sv(aTHX_ p);
    if (g_on_next_submit) {
        PUTBACK;
        on_submit(aTHX);
        SPAGAIN;
    }
    XPUSHs(obj);
}

void
st_xtime()
    PROTOTYPE:
    ALIAS:
        st_atime = 0x01
        st_mtime = 0x02
        st_ctime = 0x04
        st_btime = 0x08
        st_xtime = 0x0f
    PPCODE:
{
    const Stat_t& s = PL_statcache;
    bool ours = g_have_btime && PL_laststatval == 0 && !std::memcmp(&s, &g_last_stat, sizeof s);
    NV bt = ours ? static_cast<NV>(g_last_btime.sec) + 1e-9 * g_last_btime.nsec : 0;
    EXTEND(SP, 4);
    if (ix & 0x01) PUSHs(sv_2mortal(newSVnv(s.st_atim.tv_sec + 1e-9 * s.st_atim.tv_nsec)));
    if (ix & 0x02) PUSHs(sv_2mortal(newSVnv(s.st_mtim.tv_sec + 1e-9 * s.st_mtim.tv_nsec)));
    if (ix & 0x04) PUSHs(sv_2mortal(newSVnv(s.st_ctim.tv_sec + 1e-9 * s.st_ctim.tv_nsec)));
    if (ix & 0x08) PUSHs(sv_2mortal(newSVnv(bt)));
}

void
st_xtimensec()
    PROTOTYPE:
    ALIAS:
        st_atimensec = 0x01
        st_mtimensec = 0x02
        st_ctimensec = 0x04
        st_btimensec = 0x08
        st_xtimensec = 0x0f
        st_btimesec = 0x10
        st_gen = 0x20
    PPCODE:
{
    const Stat_t& s = PL_statcache;
    bool ours = g_have_btime && PL_laststatval == 0 && !std::memcmp(&s, &g_last_stat, sizeof s);
    EXTEND(SP, 4);
    if (ix & 0x01) PUSHs(sv_2mortal(newSViv(s.st_atim.tv_nsec)));
    if (ix & 0x02) PUSHs(sv_2mortal(newSViv(s.st_mtim.tv_nsec)));
    if (ix & 0x04) PUSHs(sv_2mortal(newSViv(s.st_ctim.tv_nsec)));
    if (ix & 0x08) PUSHs(sv_2mortal(newSViv(ours ? g_last_btime.nsec : 0)));
    if (ix & 0x10) PUSHs(sv_2mortal(newSVuv(ours ? static_cast<UV>(g_last_btime.sec) : 0)));
    if (ix & 0x20) PUSHs(sv_2mortal(newSVuv(0)));
}

UV
major(UV dev)
    PROTOTYPE: $
    ALIAS:
        minor = 1
    CODE:
        RETVAL = ix ? (aio::sys::minor)(dev) : (aio::sys::major)(dev);
    OUTPUT:
        RETVAL

UV
makedev(UV maj, UV min)
    PROTOTYPE: $$
    CODE:
        RETVAL = static_cast<UV>((aio::sys::makedev)(static_cast<unsigned>(maj), static_cast<unsigned>(min)));
    OUTPUT:
        RETVAL

int
fadvise(SV* fh, IV offset, IV length, IV advice)
    PROTOTYPE: $$$$
    CODE:
{
    int fd = sv_fileno_croak(aTHX_ fh, false);
    auto r = aio::sys::fadvise(fd, offset, length, static_cast<int>(advice));
    RETVAL = r ? 0 : r.err();
}
    OUTPUT:
        RETVAL

IV
sendfile(SV* ofh, SV* ifh, IV offset, UV count)
    PROTOTYPE: $$$$
    CODE:
{
    int ofd = sv_fileno_croak(aTHX_ ofh, true);
    int ifd = sv_fileno_croak(aTHX_ ifh, false);
    RETVAL = aio::sys::sendfile(ofd, ifd, offset, count);
}
    OUTPUT:
        RETVAL

void
mmap(SV* scalar, UV length, int prot, int flags, SV* fh = &PL_sv_undef, IV offset = 0)
    PROTOTYPE: $$$$;$$
    PPCODE:
{
    clear_foreign(aTHX_ scalar);
    int fd = SvOK(fh) ? sv_fileno_croak(aTHX_ fh, prot & PROT_WRITE) : -1;
    aio::sys::mapping* m = nullptr;
    {
        auto r = aio::sys::mmap(length, prot, flags, fd, offset);
        if (r) {
            m = new (std::nothrow) aio::sys::mapping(std::move(*r));
        } else {
            errno = r.err();
        }
    }
    if (!m) XSRETURN_NO;
    sv_force_normal(scalar);
    sv_magicext(scalar, nullptr, PERL_MAGIC_ext, &mmap_vtbl, reinterpret_cast<const char*>(m), 0);
    SvUPGRADE(scalar, SVt_PV);
    if (SvLEN(scalar)) Safefree(SvPVX(scalar));
    SvPV_set(scalar, m->data());
    SvCUR_set(scalar, m->size());
    SvLEN_set(scalar, 0);
    SvPOK_only(scalar);
    if (!(prot & PROT_WRITE)) SvREADONLY_on(scalar);
    XSRETURN_YES;
}

void
munmap(SV* scalar)
    PROTOTYPE: $
    CODE:
        clear_foreign(aTHX_ scalar);

int
madvise(SV* scalar, IV offset = 0, SV* length = &PL_sv_undef, IV advice_or_prot = 0)
    PROTOTYPE: $$;$$
    ALIAS:
        mprotect = 1
    CODE:
{
    std::size_t len;
    void* addr = scalar_range(aTHX_ scalar, offset, length, len);
    page_align(addr, len);
    if (ix == 0) {
        auto r = aio::sys::madvise(addr, len, static_cast<int>(advice_or_prot));
        RETVAL = r ? 0 : r.err();
    } else {
        auto r = aio::sys::mprotect(addr, len, static_cast<int>(advice_or_prot));
        RETVAL = r ? 0 : (errno = r.err(), -1);
    }
}
    OUTPUT:
        RETVAL

int
munlock(SV* scalar, IV offset = 0, SV* length = &PL_sv_undef)
    PROTOTYPE: $;$$
    CODE:
{
    std::size_t len;
    void* addr = scalar_range(aTHX_ scalar, offset, length, len);
    page_align(addr, len);
    auto r = aio::sys::munlock(addr, len);
    RETVAL = r ? 0 : (errno = r.err(), -1);
}
    OUTPUT:
        RETVAL

int
mlockall(int flags)
    PROTOTYPE: $;
    CODE:
        RETVAL = ::mlockall(flags);
    OUTPUT:
        RETVAL

int
munlockall()
    PROTOTYPE:
    CODE:
{
    auto r = aio::sys::munlockall();
    RETVAL = r ? 0 : (errno = r.err(), -1);
}
    OUTPUT:
        RETVAL

IV
splice(SV* rfh, SV* off_in, SV* wfh, SV* off_out, UV length, unsigned int flags)
    PROTOTYPE: $$$$$$
    CODE:
{
    int rfd = sv_fileno_croak(aTHX_ rfh, false);
    int wfd = sv_fileno_croak(aTHX_ wfh, true);
    std::optional<std::int64_t> oi, oo;
    if (SvOK(off_in)) oi = SvIV(off_in);
    if (SvOK(off_out)) oo = SvIV(off_out);
    auto r = aio::sys::splice(rfd, oi, wfd, oo, length, flags);
    RETVAL = r ? static_cast<IV>(*r) : (errno = r.err(), -1);
}
    OUTPUT:
        RETVAL

IV
tee(SV* rfh, SV* wfh, UV length, unsigned int flags)
    PROTOTYPE: $$$$
    CODE:
{
    int rfd = sv_fileno_croak(aTHX_ rfh, false);
    int wfd = sv_fileno_croak(aTHX_ wfh, true);
    auto r = aio::sys::tee(rfd, wfd, length, flags);
    RETVAL = r ? static_cast<IV>(*r) : (errno = r.err(), -1);
}
    OUTPUT:
        RETVAL

int
pipesize(SV* rfh, int new_size = -1)
    PROTOTYPE: $;$
    CODE:
{
    int fd = sv_fileno_croak(aTHX_ rfh, false);
    auto r = new_size >= 0 ? aio::sys::pipesize(fd, new_size) : aio::sys::pipesize(fd);
    RETVAL = r ? *r : (errno = r.err(), -1);
}
    OUTPUT:
        RETVAL

void
pipe2(int flags = 0)
    PROTOTYPE: ;$
    PPCODE:
{
    auto r = aio::sys::pipe2(flags);
    if (r) {
        int rd = r->first, wr = r->second;
        EXTEND(SP, 2);
        PUSHs(new_fh(aTHX_ rd, O_RDONLY));
        PUSHs(new_fh(aTHX_ wr, O_WRONLY));
    } else {
        errno = r.err();
    }
}

void
eventfd(unsigned int initval = 0, int flags = 0)
    PROTOTYPE: ;$$
    PPCODE:
{
    auto r = aio::sys::eventfd(initval, flags);
    int fd = r ? *r : (errno = r.err(), -1);
    XPUSHs(new_fh(aTHX_ fd, O_RDWR));
}

void
memfd_create(SV* pathname, int flags = 0)
    PROTOTYPE: $;$
    PPCODE:
{
    sv8(aTHX_ pathname, "pathname");
    const char* name = SvPVbyte_nolen(pathname);  /* up to the first NUL, as IO::AIO */
    int fd;
    {
        auto r = aio::sys::memfd_create(std::string_view(name), static_cast<unsigned>(flags));
        fd = r ? *r : (errno = r.err(), -1);
    }
    XPUSHs(new_fh(aTHX_ fd, O_RDWR));
}

void
accept4(SV* rfh, SV* sockaddr, int salen, int flags)
    PROTOTYPE: $$$$
    PPCODE:
{
    /* Linux accept4(2); not an aiopp function (the C++ library has no sockets) */
    int fd = sv_fileno_croak(aTHX_ rfh, false);
    socklen_t len = salen ? static_cast<socklen_t>(salen + 1) : 0;
    if (salen) {
        sv_upgrade(sockaddr, SVt_PV);
        sv_grow(sockaddr, len);
    }
    int res = ::accept4(fd, salen ? reinterpret_cast<struct sockaddr*>(SvPVX(sockaddr)) : nullptr,
                        salen ? &len : nullptr, flags);
    SV* ret = new_fh(aTHX_ res, O_RDWR);
    if (res >= 0 && salen > 0) {
        if (len > static_cast<socklen_t>(salen + 1)) len = static_cast<socklen_t>(salen + 1);
        SvPOK_only(sockaddr);
        SvCUR_set(sockaddr, len);
    }
    XPUSHs(ret);
}

int
fexecve(SV* fh, SV* args, SV* envs = &PL_sv_undef)
    PROTOTYPE: $$;$
    CODE:
{
    int fd = sv_fileno_croak(aTHX_ fh, false);
    auto strings = [&](SV* ref) -> char** {
        if (!SvROK(ref) || SvTYPE(SvRV(ref)) != SVt_PVAV)
            croak("IO::AIO::fexecve: args and envs must be array references");
        AV* av = reinterpret_cast<AV*>(SvRV(ref));
        SSize_t n = av_count(av);
        char** v;
        Newx(v, n + 1, char*);
        SAVEFREEPV(v);
        for (SSize_t i = 0; i < n; ++i) {
            SV** e = av_fetch(av, i, 0);
            v[i] = e ? SvPVbyte_nolen(*e) : const_cast<char*>("");
        }
        v[n] = nullptr;
        return v;
    };
    char** argv = strings(args);
    char** envp = SvOK(envs) ? strings(envs) : environ;
    RETVAL = ::fexecve(fd, argv, envp);
}
    OUTPUT:
        RETVAL

int
mount(SV* special, SV* path, SV* fstype, UV flags = 0, SV* data = &PL_sv_undef)
    PROTOTYPE: $$$;$$
    CODE:
        sv8(aTHX_ special, "special");
        sv8(aTHX_ path, "path");
        sv8(aTHX_ fstype, "fstype");
        sv8(aTHX_ data, "data");
        RETVAL = ::mount(SvPVbyte_nolen(special), SvPVbyte_nolen(path), SvPVbyte_nolen(fstype),
                         flags, SvOK(data) ? SvPVbyte_nolen(data) : nullptr);
    OUTPUT:
        RETVAL

int
umount(SV* path, int flags = 0)
    PROTOTYPE: $;$
    CODE:
        sv8(aTHX_ path, "path");
        RETVAL = flags ? ::umount2(SvPVbyte_nolen(path), flags) : ::umount(SvPVbyte_nolen(path));
    OUTPUT:
        RETVAL

void
get_fdlimit()
    PROTOTYPE:
    PPCODE:
{
    struct rlimit rl;
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0)
        XSRETURN_UV(rl.rlim_cur == RLIM_INFINITY ? static_cast<UV>(-1) : static_cast<UV>(rl.rlim_cur));
    XSRETURN_UNDEF;
}

void
min_fdlimit(UV limit = 0x7fffffffU)
    PROTOTYPE: ;$
    PPCODE:
{
    /* raise the soft (and if needed the hard) limit to at least limit; when
       that is not allowed, get as close as possible and fail with EPERM */
    struct rlimit rl;
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) XSRETURN_UNDEF;
    if (rl.rlim_cur == RLIM_INFINITY) XSRETURN_YES;
    rlim_t hard = rl.rlim_max;
    if (rl.rlim_cur < limit) {
        rl.rlim_cur = limit;
        if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur) rl.rlim_max = rl.rlim_cur;
    }
    if (::setrlimit(RLIMIT_NOFILE, &rl) == 0) XSRETURN_YES;
    if (errno == EPERM) {
        /* the largest hard limit we may set (never lowering it), then the soft one */
        rlim_t best = hard;
        for (rlim_t bit = rlim_t{1} << 30; bit; bit >>= 1) {
            rlim_t want = best | bit;
            if (want <= best) continue;
            struct rlimit t{want, want};
            if (::setrlimit(RLIMIT_NOFILE, &t) == 0) best = want;
        }
        if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
            rl.rlim_cur = rl.rlim_max;
            ::setrlimit(RLIMIT_NOFILE, &rl);
        }
        errno = EPERM;
    }
    XSRETURN_UNDEF;
}

SV*
mremap(SV* scalar, UV new_length, int flags = MREMAP_MAYMOVE, IV new_address = 0)
    PROTOTYPE: $$;$$
    CODE:
{
    MAGIC* mg = SvTYPE(scalar) >= SVt_PVMG ? mg_findext(scalar, PERL_MAGIC_ext, &mmap_vtbl) : nullptr;
    auto* m = mg ? reinterpret_cast<aio::sys::mapping*>(mg->mg_ptr) : nullptr;
    if (!m || SvPVX(scalar) != m->data())
        croak("IO::AIO::mremap: scalar not mapped by IO::AIO::mmap or improperly modified");
    void* old = m->data();
    void* neu = ::mremap(old, m->size(), new_length, flags, INT2PTR(void*, new_address));
    RETVAL = &PL_sv_no;
    if (neu != MAP_FAILED) {
        RETVAL = neu == old ? newSVpvn("0 but true", 10) : &PL_sv_yes;
        (void)m->release();
        *m = aio::sys::mapping(neu, new_length);
        SvPV_set(scalar, static_cast<char*>(neu));
        SvCUR_set(scalar, new_length);
    }
}
    OUTPUT:
        RETVAL

void
pidfd_open(int pid, unsigned int flags = 0)
    PROTOTYPE: $;$
    PPCODE:
{
    int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, flags));
    XPUSHs(new_fh(aTHX_ fd, O_RDWR));
}

int
pidfd_send_signal(SV* pidfh, int sig, SV* siginfo = &PL_sv_undef, unsigned int flags = 0)
    PROTOTYPE: $$;$$
    CODE:
{
    siginfo_t si;
    std::memset(&si, 0, sizeof si);
    if (SvOK(siginfo)) {
        if (!SvROK(siginfo) || SvTYPE(SvRV(siginfo)) != SVt_PVHV)
            croak("siginfo argument must be a hashref with code, pid, uid and value_int or value_ptr members, caught");
        HV* hv = reinterpret_cast<HV*>(SvRV(siginfo));
        SV** svp;
        if ((svp = hv_fetchs(hv, "code", 0))) si.si_code = static_cast<int>(SvIV(*svp));
        if ((svp = hv_fetchs(hv, "pid", 0))) si.si_pid = static_cast<pid_t>(SvIV(*svp));
        if ((svp = hv_fetchs(hv, "uid", 0))) si.si_uid = static_cast<uid_t>(SvIV(*svp));
        if ((svp = hv_fetchs(hv, "value_int", 0))) si.si_value.sival_int = static_cast<int>(SvIV(*svp));
        if ((svp = hv_fetchs(hv, "value_ptr", 0))) si.si_value.sival_ptr = INT2PTR(void*, SvIV(*svp));
    }
    int fd = sv_fileno_croak(aTHX_ pidfh, false);
    RETVAL = static_cast<int>(::syscall(SYS_pidfd_send_signal, fd, sig, SvOK(siginfo) ? &si : nullptr, flags));
}
    OUTPUT:
        RETVAL

void
pidfd_getfd(SV* pidfh, int targetfd, unsigned int flags = 0)
    PROTOTYPE: $$;$
    PPCODE:
{
    int pfd = sv_fileno_croak(aTHX_ pidfh, false);
    int fd = static_cast<int>(::syscall(SYS_pidfd_getfd, pfd, targetfd, flags));
    XPUSHs(new_fh(aTHX_ fd, O_RDWR));
}

void
timerfd_create(int clockid, int flags = 0)
    PROTOTYPE: $;$
    PPCODE:
        XPUSHs(new_fh(aTHX_ ::timerfd_create(clockid, flags), O_RDWR));

void
timerfd_settime(SV* fh, int flags, NV interval, NV value)
    PROTOTYPE: $$$$
    PPCODE:
{
    int fd = sv_fileno_croak(aTHX_ fh, false);
    auto ts = [](NV v) {
        timespec t;
        t.tv_sec = static_cast<time_t>(v);
        t.tv_nsec = static_cast<long>((v - static_cast<NV>(t.tv_sec)) * 1e9);
        return t;
    };
    struct itimerspec its{ts(interval), ts(value)}, ots;
    if (::timerfd_settime(fd, flags, &its, &ots) == 0) {
        EXTEND(SP, 2);
        PUSHs(sv_2mortal(newSVnv(ots.it_interval.tv_sec + ots.it_interval.tv_nsec * 1e-9)));
        PUSHs(sv_2mortal(newSVnv(ots.it_value.tv_sec + ots.it_value.tv_nsec * 1e-9)));
    }
}

void
timerfd_gettime(SV* fh)
    PROTOTYPE: $
    PPCODE:
{
    int fd = sv_fileno_croak(aTHX_ fh, false);
    struct itimerspec ots;
    if (::timerfd_gettime(fd, &ots) == 0) {
        EXTEND(SP, 2);
        PUSHs(sv_2mortal(newSVnv(ots.it_interval.tv_sec + ots.it_interval.tv_nsec * 1e-9)));
        PUSHs(sv_2mortal(newSVnv(ots.it_value.tv_sec + ots.it_value.tv_nsec * 1e-9)));
    }
}

int
statx(SV* pathname, int flags, UV mask)
    PROTOTYPE: $$$
    CODE:
{
    /* IO::AIO 4.80's undocumented synchronous statx; results via stx_* */
    path_in pi;
    get_path(aTHX_ pathname, pi, "pathname");
    int dirfd = AT_FDCWD;
    if (pi.null_wd) dirfd = -1;
    else if (pi.wd && !(pi.len && pi.ptr[0] == '/')) dirfd = pi.wd->fd();
    std::string path(pi.ptr, pi.len);
    RETVAL = ::statx(dirfd, path.c_str(), flags, static_cast<unsigned>(mask) & STATX_ALL, &g_stx);
}
    OUTPUT:
        RETVAL

U32
stx_mode()
    PROTOTYPE:
    ALIAS:
        stx_mask = 1
        stx_blksize = 2
        stx_nlink = 3
        stx_uid = 4
        stx_gid = 5
        stx_rdev_major = 6
        stx_rdev_minor = 7
        stx_dev_major = 8
        stx_dev_minor = 9
    CODE:
        switch (ix) {
            case 0: RETVAL = g_stx.stx_mode; break;
            case 1: RETVAL = g_stx.stx_mask; break;
            case 2: RETVAL = g_stx.stx_blksize; break;
            case 3: RETVAL = g_stx.stx_nlink; break;
            case 4: RETVAL = g_stx.stx_uid; break;
            case 5: RETVAL = g_stx.stx_gid; break;
            case 6: RETVAL = g_stx.stx_rdev_major; break;
            case 7: RETVAL = g_stx.stx_rdev_minor; break;
            case 8: RETVAL = g_stx.stx_dev_major; break;
            default: RETVAL = g_stx.stx_dev_minor; break;
        }
    OUTPUT:
        RETVAL

IV
stx_attributes()
    PROTOTYPE:
    ALIAS:
        stx_ino = 1
        stx_size = 2
        stx_blocks = 3
        stx_attributes_mask = 4
        stx_atimesec = 5
        stx_btimesec = 6
        stx_ctimesec = 7
        stx_mtimesec = 8
    CODE:
        switch (ix) {
            case 0: RETVAL = static_cast<IV>(g_stx.stx_attributes); break;
            case 1: RETVAL = static_cast<IV>(g_stx.stx_ino); break;
            case 2: RETVAL = static_cast<IV>(g_stx.stx_size); break;
            case 3: RETVAL = static_cast<IV>(g_stx.stx_blocks); break;
            case 4: RETVAL = static_cast<IV>(g_stx.stx_attributes_mask); break;
            case 5: RETVAL = g_stx.stx_atime.tv_sec; break;
            case 6: RETVAL = g_stx.stx_btime.tv_sec; break;
            case 7: RETVAL = g_stx.stx_ctime.tv_sec; break;
            default: RETVAL = g_stx.stx_mtime.tv_sec; break;
        }
    OUTPUT:
        RETVAL

NV
stx_atime()
    PROTOTYPE:
    ALIAS:
        stx_btime = 1
        stx_ctime = 2
        stx_mtime = 3
    CODE:
{
    const struct statx_timestamp& t = ix == 0 ? g_stx.stx_atime : ix == 1 ? g_stx.stx_btime : ix == 2 ? g_stx.stx_ctime : g_stx.stx_mtime;
    RETVAL = t.tv_sec + t.tv_nsec * 1e-9;
}
    OUTPUT:
        RETVAL

U32
stx_atimensec()
    PROTOTYPE:
    ALIAS:
        stx_btimensec = 1
        stx_ctimensec = 2
        stx_mtimensec = 3
    CODE:
        RETVAL = ix == 0 ? g_stx.stx_atime.tv_nsec : ix == 1 ? g_stx.stx_btime.tv_nsec : ix == 2 ? g_stx.stx_ctime.tv_nsec : g_stx.stx_mtime.tv_nsec;
    OUTPUT:
        RETVAL

#if __has_include("aio/tree.hpp")

void
_aiopp_scandir(SV* pathname, int maxreq, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$;$
    PPCODE:
{
    path_in pi;
    get_path(aTHX_ pathname, pi, "pathname");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        p->is_group = true;
        attach(aio::scandir(make_path(pi), maxreq), p, [](preq* q, aio::result<aio::scandir_t>& r) {
            deliver(q, r.err(), [&r](pTHX_ SV**& sp) {
                if (!r) return;  /* IO::AIO: no arguments on error */
                XPUSHs(names_rv(aTHX_ r->dirs));
                XPUSHs(names_rv(aTHX_ r->nondirs));
            });
        });
    });
    REQ_RETURN(p);
}

void
_aiopp_rmtree(SV* pathname, SV* callback = &PL_sv_undef)
    PROTOTYPE: $;$
    PPCODE:
{
    path_in pi;
    get_path(aTHX_ pathname, pi, "pathname");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        p->is_group = true;
        attach(aio::rmtree(make_path(pi)), p, status_fn);
    });
    REQ_RETURN(p);
}

#endif

#if __has_include("aio/copy.hpp")

void
_aiopp_load(SV* pathname, SV* data, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$;$
    PPCODE:
{
    path_in pi;
    get_path(aTHX_ pathname, pi, "pathname");
    if (SvREADONLY(data)) croak_no_modify();
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        p->is_group = true;
        p->data = SvREFCNT_inc_simple_NN(data);
        SvREADONLY_on(data);
        p->ro_off = true;
        attach(aio::load(make_path(pi)), p, [](preq* q, aio::result<aio::load_t>& r) {
            dTHXa(g_perl);
            SV* d = q->data;
            SvREADONLY_off(d);
            q->ro_off = false;
            if (r) {
                sv_setpvn(d, r->data.data(), r->bytes);
                SvSETMAGIC(d);
            }
            deliver_iv(q, r.err(), r ? static_cast<IV>(r->bytes) : -1);
        });
    });
    REQ_RETURN(p);
}

void
_aiopp_copy(SV* srcpath, SV* dstpath, SV* callback = &PL_sv_undef)
    PROTOTYPE: $$;$
    ALIAS:
        _aiopp_move = 1
    PPCODE:
{
    path_in a, b;
    get_path(aTHX_ srcpath, a, "srcpath");
    get_path(aTHX_ dstpath, b, "dstpath");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        p->is_group = true;
        if (ix == 0)
            attach(aio::copy(make_path(a), make_path(b)), p, status_fn);
        else
            attach(aio::move(make_path(a), make_path(b)), p, status_fn);
    });
    REQ_RETURN(p);
}

void
_aiopp_pathsync(SV* pathname, SV* callback = &PL_sv_undef)
    PROTOTYPE: $;$
    PPCODE:
{
    path_in pi;
    get_path(aTHX_ pathname, pi, "pathname");
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        p->is_group = true;
        attach(aio::pathsync(make_path(pi)), p, status_fn);
    });
    REQ_RETURN(p);
}

void
aio_cptree(SV* srcpath, SV* dstpath, ...)
    PROTOTYPE: $$;$$
    ALIAS:
        aio_mvtree = 1
    PPCODE:
{
    /* aio_cptree $src, $dst[, \%options], $callback->($status, \%stats) */
    path_in a, b;
    get_path(aTHX_ srcpath, a, "srcpath");
    get_path(aTHX_ dstpath, b, "dstpath");
    SV* opts = nullptr;
    SV* callback = &PL_sv_undef;
    if (items > 2) {
        SV* x = ST(2);
        if (SvROK(x) && SvTYPE(SvRV(x)) == SVt_PVHV) {
            opts = x;
            if (items > 3) callback = ST(3);
        } else {
            callback = x;
        }
    }
    IV max_active = 16, every = 1;
    bool xattrs = false;
    SV* progress = nullptr;
    if (opts) {
        HV* hv = reinterpret_cast<HV*>(SvRV(opts));
        SV** v;
        if ((v = hv_fetchs(hv, "max_active", 0)) && SvOK(*v)) max_active = SvIV(*v);
        if ((v = hv_fetchs(hv, "xattrs", 0))) xattrs = SvTRUE(*v);
        if ((v = hv_fetchs(hv, "progress_every", 0)) && SvOK(*v)) every = SvIV(*v);
        if ((v = hv_fetchs(hv, "progress", 0)) && SvOK(*v)) progress = get_cb(aTHX_ *v);
    }
    SV* cv = get_cb(aTHX_ callback);
    SUBMIT(p, cv, {
        p->is_group = true;
        aio::cptree_options o;
        o.max_active = max_active > 0 ? static_cast<std::size_t>(max_active) : 1;
        o.xattrs = xattrs;
        o.progress_every = every > 0 ? static_cast<std::size_t>(every) : 1;
        if (progress) o.progress = progress_fn(aTHX_ progress);
        auto done = [](preq* q, aio::result<aio::cptree_stats>& r) {
            deliver(q, r.err(), [&r](pTHX_ SV**& sp) {
                XPUSHs(sv_2mortal(newSViv(r ? 0 : -1)));
                XPUSHs(cptree_stats_rv(aTHX_ r));
            });
        };
        if (ix == 0)
            attach(aio::cptree(make_path(a), make_path(b), std::move(o)), p, done);
        else
            attach(aio::mvtree(make_path(a), make_path(b), std::move(o)), p, done);
    });
    REQ_RETURN(p);
}

#endif

MODULE = IO::AIO                PACKAGE = IO::AIO::WD

PROTOTYPES: DISABLE

void
DESTROY(SV* self)
    CODE:
{
    if (SvROK(self) && SvTYPE(SvRV(self)) == SVt_PVMG) {
        auto* w = INT2PTR(aio::wd*, SvIVX(SvRV(self)));
        SvIV_set(SvRV(self), 0);
        delete w;
    }
}

MODULE = IO::AIO                PACKAGE = IO::AIO::REQ

void
cancel(SV* req)
    CODE:
{
    preq* p = sv_to_preq(aTHX_ req);
    if (p) {
        /* requests added to a group and groups cancel their subrequests */
        if (p->is_group) {
            SvREFCNT_dec(p->feeder);
            p->feeder = nullptr;
        }
        aio::request_base h(p->r);
        aio::detail::acquire(p->r);
        h.cancel();
    }
}

void
cb(SV* req, ...)
    PPCODE:
{
    preq* p = sv_to_preq(aTHX_ req);
    if (!p) XSRETURN_EMPTY;
    if (GIMME_V != G_VOID)
        XPUSHs(p->cb ? sv_2mortal(newRV_inc(p->cb)) : &PL_sv_undef);
    if (items > 1) {
        SV* cv = get_cb(aTHX_ ST(1));
        SV* old = p->cb;
        p->cb = cv ? SvREFCNT_inc_simple_NN(cv) : nullptr;
        SvREFCNT_dec(old);
    }
}

MODULE = IO::AIO                PACKAGE = IO::AIO::GRP

void
add(SV* grp, ...)
    PPCODE:
{
    preq* g = grp_preq(aTHX_ grp);
    for (int i = 1; i < items; ++i) {
        SV* arg = ST(i);
        if (GIMME_V != G_VOID) XPUSHs(sv_2mortal(newSVsv(arg)));
        preq* r = sv_to_preq(aTHX_ arg);
        if (!r) continue;
        const char* err = nullptr;
        {
            aio::group h = grp_of(g);
            aio::request_base rb(r->r);
            aio::detail::acquire(r->r);
            try {
                h.add_one(rb);
            } catch (const std::logic_error& e) {
                err = std::strstr(e.what(), "after the group finished")
                          ? "cannot add requests to IO::AIO::GRP after the group finished"
                      : std::strstr(e.what(), "itself") ? "IO::AIO::GRP cannot contain itself"
                      : std::strstr(e.what(), "another group") || std::strstr(e.what(), "already in")
                          ? "request is already in an IO::AIO::GRP"
                          : nullptr;
            }
        }
        if (err) croak("%s", err);
    }
}

void
cancel_subs(SV* grp)
    CODE:
{
    preq* p = sv_to_preq(aTHX_ grp);
    if (p && p->r->is_group) {
        SvREFCNT_dec(p->feeder);
        p->feeder = nullptr;
        grp_of(p).cancel_subs();
    }
}

void
result(SV* grp, ...)
    CODE:
{
    int err = errno;
    preq* p = grp_preq(aTHX_ grp);
    AV* av = newAV();
    if (items > 1) av_extend(av, items - 2);
    for (int i = 1; i < items; ++i)
        av_push(av, newSVsv(ST(i)));
    SvREFCNT_dec(reinterpret_cast<SV*>(p->gres));
    p->gres = av;
    grp_of(p).set_errno(err);
}

void
errno(SV* grp, int errorno = errno)
    CODE:
{
    preq* p = grp_preq(aTHX_ grp);
    grp_of(p).set_errno(errorno);
}

void
limit(SV* grp, int limit)
    CODE:
{
    preq* p = grp_preq(aTHX_ grp);
    ENGINE_CALL(grp_of(p).limit(limit < 0 ? 0 : static_cast<std::size_t>(limit)));
}

void
feed(SV* grp, SV* callback = &PL_sv_undef)
    CODE:
{
    preq* p = grp_preq(aTHX_ grp);
    SvREFCNT_dec(p->feeder);
    p->feeder = newSVsv(callback);
    ENGINE_CALL(grp_of(p).feed([p](aio::group&) { run_feeder(p); }));
}
