#include "http/auth.hpp"

namespace sb::app::http {

namespace {

constexpr std::size_t max_key_bytes = 512;

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

reply unauthorized(std::string message) {
  auto r = error_reply(401, "unauthorized", std::move(message));
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

} // namespace

std::string_view bearer_key(std::string_view value) {
  constexpr std::string_view scheme = "bearer";
  if (value.size() <= scheme.size())
    return {};
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = value[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i])
      return {};
  }
  value.remove_prefix(scheme.size());
  if (!is_space(value.front()))
    return {};
  while (!value.empty() && is_space(value.front()))
    value.remove_prefix(1);
  while (!value.empty() && is_space(value.back()))
    value.remove_suffix(1);
  return value;
}

auth_result authenticate(api_context& ctx, std::string_view authorization) {
  auth_result result;
  if (authorization.empty()) {
    result.failure = unauthorized("missing Authorization: Bearer <api key>");
    return result;
  }
  auto key = bearer_key(authorization);
  if (key.empty() || key.size() > max_key_bytes) {
    result.failure = unauthorized("expected Authorization: Bearer <api key>");
    return result;
  }
  if (auto cached = ctx.keys.find(key)) {
    result.who = std::move(cached);
    return result;
  }
  caf::error err;
  auto store = ctx.stores.acquire(err);
  if (!store) {
    result.failure = store_error_reply(err);
    return result;
  }
  auto found = store->authenticate(std::string{key});
  if (!found) {
    result.failure = failed_store_call(store, found.error());
    return result;
  }
  if (!*found) {
    result.failure = unauthorized("unknown API key");
    return result;
  }
  ctx.keys.insert(key, **found);
  result.who = std::move(**found);
  return result;
}

bool may_ingest(const db::principal& who) {
  return who.role == "admin" || who.role == "ingest";
}

bool may_read(const db::principal& who) {
  return who.role == "admin" || who.role == "viewer";
}

bool is_admin(const db::principal& who) {
  return who.role == "admin";
}

reply forbidden(const db::principal& who, std::string_view what) {
  return error_reply(403, "forbidden",
                     "a key of role '" + who.role + "' may not "
                       + std::string{what});
}

} // namespace sb::app::http

