#pragma once

// Behaviours every sb::db::store must show, written once over `store&` and
// run against memory_store (tests/unit/db) and pg_store on a real
// PostgreSQL (tests/integration/db). Each check expects an empty store.

#include "switchboard/db/store.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sb::test::store_contract {

using namespace sb::db;

/// 2023-11-14 22:13:20.123457 UTC, an odd µs value.
inline constexpr std::int64_t t0 = 1'700'000'000'123'457;
inline constexpr std::int64_t one_day = 86'400'000'000;

inline session_record make_session(std::string id, std::string tenant,
                                   std::int64_t started_at = t0) {
  session_record s;
  s.id = std::move(id);
  s.tenant_id = std::move(tenant);
  s.agent_id = "agent-1";
  s.status = "active";
  s.direction = "inbound";
  s.provider = "pipecat";
  s.campaign = "spring";
  s.language = "en";
  s.started_at = started_at;
  s.answered_at = started_at + 1'500'001;
  s.turn_count = 2;
  s.first_user_text = "hello?";
  s.first_agent_text = "Hi, how can I help?";
  s.llm_prompt_tokens = 1234;
  s.llm_completion_tokens = 56;
  s.tts_characters = 789;
  s.stt_seconds = 12.345;
  s.user_to_bot_ms_sum = 0.1 + 0.2; // not exactly 0.3: checks exactness
  s.user_to_bot_count = 1;
  s.last_seq = 9;
  return s;
}

inline turn_record make_turn(const session_record& s, std::int32_t n,
                             std::string text = "some words") {
  turn_record t;
  t.session_id = s.id;
  t.tenant_id = s.tenant_id;
  t.session_started_at = s.started_at;
  t.turn = n;
  t.speaker = n % 2 == 1 ? "user" : "agent";
  t.text = std::move(text);
  t.started_at = s.started_at + n * 1'000'003;
  t.ended_at = t.started_at + 700'001;
  if (t.speaker == "agent") {
    t.user_to_bot_ms = 812.25;
    t.llm_ttfb_ms = 301.5;
  }
  return t;
}

inline projection_batch make_batch(std::uint64_t from, std::uint64_t to,
                                   std::vector<session_record> sessions = {},
                                   std::vector<turn_record> turns = {},
                                   std::string projection = "sessions") {
  projection_batch b;
  b.previous.projection = projection;
  b.previous.position = from;
  b.next.projection = std::move(projection);
  b.next.position = to;
  b.sessions = std::move(sessions);
  b.turns = std::move(turns);
  return b;
}

/// Every field, so a failure names the field that differs.
inline void check_equal(const session_record& a, const session_record& b) {
  CHECK(a.id == b.id);
  CHECK(a.tenant_id == b.tenant_id);
  CHECK(a.agent_id == b.agent_id);
  CHECK(a.status == b.status);
  CHECK(a.end_reason == b.end_reason);
  CHECK(a.direction == b.direction);
  CHECK(a.provider == b.provider);
  CHECK(a.campaign == b.campaign);
  CHECK(a.language == b.language);
  CHECK(a.started_at == b.started_at);
  CHECK(a.answered_at == b.answered_at);
  CHECK(a.ended_at == b.ended_at);
  CHECK(a.duration_ms == b.duration_ms);
  CHECK(a.turn_count == b.turn_count);
  CHECK(a.first_user_text == b.first_user_text);
  CHECK(a.first_agent_text == b.first_agent_text);
  CHECK(a.interruptions == b.interruptions);
  CHECK(a.error_count == b.error_count);
  CHECK(a.llm_prompt_tokens == b.llm_prompt_tokens);
  CHECK(a.llm_completion_tokens == b.llm_completion_tokens);
  CHECK(a.tts_characters == b.tts_characters);
  CHECK(a.stt_seconds == b.stt_seconds);
  CHECK(a.user_to_bot_ms_sum == b.user_to_bot_ms_sum);
  CHECK(a.user_to_bot_count == b.user_to_bot_count);
  CHECK(a.last_seq == b.last_seq);
}

