#pragma once

// The top_phrases projection's logic: the phrases (n-grams without stop
// words, analysis::phrases_of) of each user turn, counted per tenant ×
// agent × UTC day of the call's start once the turn is final: when a
// later turn begins, the turn completes, or the call ends. A turn is the
// text of its parts joined as the sessions fold joins them, in the call's
// language as the sessions fold derives it. Phrases counted before a
// call's agent changed stay with the agent they were counted for.
//
// Pure: the projection loads the stored state of a batch's calls (load),
// applies the events, and writes what take_batch() gives.

#include "switchboard/events/event.hpp"
#include "switchboard/projections/projection.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sb::projections {

/// The row key of top_phrases.
struct phrase_key {
  std::string tenant_id;
  std::string agent_id;
  std::int64_t day = 0; ///< µs: 00:00 UTC of the call's start
  std::string phrase;

  [[nodiscard]] auto tie() const {
    return std::tie(tenant_id, agent_id, day, phrase);
  }
  bool operator<(const phrase_key& o) const { return tie() < o.tie(); }
  bool operator==(const phrase_key& o) const { return tie() == o.tie(); }
};

/// What one batch writes: counts to add per key, and the new states of
/// the calls it changed (call id, bytes).
struct phrases_batch {
  std::map<phrase_key, std::int64_t> counts;
  std::vector<std::pair<std::string, std::string>> states;
};

class top_phrases_fold {
public:
  /// Bulk mode (a replay) adds every batch's counts into totals given once,
  /// at `final`, and writes a live call's state only then. `cached_calls`:
  /// live calls kept between incremental batches; beyond it the fold
  /// forgets them all (their states are stored) and the next batches load
  /// what they need.
  explicit top_phrases_fold(write_mode mode = write_mode::incremental,
                            std::size_t cached_calls = 100'000);

  /// Stored states of calls the fold does not hold; false (nothing loaded)
  /// if one cannot be read, `error` saying which.
  bool load(const std::map<std::string, std::string>& states,
            std::string& error);

  /// True when the fold holds `call_id`, or knows it has no stored state
  /// (bulk mode: a call it never wrote): nothing need be loaded.
  [[nodiscard]] bool holds(const std::string& call_id) const;

  void apply(const event& e, const event_position& at);

  /// The counts and states to commit; ended calls are forgotten.
  [[nodiscard]] phrases_batch take_batch(bool final);

  /// What the fold keeps of a call.
  struct call {
    std::string tenant_id;
    std::string agent_id;
    std::int64_t started_at = 0;
    std::string language;
    std::uint64_t last_seq = 0;
    std::uint32_t open_turn = 0; ///< the user turn not yet counted; 0: none
    std::string open_text;
    bool ended = false;
  };

private:
  struct applier;

  void count_open(call& c);

  write_mode mode_;
  std::size_t cached_calls_;
  std::unordered_map<std::string, call> calls_;
  std::set<std::string> touched_;
  phrases_batch pending_;
  std::set<std::string> written_; ///< bulk: calls whose state was written
};

} // namespace sb::projections
