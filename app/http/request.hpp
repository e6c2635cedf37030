#pragma once

// What a handler sees of a request: views into the server's parsed request,
// valid for the duration of the handler call. Keeps handlers free of the
// HTTP library (Boost.Beast, only in api_server.cpp).

#include <string>
#include <string_view>

namespace sb::app::http {

struct request_view {
  std::string_view method;        ///< "GET", "POST", ...
  std::string_view path;          ///< without the query, still encoded
  std::string_view query;         ///< raw, without '?'; may be empty
  std::string_view authorization; ///< the header's value; may be empty
  std::string_view last_event_id; ///< `Last-Event-ID` (SSE); may be empty
  std::string_view body;          ///< the raw bytes, untouched
  std::string id; ///< the {id} route parameter, decoded, no control chars
};

} // namespace sb::app::http
