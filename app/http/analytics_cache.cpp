#include "http/analytics_cache.hpp"

namespace sb::app::http {

std::optional<std::string> analytics_cache::stamp(db::store& store,
                                                  caf::error& err) {
  std::lock_guard<std::mutex> guard{stamp_mtx_};
  auto now = std::chrono::steady_clock::now();
  if (stamp_ && now - stamp_read_at_ < refresh_)
    return stamp_;
  auto rows = store.list_checkpoints();
  if (!rows) {
    err = rows.error();
    return std::nullopt;
  }
  std::string s;
  for (const auto& row : *rows)
    s += row.at.projection + ':' + std::to_string(row.at.generation) + ':'
         + std::to_string(row.at.position) + ';';
  stamp_ = std::move(s);
  stamp_read_at_ = now;
  return stamp_;
}

std::shared_ptr<const std::string>
analytics_cache::find(const std::string& key, const std::string& stamp) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = entries_.find(key);
  if (i == entries_.end() || i->second.stamp != stamp)
    return nullptr;
  return i->second.body;
}

void analytics_cache::put(const std::string& key, std::string stamp,
                          std::shared_ptr<const std::string> body) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (entries_.size() >= capacity_ && entries_.count(key) == 0)
    entries_.clear();
  entries_[key] = entry{std::move(stamp), std::move(body)};
}

std::size_t analytics_cache::size() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return entries_.size();
}

} // namespace sb::app::http
