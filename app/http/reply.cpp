#include "http/reply.hpp"

namespace sb::app::http {

reply error_reply(int status, std::string code, std::string message,
                  nlohmann::json extra) {
  nlohmann::json error
    = {{"code", std::move(code)}, {"message", std::move(message)}};
  if (extra.is_object())
    for (auto& [key, value] : extra.items())
      error[key] = value;
  reply r;
  r.status = status;
  r.body = {{"error", std::move(error)}};
  return r;
}

std::string to_body(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const char* reason_phrase(int status) noexcept {
  // clang-format off
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
  // clang-format on
}

} // namespace sb::app::http
