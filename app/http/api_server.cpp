#include "http/api_server.hpp"

#include "http/api_context.hpp"
#include "http/conversation_handlers.hpp"
#include "http/health_handler.hpp"
#include "http/ingest_handlers.hpp"
#include "http/reply.hpp"
#include "http/request.hpp"

#include <caf/sec.hpp>
#include <restinio/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <limits>
#include <utility>

namespace sb::app::http {

namespace {

using router_t = restinio::router::express_router_t<>;

struct api_handler;

/// Multi-threaded RESTinio (a strand per connection), routed by `router_t`.
struct server_traits : restinio::default_traits_t {
  using request_handler_t = api_handler;
};

using running_server = restinio::running_server_handle_t<server_traits>;

using handler_fn = std::function<reply(api_context&, const request_view&)>;

std::string_view view(restinio::string_view_t s) {
  return {s.data(), s.size()};
}

/// Sends `r` as JSON and logs the request (never the key or the body).
void send(const restinio::request_handle_t& req, const reply& r,
          std::chrono::steady_clock::time_point began) {
  auto status = static_cast<std::uint16_t>(r.status);
  auto resp = req->create_response(restinio::http_status_line_t{
    restinio::http_status_code_t{status}, reason_phrase(r.status)});
  resp.append_header(restinio::http_field::content_type, "application/json");
  for (const auto& [name, value] : r.headers)
    resp.append_header(name, value);
  resp.set_body(to_body(r.body));
  resp.done();
  auto ms = std::chrono::duration<double, std::milli>(
              std::chrono::steady_clock::now() - began)
              .count();
  spdlog::debug("api: {} {} -> {} ({:.1f} ms)",
                view(req->header().method().c_str()),
                view(req->header().path()), r.status, ms);
}

/// Runs one handler on one request: the body limit, exceptions, the reply.
restinio::request_handling_status_t
serve(api_context& ctx, const restinio::request_handle_t& req,
      std::string id, const handler_fn& handler) {
  auto began = std::chrono::steady_clock::now();
  reply r;
  try {
    if (req->body().size() > ctx.config.max_body_bytes) {
      r = error_reply(413, "payload_too_large",
                      "the body is larger than "
                        + std::to_string(ctx.config.max_body_bytes)
                        + " bytes");
    } else {
      request_view v;
      v.method = view(req->header().method().c_str());
      v.path = view(req->header().path());
      v.query = view(req->header().query());
      if (auto* auth = req->header().try_get_field(
            restinio::http_field::authorization))
        v.authorization = *auth;
      v.body = req->body();
      v.id = std::move(id);
      r = handler(ctx, v);
    }
  } catch (const std::exception& e) {
    spdlog::error("api: {} {} failed: {}",
                  view(req->header().method().c_str()),
                  view(req->header().path()), e.what());
    r = error_reply(500, "internal", "internal error");
  }
  send(req, r, began);
  return restinio::request_accepted();
}

/// The decoded {id} route parameter, or empty if badly encoded.
std::string route_id(const restinio::router::route_params_t& params) {
  auto raw = params["id"];
  auto decoded = restinio::utils::try_unescape_percent_encoding(raw);
  return decoded ? std::move(*decoded) : std::string{};
}

reply method_not_allowed(const char* allow) {
  auto r = error_reply(405, "method_not_allowed",
                       std::string{"this route accepts "} + allow);
  r.headers.emplace_back("Allow", allow);
  return r;
}

reply no_route(api_context&, const request_view& v) {
  return error_reply(404, "not_found",
                     "no route for " + std::string{v.method} + " "
                       + std::string{v.path});
}

std::unique_ptr<router_t> make_router(std::shared_ptr<api_context> ctx) {
  auto router = std::make_unique<router_t>();
  // A route: `method` gets `handler`, every other method gets 405.
  auto add = [&](restinio::http_method_id_t method, const char* allow,
                 const char* path, handler_fn handler, bool with_id) {
    router->add_handler(
      method, path,
      [ctx, handler, with_id](const restinio::request_handle_t& req,
                              restinio::router::route_params_t params) {
        auto id = with_id ? route_id(params) : std::string{};
        if (with_id && id.empty())
          return serve(*ctx, req, {}, no_route);
        return serve(*ctx, req, std::move(id), handler);
      });
    router->add_handler(
      restinio::router::none_of_methods(method), path,
      [ctx, allow](const restinio::request_handle_t& req,
                   restinio::router::route_params_t) {
        return serve(*ctx, req, {},
                     [allow](api_context&, const request_view&) {
                       return method_not_allowed(allow);
                     });
      });
  };
  add(restinio::http_method_get(), "GET", "/healthz",
      [](api_context& c, const request_view&) {
        return handle_healthz(c.config.probe);
      },
      false);
  add(restinio::http_method_post(), "POST", "/v1/ingest/pipecat",
      handle_ingest_pipecat, false);
  add(restinio::http_method_post(), "POST", "/v1/ingest/events",
      handle_ingest_events, false);
  add(restinio::http_method_get(), "GET", "/v1/conversations/:id",
      handle_conversation, true);
  add(restinio::http_method_get(), "GET", "/v1/conversations/:id/transcript",
      handle_transcript, true);
  router->non_matched_request_handler(
    [ctx](const restinio::request_handle_t& req) {
      return serve(*ctx, req, {}, no_route);
    });
  return router;
}

reply bad_path(api_context&, const request_view&) {
  return error_reply(400, "invalid_path",
                     "bad percent-encoding in the request path");
}

/// The router, plus an answer when it throws: it normalizes the path
/// before matching and throws on a bad percent escape.
struct api_handler {
  std::shared_ptr<api_context> ctx;
  std::unique_ptr<router_t> router;

