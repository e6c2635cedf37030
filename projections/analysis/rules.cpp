#include "switchboard/analysis/rules.hpp"

#include "switchboard/analysis/text.hpp"
#include "switchboard/events/calendar.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

namespace sb::analysis {

const char* to_string(component c) {
  switch (c) {
  case component::llm_prompt:
    return "llm_prompt";
  case component::llm_completion:
    return "llm_completion";
  case component::llm_cached:
    return "llm_cached";
  case component::tts:
    return "tts";
  case component::stt:
    return "stt";
  case component::telephony:
    return "telephony";
  }
  return "?";
}

namespace {

using json = nlohmann::json;

/// Fixed-width decimal field of `text` at `pos`, or -1.
int digits(std::string_view text, std::size_t pos, std::size_t n) {
  if (pos + n > text.size())
    return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9')
      return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr int days[]
    = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

/// Thrown inside the parser only; parse_rules turns it into the result's
/// error. Each level prefixes the path of the field it reads.
struct bad_field : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw bad_field(where + ": " + what);
}

void only_keys(const json& obj, const std::string& where,
               std::initializer_list<const char*> allowed) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (auto* k : allowed)
      known = known || it.key() == k;
    if (!known)
      fail(where, "unknown key \"" + it.key() + "\"");
  }
}

const json& object_at(const json& parent, const std::string& where) {
  if (!parent.is_object())
    fail(where, "must be an object");
  return parent;
}

std::string string_of(const json& obj, const char* key,
                      const std::string& where, bool required) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required)
      fail(where + "." + key, "missing");
    return {};
  }
  if (!it->is_string())
    fail(where + "." + key, "must be a string");
  return it->get<std::string>();
}

double price_of(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end())
    return 0;
  if (!it->is_number())
    fail(where + "." + key, "must be a number");
  auto v = it->get<double>();
  if (!std::isfinite(v) || v < 0)
    fail(where + "." + key, "must be a finite number >= 0");
  return v;
}

/// "*" or a primary language subtag: 2 or 3 lowercase ASCII letters. A
/// region ("es-ES") would never match, since lookups use the primary
/// subtag, so it is an error rather than a silent miss.
bool valid_language_key(const std::string& key) {
  if (key == "*")
    return true;
  if (key.size() < 2 || key.size() > 3)
    return false;
  for (char c : key)
    if (c < 'a' || c > 'z')
      return false;
  return true;
}

tag_rule parse_tag(const json& j, const std::string& where) {
  object_at(j, where);
  only_keys(j, where, {"tag", "keywords", "comment"});
  tag_rule t;
  t.tag = string_of(j, "tag", where, true);
  if (t.tag.empty())
    fail(where + ".tag", "must not be empty");
  auto kw = j.find("keywords");
  if (kw == j.end())
    fail(where + ".keywords", "missing");
  if (!kw->is_object())
    fail(where + ".keywords", "must be an object of language -> [keywords]");
  for (auto it = kw->begin(); it != kw->end(); ++it) {
    auto at = where + ".keywords." + it.key();
    if (!valid_language_key(it.key()))
      fail(at, "language must be \"*\" or a lowercase primary subtag "
               "such as \"es\"");
    if (!it->is_array())
      fail(at, "must be an array of strings");
    auto& list = t.keywords[it.key()];
    for (std::size_t i = 0; i < it->size(); ++i) {
      auto at_i = at + "[" + std::to_string(i) + "]";
      const auto& k = (*it)[i];
      if (!k.is_string())
        fail(at_i, "must be a string");
      auto text = k.get<std::string>();
      if (words_of(text).empty())
        fail(at_i, "has no words");
      list.push_back(std::move(text));
    }
  }
  return t;
}

