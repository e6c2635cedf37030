#include "switchboard/projections/replay.hpp"

#include "batch_reader.hpp"
#include "fold_batch.hpp"
#include "replay_worker.hpp"

#include "switchboard/db/errors.hpp"
#include "switchboard/db/generations.hpp"
#include "switchboard/db/pg_session.hpp"
#include "switchboard/events/partitions.hpp"
#include "switchboard/events/stream_reader.hpp"
#include "switchboard/projections/registry.hpp"

#include <pqxx/nontransaction>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace sb::projections {

namespace {

/// One projection being replayed.
struct member {
  std::string name;
  std::unique_ptr<projection> p; ///< until its worker takes it
  std::int32_t live = 1;
  std::int32_t shadow = 2;
  std::unique_ptr<detail::replay_worker> worker;
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
    for (auto& m : members) // no transaction of theirs may still be open
      if (m.worker)
        m.worker->abort();
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
    spdlog::info("replay {}: building generation {} beside {}", m.name,
                 m.shadow, m.live);
    m.worker
      = std::make_unique<detail::replay_worker>(std::move(m.p), std::move(*cp));
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
  // The projections' progress is the slowest one's.
  auto report = [&] {
    progress.position = members.front().worker->position();
    progress.events = members.front().worker->events();
    for (const auto& m : members)
      if (m.worker->position() < progress.position) {
        progress.position = m.worker->position();
        progress.events = m.worker->events();
      }
    progress.seconds = seconds_since(t0);
    if (opt.on_progress)
      opt.on_progress(progress);
  };
  auto first_failure = [&] {
    for (const auto& m : members)
      if (auto err = m.worker->error())
        return failed("replay " + m.name + ": " + db::describe(err));
    return failed("replay: a projection failed");
  };
  // Where the reading thread's time goes, for the log.
  double reading_s = 0;
  std::uint64_t read_position = 0; ///< the last event handed to the workers
  auto caught_up = [&] {
    return read_position + opt.swap_lag >= progress.head;
  };
  while (!caught_up() || read_position == 0) {
    if (opt.stop != nullptr && *opt.stop)
      return give_up(failed("replay interrupted"));
    auto batch = std::make_shared<detail::shared_batch>();
    auto r0 = std::chrono::steady_clock::now();
    if (!reader.next(batch->events, error))
      return give_up(failed("cannot read SB_EVENTS: " + error));
    reading_s += seconds_since(r0);
    if (batch->events.empty()) {
      if (!head_now(progress.head))
        return give_up(failed("cannot read SB_EVENTS: " + error));
      if (caught_up())
        break;
      continue;
    }
    read_position = std::max(read_position, batch->events.back().seq);
    batch->calls = detail::calls_of(batch->events);
    std::shared_ptr<const detail::shared_batch> shared = std::move(batch);
    for (auto& m : members)
      if (!m.worker->push(shared))
        return give_up(first_failure());
    if (read_position >= progress.head && !head_now(progress.head))
      return give_up(failed("cannot read SB_EVENTS: " + error));
    report();
  }
  for (auto& m : members)
    if (!m.worker->finish())
      return give_up(first_failure());
  if (opt.stop != nullptr && *opt.stop)
    return give_up(failed("replay interrupted"));
  report();
  progress.swapping = true;
  if (opt.on_progress)
    opt.on_progress(progress);
  // The rows still held back (calls live at the end), then the swap.
  std::vector<db::swap_item> items;
  for (auto& m : members) {
    auto& w = *m.worker;
    if (auto err = w.get().commit(w.at(), w.at(), true))
      return give_up(std::move(err));
    items.push_back({{m.name, w.get().tables()}, w.at()});
  }
  if (auto err = db::swap_in(admin, items))
    return give_up(std::move(err));
  spdlog::info("replay: {:.2f} s waiting for events", reading_s);
  for (const auto& m : members)
    spdlog::info("replay {}: {:.2f} s folding, {:.2f} s committing", m.name,
                 m.worker->folding_s(), m.worker->committing_s());
  replay_result result;
  result.position = progress.position;
  result.events = progress.events;
  result.seconds = seconds_since(t0);
  for (const auto& m : members) {
    result.generations.push_back(m.shadow);
    spdlog::info("replay {}: generation {} is live from event {}", m.name,
                 m.shadow, m.worker->at().position);
  }
  return result;
}

} // namespace sb::projections
