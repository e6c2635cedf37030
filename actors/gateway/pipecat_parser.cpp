#include "gateway/pipecat_parser.hpp"

#include "gateway/context_dump.hpp"
#include "gateway/line_grammar.hpp"
#include "gateway/messages.hpp"
#include "gateway/text_scan.hpp"
#include "gateway/utf8.hpp"

#include <cstdio>
#include <unordered_map>
#include <utility>

namespace sb::gateway {

namespace {

constexpr std::size_t dead_letter_raw_bytes = 4096;

/// Two interruption lines of different forms for the same call this close
/// together describe one interruption.
constexpr std::int64_t interruption_pair_window_us = 20000;

/// A record whose signal waits for the lines after it.
struct pending_record {
  enum class type : std::uint8_t {
    none,
    problem,      ///< warning/error/fatal: a traceback may follow
    unhandled,    ///< a traceback after no error line: fatal_error
    open_text,    ///< bracketed text continuing on the next lines
    context_dump, ///< an LLM context dump continuing on the next lines
  };
  type what = type::none;
  signal sig;
  bool generated_id = false;
  bool time_from_next = false; ///< no time known yet (traceback first)
  std::string buffer;          ///< context dump text
  std::string exception_line;  ///< last "SomeError: ..." line seen
  std::string last_line;       ///< last non-empty continuation line
};

struct last_interruption {
  std::int64_t at_us = 0;
  interruption_form form = interruption_form::bot_interruption;
  bool paired = false;
  std::uint32_t line = 0;
};

const char* pending_name(pending_record::type t) {
  switch (t) {
    case pending_record::type::problem:
    case pending_record::type::unhandled:
      return "traceback";
    case pending_record::type::open_text:
      return "text";
    case pending_record::type::context_dump:
      return "LLM context dump";
    default:
      return "record";
  }
}

} // namespace

struct pipecat_parser::impl {
  explicit impl(parse_options o) : options(std::move(o)) {
  }

  parse_options options;
  parse_totals totals;
  std::vector<dead_letter> dead;
  bool used_generated = false;
  std::uint32_t line_no = 0;
  std::string ansi_buffer;

  // Call-id attribution.
  std::string last_explicit_id;
  bool seen_explicit = false;

  // Record state.
  bool seen_record = false;
  std::uint32_t record_line = 0;
  bool seen_time = false;
  std::int64_t last_at_us = 0;
  pending_record pending;
  std::string version; ///< from the banner, e.g. "0.0.94"
  std::unordered_map<std::string, last_interruption> interruptions;

  // -- reporting ----------------------------------------------------------

  static void say(line_report* report, std::uint32_t line, verdict what,
                  std::string_view reason) {
    if (report == nullptr)
      return;
    report->line = line;
    report->what = what;
    report->reason.assign(reason);
  }

  void dropped(line_report* report, const char* reason) {
    ++totals.dropped;
    say(report, line_no, verdict::dropped, reason);
  }

  void kept(line_report* report, signal_kind kind, const char* note = "") {
    ++totals.kept;
    if (report != nullptr) {
      std::string r = "kept: ";
      r += to_string(kind);
      r += note;
      say(report, line_no, verdict::kept, r);
    }
  }

  void dead_letter_line(std::string_view line, std::string reason,
                        line_report* report) {
    ++totals.dead_lettered;
    say(report, line_no, verdict::dead_lettered, reason);
    dead_letter d;
    d.line = line_no;
    d.reason = std::move(reason);
    d.raw = utf8::sanitize(line, dead_letter_raw_bytes);
    d.raw_bytes = line.size();
    dead.push_back(std::move(d));
  }

  // -- call ids ------------------------------------------------------------

