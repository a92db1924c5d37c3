// aio::unique_function — a move-only std::function with a small inline buffer.
//
// Callbacks are stored in every request; most capture a pointer or two, so
// they fit the inline buffer and a request costs no extra allocation. Larger
// callables go to the heap. Move-only so that callbacks may own resources
// (unique_ptr, coroutine handles) without being copied.
#pragma once

#include <cstddef>
#include <cstring>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

namespace aio {

template <class Sig, std::size_t Inline = 4 * sizeof(void*)>
class unique_function;

template <class R, class... Args, std::size_t Inline>
class unique_function<R(Args...), Inline> {
    template <class F>
    static constexpr bool fits_inline =
        sizeof(F) <= Inline &&
        alignof(F) <= alignof(void*) && std::is_nothrow_move_constructible_v<F>;

    enum class action { move, destroy };
    // What a stored callable's type knows: how to call it, and how to move
    // or destroy it (nullptr: a trivially copyable callable stored inline,
    // moved by copying the buffer, destroyed by forgetting it). One static
    // table per callable type: a unique_function is its buffer and a
    // pointer, so that a request's callback fits fewer cache lines.
    struct ops {
        R (*invoke)(void*, Args&&...);
        void (*manage)(action, void* src, void* dst) noexcept;
    };
    template <class D>
    static constexpr bool trivial_inline = fits_inline<D> && (std::is_trivially_copyable_v<D> &&
                                                              std::is_trivially_destructible_v<D>);

  public:
    unique_function() noexcept = default;
    unique_function(std::nullptr_t) noexcept {}

    template <class F, class D = std::decay_t<F>,
              class = std::enable_if_t<!std::is_same_v<D, unique_function> &&
                                       std::is_invocable_r_v<R, D&, Args...>>>
    unique_function(F&& f) {  // NOLINT: implicit like std::function
        if constexpr (std::is_pointer_v<D> || std::is_member_pointer_v<D>) {
            if (f == nullptr) return;
        }
        construct<D>(std::forward<F>(f));
    }

    /// Replace the target with a D built in place from args: no temporary
    /// callable and no move of one.
    template <class D, class... A>
    void emplace(A&&... args) {
        reset();
        construct<D>(std::forward<A>(args)...);
    }

    unique_function(unique_function&& o) noexcept { take(o); }
    unique_function& operator=(unique_function&& o) noexcept {
        if (this != &o) {
            reset();
            take(o);
        }
        return *this;
    }
    unique_function& operator=(std::nullptr_t) noexcept {
        reset();
        return *this;
    }
    unique_function(const unique_function&) = delete;
    unique_function& operator=(const unique_function&) = delete;
    ~unique_function() { reset(); }

    explicit operator bool() const noexcept { return ops_ != nullptr; }

    R operator()(Args... a) { return ops_->invoke(buf_, std::forward<Args>(a)...); }

    void reset() noexcept {
        if (ops_ && ops_->manage) ops_->manage(action::destroy, buf_, nullptr);
        ops_ = nullptr;
    }

  private:
    template <class D>
    static R invoke_inline(void* p, Args&&... a) {
        return std::invoke(*static_cast<D*>(p), std::forward<Args>(a)...);
    }
    template <class D>
    static void manage_inline(action act, void* src, void* dst) noexcept {
        D* s = static_cast<D*>(src);
        if (act == action::move) ::new (dst) D(std::move(*s));
        s->~D();
    }
    template <class D>
    static R invoke_heap(void* p, Args&&... a) {
        return std::invoke(**static_cast<D**>(p), std::forward<Args>(a)...);
    }
    template <class D>
    static void manage_heap(action act, void* src, void* dst) noexcept {
        D** s = static_cast<D**>(src);
        if (act == action::move)
            *static_cast<D**>(dst) = *s;
        else
            delete *s;
    }
    template <class D>
    static constexpr ops ops_for = trivial_inline<D> ? ops{&invoke_inline<D>, nullptr}
                                   : fits_inline<D>  ? ops{&invoke_inline<D>, &manage_inline<D>}
                                                     : ops{&invoke_heap<D>, &manage_heap<D>};

    template <class D, class... A>
    void construct(A&&... args) {
        if constexpr (fits_inline<D>)
            ::new (static_cast<void*>(buf_)) D(std::forward<A>(args)...);
        else
            *reinterpret_cast<D**>(buf_) = new D(std::forward<A>(args)...);
        ops_ = &ops_for<D>;
    }

    void take(unique_function& o) noexcept {
        if (!o.ops_) return;
        if (o.ops_->manage)
            o.ops_->manage(action::move, o.buf_, buf_);
        else
            std::memcpy(buf_, o.buf_, sizeof buf_);
        ops_ = std::exchange(o.ops_, nullptr);
    }

    // Word-aligned (a callable that needs more goes to the heap), so that
    // a unique_function holding another one adds no padding.
    alignas(void*) unsigned char buf_[Inline < sizeof(void*) ? sizeof(void*) : Inline];
    const ops* ops_ = nullptr;
};

}  // namespace aio
