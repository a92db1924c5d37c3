// Placeholder: executors not implemented yet (ENOSYS).
#include <cerrno>

#include "ops/exec.hpp"

namespace aio::detail {

void exec_unlink(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_mknod(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_link(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_symlink(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_readlink(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_realpath(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_rename(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_rename2(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_mkdir(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_rmdir(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_readdir(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_readdirx(req& r) noexcept {
    r.fail(ENOSYS);
}

}  // namespace aio::detail