  /// Sets s.call_id by the precedence rules; true if it is the generated id.
  bool attribute(std::string_view explicit_id, signal& s) const {
    if (!explicit_id.empty()) {
      s.call_id.assign(explicit_id);
      return false;
    }
    if (!options.request_call_id.empty()) {
      s.call_id = options.request_call_id;
      return false;
    }
    if (seen_explicit) {
      s.call_id = last_explicit_id;
      return false;
    }
    s.call_id = options.generated_call_id;
    return true;
  }

  void emit(signal&& s, bool generated, std::vector<signal>& out) {
    if (generated)
      used_generated = true;
    out.push_back(std::move(s));
  }

  // -- pending records -----------------------------------------------------

  void flush_pending(std::vector<signal>& out, bool next_has_time,
                     std::int64_t next_at_us) {
    using type = pending_record::type;
    auto& p = pending;
    if (p.what == type::none)
      return;
    auto what = p.what;
    p.what = type::none;
    switch (what) {
      case type::problem:
      case type::unhandled:
        if (!p.exception_line.empty())
          p.sig.detail = std::move(p.exception_line);
        else if (!p.last_line.empty() && what == type::problem)
          p.sig.detail = std::move(p.last_line);
        if (p.time_from_next && next_has_time)
          p.sig.at_us = next_at_us;
        emit(std::move(p.sig), p.generated_id, out);
        break;
      case type::open_text:
        emit(std::move(p.sig), p.generated_id, out);
        break;
      case type::context_dump: {
        auto r = last_user_message(p.buffer);
        if (r.outcome == dump_outcome::user_text) {
          p.sig.text = std::move(r.text);
          emit(std::move(p.sig), p.generated_id, out);
        } else {
          // Counted as kept when it started; it yielded nothing after all.
          --totals.kept;
          ++totals.dropped;
        }
        break;
      }
      case type::none:
        break;
    }
    p.sig = signal{};
    p.buffer.clear();
    p.exception_line.clear();
    p.last_line.clear();
    p.time_from_next = false;
  }

  void start_unhandled(std::vector<signal>& out, line_report* report) {
    flush_pending(out, false, 0);
    auto& p = pending;
    p.what = pending_record::type::unhandled;
    p.sig = signal{};
    p.sig.kind = signal_kind::fatal_error;
    p.sig.line = line_no;
    p.sig.text = "unhandled exception";
    p.sig.at_us = seen_time ? last_at_us : 0;
    p.time_from_next = !seen_time;
    p.generated_id = attribute({}, p.sig);
    kept(report, signal_kind::fatal_error,
         " (a traceback after no error line)");
  }

