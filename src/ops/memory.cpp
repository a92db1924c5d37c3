// Placeholder: executors not implemented yet (ENOSYS).
#include <cerrno>

#include "ops/exec.hpp"

namespace aio::detail {

void exec_msync(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_mtouch(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_mlock(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_mlockall(req& r) noexcept {
    r.fail(ENOSYS);
}

}  // namespace aio::detail
