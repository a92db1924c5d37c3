// aio::sys::sendfile — the synchronous sendfile (IO::AIO::sendfile, libeio's
// eio_sendfile_sync). aio::sendfile runs exactly this function on a worker.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

namespace aio::sys {

/// Copy up to `length` bytes from in_fd, starting at `in_offset`, to out_fd at
/// its current position. Uses sendfile(2); where the kernel refuses the pair
/// of descriptors (ENOSYS, EINVAL, ENOTSUP, EOPNOTSUPP, EAFNOSUPPORT,
/// EPROTOTYPE, ENOTSOCK) it copies with pread(2) + write(2) instead. in_fd's
/// file offset is neither used nor changed.
///
/// Stops at `length`, at the end of in_fd, or when out_fd accepts less than
/// offered (a short write or EAGAIN on a non-blocking descriptor, a full
/// disk): an error after some bytes were written returns those bytes.
///
/// Returns the number of bytes written to out_fd, or -1 with errno set (a
/// negative in_offset or a length above SSIZE_MAX: EINVAL).
ssize_t sendfile(int out_fd, int in_fd, std::int64_t in_offset, std::size_t length) noexcept;

}  // namespace aio::sys
