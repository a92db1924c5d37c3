// aio::unique_function — a move-only std::function with a small inline buffer.
//
// Callbacks are stored in every request; most capture a pointer or two, so
// they fit the inline buffer and a request costs no extra allocation. Larger
// callables go to the heap. Move-only so that callbacks may own resources
// (unique_ptr, coroutine handles) without being copied.
#pragma once

#include <cstddef>
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
        alignof(F) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible_v<F>;

    enum class action { move, destroy };
    // manage: move (src -> dst) or destroy (src). One pointer per callable type.
    using manage_fn = void (*)(action, void* src, void* dst) noexcept;
    using invoke_fn = R (*)(void*, Args&&...);

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

    explicit operator bool() const noexcept { return invoke_ != nullptr; }

    R operator()(Args... a) { return invoke_(buf_, std::forward<Args>(a)...); }

    void reset() noexcept {
        if (manage_) manage_(action::destroy, buf_, nullptr);
        manage_ = nullptr;
        invoke_ = nullptr;
    }

  private:
    template <class D, class... A>
    void construct(A&&... args) {
        if constexpr (fits_inline<D>) {
            ::new (static_cast<void*>(buf_)) D(std::forward<A>(args)...);
            invoke_ = [](void* p, Args&&... a) -> R {
                return std::invoke(*static_cast<D*>(p), std::forward<Args>(a)...);
            };
            manage_ = [](action act, void* src, void* dst) noexcept {
                D* s = static_cast<D*>(src);
                if (act == action::move) ::new (dst) D(std::move(*s));
                s->~D();
            };
        } else {
            *reinterpret_cast<D**>(buf_) = new D(std::forward<A>(args)...);
            invoke_ = [](void* p, Args&&... a) -> R {
                return std::invoke(**static_cast<D**>(p), std::forward<Args>(a)...);
            };
            manage_ = [](action act, void* src, void* dst) noexcept {
                D** s = static_cast<D**>(src);
                if (act == action::move)
                    *static_cast<D**>(dst) = *s;
                else
                    delete *s;
            };
        }
    }

    void take(unique_function& o) noexcept {
        if (!o.invoke_) return;
        o.manage_(action::move, o.buf_, buf_);
        invoke_ = o.invoke_;
        manage_ = o.manage_;
        o.invoke_ = nullptr;
        o.manage_ = nullptr;
    }

    alignas(std::max_align_t) unsigned char buf_[Inline < sizeof(void*) ? sizeof(void*) : Inline];
    invoke_fn invoke_ = nullptr;
    manage_fn manage_ = nullptr;
};

}  // namespace aio
