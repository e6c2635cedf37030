// Malformed and oversized requests get a JSON 4xx, never a silent close or
// a 500, whatever their size; after an answer that leaves part of the
// request unread, the connection is closed in an orderly way (the client
// reads the answer, not a reset).

#include "checks.hpp"
#include "raw_client.hpp"
#include "test_server.hpp"

#include "http/api_config.hpp"

#include <chrono>
#include <string>

using namespace sb::test;
using namespace std::chrono_literals;
using sb::app::http::max_field_bytes;
using sb::app::http::max_target_bytes;

namespace {

/// Parses `raw`'s next answer as an error, like check_error does.
nlohmann::json check_raw_error(raw_connection& c, int status,
                               const std::string& code) {
  auto r = c.read_response();
  REQUIRE(r);
  return check_error(*r, status, code);
}

std::string get_line(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: x\r\n";
}

} // namespace

TEST_CASE("a control character in the conversation id is 400 invalid_path "
          "and never reaches the store",
          "[http][bad]") {
  test_server s;
  for (auto target :
       {"/v1/conversations/%00", "/v1/conversations/call-1%00",
        "/v1/conversations/a%00b/transcript", "/v1/conversations/a%0Ab",
        "/v1/conversations/%7f", "/v1/conversations/%1b%5b2J"}) {
    CAPTURE(target);
    check_error(s.get(target, "admin-key-1"), 400, "invalid_path");
  }
  CHECK(s.db.find_calls == 0);
  // A raw NUL in the request line is refused by the parser, likewise.
  raw_connection c{s.port};
  REQUIRE(c.send(std::string{"GET /v1/conversations/a"} + '\0'
                 + "b HTTP/1.1\r\nHost: x\r\n\r\n"));
  check_raw_error(c, 400, "invalid_path");
  CHECK(c.closed_within(5s));
  CHECK(s.db.find_calls == 0);
  // Printable ids still work, percent-decoded; '+' is not a space in a path.
  CHECK(s.get("/v1/conversations/call%2D1", "admin-key-1").status == 200);
  CHECK(s.get("/v1/conversations/call+1", "admin-key-1").status == 404);
}

TEST_CASE("a request target over 16 KiB is 414 uri_too_long", "[http][bad]") {
  test_server s;
  auto id = std::string(17 * 1024, 'a');
  check_error(s.get("/v1/conversations/" + id, "admin-key-1"), 414,
              "uri_too_long");
  // Just under the limit it is an ordinary (missing) conversation.
  auto fits = std::string(max_target_bytes - 40, 'a');
  check_error(s.get("/v1/conversations/" + fits, "admin-key-1"), 404,
              "not_found");
  // Far over it (past the parser's own header limit) too.
  check_error(s.get("/v1/conversations/" + std::string(2 << 20, 'a')), 414,
              "uri_too_long");
  CHECK(s.db.find_calls == 1);
}

TEST_CASE("a header over 16 KiB, or headers over 64 KiB, are 431 "
          "header_too_large",
          "[http][bad]") {
  test_server s;
  auto big = [](std::size_t n) {
    return header_list{{"X-Big", std::string(n, 'b')}};
  };
  check_error(s.request("GET", "/healthz", {}, big(17 * 1024)), 431,
              "header_too_large");
  check_error(s.request("GET", "/healthz", {}, big(100 * 1024)), 431,
              "header_too_large");
  check_error(s.request("GET", "/healthz", {}, big(2 << 20)), 431,
              "header_too_large");
  header_list many;
  for (int i = 0; i < 10; ++i)
    many.emplace_back("X-Part-" + std::to_string(i), std::string(8000, 'p'));
  check_error(s.request("GET", "/healthz", {}, many), 431, "header_too_large");
  // An Authorization header that long, too (before any key lookup).
  check_error(s.request("GET", "/v1/conversations/call-1", {},
                        bearer(std::string(100 * 1024, 'k'))),
              431, "header_too_large");
  CHECK(s.db.authenticate_calls == 0);
  // Under the limits all is well.
  CHECK(s.request("GET", "/healthz", {}, big(max_field_bytes - 10)).status
        == 200);
}

TEST_CASE("a NUL or a bad byte in a header is 400 invalid_header",
          "[http][bad]") {
  test_server s;
  check_error(s.request("GET", "/v1/conversations/call-1", {},
                        {{"Authorization",
                          std::string{"Bearer admin"} + '\0' + "-key-1"}}),
              400, "invalid_header");
  check_error(
    s.request("GET", "/healthz", {}, {{"X-Odd", std::string{"a\x01z"}}}), 400,
    "invalid_header");
  check_error(s.request("GET", "/healthz", {}, {{"Bad Name", "x"}}), 400,
              "invalid_header");
  CHECK(s.db.authenticate_calls == 0);
  // Nonsense on the request line is a 400 as well.
  raw_connection c{s.port};
  REQUIRE(c.send("HELLO\r\n\r\n"));
  auto r = c.read_response();
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(r->json()["error"]["code"].is_string());
  CHECK(c.closed_within(5s));
}

