// Result extractors: move a finished request's typed result out of it.
#include <string>
#include <variant>
#include <vector>

#include "ops/fs_req.hpp"

namespace aio::detail {

namespace {

template <class T>
result<T> take_out(req& r) {
    if (r.err) return errno_code(r.err);
    auto& out = static_cast<fs_req&>(r).out;
    if (auto* v = std::get_if<T>(&out)) return std::move(*v);
    return T{};
}

}  // namespace

result<int> take(req& r, tag<int>) {
    if (r.err) return errno_code(r.err);
    return static_cast<int>(r.result);
}

result<std::size_t> take(req& r, tag<std::size_t>) {
    if (r.err) return errno_code(r.err);
    return static_cast<std::size_t>(r.result);
}

result<std::string> take(req& r, tag<std::string>) {
    if (r.err) return errno_code(r.err);
    return std::move(static_cast<fs_req&>(r).data);
}

result<io_data> take(req& r, tag<io_data>) {
    if (r.err) return errno_code(r.err);
    return io_data{static_cast<std::size_t>(r.result), std::move(static_cast<fs_req&>(r).data)};
}

result<stat_t> take(req& r, tag<stat_t>) {
    return take_out<stat_t>(r);
}
result<statvfs_t> take(req& r, tag<statvfs_t>) {
    return take_out<statvfs_t>(r);
}
result<std::vector<std::string>> take(req& r, tag<std::vector<std::string>>) {
    return take_out<std::vector<std::string>>(r);
}
result<dir_entries> take(req& r, tag<dir_entries>) {
    return take_out<dir_entries>(r);
}
result<fiemap_t> take(req& r, tag<fiemap_t>) {
    return take_out<fiemap_t>(r);
}
result<wd> take(req& r, tag<wd>) {
    return take_out<wd>(r);
}

}  // namespace aio::detail
