#pragma once

// Local calendar buckets (hours, days) in a time zone, for analytics that
// count "per day in Europe/Paris": the zone is an IANA name, read from the
// system's tzdata, or a fixed offset such as "+05:30". Times are µs since
// the Unix epoch (UTC), as everywhere else.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb {

enum class calendar_unit { hour, day };

class time_zone {
public:
  /// "UTC", an IANA name ("America/New_York"), "Z", or an offset "+hh:mm" /
  /// "-hh:mm" (up to 18 hours); nullopt for anything else.
  [[nodiscard]] static std::optional<time_zone> find(std::string_view name);

  /// The name as given ("+05:30", "Europe/Paris").
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  /// The zone's offset from UTC at `at_us`, in seconds (east positive).
  [[nodiscard]] std::int64_t offset_seconds(std::int64_t at_us) const;

  /// The start of the local hour or day that holds `at_us`. A day starts at
  /// local midnight, or where the day begins when a clock change skips
  /// midnight; an hour is 60 minutes of local clock time, so a repeated
  /// hour at a clock change is two buckets.
  [[nodiscard]] std::int64_t floor(std::int64_t at_us,
                                   calendar_unit unit) const;

  /// The start of the bucket after the one starting at `bucket_us`.
  [[nodiscard]] std::int64_t next(std::int64_t bucket_us,
                                  calendar_unit unit) const;

  /// `at_us` in local time with its offset: "2026-03-29T03:00:00+02:00".
  [[nodiscard]] std::string format(std::int64_t at_us) const;

private:
  time_zone() = default;

  std::string name_;
  const void* iana_ = nullptr; ///< date::time_zone, kept out of this header
  std::int64_t fixed_offset_s_ = 0;
};

} // namespace sb