TEST_CASE("a body far over the limit is 413, answered before it is read",
          "[http][bad]") {
  test_server s{[](auto& cfg) {
    cfg.max_body_bytes = 1024;
  }};
  SECTION("the blocking client sends it all, then reads the 413") {
    // Bodies over twice the limit were once cut off without an answer.
    check_error(
      s.post("/v1/ingest/pipecat?agent_id=a", std::string(8 << 20, 'x')), 413,
      "payload_too_large");
    check_error(s.request("POST", "/nowhere", std::string(3000, 'x')), 413,
                "payload_too_large");
  }
  SECTION("the answer comes before the body; the rest is drained") {
    raw_connection c{s.port};
    REQUIRE(c.send("POST /v1/ingest/pipecat?agent_id=a HTTP/1.1\r\n"
                   "Host: x\r\nAuthorization: Bearer admin-key-1\r\n"
                   "Content-Length: 10485760\r\n\r\n"));
    check_raw_error(c, 413, "payload_too_large");
    // The server reads (and drops) what follows instead of resetting.
    CHECK(c.send(std::string(10 << 20, 'x')));
    CHECK(c.closed_within(5s));
    CHECK_FALSE(c.was_reset());
  }
  SECTION("with Expect: 100-continue the body is never sent") {
    raw_connection c{s.port};
    REQUIRE(c.send("POST /v1/ingest/pipecat?agent_id=a HTTP/1.1\r\n"
                   "Host: x\r\nExpect: 100-continue\r\n"
                   "Content-Length: 5000\r\n\r\n"));
    check_raw_error(c, 413, "payload_too_large");
    CHECK(c.closed_within(5s));
  }
  SECTION("a chunked body is cut off where it passes the limit") {
    raw_connection c{s.port};
    REQUIRE(c.send("POST /v1/ingest/pipecat?agent_id=a HTTP/1.1\r\n"
                   "Host: x\r\nAuthorization: Bearer admin-key-1\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n"
                   "400\r\n"
                   + std::string(1024, 'x') + "\r\n"));
    REQUIRE(c.send("10\r\n" + std::string(16, 'x') + "\r\n"));
    check_raw_error(c, 413, "payload_too_large");
    CHECK(c.closed_within(5s));
  }
  CHECK(s.ingest.pipecat_calls.empty());
}

TEST_CASE("a chunked body within the limit is read whole", "[http][server]") {
  test_server s;
  raw_connection c{s.port};
  REQUIRE(c.send("POST /v1/ingest/pipecat?agent_id=a HTTP/1.1\r\n"
                 "Host: x\r\nAuthorization: Bearer admin-key-1\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n"
                 "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"));
  auto r = c.read_response();
  REQUIRE(r);
  CHECK(r->status == 202);
  REQUIRE(s.ingest.pipecat_calls.size() == 1);
  CHECK(s.ingest.pipecat_calls[0].body == "abcdefg");
  // A malformed chunk is a 400.
  raw_connection bad{s.port};
  REQUIRE(bad.send("POST /v1/ingest/pipecat?agent_id=a HTTP/1.1\r\n"
                   "Host: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "zz\r\nabc\r\n"));
  check_raw_error(bad, 400, "invalid_body");
}

TEST_CASE("Expect: 100-continue gets its interim answer, then the real one",
          "[http][server]") {
  test_server s;
  raw_connection c{s.port};
  REQUIRE(c.send("POST /v1/ingest/pipecat?agent_id=a HTTP/1.1\r\n"
                 "Host: x\r\nAuthorization: Bearer admin-key-1\r\n"
                 "Expect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
  auto interim = c.read_response();
  REQUIRE(interim);
  CHECK(interim->status == 100);
  REQUIRE(c.send("x\ny"));
  auto r = c.read_response();
  REQUIRE(r);
  CHECK(r->status == 202);
  REQUIRE(s.ingest.pipecat_calls.size() == 1);
  CHECK(s.ingest.pipecat_calls[0].body == "x\ny");
}

TEST_CASE("keep-alive and pipelined requests are answered in order",
          "[http][server]") {
  test_server s;
  raw_connection c{s.port};
  // Three requests in one write: the answers come back in order.
  REQUIRE(c.send(get_line("/healthz") + "\r\n"
                 + get_line("/v1/conversations/call-1")
                 + "Authorization: Bearer viewer-key-1\r\n\r\n"
                 + get_line("/nope") + "\r\n"));
  auto first = c.read_response();
  REQUIRE(first);
  CHECK(first->status == 200);
  CHECK(first->json()["status"] == "ok");
  auto second = c.read_response();
  REQUIRE(second);
  CHECK(second->status == 200);
  CHECK(second->json()["id"] == "call-1");
  auto third = c.read_response();
  REQUIRE(third);
  check_error(*third, 404, "not_found");
  // A 404 with a body keeps the connection; so does HEAD's bodiless 405.
  REQUIRE(c.send("POST /v1/nothing HTTP/1.1\r\nHost: x\r\n"
                 "Content-Length: 3\r\n\r\nabc"));
  auto fourth = c.read_response();
  REQUIRE(fourth);
  check_error(*fourth, 404, "not_found");
  REQUIRE(c.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = c.read_response(true);
  REQUIRE(head);
  CHECK(head->status == 405);
  CHECK(head->body.empty());
  CHECK(head->header("allow") == "GET");
  // Still the same connection; `Connection: close` ends it after the answer.
  REQUIRE(c.send(get_line("/healthz") + "Connection: close\r\n\r\n"));
  auto last = c.read_response();
  REQUIRE(last);
  CHECK(last->status == 200);
  CHECK(last->header("connection") == "close");
  CHECK(c.closed_within(5s));
}

TEST_CASE("idle and stalled connections are closed", "[http][server]") {
  test_server s{[](auto& cfg) {
    cfg.idle_timeout = 300ms;
  }};
  raw_connection idle{s.port};
  CHECK(idle.closed_within(5s));
  raw_connection stalled{s.port};
  REQUIRE(stalled.send("GET /healthz HTTP/1.1\r\nHost:"));
  CHECK(stalled.closed_within(5s));
  // Active connections are fine.
  CHECK(s.get("/healthz").status == 200);
}
