#include "switchboard/projections/replay.hpp"

#include "batch_reader.hpp"
#include "fold_batch.hpp"

#include "switchboard/db/errors.hpp"
#include "switchboard/db/generations.hpp"
#include "switchboard/db/pg_session.hpp"
#include "switchboard/events/partitions.hpp"
#include "switchboard/events/stream_reader.hpp"
#include "switchboard/projections/registry.hpp"

#include <pqxx/nontransaction>

#include <spdlog/spdlog.h>

#include <chrono>

namespace sb::projections {

namespace {

/// One projection being replayed.
struct member {
  std::string name;
  std::unique_ptr<projection> p;
  std::int32_t live = 1;
  std::int32_t shadow = 2;
  db::checkpoint at; ///< the shadow's checkpoint as committed
  fence fenced;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  using namespace std::chrono;
  return duration<double>(steady_clock::now() - t0).count();
}

caf::error failed(std::string what) {
  return db::make_error(db::db_errc::query_failed, std::move(what));
}

} // namespace

caf::expected<replay_result> replay(std::shared_ptr<jetstream> js,
                                    const replay_options& opt) {
  auto t0 = std::chrono::steady_clock::now();
  if (opt.rules == nullptr || opt.projections.empty())
    return db::make_error(db::db_errc::invalid_argument,
                          "replay: no projection or no rules given");
  std::vector<member> members;
  for (const auto& name : opt.projections) {
    auto p = make_projection(name, opt.pg_url, *opt.rules, write_mode::bulk);
    if (!p)
      return p.error();
    member m;
    m.name = name;
    m.p = std::move(*p);
    members.push_back(std::move(m));
  }
  db::pg_session admin{opt.pg_url};
  if (auto err = admin.open())
    return err;
  if (auto err
      = admin.run("replay: live generations", [&](pqxx::connection& conn) {
          pqxx::nontransaction tx{conn};
          for (auto& m : members) {
            m.live = db::read_checkpoint(tx, m.name).generation;
            m.shadow = m.live + 1;
          }
          return caf::error{};
        }))
    return err;
  // From here on, any way out but the swap drops the shadows.
  auto give_up = [&](caf::error why) -> caf::error {
    for (const auto& m : members)
      if (auto err = db::drop_shadow(admin, m.name, m.shadow))
        spdlog::warn("replay {}: shadow generation {} not dropped: {}", m.name,
                     m.shadow, db::describe(err));
    return failed(db::describe(why)
                  + "; the shadow tables were dropped, the live ones are "
                    "untouched");
  };
  for (auto& m : members) {
    if (auto err
        = db::create_shadow(admin, {m.name, m.p->tables()}, m.live, m.shadow))
      return give_up(std::move(err));
    auto cp = m.p->begin(db::replay_checkpoint_name(m.name));
    if (!cp)
      return give_up(cp.error());
    m.at = std::move(*cp);
    spdlog::info("replay {}: building generation {} beside {}", m.name,
                 m.shadow, m.live);
  }

  std::string error;
  auto head_now = [&](std::uint64_t& head) {
    jetstream::stream_state st;
    if (!js->state_of(events_stream, st, error))
      return false;
    head = st.last_seq;
    return true;
  };
  replay_progress progress;
  if (!head_now(progress.head))
    return give_up(failed("cannot read SB_EVENTS: " + error));
  auto stream = stream_reader::open(*js, events_stream, "sb.evt.*", 1, error);
  if (!stream)
    return give_up(failed("cannot read SB_EVENTS: " + error));
  batch_reader reader{std::move(stream), opt.reading, "replay"};
  std::vector<read_event> events;
  // Where the time goes, for the log: waiting for the reader, folding,
  // committing.
  double reading_s = 0, folding_s = 0, committing_s = 0;
  auto caught_up = [&] {
    return progress.position + opt.swap_lag >= progress.head;
  };
  while (!caught_up() || progress.position == 0) {
    if (opt.stop != nullptr && *opt.stop)
      return give_up(failed("replay interrupted"));
    auto r0 = std::chrono::steady_clock::now();
    if (!reader.next(events, error))
      return give_up(failed("cannot read SB_EVENTS: " + error));
    reading_s += seconds_since(r0);
    if (events.empty()) {
      if (!head_now(progress.head))
        return give_up(failed("cannot read SB_EVENTS: " + error));
      if (caught_up())
        break;
      continue;
    }
    for (auto& m : members) {
      auto next = m.at;
      auto f0 = std::chrono::steady_clock::now();
      auto applied = detail::fold_batch(*m.p, m.fenced, events, next.position);
      if (!applied)
        return give_up(applied.error());
      next.epochs = m.fenced.epochs();
      auto c0 = std::chrono::steady_clock::now();
      folding_s += seconds_since(f0) - seconds_since(c0);
      if (auto err = m.p->commit(m.at, next, false))
        return give_up(std::move(err));
      committing_s += seconds_since(c0);
      m.at = std::move(next);
      if (&m == &members.front())
        progress.events += *applied;
    }
    progress.position = members.front().at.position;
    if (progress.position >= progress.head && !head_now(progress.head))
      return give_up(failed("cannot read SB_EVENTS: " + error));
    progress.seconds = seconds_since(t0);
    if (opt.on_progress)
      opt.on_progress(progress);
  }
  if (opt.stop != nullptr && *opt.stop)
    return give_up(failed("replay interrupted"));
  progress.swapping = true;
  progress.seconds = seconds_since(t0);
  if (opt.on_progress)
    opt.on_progress(progress);
  // The rows still held back (calls live at the end), then the swap.
  std::vector<db::swap_item> items;
  for (auto& m : members) {
    if (auto err = m.p->commit(m.at, m.at, true))
      return give_up(std::move(err));
    items.push_back({{m.name, m.p->tables()}, m.at});
  }
  if (auto err = db::swap_in(admin, items))
    return give_up(std::move(err));
  spdlog::info("replay: {:.2f} s waiting for events, {:.2f} s folding, "
               "{:.2f} s committing",
               reading_s, folding_s, committing_s);
  replay_result result;
  result.position = progress.position;
  result.events = progress.events;
  result.seconds = seconds_since(t0);
  for (const auto& m : members) {
    result.generations.push_back(m.shadow);
    spdlog::info("replay {}: generation {} is live from event {}", m.name,
                 m.shadow, m.at.position);
  }
  return result;
}

} // namespace sb::projections