price_version parse_price(const json& j, const std::string& where) {
  object_at(j, where);
  only_keys(j, where,
            {"service", "model", "effective_from", "llm_prompt_per_1m_tokens",
             "llm_completion_per_1m_tokens", "llm_cached_per_1m_tokens",
             "tts_per_1m_characters", "stt_per_minute", "telephony_per_minute",
             "comment"});
  price_version p;
  p.service = string_of(j, "service", where, true);
  if (p.service.empty())
    fail(where + ".service", "must not be empty");
  if (p.service.find('#') != std::string::npos)
    fail(where + ".service", "must be the name without its \"#n\" suffix");
  p.model = string_of(j, "model", where, false);
  auto from = string_of(j, "effective_from", where, true);
  auto at = parse_effective_from(from);
  if (!at)
    fail(where + ".effective_from",
         "\"" + from + "\" is not YYYY-MM-DD or ISO 8601");
  p.effective_from = *at;
  p.llm_prompt_per_1m_tokens = price_of(j, "llm_prompt_per_1m_tokens", where);
  p.llm_completion_per_1m_tokens
    = price_of(j, "llm_completion_per_1m_tokens", where);
  p.llm_cached_per_1m_tokens = price_of(j, "llm_cached_per_1m_tokens", where);
  p.tts_per_1m_characters = price_of(j, "tts_per_1m_characters", where);
  p.stt_per_minute = price_of(j, "stt_per_minute", where);
  p.telephony_per_minute = price_of(j, "telephony_per_minute", where);
  return p;
}

/// Two versions of one service and model, from one time, for the same kind
/// of service: which one applies would depend on file order. ("*" versions
/// for LLMs and for TTS from one day are fine: they price different
/// services.) A version that prices nothing counts as overlapping all.
bool same_slot(const price_version& a, const price_version& b) {
  if (a.service != b.service || a.model != b.model
      || a.effective_from != b.effective_from)
    return false;
  bool a_any = false, b_any = false;
  for (auto k : {service_kind::llm, service_kind::tts, service_kind::stt,
                 service_kind::telephony}) {
    if (prices_kind(a, k) && prices_kind(b, k))
      return true;
    a_any = a_any || prices_kind(a, k);
    b_any = b_any || prices_kind(b, k);
  }
  return !a_any || !b_any;
}

rules parse_document(const json& doc) {
  if (!doc.is_object())
    fail("rules", "must be a JSON object");
  only_keys(doc, "rules", {"version", "tags", "prices", "comment"});
  rules r;
  auto v = doc.find("version");
  if (v == doc.end())
    fail("version", "missing");
  if (!v->is_number_integer())
    fail("version", "must be an integer");
  auto version = v->get<std::int64_t>();
  if (version < 1 || version > std::numeric_limits<std::int32_t>::max())
    fail("version", "must be between 1 and 2147483647");
  r.version = static_cast<std::int32_t>(version);
  if (auto c = doc.find("comment"); c != doc.end() && !c->is_string())
    fail("comment", "must be a string");

  if (auto t = doc.find("tags"); t != doc.end()) {
    if (!t->is_array())
      fail("tags", "must be an array");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < t->size(); ++i) {
      auto where = "tags[" + std::to_string(i) + "]";
      r.tags.push_back(parse_tag((*t)[i], where));
      if (!seen.insert(r.tags.back().tag).second)
        fail(where + ".tag", "\"" + r.tags.back().tag + "\" appears twice");
    }
  }
  if (auto p = doc.find("prices"); p != doc.end()) {
    if (!p->is_array())
      fail("prices", "must be an array");
    for (std::size_t i = 0; i < p->size(); ++i) {
      auto where = "prices[" + std::to_string(i) + "]";
      auto price = parse_price((*p)[i], where);
      for (const auto& earlier : r.prices)
        if (same_slot(earlier, price))
          fail(where, "a second version of \"" + price.service + "\" model \""
                        + price.model
                        + "\" for the same services from the same time");
      r.prices.push_back(std::move(price));
    }
  }
  return r;
}

} // namespace

std::string_view base_service_name(std::string_view service) {
  auto hash = service.rfind('#');
  if (hash == std::string_view::npos || hash + 1 == service.size())
    return service;
  for (auto i = hash + 1; i < service.size(); ++i)
    if (service[i] < '0' || service[i] > '9')
      return service;
  return service.substr(0, hash);
}

service_kind kind_of_service(std::string_view service) {
  service = base_service_name(service);
  auto ends_with = [&](std::string_view suffix) {
    return service.size() >= suffix.size()
           && service.substr(service.size() - suffix.size()) == suffix;
  };
  if (service == "telephony")
    return service_kind::telephony;
  if (ends_with("LLMService"))
    return service_kind::llm;
  if (ends_with("TTSService"))
    return service_kind::tts;
  if (ends_with("STTService"))
    return service_kind::stt;
  return service_kind::unknown;
}

