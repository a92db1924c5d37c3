// Placeholder: executors not implemented yet (ENOSYS).
#include <cerrno>

#include "ops/exec.hpp"

namespace aio::detail {

void exec_open(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_close(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_seek(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_read(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_write(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_sendfile(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_readahead(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_sync(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_syncfs(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_fsync(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_fdatasync(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_sync_file_range(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_fcntl(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_fcntl_ptr(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_ioctl(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_allocate(req& r) noexcept {
    r.fail(ENOSYS);
}
void exec_fiemap(req& r) noexcept {
    r.fail(ENOSYS);
}

}  // namespace aio::detail
