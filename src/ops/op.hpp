// The list of operations. Adding an op touches this list, the dispatch switch
// (dispatch.cpp), its executor and front function (one file per area), its
// test and docs/API.md — nothing in the engine.
#pragma once

#include <cstdint>

namespace aio::detail {

enum class op : std::uint8_t {
    // engine-level
    nop,
    busy,
    group,
    // working directories
    wd_open,
    // descriptors (file.cpp)
    open,
    close,
    seek,
    read,
    write,
    sendfile,
    readahead,
    // status and attributes (metadata.cpp)
    stat,
    lstat,
    fstat,
    statvfs,
    fstatvfs,
    utime,
    futime,
    chown,
    fchown,
    chmod,
    fchmod,
    truncate,
    ftruncate,
    allocate,
    fiemap,
    // names (namespace.cpp)
    unlink,
    mknod,
    link,
    symlink,
    readlink,
    realpath,
    rename,
    rename2,
    mkdir,
    rmdir,
    readdir,
    readdirx,
    // sync (file.cpp)
    sync,
    syncfs,
    fsync,
    fdatasync,
    sync_file_range,
    // memory (memory.cpp)
    msync,
    mtouch,
    mlock,
    mlockall,
    // control (file.cpp)
    fcntl,
    fcntl_ptr,
    ioctl,
    // steps of composite operations (src/ops/composite/)
    custom,  // runs a library-internal function on a worker
    count_
};

/// Name of an op, for diagnostics and docs.
const char* op_name(op o) noexcept;

}  // namespace aio::detail
