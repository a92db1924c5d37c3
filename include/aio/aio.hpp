// aiopp: asynchronous file and system I/O for C++ on Linux.
// The umbrella header: everything public.
#pragma once

#include "aio/constants.hpp"
#include "aio/context.hpp"
#include "aio/function.hpp"
#include "aio/ops.hpp"
#include "aio/request.hpp"
#include "aio/result.hpp"
#include "aio/sys.hpp"
#include "aio/wd.hpp"

// Composite operations (each header added by the work that introduces it).
#if __has_include("aio/tree.hpp")
#include "aio/tree.hpp"
#endif
#if __has_include("aio/copy.hpp")
#include "aio/copy.hpp"
#endif
