#pragma once

// The real api_server on a free loopback port (port 0), over a fake store
// and a fake ingest service, seeded with two tenants:
// - t1: keys "admin-key-1" (admin) and "viewer-key-1" (viewer); calls
//   "call-1" (completed, two turns) and "call-live" (active).
// - t2: key "admin-key-2" (admin); call "call-2".

#include "fakes.hpp"
#include "support/http_client.hpp"

#include "http/api_server.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace sb::test {

/// 2025-10-06T01:44:09.485Z in µs.
inline constexpr std::int64_t call_1_start_us = 1759715049485000;

class test_server {
public:
  using tweak_fn = std::function<void(app::http::api_config&)>;

  explicit test_server(const tweak_fn& tweak = {});
  ~test_server();

  http_response get(const std::string& target, const std::string& key = {});
  http_response post(const std::string& target, const std::string& body,
                     const std::string& key = "admin-key-1");
  http_response request(const std::string& method, const std::string& target,
                        const std::string& body = {},
                        const header_list& headers = {});

  fake_db db;
  fake_ingest ingest;
  app::http::api_server server;
  std::uint16_t port = 0;
};

} // namespace sb::test
