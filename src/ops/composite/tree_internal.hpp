// Internals shared by the tree composites (scandir.cpp, rmtree.cpp).
#pragma once

#include "aio/ops.hpp"
#include "aio/tree.hpp"
#include "engine/context_impl.hpp"
#include "engine/req.hpp"
#include "ops/op.hpp"

namespace aio::detail {

/// The scandir composite: a group whose typed result is `out`.
struct scandir_req : group_req {
    scandir_req() { opcode = static_cast<std::uint8_t>(op::group); }
    scandir_t out;
};

/// Add a step (already submitted) to a composite's group.
inline void add_step(group_req* g, const request_base& step) {
    g->ctx->group_add(g, step.native());
}

/// A path for messages: p as the caller spelled it, made absolute with its
/// wd's path when it is relative to a wd.
std::string display_path(const path_arg& p);

}  // namespace aio::detail
