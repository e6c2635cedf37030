#include "http/auth_cache.hpp"

#include <openssl/evp.h>

#include <utility>

namespace sb::app::http {

std::string key_digest(std::string_view key) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(key.data(), key.size(), md, &len, EVP_sha256(), nullptr)
      != 1)
    return std::string{key}; // cannot happen; stay correct regardless
  return std::string{reinterpret_cast<const char*>(md), len};
}

auth_cache::auth_cache(std::chrono::milliseconds ttl, std::size_t max_entries)
  : ttl_(ttl), max_entries_(max_entries) {
  // nop
}

std::optional<db::principal> auth_cache::find(std::string_view key) {
  auto digest = key_digest(key);
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = entries_.find(digest);
  if (i == entries_.end())
    return std::nullopt;
  if (clock::now() >= i->second.expires) {
    entries_.erase(i);
    return std::nullopt;
  }
  return i->second.who;
}

void auth_cache::insert(std::string_view key, db::principal who) {
  if (ttl_.count() <= 0)
    return;
  auto digest = key_digest(key);
  auto expires = clock::now() + ttl_;
  std::lock_guard<std::mutex> guard{mtx_};
  if (entries_.size() >= max_entries_) {
    // Drop what expired; if that is not enough, start over (rare: only
    // with more live keys than max_entries within one ttl).
    for (auto i = entries_.begin(); i != entries_.end();)
      i = clock::now() >= i->second.expires ? entries_.erase(i) : ++i;
    if (entries_.size() >= max_entries_)
      entries_.clear();
  }
  entries_[std::move(digest)] = entry{std::move(who), expires};
}

} // namespace sb::app::http