  restinio::request_handling_status_t
  operator()(const restinio::request_handle_t& req) const {
    try {
      return (*router)(req);
    } catch (const std::exception&) {
      return serve(*ctx, req, {}, bad_path);
    }
  }
};

} // namespace

struct api_server::impl {
  std::shared_ptr<api_context> ctx;
  running_server server;
  std::atomic<std::uint16_t> port{0};
};

api_server::api_server() = default;

api_server::~api_server() {
  stop();
}

caf::expected<std::uint16_t> api_server::start(api_config config) {
  if (impl_ != nullptr)
    return caf::make_error(caf::sec::runtime_error, "already running");
  if (config.ingest == nullptr)
    return caf::make_error(caf::sec::runtime_error, "no ingest service");
  if (!config.stores)
    return caf::make_error(caf::sec::runtime_error, "no store factory");
  config.threads = std::clamp<std::size_t>(config.threads, 1, 64);
  auto state = std::make_unique<impl>();
  state->ctx = std::make_shared<api_context>(std::move(config));
  const auto& cfg = state->ctx->config;
  // RESTinio closes the connection without an answer when a body exceeds
  // its limit, so its limit is twice ours: bodies in between get a 413.
  constexpr auto max_u64 = std::numeric_limits<std::uint64_t>::max();
  auto hard_limit = cfg.max_body_bytes > max_u64 / 2
                      ? max_u64
                      : cfg.max_body_bytes * 2;
  auto limits = restinio::incoming_http_msg_limits_t{}
                  .max_url_size(16 * 1024)
                  .max_field_name_size(1024)
                  .max_field_value_size(16 * 1024)
                  .max_field_count(128)
                  .max_body_size(hard_limit);
  auto* port = &state->port;
  auto on_bind = [port](restinio::asio_ns::ip::tcp::acceptor& a) {
    *port = a.local_endpoint().port();
  };
  try {
    state->server = restinio::run_async<server_traits>(
      restinio::own_io_context(),
      restinio::server_settings_t<server_traits>{}
        .address(cfg.address)
        .port(cfg.port)
        .request_handler(std::make_unique<api_handler>(
          api_handler{state->ctx, make_router(state->ctx)}))
        .incoming_http_msg_limits(limits)
        .handle_request_timeout(std::chrono::minutes{5})
        .read_next_http_message_timelimit(std::chrono::minutes{1})
        .write_http_response_timelimit(std::chrono::minutes{1})
        .acceptor_post_bind_hook(std::move(on_bind)),
      cfg.threads);
  } catch (const std::exception& e) {
    return caf::make_error(caf::sec::runtime_error,
                           std::string{"cannot start the HTTP API on "}
                             + cfg.address + ":" + std::to_string(cfg.port)
                             + ": " + e.what());
  }
  auto bound = state->port.load();
  spdlog::info("api: listening on {}:{} with {} threads", cfg.address, bound,
               cfg.threads);
  impl_ = std::move(state);
  return bound;
}

void api_server::stop() {
  if (impl_ == nullptr)
    return;
  impl_->server->stop();
  impl_->server->wait();
  spdlog::info("api: stopped");
  impl_.reset();
}

std::uint16_t api_server::port() const noexcept {
  return impl_ != nullptr ? impl_->port.load() : 0;
}

} // namespace sb::app::http