  void on_continuation(std::string_view content, std::vector<signal>& out,
                       line_report* report) {
    using type = pending_record::type;
    auto& p = pending;
    bool traceback = is_traceback_start(content);
    if (traceback && p.what != type::problem && p.what != type::unhandled) {
      start_unhandled(out, report);
      return;
    }
    if (!seen_record && p.what == type::none) {
      dropped(report, "noise: unrecognised line before any record");
      return;
    }
    ++totals.dropped;
    if (report != nullptr) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "continuation of line %u (%s)",
                    static_cast<unsigned>(p.what == type::none ? record_line
                                                               : p.sig.line),
                    pending_name(p.what));
      say(report, line_no, verdict::continuation, buf);
    }
    switch (p.what) {
      case type::problem:
      case type::unhandled: {
        auto t = scan::trim(content);
        if (t.empty())
          break;
        if (is_exception_line(content))
          p.exception_line.assign(scan::trim_right(content));
        p.last_line.assign(t);
        break;
      }
      case type::open_text: {
        auto t = scan::trim_right(content);
        p.sig.text.push_back('\n');
        if (!t.empty() && t.back() == ']') {
          p.sig.text.append(t.substr(0, t.size() - 1));
          flush_pending(out, false, 0);
        } else {
          p.sig.text.append(t);
        }
        break;
      }
      case type::context_dump:
        if (p.buffer.size() + content.size() < options.max_line_bytes) {
          p.buffer.push_back('\n');
          p.buffer.append(content);
        }
        break;
      case type::none:
        break;
    }
  }

  // -- records ---------------------------------------------------------------

  void on_record(const line_header& h, std::vector<signal>& out,
                 line_report* report) {
    flush_pending(out, h.has_time, h.at_us);
    if (h.has_time) {
      last_at_us = h.at_us;
      seen_time = true;
    }
    if (!h.call_id.empty()) {
      last_explicit_id.assign(h.call_id);
      seen_explicit = true;
    }
    seen_record = true;
    record_line = line_no;

    auto f = classify(h);
    switch (f.what) {
      case action::drop:
        ++totals.dropped;
        if (report != nullptr)
          say(report, line_no, verdict::dropped,
              f.reason != nullptr ? f.reason : noise_reason(h));
        return;
      case action::banner:
        version.assign(f.text);
        ++totals.dropped;
        if (report != nullptr)
          say(report, line_no, verdict::dropped,
              "banner: Pipecat " + version + " (not a signal)");
        return;
      default:
        break;
    }

    signal s;
    s.kind = f.kind;
    s.at_us = last_at_us;
    s.line = line_no;
    s.service.assign(f.service);
    if (f.use_owned)
      s.text = std::move(f.owned);
    else
      s.text.assign(f.text);
    s.detail.assign(f.detail);
    s.value_s = f.value_s;
    s.prompt_tokens = f.prompt_tokens;
    s.completion_tokens = f.completion_tokens;
    s.cached_tokens = f.cached_tokens;
    s.characters = f.characters;
    s.language = std::move(f.language);
    bool generated = attribute(h.call_id, s);

    switch (f.what) {
      case action::emit:
        emit(std::move(s), generated, out);
        kept(report, f.kind);
        return;
      case action::interruption:
        on_interruption(std::move(s), generated, f.form, out, report);
        return;
      case action::problem:
      case action::open_text:
        pending.what = f.what == action::problem
                         ? pending_record::type::problem
                         : pending_record::type::open_text;
        pending.sig = std::move(s);
        pending.generated_id = generated;
        kept(report, f.kind,
             f.what == action::problem ? " (a traceback may follow)"
                                       : " (continues on the next lines)");
        return;
      case action::context_dump: {
        auto r = last_user_message(f.text);
        switch (r.outcome) {
          case dump_outcome::user_text:
            s.text = std::move(r.text);
            emit(std::move(s), generated, out);
            kept(report, f.kind);
            return;
          case dump_outcome::not_user:
            dropped(report, "LLM context dump: the last message is not a "
                            "user message");
            return;
          case dump_outcome::unparseable:
            pending.what = pending_record::type::context_dump;
            s.text.clear();
            pending.sig = std::move(s);
            pending.generated_id = generated;
            pending.buffer.assign(f.text);
            kept(report, f.kind,
                 " (context dump continues on the next lines; counted as "
                 "dropped if it yields no user message)");
            return;
        }
        return;
      }
      default:
        return;
    }
  }

  /// One physical interruption may be logged twice in some versions: a
  /// `broadcasting interruption` and a `received interruption ... frame`.
  /// The first line of such a pair (in practice `broadcasting interruption`,
  /// which is logged first) is the interruption; the other form within
  /// 20 ms for the same call is dropped as its duplicate.
  void on_interruption(signal&& s, bool generated, interruption_form form,
                       std::vector<signal>& out, line_report* report) {
    auto& last = interruptions[s.call_id];
    bool pairable = form != interruption_form::bot_interruption
                    && last.line != 0
                    && last.form != interruption_form::bot_interruption
                    && last.form != form && !last.paired;
    auto gap = s.at_us - last.at_us;
    if (pairable && gap <= interruption_pair_window_us
        && gap >= -interruption_pair_window_us) {
      last.paired = true;
      ++totals.dropped;
      if (report != nullptr) {
        char buf[112];
        std::snprintf(buf, sizeof buf,
                      "duplicate interruption: the same interruption as "
                      "line %u",
                      static_cast<unsigned>(last.line));
        say(report, line_no, verdict::dropped, buf);
      }
      return;
    }
    last.at_us = s.at_us;
    last.form = form;
    last.paired = false;
    last.line = line_no;
    emit(std::move(s), generated, out);
    kept(report, signal_kind::interruption);
  }

  // -- lines -----------------------------------------------------------------

  void feed(std::string_view line, std::vector<signal>& out,
            line_report* report) {
    ++totals.lines;
    ++line_no;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.size() > options.max_line_bytes) {
      dead_letter_line(line,
                       "line too long: " + std::to_string(line.size())
                         + " bytes (limit "
                         + std::to_string(options.max_line_bytes) + ")",
                       report);
      return;
    }
    if (line.empty()) {
      dropped(report, "empty line");
      return;
    }
    auto check = utf8::check_bytes(line);
    if (check.problem != utf8::byte_problem::none) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "%s: byte 0x%02X at offset %zu",
                    check.problem == utf8::byte_problem::control
                      ? "binary data (control character)"
                      : "invalid UTF-8",
                    static_cast<unsigned>(check.byte), check.offset);
      dead_letter_line(line, buf, report);
      return;
    }
    if (check.has_escape) {
      if (!utf8::strip_ansi(line, ansi_buffer)) {
        dead_letter_line(line, "binary data (control character): stray ESC",
                         report);
        return;
      }
      line = ansi_buffer;
      if (scan::trim(line).empty()) {
        dropped(report, "empty line");
        return;
      }
    }
    auto h = parse_line(line);
    switch (h.shape) {
      case line_shape::record:
        on_record(h, out, report);
        return;
      case line_shape::continuation:
        on_continuation(h.message, out, report);
        return;
      case line_shape::truncated:
        // It starts a record (a dead one): whatever was pending has ended.
        flush_pending(out, h.has_time, h.at_us);
        if (h.has_time) {
          last_at_us = h.at_us;
          seen_time = true;
        }
        seen_record = true;
        record_line = line_no;
        dead_letter_line(line,
                         std::string{"truncated line: "}
                           + (h.why != nullptr ? h.why : "no header"),
                         report);
        return;
    }
  }
};