inline void check_equal(const turn_record& a, const turn_record& b) {
  CHECK(a.session_id == b.session_id);
  CHECK(a.tenant_id == b.tenant_id);
  CHECK(a.session_started_at == b.session_started_at);
  CHECK(a.turn == b.turn);
  CHECK(a.speaker == b.speaker);
  CHECK(a.text == b.text);
  CHECK(a.started_at == b.started_at);
  CHECK(a.ended_at == b.ended_at);
  CHECK(a.interrupted == b.interrupted);
  CHECK(a.user_to_bot_ms == b.user_to_bot_ms);
  CHECK(a.llm_ttfb_ms == b.llm_ttfb_ms);
  CHECK(a.tts_ttfb_ms == b.tts_ttfb_ms);
}

inline bool is(const caf::error& err, db_errc code) {
  return err.category() == db_category
         && err.code() == static_cast<std::uint8_t>(code);
}

inline session_record only_session(store& s, const std::string& id) {
  auto rows = s.load_sessions({id});
  REQUIRE(rows);
  REQUIRE(rows->size() == 1);
  return rows->front();
}

inline std::vector<turn_record> turns_of(store& s, const std::string& tenant,
                                         const std::string& id) {
  auto rows = s.transcript(tenant, id);
  REQUIRE(rows);
  return *rows;
}

// -- behaviours ---------------------------------------------------------------

/// A projection that never committed starts at 0; its first commit moves
/// the checkpoint and stores every field of its rows.
inline void commit_stores_rows_and_checkpoint(store& s) {
  auto fresh = s.load_checkpoint("sessions");
  REQUIRE(fresh);
  CHECK(fresh->position == 0);
  CHECK(fresh->epochs.empty());
  auto a = make_session("call-a", "acme");
  a.status = "completed";
  a.end_reason = "user_hangup";
  a.ended_at = a.started_at + 60'000'001;
  a.duration_ms = 60'000;
  a.interruptions = 3;
  a.error_count = 1;
  a.last_seq = (std::uint64_t{1} << 40) + 7;
  auto b = make_session("call-b", "acme", t0 + 5);
  b.answered_at = 0; // unknown stays unknown
  auto batch = make_batch(0, 10, {a, b},
                          {make_turn(a, 1), make_turn(a, 2), make_turn(b, 1)});
  batch.next.epochs = {{3, 17}, {0, 1}, {63, std::uint64_t{1} << 50}};
  REQUIRE(s.commit(batch));
  auto cp = s.load_checkpoint("sessions");
  REQUIRE(cp);
  CHECK(cp->position == 10);
  CHECK(cp->epochs == batch.next.epochs);
  check_equal(only_session(s, "call-a"), a);
  check_equal(only_session(s, "call-b"), b);
  auto last = s.load_last_turns({"call-a", "call-b", "call-none"});
  REQUIRE(last);
  REQUIRE(last->size() == 2);
  for (const auto& t : *last)
    check_equal(t, t.session_id == "call-a" ? batch.turns[1] : batch.turns[2]);
  auto transcript = turns_of(s, "acme", "call-a");
  REQUIRE(transcript.size() == 2);
  check_equal(transcript[0], batch.turns[0]);
  check_equal(transcript[1], batch.turns[1]);
  auto found = s.find_session("acme", "call-b");
  REQUIRE(found);
  REQUIRE(*found);
  check_equal(**found, b);
  auto none = s.load_sessions({});
  REQUIRE(none);
  CHECK(none->empty());
}

