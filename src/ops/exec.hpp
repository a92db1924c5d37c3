// Executors: the code that runs on a worker for each op. Each sets the
// request's result and err (see set_result in fs_req.hpp).
#pragma once

#include "engine/req.hpp"

namespace aio::detail {

// engine_ops.cpp
void exec_nop(req& r) noexcept;
void exec_busy(req& r) noexcept;
void exec_custom(req& r) noexcept;
// wd.cpp
void exec_wd_open(req& r) noexcept;
// file.cpp: descriptors, sync, control
void exec_open(req& r) noexcept;
void exec_close(req& r) noexcept;
void exec_seek(req& r) noexcept;
void exec_read(req& r) noexcept;
void exec_write(req& r) noexcept;
void exec_sendfile(req& r) noexcept;
void exec_readahead(req& r) noexcept;
void exec_sync(req& r) noexcept;
void exec_syncfs(req& r) noexcept;
void exec_fsync(req& r) noexcept;
void exec_fdatasync(req& r) noexcept;
void exec_sync_file_range(req& r) noexcept;
void exec_fcntl(req& r) noexcept;
void exec_fcntl_ptr(req& r) noexcept;
void exec_ioctl(req& r) noexcept;
void exec_allocate(req& r) noexcept;
void exec_fiemap(req& r) noexcept;
// metadata.cpp: status and attributes
void exec_stat(req& r) noexcept;
void exec_lstat(req& r) noexcept;
void exec_fstat(req& r) noexcept;
void exec_statvfs(req& r) noexcept;
void exec_fstatvfs(req& r) noexcept;
void exec_utime(req& r) noexcept;
void exec_futime(req& r) noexcept;
void exec_chown(req& r) noexcept;
void exec_fchown(req& r) noexcept;
void exec_chmod(req& r) noexcept;
void exec_fchmod(req& r) noexcept;
void exec_truncate(req& r) noexcept;
void exec_ftruncate(req& r) noexcept;
// namespace.cpp: names and directories
void exec_unlink(req& r) noexcept;
void exec_mknod(req& r) noexcept;
void exec_link(req& r) noexcept;
void exec_symlink(req& r) noexcept;
void exec_readlink(req& r) noexcept;
void exec_realpath(req& r) noexcept;
void exec_rename(req& r) noexcept;
void exec_rename2(req& r) noexcept;
void exec_mkdir(req& r) noexcept;
void exec_rmdir(req& r) noexcept;
void exec_readdir(req& r) noexcept;
void exec_readdirx(req& r) noexcept;
// memory.cpp
void exec_msync(req& r) noexcept;
void exec_mtouch(req& r) noexcept;
void exec_mlock(req& r) noexcept;
void exec_mlockall(req& r) noexcept;

}  // namespace aio::detail
