// The calling thread's next-request priority (aioreq_pri / aioreq_nice).
#pragma once

namespace aio::detail {

/// Return the next-request priority and reset it to the default.
int take_next_pri() noexcept;

}  // namespace aio::detail
