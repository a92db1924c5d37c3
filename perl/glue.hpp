// IO::AIO on aiopp — the machinery shared by every XS function.
//
// A Perl request is an aiopp request plus a `preq`: the Perl-side state (the
// callback, the scalars kept alive while the request runs, the Perl object
// if one was asked for, group results). The preq is owned by the request's
// completion (aio::detail::set_completion), so it lives exactly as long as
// the request can still call back and dies when the engine finishes (or
// abandons) the request — whether or not the callback ran.
//
// Perl code runs only on the thread that loaded the module, from inside the
// engine's poll_cb (callbacks) and from group feeders. Perl's die and exit
// unwind with longjmp, which must never cross the engine's C++ frames: every
// call into Perl goes through call_perl(), which catches the jump, turns it
// into a C++ exception (perl_unwind) that the engine propagates cleanly, and
// the XS entry point (ENGINE_CALL) resumes the jump once the engine is back
// in a consistent state. Likewise, XS functions gather everything they need
// from Perl (which may croak) before they create C++ objects.
#pragma once

// C++ first: perl.h defines macros that collide with the standard library.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "aio/aio.hpp"
// The library's private request types, for the two requests that are not
// aiopp operations (custom.hpp). perl/Makefile.PL adds src/ to the path.
#include "ops/fs_req.hpp"
#include "ops/submit.hpp"

// perl's headers must come in this order
// clang-format off
#define PERL_NO_GET_CONTEXT
#include "EXTERN.h"
#include "perl.h"
#include "XSUB.h"
// clang-format on

#undef do_open
#undef do_close

