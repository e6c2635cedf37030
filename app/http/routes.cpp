#include "http/routes.hpp"

#include "http/active_conversations.hpp"
#include "http/analytics_handlers.hpp"
#include "http/conversation_export.hpp"
#include "http/conversation_handlers.hpp"
#include "http/conversation_list.hpp"
#include "http/health_handler.hpp"
#include "http/ingest_handlers.hpp"
#include "http/live_stream.hpp"
#include "http/query.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace sb::app::http {

namespace {

struct route {
  std::string_view method;
  std::string_view pattern; ///< '/'-separated; "{id}" is the parameter
  lane where;
  handler_fn handler;
};

reply healthz(api_context& ctx, const request_view&) {
  return handle_healthz(ctx.config.probe);
}

constexpr std::array routes{
  route{"GET", "/healthz", lane::control, healthz},
  route{"POST", "/v1/ingest/pipecat", lane::ingest, handle_ingest_pipecat},
  route{"POST", "/v1/ingest/events", lane::ingest, handle_ingest_events},
  route{"GET", "/v1/conversations", lane::read, handle_conversation_list},
  route{"GET", "/v1/conversations/active", lane::read,
        handle_active_conversations},
  route{"GET", "/v1/conversations/export", lane::read,
        handle_conversation_export},
  route{"GET", "/v1/conversations/{id}", lane::read, handle_conversation},
  route{"GET", "/v1/conversations/{id}/transcript", lane::read,
        handle_transcript},
  route{"GET", "/v1/conversations/{id}/events", lane::read, handle_trace},
  route{"GET", "/v1/conversations/{id}/audio", lane::read, handle_audio},
  route{"GET", "/v1/live", lane::read, handle_live},
  route{"GET", "/v1/analytics/summary", lane::read, handle_analytics_summary},
  route{"GET", "/v1/analytics/timeseries", lane::read,
        handle_analytics_timeseries},
  route{"GET", "/v1/analytics/latency", lane::read, handle_analytics_latency},
  route{"GET", "/v1/analytics/sentiment", lane::read,
        handle_analytics_sentiment},
  route{"GET", "/v1/analytics/tags", lane::read, handle_analytics_tags},
  route{"GET", "/v1/analytics/top-phrases", lane::read,
        handle_analytics_top_phrases},
};

constexpr std::string_view id_param = "{id}";

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size()
         && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
              auto lower = [](char c) {
                return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a')
                                            : c;
              };
              return lower(x) == lower(y);
            });
}

/// "/a/b/" -> {"a", "b"}: split after the leading '/', one trailing '/'
/// ignored. Empty inner segments stay (and match nothing).
std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/')
    return out;
  path.remove_prefix(1);
  if (!path.empty() && path.back() == '/')
    path.remove_suffix(1);
  if (path.empty())
    return out;
  for (;;) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos)
      return out;
    path.remove_prefix(slash + 1);
  }
}

/// Whether `segments` fit `pattern`; sets `id` to the {id} segment.
bool fits(std::string_view pattern, const std::vector<std::string>& segments,
          std::string& id) {
  auto parts = split(pattern);
  if (parts.size() != segments.size())
    return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == id_param) {
      if (segments[i].empty())
        return false;
      id = segments[i];
    } else if (!iequals(parts[i], segments[i])) {
      return false;
    }
  }
  return true;
}

reply invalid_path(std::string message) {
  return error_reply(400, "invalid_path", std::move(message));
}

reply method_not_allowed(std::string_view allow) {
  auto r = error_reply(405, "method_not_allowed",
                       "this route accepts " + std::string{allow});
  r.headers.emplace_back("Allow", std::string{allow});
  return r;
}

} // namespace

std::optional<std::string> decode_path_segment(std::string_view raw) {
  return percent_decode(raw, false); // '+' stays '+' in a path
}

reply no_route(std::string_view method, std::string_view path) {
  return error_reply(404, "not_found",
                     "no route for " + std::string{method} + " "
                       + std::string{path});
}

route_match match_route(std::string_view method, std::string_view path) {
  route_match m;
  std::vector<std::string> segments;
  for (auto raw : split(path)) {
    auto decoded = decode_path_segment(raw);
    if (!decoded) {
      m.refusal = invalid_path("bad percent-encoding in the request path");
      return m;
    }
    if (has_control(*decoded)) {
      m.refusal = invalid_path("a control character in the request path");
      return m;
    }
    segments.push_back(std::move(*decoded));
  }
  std::string allow; // the methods of the routes with this path
  for (const auto& r : routes) {
    std::string id;
    if (!fits(r.pattern, segments, id))
      continue;
    if (r.method == method) {
      m.handler = r.handler;
      m.where = r.where;
      m.id = std::move(id);
      return m;
    }
    if (!allow.empty())
      allow += ", ";
    allow += r.method;
  }
  if (!allow.empty())
    m.refusal = method_not_allowed(allow);
  else
    m.refusal = no_route(method, path);
  return m;
}

} // namespace sb::app::http
