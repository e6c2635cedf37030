#pragma once

// The per-call fold state of the projections that keep one in their
// generation's call_state table: cereal binary archives behind a format
// version, and loading the states of a batch's calls the fold lacks.

#include "switchboard/db/errors.hpp"
#include "switchboard/db/pg_bulk.hpp"
#include "switchboard/projections/pg_writer.hpp"

#include <cereal/archives/binary.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace sb::projections::detail {

/// `value` archived behind `version`.
template <class T>
std::string encode_state(std::uint8_t version, const T& value) {
  std::ostringstream out;
  {
    cereal::BinaryOutputArchive ar{out};
    ar(version, value);
  }
  return out.str();
}

/// False for bytes that are not a whole archive of `version`: a state of
/// another format is refused, never guessed at.
template <class T>
bool decode_state(const std::string& bytes, std::uint8_t version, T& value) {
  try {
    std::istringstream in{bytes};
    cereal::BinaryInputArchive ar{in};
    std::uint8_t stored = 0;
    ar(stored);
    if (stored != version)
      return false;
    ar(value);
    return in.peek() == std::char_traits<char>::eof();
  } catch (const cereal::Exception&) {
    return false;
  }
}

/// Decodes every stored state of `states` into `into` (call id → T), all
/// or none: false, with `error` naming `projection` and the call, if one
/// cannot be read.
template <class T, class Map>
bool decode_states(const std::map<std::string, std::string>& states,
                   std::uint8_t version, const char* projection, Map& into,
                   std::string& error) {
  std::vector<std::pair<std::string, T>> decoded;
  for (const auto& [id, bytes] : states) {
    T value;
    if (!decode_state(bytes, version, value)) {
      error = std::string{projection} + ": the stored state of call " + id
              + " cannot be read";
      return false;
    }
    decoded.emplace_back(id, std::move(value));
  }
  for (auto& [id, value] : decoded)
    into.insert_or_assign(id, std::move(value));
  return true;
}

/// Loads into `fold` the stored states of those `ids` it does not hold
/// (`fold.holds(id)`, `fold.load(states, error)`).
template <class Fold>
caf::error load_missing_states(Fold& fold, pg_writer& writer,
                               const std::set<std::string>& ids) {
  std::vector<std::string> unseen;
  for (const auto& id : ids)
    if (!fold.holds(id))
      unseen.push_back(id);
  if (unseen.empty())
    return caf::none;
  std::map<std::string, std::string> states;
  if (auto err
      = writer.read("load call states", [&](pqxx::transaction_base& tx) {
          states = db::load_call_states(tx, unseen);
        }))
    return err;
  std::string error;
  if (!fold.load(states, error))
    return db::make_error(db::db_errc::query_failed, error);
  return caf::none;
}

} // namespace sb::projections::detail
