#include "cli/commands.hpp"

#include "gateway/pipecat_parser.hpp"
#include "ingest/ingest_limits.hpp"
#include "ingest/nats_ingest_service.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>

namespace sb::app::cli {

namespace {

struct ingest_options {
  std::string file;
  std::string agent;
  std::string tenant = "default";
  std::string call_id;
  std::string nats_url;
  std::uint32_t partitions = 64;
  bool dry_run = false;
  bool print = false;
  bool explain = false;
};

bool read_all(const std::string& file, std::string& out, std::string& error) {
  if (file == "-") {
    std::ostringstream buf;
    buf << std::cin.rdbuf();
    out = std::move(buf).str();
    return true;
  }
  std::ifstream in{file, std::ios::binary};
  if (!in) {
    error = "cannot read " + file;
    return false;
  }
  out.assign(std::istreambuf_iterator<char>{in}, {});
  return true;
}

const char* verdict_name(gateway::verdict v) {
  switch (v) {
    case gateway::verdict::kept: return "kept";
    case gateway::verdict::dropped: return "dropped";
    case gateway::verdict::continuation: return "continuation";
    case gateway::verdict::dead_lettered: return "dead_lettered";
  }
  return "?";
}

/// Parses without sending; prints what would be kept and why.
int dry_run(const ingest_options& opt, const std::string& body) {
  gateway::parse_options options;
  options.request_call_id = opt.call_id;
  options.generated_call_id = opt.call_id.empty() ? make_uuid() : "";
  // No server is asked: lines are read as with nats-server's default
  // max_payload (README "Limits").
  options.max_line_bytes = limits_for(default_max_payload).line_bytes;
  gateway::pipecat_parser parser{options};
  std::vector<signal> signals;
  std::map<std::string, std::uint64_t> dropped_by_reason;
  std::string_view rest{body};
  auto report_line = [&](std::string_view line) {
    auto before = signals.size();
    gateway::line_report report;
    parser.feed(line, signals, &report);
    if (opt.print) {
      for (auto i = before; i < signals.size(); ++i)
        std::cout << gateway::to_json_line(signals[i]) << "\n";
      return;
    }
    bool interesting = report.what == gateway::verdict::kept
                       || report.what == gateway::verdict::dead_lettered;
    if (interesting || opt.explain)
      std::cout << report.line << "\t" << verdict_name(report.what) << "\t"
                << report.reason << "\n";
    if (!interesting)
      ++dropped_by_reason[report.reason];
  };
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    report_line(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view{}
                                        : rest.substr(nl + 1);
  }
  parser.finish(signals);
  const auto& t = parser.totals();
  nlohmann::json summary{{"lines", t.lines},
                         {"kept", t.kept},
                         {"dropped", t.dropped},
                         {"dead_lettered", t.dead_lettered},
                         {"signals", signals.size()}};
  nlohmann::json reasons = nlohmann::json::object();
  for (auto& [reason, n] : dropped_by_reason)
    reasons[reason] = n;
  if (!opt.print)
    summary["dropped_by_reason"] = reasons;
  (opt.print ? std::cerr : std::cout) << summary.dump() << "\n";
  return 0;
}

int send(const ingest_options& opt, const std::string& body) {
  std::string error;
  auto js = jetstream::connect(opt.nats_url, "switchboard-ingest", error);
  if (!js) {
    std::cerr << "switchboard ingest: " << error << "\n";
    return 1;
  }
  stream_settings streams;
  streams.partitions = opt.partitions;
  if (!js->ensure_streams(streams, error)) {
    std::cerr << "switchboard ingest: " << error << "\n";
    return 1;
  }
  nats_ingest_service service{std::move(js), opt.partitions};
  auto report = service.ingest_pipecat(
    ingest_request{opt.tenant, opt.agent, opt.call_id, body});
  if (!report) {
    std::cerr << "switchboard ingest: " << to_string(report.error()) << "\n";
    return 1;
  }
  nlohmann::json out{{"lines", report->lines},
                     {"kept", report->kept},
                     {"dropped", report->dropped},
                     {"dead_lettered", report->dead_lettered},
                     {"call_ids", report->call_ids}};
  if (report->too_large > 0)
    out["too_large"] = report->too_large;
  if (!report->generated_call_id.empty())
    out["call_id"] = report->generated_call_id;
  std::cout << out.dump() << "\n";
  return 0;
}

} // namespace

void add_ingest(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<ingest_options>();
  opt->nats_url = env_or("SB_NATS_URL", "nats://127.0.0.1:4222");
  auto* cmd = app.add_subcommand(
    "ingest", "Ingest a raw Pipecat log (FILE, or - for stdin)");
  cmd->add_option("file", opt->file, "Log file, or - for stdin")->required();
  cmd->add_option("--agent", opt->agent, "Agent id the log belongs to");
  cmd->add_option("--tenant", opt->tenant, "Tenant id")->capture_default_str();
  cmd->add_option("--call-id", opt->call_id,
                  "Call id for lines that name none");
  cmd->add_option("--nats", opt->nats_url, "NATS URL ($SB_NATS_URL)");
  cmd->add_option("--partitions", opt->partitions,
                  "Partition count (must match the nodes')")
    ->capture_default_str();
  cmd->add_flag("--dry-run", opt->dry_run,
                "Parse and filter only; print what would be kept and why");
  cmd->add_flag("--print", opt->print,
                "With --dry-run: the kept signals as JSON lines");
  cmd->add_flag("--explain", opt->explain,
                "With --dry-run: a verdict for every line, dropped ones too");
  cmd->callback([opt, &exit_code] {
    std::string body, error;
    if (!read_all(opt->file, body, error)) {
      std::cerr << "switchboard ingest: " << error << "\n";
      exit_code = 1;
      return;
    }
    if (opt->dry_run) {
      exit_code = dry_run(*opt, body);
      return;
    }
    static const std::regex agent_pattern{"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}"};
    if (!std::regex_match(opt->agent, agent_pattern)) {
      std::cerr << "switchboard ingest: --agent is required: letters, digits "
                   "and _.:- (at most 64), e.g. --agent support-bot\n";
      exit_code = 2;
      return;
    }
    if (body.empty()) {
      std::cerr << "switchboard ingest: " << opt->file << " is empty\n";
      exit_code = 2;
      return;
    }
    exit_code = send(*opt, body);
  });
}

} // namespace sb::app::cli