/// A batch whose previous position is not the stored one fails with
/// checkpoint_conflict and changes nothing.
inline void conflict_writes_nothing(store& s) {
  auto fresh_conflict = s.commit(make_batch(4, 9));
  CHECK(is(fresh_conflict.error(), db_errc::checkpoint_conflict));
  auto a = make_session("call-a", "acme");
  REQUIRE(s.commit(make_batch(0, 10, {a}, {make_turn(a, 1)})));
  auto changed = a;
  changed.status = "failed";
  auto stale = make_batch(5, 20, {changed, make_session("call-new", "acme")},
                          {make_turn(a, 1, "rewritten"), make_turn(a, 2)});
  stale.next.epochs = {{1, 99}};
  auto res = s.commit(stale);
  REQUIRE_FALSE(res);
  CHECK(is(res.error(), db_errc::checkpoint_conflict));
  auto replay = s.commit(make_batch(0, 20, {changed}));
  CHECK(is(replay.error(), db_errc::checkpoint_conflict));
  auto cp = s.load_checkpoint("sessions");
  REQUIRE(cp);
  CHECK(cp->position == 10);
  CHECK(cp->epochs.empty());
  check_equal(only_session(s, "call-a"), a);
  auto missing = s.load_sessions({"call-new"});
  REQUIRE(missing);
  CHECK(missing->empty());
  auto transcript = turns_of(s, "acme", "call-a");
  REQUIRE(transcript.size() == 1);
  CHECK(transcript[0].text == "some words");
  // The right previous position goes through.
  REQUIRE(s.commit(make_batch(10, 20, {changed})));
  CHECK(only_session(s, "call-a").status == "failed");
}

/// Checkpoints of different projections are independent.
inline void projections_are_independent(store& s) {
  REQUIRE(s.commit(make_batch(0, 7, {}, {}, "sessions")));
  REQUIRE(s.commit(make_batch(0, 3, {}, {}, "analytics")));
  auto a = s.load_checkpoint("sessions");
  auto b = s.load_checkpoint("analytics");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->position == 7);
  CHECK(b->position == 3);
  auto epochs = make_batch(7, 8);
  epochs.next.epochs = {{5, 2}};
  REQUIRE(s.commit(epochs));
  epochs = make_batch(8, 9);
  epochs.next.epochs = {{6, 4}};
  REQUIRE(s.commit(epochs));
  CHECK(s.load_checkpoint("sessions")->epochs == epochs.next.epochs);
}

/// Writing a row again replaces it, within a batch (last wins) and across.
inline void upsert_replaces(store& s) {
  auto a = make_session("call-a", "acme");
  auto t1 = make_turn(a, 1, "first");
  REQUIRE(s.commit(make_batch(0, 1, {a}, {t1})));
  auto v2 = a;
  v2.status = "completed";
  v2.turn_count = 5;
  v2.ended_at = a.started_at + 9'000'000;
  v2.end_reason = "pipeline_finished";
  v2.last_seq = 30;
  auto v3 = v2;
  v3.last_seq = 31;
  auto t1b = t1;
  t1b.text = "first, corrected";
  t1b.interrupted = true;
  auto t1c = t1b;
  t1c.text = "first, corrected twice";
  REQUIRE(s.commit(make_batch(1, 2, {v2, v3}, {t1b, t1c})));
  check_equal(only_session(s, "call-a"), v3);
  auto transcript = turns_of(s, "acme", "call-a");
  REQUIRE(transcript.size() == 1);
  check_equal(transcript[0], t1c);
}

/// The API side sees only the asking tenant's data.
inline void tenants_are_isolated(store& s) {
  auto a = make_session("call-a", "acme");
  auto b = make_session("call-b", "globex");
  REQUIRE(
    s.commit(make_batch(0, 1, {a, b}, {make_turn(a, 1), make_turn(b, 1)})));
  auto mine = s.find_session("acme", "call-a");
  REQUIRE(mine);
  CHECK(mine->has_value());
  auto theirs = s.find_session("acme", "call-b");
  REQUIRE(theirs);
  CHECK_FALSE(theirs->has_value());
  CHECK(turns_of(s, "acme", "call-b").empty());
  CHECK(turns_of(s, "globex", "call-b").size() == 1);
  auto unknown = s.find_session("acme", "call-zzz");
  REQUIRE(unknown);
  CHECK_FALSE(unknown->has_value());
}

