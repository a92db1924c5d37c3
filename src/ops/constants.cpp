// Run-time constants for aio/constants.hpp.
#include "aio/constants.hpp"

namespace aio {

std::size_t pagesize() noexcept {
    static const std::size_t size = [] {
        long n = ::sysconf(_SC_PAGESIZE);
        return n > 0 ? static_cast<std::size_t>(n) : std::size_t{4096};
    }();
    return size;
}

}  // namespace aio
