// Placeholder until the io_uring executor lands: every request goes to the pool.
#include "uring/ring.hpp"

namespace aio::detail {

ring_executor* ring_executor::create(context_impl&, executor_kind) {
    return nullptr;
}

}  // namespace aio::detail