/// Keys: created per tenant and role, shown once, checked by hash.
inline void api_keys_authenticate(store& s) {
  auto created = s.ensure_tenant("acme");
  REQUIRE(created);
  CHECK(*created);
  auto again = s.ensure_tenant("acme");
  REQUIRE(again);
  CHECK_FALSE(*again);
  REQUIRE(s.ensure_tenant("globex"));
  auto admin = s.create_api_key("acme", "admin", "deploy bot");
  auto viewer = s.create_api_key("globex", "viewer", "");
  REQUIRE(admin);
  REQUIRE(viewer);
  CHECK(admin->rfind("sb_", 0) == 0);
  CHECK(admin->size() >= 3 + 8 + 1 + 32);
  CHECK(*admin != *viewer);
  auto who = s.authenticate(*admin);
  REQUIRE(who);
  REQUIRE(*who);
  CHECK((*who)->tenant_id == "acme");
  CHECK((*who)->role == "admin");
  CHECK((*who)->key_prefix == admin->substr(3, 8));
  auto other = s.authenticate(*viewer);
  REQUIRE(other);
  REQUIRE(*other);
  CHECK((*other)->tenant_id == "globex");
  CHECK((*other)->role == "viewer");
  // Right prefix, wrong secret; garbage; empty.
  auto wrong = *admin;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  for (const auto& bad : {wrong, std::string{"sb_nope"}, std::string{},
                          admin->substr(0, admin->size() - 1) + "!"}) {
    auto res = s.authenticate(bad);
    REQUIRE(res);
    CHECK_FALSE(res->has_value());
  }
  // Invalid requests.
  CHECK(
    is(s.create_api_key("acme", "root", "").error(), db_errc::invalid_argument));
  CHECK(is(s.create_api_key("initech", "admin", "").error(),
           db_errc::invalid_argument));
  CHECK(is(s.ensure_tenant("").error(), db_errc::invalid_argument));
  // Revocation.
  auto revoked = s.revoke_api_key(admin->substr(3, 8));
  REQUIRE(revoked);
  CHECK(*revoked);
  auto after = s.authenticate(*admin);
  REQUIRE(after);
  CHECK_FALSE(after->has_value());
  auto twice = s.revoke_api_key(admin->substr(3, 8));
  REQUIRE(twice);
  CHECK_FALSE(*twice);
  CHECK(s.authenticate(*viewer)->has_value());
}

/// Awkward text survives, in values and in ids looked up together.
inline void text_round_trips(store& s) {
  const std::vector<std::string> ids{
    "plain", "with,comma", "with\"quote", "with{brace}", "back\\slash",
    "NULL",  "",           "sp ace",      "'single'",    "ünï©ødé-📞"};
  const std::string nasty = "line1\nline2\t\"quoted\" \\back\\ {a,b} 'x' "
                            "NULL ünïcode 日本語 📞 \r end";
  std::vector<session_record> sessions;
  std::vector<turn_record> turns;
  for (const auto& id : ids) {
    if (id.empty())
      continue; // ids are never empty
    auto row = make_session(id, "ten,\"ant\"");
    row.first_user_text = nasty;
    row.first_agent_text = "";
    row.campaign = "{}";
    sessions.push_back(row);
    turns.push_back(make_turn(row, 1, nasty + id));
  }
  REQUIRE(s.commit(make_batch(0, 1, sessions, turns)));
  auto loaded = s.load_sessions(ids);
  REQUIRE(loaded);
  REQUIRE(loaded->size() == sessions.size());
  for (const auto& expected : sessions) {
    auto found = s.find_session("ten,\"ant\"", expected.id);
    REQUIRE(found);
    REQUIRE(found->has_value());
    check_equal(**found, expected);
  }
  auto last = s.load_last_turns(ids);
  REQUIRE(last);
  REQUIRE(last->size() == turns.size());
  for (const auto& t : *last)
    CHECK(t.text == nasty + t.session_id);
  auto nul = make_session(std::string{"nul\0byte", 8}, "acme");
  auto res = s.commit(make_batch(1, 2, {nul}));
  CHECK(is(res.error(), db_errc::invalid_argument));
  CHECK(s.load_checkpoint("sessions")->position == 1);
}