bool prices_kind(const price_version& p, service_kind k) {
  switch (k) {
  case service_kind::llm:
    return p.llm_prompt_per_1m_tokens > 0 || p.llm_completion_per_1m_tokens > 0
           || p.llm_cached_per_1m_tokens > 0;
  case service_kind::tts:
    return p.tts_per_1m_characters > 0;
  case service_kind::stt:
    return p.stt_per_minute > 0;
  case service_kind::telephony:
    return p.telephony_per_minute > 0;
  case service_kind::unknown:
    return false;
  }
  return false;
}

std::optional<sb::time_us> parse_effective_from(std::string_view text) {
  // YYYY-MM-DD
  int y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || text.size() < 10 || text[4] != '-'
      || text[7] != '-' || d > days_in_month(y, mo))
    return std::nullopt;
  std::int64_t seconds
    = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d))
      * 86400;
  std::int64_t micros = 0;
  std::size_t pos = 10;
  if (pos < text.size()) {
    // THH:MM[:SS[.f...]] then Z, ±HH:MM, ±HHMM or nothing (UTC).
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')
      return std::nullopt;
    int h = digits(text, pos + 1, 2), mi = digits(text, pos + 4, 2);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || pos + 3 >= text.size()
        || text[pos + 3] != ':')
      return std::nullopt;
    seconds += h * 3600 + mi * 60;
    pos += 6;
    if (pos < text.size() && text[pos] == ':') {
      int s = digits(text, pos + 1, 2);
      if (s < 0 || s > 59)
        return std::nullopt;
      seconds += s;
      pos += 3;
      if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        std::int64_t scale = 100000;
        std::size_t n = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          micros += (text[pos] - '0') * scale;
          scale /= 10;
          ++pos;
          ++n;
        }
        if (n == 0)
          return std::nullopt;
      }
    }
    if (pos < text.size()) {
      char z = text[pos];
      if ((z == 'Z' || z == 'z') && pos + 1 == text.size()) {
        pos = text.size();
      } else if (z == '+' || z == '-') {
        int oh = digits(text, pos + 1, 2);
        std::size_t mpos = pos + 3;
        if (mpos < text.size() && text[mpos] == ':')
          ++mpos;
        int om = digits(text, mpos, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59 || mpos + 2 != text.size())
          return std::nullopt;
        auto offset = oh * 3600 + om * 60;
        seconds += z == '+' ? -offset : offset;
        pos = text.size();
      } else {
        return std::nullopt;
      }
    }
  }
  return seconds * 1000000 + micros;
}

rules_result parse_rules(std::string_view text) {
  // JSON lets a key appear twice and the parser keeps the last one: in a
  // price list that is a copy-paste slip, so it is an error here.
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  auto watch = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start)
      open_objects.emplace_back();
    else if (event == json::parse_event_t::object_end && !open_objects.empty())
      open_objects.pop_back();
    else if (event == json::parse_event_t::key && !open_objects.empty()
             && !open_objects.back().insert(parsed.get<std::string>()).second
             && duplicate.empty())
      duplicate = parsed.get<std::string>();
    return true;
  };
  json doc;
  try {
    doc = json::parse(text.begin(), text.end(), watch);
  } catch (const json::parse_error& e) {
    return {std::nullopt, std::string{"not valid JSON: "} + e.what()};
  }
  if (!duplicate.empty())
    return {std::nullopt, "key \"" + duplicate
                            + "\" appears twice in one "
                              "object"};
  try {
    return {parse_document(doc), {}};
  } catch (const bad_field& e) {
    return {std::nullopt, e.what()};
  } catch (const json::exception& e) {
    return {std::nullopt, e.what()};
  }
}

rules_result load_rules(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return {std::nullopt, "cannot read " + path};
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad())
    return {std::nullopt, "cannot read " + path};
  auto r = parse_rules(buf.str());
  if (!r.value)
    r.error = path + ": " + r.error;
  return r;
}

const rules& default_rules() {
  static const rules parsed = [] {
    auto r = parse_rules(default_rules_json());
    if (!r.value)
      throw std::logic_error("embedded default_rules.json: " + r.error);
    return std::move(*r.value);
  }();
  return parsed;
}

} // namespace sb::analysis
