// Placeholder: executors not implemented yet (ENOSYS).
#include <cerrno>

#include "ops/exec.hpp"

namespace aio::detail {

void exec_stat(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_lstat(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_fstat(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_statvfs(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_fstatvfs(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_utime(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_futime(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_chown(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_fchown(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_chmod(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_fchmod(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_truncate(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_ftruncate(req& r) noexcept {
    r.fail(ENOSYS);
}

}  // namespace aio::detail