/// µs timestamps, unknown (0) times and unmeasured (-1) latencies are kept
/// exactly, including before 1970.
inline void times_round_trip(store& s) {
  auto a = make_session("call-a", "acme", t0 + 1);
  a.answered_at = 0;
  a.ended_at = t0 + 999'999;
  auto early = make_session("call-early", "acme", -1'234'567);
  early.answered_at = -1;
  auto t = make_turn(a, 2);
  t.started_at = 0;
  t.ended_at = 1;
  t.user_to_bot_ms = -1;
  t.llm_ttfb_ms = 0;
  t.tts_ttfb_ms = 1e-3;
  REQUIRE(s.commit(make_batch(0, 1, {a, early}, {t})));
  check_equal(only_session(s, "call-a"), a);
  check_equal(only_session(s, "call-early"), early);
  auto transcript = turns_of(s, "acme", "call-a");
  REQUIRE(transcript.size() == 1);
  check_equal(transcript[0], t);
}

/// A session first written with an unknown start (0) and later with its
/// real start ends up as one row, with its turns moved along.
inline void placeholder_sessions_are_promoted(store& s) {
  auto early = make_session("call-a", "acme", 0);
  early.answered_at = 0;
  REQUIRE(s.commit(
    make_batch(0, 1, {early}, {make_turn(early, 1), make_turn(early, 2)})));
  CHECK(only_session(s, "call-a").started_at == 0);
  auto real = make_session("call-a", "acme", t0);
  auto t2 = make_turn(real, 2, "agent, with the real start");
  REQUIRE(s.commit(make_batch(1, 2, {real}, {t2})));
  check_equal(only_session(s, "call-a"), real);
  auto transcript = turns_of(s, "acme", "call-a");
  REQUIRE(transcript.size() == 2);
  CHECK(transcript[0].session_started_at == t0);
  CHECK(transcript[0].text == "some words");
  CHECK(transcript[1].session_started_at == t0);
  CHECK(transcript[1].text == "agent, with the real start");
}

/// live_calls: rows arrive with their batch, keep their first position
/// when written again, leave when the call ends; the oldest per partition
/// (rows of partition -1 counting everywhere) bounds a rebuild.
inline void live_calls_bound_rehydration(store& s) {
  auto live = [](std::string id, std::int32_t partition, std::uint64_t first,
                 std::uint64_t epoch) {
    live_call_record row;
    row.call_id = std::move(id);
    row.tenant_id = "acme";
    row.partition = partition;
    row.first_position = first;
    row.epoch = epoch;
    row.started_at = t0;
    return row;
  };
  REQUIRE(s.oldest_live_call(3).value() == std::nullopt);
  auto b1 = make_batch(0, 10);
  b1.live_started
    = {live("c1", 3, 4, 7), live("c2", 3, 9, 8), live("c3", 5, 2, 7)};
  REQUIRE(s.commit(b1));
  auto oldest = s.oldest_live_call(3).value();
  REQUIRE(oldest);
  CHECK(oldest->call_id == "c1");
  CHECK(oldest->first_position == 4);
  CHECK(oldest->epoch == 7);
  CHECK(oldest->started_at == t0);
  CHECK(s.oldest_live_call(5).value()->call_id == "c3");
  CHECK(s.oldest_live_call(4).value() == std::nullopt);

  // Written again later (a replayed first event): the first row stays.
  auto b2 = make_batch(10, 20);
  b2.live_started = {live("c1", 3, 15, 9)};
  b2.live_ended = {"c3", "never-live"};
  REQUIRE(s.commit(b2));
  CHECK(s.oldest_live_call(3).value()->first_position == 4);
  CHECK(s.oldest_live_call(5).value() == std::nullopt);

  auto b3 = make_batch(20, 30);
  b3.live_ended = {"c1"};
  b3.live_started = {live("old", -1, 1, 0)}; // migration 0004's kind
  REQUIRE(s.commit(b3));
  CHECK(s.oldest_live_call(3).value()->call_id == "old");
  CHECK(s.oldest_live_call(60).value()->first_position == 1);

  // A batch that loses its compare-and-set writes no live call either.
  auto stale = make_batch(20, 40);
  stale.live_ended = {"old", "c2"};
  CHECK(is(s.commit(stale).error(), db_errc::checkpoint_conflict));
  CHECK(s.oldest_live_call(3).value()->call_id == "old");
}

} // namespace sb::test::store_contract
