// The dispatch table: every op type to its executor, in one switch (like
// libuv's uv__fs_work). A request whose arguments were rejected at submission
// arrives here with its errno already set and is not executed.
#include "engine/context_impl.hpp"
#include "ops/exec.hpp"
#include "ops/op.hpp"

namespace aio::detail {

void execute(req& r) noexcept {
    if (r.err) return;  // failed argument checks at submission
    switch (static_cast<op>(r.opcode)) {
        case op::nop:
            exec_nop(r);
            break;
        case op::busy:
            exec_busy(r);
            break;
        case op::group:
            break;  // groups never execute
        case op::wd_open:
            exec_wd_open(r);
            break;
        case op::open:
            exec_open(r);
            break;
        case op::close:
            exec_close(r);
            break;
        case op::seek:
            exec_seek(r);
            break;
        case op::read:
            exec_read(r);
            break;
        case op::write:
            exec_write(r);
            break;
        case op::sendfile:
            exec_sendfile(r);
            break;
        case op::readahead:
            exec_readahead(r);
            break;
        case op::stat:
            exec_stat(r);
            break;
        case op::lstat:
            exec_lstat(r);
            break;
        case op::fstat:
            exec_fstat(r);
            break;
        case op::statvfs:
            exec_statvfs(r);
            break;
        case op::fstatvfs:
            exec_fstatvfs(r);
            break;
        case op::utime:
            exec_utime(r);
            break;
        case op::futime:
            exec_futime(r);
            break;
        case op::chown:
            exec_chown(r);
            break;
        case op::fchown:
            exec_fchown(r);
            break;
        case op::chmod:
            exec_chmod(r);
            break;
        case op::fchmod:
            exec_fchmod(r);
            break;
        case op::truncate:
            exec_truncate(r);
            break;
        case op::ftruncate:
            exec_ftruncate(r);
            break;
        case op::allocate:
            exec_allocate(r);
            break;
        case op::fiemap:
            exec_fiemap(r);
            break;
        case op::unlink:
            exec_unlink(r);
            break;
        case op::mknod:
            exec_mknod(r);
            break;
        case op::link:
            exec_link(r);
            break;
        case op::symlink:
            exec_symlink(r);
            break;
        case op::readlink:
            exec_readlink(r);
            break;
        case op::realpath:
            exec_realpath(r);
            break;
        case op::rename:
            exec_rename(r);
            break;
        case op::rename2:
            exec_rename2(r);
            break;
        case op::mkdir:
            exec_mkdir(r);
            break;
        case op::rmdir:
            exec_rmdir(r);
            break;
        case op::readdir:
            exec_readdir(r);
            break;
        case op::readdirx:
            exec_readdirx(r);
            break;
        case op::sync:
            exec_sync(r);
            break;
        case op::syncfs:
            exec_syncfs(r);
            break;
        case op::fsync:
            exec_fsync(r);
            break;
        case op::fdatasync:
            exec_fdatasync(r);
            break;
        case op::sync_file_range:
            exec_sync_file_range(r);
            break;
        case op::msync:
            exec_msync(r);
            break;
        case op::mtouch:
            exec_mtouch(r);
            break;
        case op::mlock:
            exec_mlock(r);
            break;
        case op::mlockall:
            exec_mlockall(r);
            break;
        case op::fcntl:
            exec_fcntl(r);
            break;
        case op::fcntl_ptr:
            exec_fcntl_ptr(r);
            break;
        case op::ioctl:
            exec_ioctl(r);
            break;
        case op::custom:
            exec_custom(r);
            break;
        case op::count_:
            r.fail(ENOSYS);
            break;
    }
}

bool quick_op(const req& r) noexcept {
    switch (static_cast<op>(r.opcode)) {
        case op::wd_open:  // O_PATH: never waits for a FIFO's other end
        case op::seek:
        case op::stat:
        case op::lstat:
        case op::fstat:
        case op::statvfs:
        case op::fstatvfs:
        case op::utime:
        case op::futime:
        case op::chown:
        case op::fchown:
        case op::chmod:
        case op::fchmod:
        case op::mknod:
        case op::link:
        case op::symlink:
        case op::readlink:
        case op::realpath:
        case op::rename:
        case op::rename2:
        case op::mkdir:
        case op::rmdir:
            return true;
        default:
            return false;
    }
}

const char* op_name(op o) noexcept {
    static const char* const names[] = {
        "nop",
        "busy",
        "group",
        "wd_open",
        "open",
        "close",
        "seek",
        "read",
        "write",
        "sendfile",
        "readahead",
        "stat",
        "lstat",
        "fstat",
        "statvfs",
        "fstatvfs",
        "utime",
        "futime",
        "chown",
        "fchown",
        "chmod",
        "fchmod",
        "truncate",
        "ftruncate",
        "allocate",
        "fiemap",
        "unlink",
        "mknod",
        "link",
        "symlink",
        "readlink",
        "realpath",
        "rename",
        "rename2",
        "mkdir",
        "rmdir",
        "readdir",
        "readdirx",
        "sync",
        "syncfs",
        "fsync",
        "fdatasync",
        "sync_file_range",
        "msync",
        "mtouch",
        "mlock",
        "mlockall",
        "fcntl",
        "fcntl_ptr",
        "ioctl",
        "custom",
    };
    auto i = static_cast<unsigned>(o);
    return i < sizeof names / sizeof *names ? names[i] : "?";
}

}  // namespace aio::detail
