#include "http/shared_secret.hpp"

namespace sb::app::http {

std::optional<std::string> shared_secret::get(store_lease& store,
                                              caf::error& err) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (value_)
    return value_;
  auto read = store->api_secret(name_);
  if (!read) {
    err = read.error();
    store.observe(err);
    return std::nullopt;
  }
  value_ = std::move(*read);
  return value_;
}

} // namespace sb::app::http