pipecat_parser::pipecat_parser(parse_options options)
  : impl_(new impl(std::move(options))) {
}

pipecat_parser::~pipecat_parser() {
  delete impl_;
}

pipecat_parser::pipecat_parser(pipecat_parser&& other) noexcept
  : impl_(std::exchange(other.impl_, nullptr)) {
}

pipecat_parser& pipecat_parser::operator=(pipecat_parser&& other) noexcept {
  if (this != &other) {
    delete impl_;
    impl_ = std::exchange(other.impl_, nullptr);
  }
  return *this;
}

void pipecat_parser::feed(std::string_view line, std::vector<signal>& out,
                          line_report* report) {
  impl_->feed(line, out, report);
}

void pipecat_parser::finish(std::vector<signal>& out) {
  impl_->flush_pending(out, false, 0);
}

const parse_totals& pipecat_parser::totals() const noexcept {
  return impl_->totals;
}

std::vector<dead_letter>& pipecat_parser::dead_letters() noexcept {
  return impl_->dead;
}

bool pipecat_parser::used_generated_call_id() const noexcept {
  return impl_->used_generated;
}

parse_result parse_pipecat(std::string_view body,
                           const parse_options& options) {
  parse_result result;
  pipecat_parser parser{options};
  std::size_t start = 0;
  while (start < body.size()) {
    auto end = body.find('\n', start);
    if (end == std::string_view::npos)
      end = body.size();
    parser.feed(body.substr(start, end - start), result.signals);
    start = end + 1;
  }
  parser.finish(result.signals);
  result.totals = parser.totals();
  result.dead_letters = std::move(parser.dead_letters());
  result.used_generated_call_id = parser.used_generated_call_id();
  return result;
}

} // namespace sb::gateway
