#pragma once

// Assertions shared by the HTTP tests.

#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace sb::test {

/// `r` is `{"error":{"code":code,"message":"..."}}` with `status`, served
/// as application/json. Returns the error object.
inline nlohmann::json check_error(const http_response& r, int status,
                                  const std::string& code) {
  CHECK(r.status == status);
  CHECK(r.header("content-type") == "application/json");
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  REQUIRE(body.is_object());
  CHECK(body.size() == 1);
  REQUIRE(body.contains("error"));
  auto error = body["error"];
  CHECK(error["code"] == code);
  CHECK(error["message"].is_string());
  CHECK_FALSE(error["message"].get<std::string>().empty());
  return error;
}

} // namespace sb::test
