// Directory listing internals shared with composite operations and tests.
#pragma once

#include <vector>

#include "aio/ops.hpp"

namespace aio::detail {

/// Put entries (as read from the directory) in the order readdirx's flags ask
/// for, and return the flags readdirx reports: the caller's flags without
/// READDIR_FOUND_UNKNOWN, plus READDIR_DENTS, plus READDIR_FOUND_UNKNOWN when
/// an entry's type is DT_UNKNOWN.
unsigned order_entries(std::vector<dirent_t>& entries, unsigned flags);

/// readdirx's "likely a directory" score (0 = surely, 7 = unlikely), used
/// with READDIR_DIRS_FIRST.
unsigned dir_score(const dirent_t& e) noexcept;

}  // namespace aio::detail
