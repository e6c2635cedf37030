#pragma once

// What every handler shares: the config, the store pool, the key cache,
// the secrets the nodes share, the analytics answers.
// One per running server; handlers on several threads use it at once.

#include "http/analytics_cache.hpp"
#include "http/api_config.hpp"
#include "http/auth_cache.hpp"
#include "http/shared_secret.hpp"
#include "http/store_pool.hpp"

namespace sb::app::http {

struct api_context {
  explicit api_context(api_config cfg)
    : config(std::move(cfg)),
      stores(config.stores, config.threads),
      keys(config.auth_cache_ttl) {
    // nop
  }

  api_config config;
  store_pool stores;
  auth_cache keys;
  shared_secret cursor_secret{"cursor"}; ///< signs page cursors
  analytics_cache analytics; ///< answers until the projections move
};

} // namespace sb::app::http