namespace plaio {

// ---- global state ---------------------------------------------------------------

inline PerlInterpreter* g_perl = nullptr;  // the interpreter that loaded us
inline bool g_alive = false;               // false once perl_destruct tore Perl down
inline HV* g_stash_aio = nullptr;
inline HV* g_stash_req = nullptr;
inline HV* g_stash_grp = nullptr;
inline HV* g_stash_wd = nullptr;
inline SV* g_died = nullptr;  // first error of a callback that died, until rethrown

inline aio::context& ctx() {
    return aio::default_context();
}

/// Thrown through the engine when Perl code called back from it unwinds:
/// jmp is JMPENV's code (2: exit, 3: die).
struct perl_unwind {
    int jmp;
};

// ---- calling Perl from engine frames ---------------------------------------------

/// call_sv with the arguments already pushed, inside our own JMPENV so that
/// exit() (and die, when not trapped) cannot longjmp over C++ frames. With
/// keep_err (feeders), a die is only warned about, as in IO::AIO.
inline void call_perl(pTHX_ SV* cv, I32 flags, bool keep_err) {
    dJMPENV;
    int ret;
    JMPENV_PUSH(ret);
    if (ret == 0) call_sv(cv, flags | G_EVAL | (keep_err ? G_KEEPERR : 0));
    JMPENV_POP;
    if (ret) throw perl_unwind{ret};
    if (!keep_err && SvTRUE(ERRSV)) {
        if (!g_died) g_died = newSVsv(ERRSV);
        throw perl_unwind{3};
    }
}

/// ENTER/SAVETMPS ... FREETMPS/LEAVE around f, also when f throws: a die
/// (or a C++ error) leaves Perl's stacks intact, so the scope is closed; an
/// exit has already unwound every Perl scope, so it is not closed twice.
template <class F>
inline void perl_scope(pTHX_ F&& f) {
    ENTER;
    SAVETMPS;
    try {
        f();
    } catch (const perl_unwind& u) {
        if (u.jmp != 2) {
            FREETMPS;
            LEAVE;
        }
        throw;
    } catch (...) {
        FREETMPS;
        LEAVE;
        throw;
    }
    FREETMPS;
    LEAVE;
}

/// Resume an unwind caught by call_perl, after the engine returned.
[[noreturn]] inline void resume_unwind(pTHX_ int jmp) {
    if (jmp == 3) {
        SV* e = g_died ? sv_2mortal(g_died) : sv_2mortal(newSVsv(ERRSV));
        g_died = nullptr;
        croak_sv(e);
    }
    JMPENV_JUMP(jmp);
    croak("IO::AIO: lost unwind");  // not reached
}

/// Run engine code that may call Perl; resume any Perl unwind afterwards and
/// turn C++ exceptions into croaks. Nothing with a destructor may be live in
/// the caller across this macro's croak.
#define ENGINE_CALL(...)                                                \
    do {                                                                \
        int jmp_ = 0;                                                   \
        char msg_[256];                                                 \
        msg_[0] = 0;                                                    \
        try {                                                           \
            __VA_ARGS__;                                                \
        } catch (const ::plaio::perl_unwind& u_) {                      \
            jmp_ = u_.jmp;                                              \
        } catch (const std::exception& e_) {                            \
            std::snprintf(msg_, sizeof msg_, "IO::AIO: %s", e_.what()); \
        }                                                               \
        if (jmp_) ::plaio::resume_unwind(aTHX_ jmp_);                   \
        if (msg_[0]) croak("%s", msg_);                                 \
    } while (0)

// ---- per-request Perl state -------------------------------------------------------

struct preq {
    aio::detail::req* r = nullptr;  // valid while the preq lives (it lives inside r)
    SV* cb = nullptr;               // the callback (a CV), or null
    HV* self = nullptr;             // body of the Perl object, once one was made
    SV* hold[5] = {};               // kept alive until the request is done
    int nhold = 0;
    SV* data = nullptr;    // aio_read/aio_slurp target, held
    STRLEN stroffset = 0;  // aio_read: where the bytes go in data
    bool ro_off = false;   // data was made read-only by us
    bool grow = false;     // aio_read: resize data when done
    bool is_group = false;
    int i1 = 0;            // op-specific (readdirx flags, open flags, ...)
    AV* gres = nullptr;    // group: result list
    SV* feeder = nullptr;  // group: feeder callback
    void* ext = nullptr;   // op-specific C++ state, freed with ext_free
    void (*ext_free)(void*) = nullptr;
    preq* next_free = nullptr;
    // The request handle the front function returned, kept (moved, not
    // copied) until the request is done: releasing it then touches the
    // request's cache line on the thread that already holds it, instead of
    // right after submission while a worker runs it.
    alignas(aio::request_base) unsigned char handle[sizeof(aio::request_base)];
    bool has_handle = false;
};

inline MGVTBL preq_vtbl = {};  // identifies our magic on request objects

// A small free list: requests are created and destroyed at a high rate.
inline preq* g_free = nullptr;
inline unsigned g_nfree = 0;

inline preq* preq_new() {
    if (preq* p = g_free) {
        g_free = p->next_free;
        --g_nfree;
        *p = preq{};
        return p;
    }
    return new preq;
}

inline void preq_free(preq* p) noexcept {
    if (g_alive) {
        dTHXa(g_perl);
        if (p->ro_off) SvREADONLY_off(p->data);
        if (p->self) {
            sv_unmagicext(reinterpret_cast<SV*>(p->self), PERL_MAGIC_ext, &preq_vtbl);
            SvREFCNT_dec(reinterpret_cast<SV*>(p->self));
        }
        SvREFCNT_dec(p->cb);
        for (SV* s : p->hold)
            SvREFCNT_dec(s);
        SvREFCNT_dec(p->data);
        SvREFCNT_dec(reinterpret_cast<SV*>(p->gres));
        SvREFCNT_dec(p->feeder);
    }
    if (p->ext_free) p->ext_free(p->ext);
    if (p->has_handle)
        std::launder(reinterpret_cast<aio::request_base*>(p->handle))->~request_base();
    if (g_nfree < 1024) {
        p->next_free = g_free;
        g_free = p;
        ++g_nfree;
    } else {
        delete p;
    }
}

/// The Perl object (a blessed hash reference) for a request, made on demand.
inline SV* req_sv(pTHX_ preq* p) {
    if (!p->self) {
        p->self = newHV();
        sv_magicext(reinterpret_cast<SV*>(p->self), nullptr, PERL_MAGIC_ext, &preq_vtbl,
                    reinterpret_cast<const char*>(p), 0);
    }
    return sv_2mortal(sv_bless(newRV_inc(reinterpret_cast<SV*>(p->self)),
                               p->is_group ? g_stash_grp : g_stash_req));
}

/// The preq behind a request object; null once the request is done.
inline preq* sv_to_preq(pTHX_ SV* sv) {
    if (!SvROK(sv) || !SvOBJECT(SvRV(sv)) ||
        (SvSTASH(SvRV(sv)) != g_stash_req && SvSTASH(SvRV(sv)) != g_stash_grp &&
         !sv_derived_from(sv, "IO::AIO::REQ")))
        croak("object of class IO::AIO::REQ expected");
    MAGIC* mg = mg_findext(SvRV(sv), PERL_MAGIC_ext, &preq_vtbl);
    return mg ? reinterpret_cast<preq*>(mg->mg_ptr) : nullptr;
}

// ---- delivering results --------------------------------------------------------------

/// Holds a reference to the callback while it runs (it may replace itself).
struct cb_ref {
    PerlInterpreter* my_perl;
    SV* cv;
    cb_ref(pTHX_ SV* c) : my_perl(aTHX), cv(c) { SvREFCNT_inc_simple_void_NN(c); }
    ~cb_ref() { SvREFCNT_dec(cv); }
    cb_ref(const cb_ref&) = delete;
    cb_ref& operator=(const cb_ref&) = delete;
};

/// Run p's callback with the arguments push() puts on the stack and errno set
/// to err. Called from the engine's poll_cb (a C++ frame).
template <class Push>
inline void deliver(preq* p, int err, Push&& push) {
    dTHXa(g_perl);
    if (p->ro_off) {
        SvREADONLY_off(p->data);
        p->ro_off = false;
    }
    if (!p->cb) return;
    cb_ref keep(aTHX_ p->cb);
    perl_scope(aTHX_[&] {
        dSP;
        PUSHMARK(SP);
        push(aTHX_ SP);
        PUTBACK;
        errno = err;
        call_perl(aTHX_ keep.cv, G_VOID | G_DISCARD, false);
    });
}

/// deliver() for callbacks with no argument or one argument that is not a
/// mortal: call_sv(G_DISCARD) has its own scope, so none is needed here.
inline void deliver_plain(preq* p, int err, SV* arg) {
    dTHXa(g_perl);
    if (p->ro_off) {
        SvREADONLY_off(p->data);
        p->ro_off = false;
    }
    if (!p->cb) return;
    cb_ref keep(aTHX_ p->cb);
    dSP;
    PUSHMARK(SP);
    if (arg) XPUSHs(arg);
    PUTBACK;
    errno = err;
    call_perl(aTHX_ keep.cv, G_VOID | G_DISCARD, false);
}

/// A completion that owns its preq and hands the typed result to F.
template <class T, class F>
struct completion {
    preq* p;
    F f;
    completion(preq* q, F fn) : p(q), f(std::move(fn)) {}
    completion(completion&& o) noexcept : p(std::exchange(o.p, nullptr)), f(std::move(o.f)) {}
    completion& operator=(completion&&) = delete;
    ~completion() {
        if (p) preq_free(p);
    }
    void operator()(aio::detail::req& r) {
        auto res = aio::detail::take(r, aio::detail::tag<T>{});
        f(p, res);
    }
};

/// Attach p to a freshly submitted request (we are the poll thread, so its
/// completion cannot have run yet).
template <class T, class F>
inline void attach(aio::request<T>&& h, preq* p, F f) {
    p->r = h.native();
    aio::detail::set_completion(h.native(), completion<T, F>(p, std::move(f)));
    ::new (static_cast<void*>(p->handle)) aio::request_base(std::move(h));
    p->has_handle = true;
}

// ---- argument helpers (phase 1: may croak, create no C++ objects) -----------------------

/// IO::AIO's SV8: a byte string; downgrades in place, croaks on wide characters.
inline void sv8(pTHX_ SV* sv, const char* name) {
    if (SvPOKp(sv) && !sv_utf8_downgrade(sv, 1))
        croak("\"%s\" argument must be byte/octet-encoded", name);
}

/// A callback argument: a code reference (or callable object), or undef.
inline SV* get_cb(pTHX_ SV* cb) {
    SvGETMAGIC(cb);
    if (!SvOK(cb)) return nullptr;
    if (SvROK(cb) && SvTYPE(SvRV(cb)) == SVt_PVCV) return SvRV(cb);
    HV* st;
    GV* gvp;
    CV* cv = sv_2cv(cb, &st, &gvp, 0);
    if (!cv)
        croak("%s: callback must be a CODE reference or another callable object", SvPV_nolen(cb));
    return reinterpret_cast<SV*>(cv);
}

/// IO::AIO's s_fileno: a handle (glob, reference to one) or a descriptor
/// number; -1 when none. wr selects the handle's output side.
inline int sv_fileno(pTHX_ SV* fh, bool wr) {
    SvGETMAGIC(fh);
    if (SvROK(fh)) {
        fh = SvRV(fh);
        SvGETMAGIC(fh);
    }
    if (SvTYPE(fh) == SVt_PVGV) {
        IO* io = sv_2io(fh);
        PerlIO* f = wr ? IoOFP(io) : IoIFP(io);
        return f ? PerlIO_fileno(f) : -1;
    }
    if (SvOK(fh) && SvIV(fh) >= 0 && SvIV(fh) < 0x7fffffffL) return static_cast<int>(SvIV(fh));
    return -1;
}

inline int sv_fileno_croak(pTHX_ SV* fh, bool wr) {
    int fd = sv_fileno(aTHX_ fh, wr);
    if (fd < 0)
        croak("%s: illegal fh argument, either not an OS file or read/write mode mismatch",
              SvPV_nolen(fh));
    return fd;
}

/// Whether a fh_or_path argument is a handle (IO::AIO's test).
inline bool is_fh(pTHX_ SV* sv) {
    SV* rv = SvROK(sv) ? SvRV(sv) : sv;
    switch (SvTYPE(rv)) {
        case SVt_PVIO:
        case SVt_PVLV:
        case SVt_PVGV:
            return true;
        default:
            return false;
    }
}

/// The descriptor of a fh_or_path that is a handle (IO::AIO reads its input side).
inline int fh_of(pTHX_ SV* sv) {
    IO* io = sv_2io(sv);
    return IoIFP(io) ? PerlIO_fileno(IoIFP(io)) : -1;
}

// ---- working directories ----------------------------------------------------------------

/// The aio::wd behind an IO::AIO::WD object (a blessed scalar holding a pointer).
inline const aio::wd* sv_to_wd(pTHX_ SV* sv) {
    if (!SvROK(sv) || SvTYPE(SvRV(sv)) != SVt_PVMG || SvSTASH(SvRV(sv)) != g_stash_wd)
        croak("IO::AIO: expected a working directory object as returned by aio_wd");
    return INT2PTR(const aio::wd*, SvIVX(SvRV(sv)));
}

inline SV* new_wd_sv(pTHX_ aio::wd w) {
    auto* heap = new aio::wd(std::move(w));
    SV* body = newSViv(PTR2IV(heap));
    return sv_bless(newRV_noinc(body), g_stash_wd);
}

/// A parsed path argument: a wd (or none: the process working directory)
/// and the bytes of the path, pointing into the caller's scalars (valid for
/// the duration of the XS call: the C++ request copies them). Nothing here
/// owns memory, so a croak while parsing leaks nothing.
struct path_in {
    const aio::wd* wd = nullptr;  // null: no wd given
    bool null_wd = false;         // [undef, path]: fails with ENOENT
    const char* ptr = ".";
    STRLEN len = 1;
};

inline void get_path(pTHX_ SV* path, path_in& out, const char* name) {
    sv8(aTHX_ path, name);
    if (SvROK(path)) {
        SV* rv = SvRV(path);
        if (SvTYPE(rv) == SVt_PVAV && AvFILLp(reinterpret_cast<AV*>(rv)) == 1) {
            SV* wdob = AvARRAY(reinterpret_cast<AV*>(rv))[0];
            path = AvARRAY(reinterpret_cast<AV*>(rv))[1];
            if (wdob && SvOK(wdob))
                out.wd = sv_to_wd(aTHX_ wdob);
            else
                out.null_wd = true;
            if (!path) path = &PL_sv_undef;
        } else if (SvTYPE(rv) == SVt_PVMG && SvOBJECT(rv) && SvSTASH(rv) == g_stash_wd) {
            out.wd = INT2PTR(const aio::wd*, SvIVX(rv));
            return;  // the wd itself: "."
        } else {
            croak(
                "IO::AIO: pathname arguments must be specified as a string, an IO::AIO::WD "
                "object or a [IO::AIO::WD, path] pair");
        }
    }
    // a magical scalar could change under us when the next argument is read
    if (SvMAGICAL(path)) path = sv_2mortal(newSVsv(path));
    out.ptr = SvPVbyte(path, out.len);
}

/// Phase 2: the aio::path_arg for a parsed path (copies the bytes and the wd).
inline aio::path_arg make_path(const path_in& in) {
    std::string s(in.ptr, in.len);
    if (in.null_wd) return aio::path_arg(aio::wd(), std::move(s));
    if (in.wd) return aio::path_arg(*in.wd, std::move(s));
    return aio::path_arg(std::move(s));
}

/// Keep sv (a reference we own) alive until the request is done.
inline void hold(preq* p, SV* sv) {
    if (sv) p->hold[p->nhold++] = sv;
}

// ---- small conversions ----------------------------------------------------------------------

/// A time in seconds as IO::AIO converts it (libeio's ts_set): whole seconds
/// truncated toward zero, the fraction truncated to nanoseconds. A negative
/// time with a fraction gives a negative tv_nsec there, which the kernel
/// rejects with EINVAL; an out-of-range nsec gives aio's EINVAL likewise.
inline aio::file_time nv_time(NV v) {
    double s = std::trunc(v);
    double ns = (v - s) * 1e9;
    if (ns < 0) return aio::file_time{static_cast<std::int64_t>(s), 2000000000u};
    return aio::file_time{static_cast<std::int64_t>(s), static_cast<std::uint32_t>(ns)};
}

/// Round [addr, addr+len) out to whole pages (libeio's eio_page_align).
inline void page_align(void*& addr, std::size_t& len) {
    std::uintptr_t pg = aio::pagesize();
    auto a = reinterpret_cast<std::uintptr_t>(addr);
    std::uintptr_t mask = ~(pg - 1);
    std::uintptr_t start = a & mask;
    len = (len + (a - start) + pg - 1) & mask;
    addr = reinterpret_cast<void*>(start);
}

}  // namespace plaio
