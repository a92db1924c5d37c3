// Registry of live contexts for the fork handlers (fork.cpp).
#pragma once

namespace aio::detail {

class context_impl;
void fork_register(context_impl* c);
void fork_unregister(context_impl* c);

}  // namespace aio::detail
