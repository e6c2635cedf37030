#pragma once

// Topic tags of a call from the keywords of the rules.

#include "switchboard/analysis/rules.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sb::analysis {

/// Tags whose keywords occur in `text` for `language` (the keywords of the
/// language's primary subtag, "es" for "es-ES", plus those under "*"),
/// matched case-insensitively on word boundaries: a keyword phrase must
/// match whole consecutive words, accented letters are letters, so "price"
/// does not match "prices" (list plurals in the rules) and "CUÁNTO" matches
/// "cuánto". French elisions split off ("l'annulation" has "annulation").
/// Sorted, unique.
[[nodiscard]] std::vector<std::string>
match_tags(const rules& r, std::string_view text, std::string_view language);

/// match_tags with the keywords cut into words once, for a projection that
/// tags many turns with the same rules (about ten times faster with the
/// default rules). Gives the same tags as match_tags.
class tag_matcher {
public:
  explicit tag_matcher(const rules& r);

  [[nodiscard]] std::vector<std::string> match(std::string_view text,
                                               std::string_view language) const;

private:
  struct compiled_tag {
    std::string tag;
    /// language ("*" included) -> each keyword's words
    std::map<std::string, std::vector<std::vector<std::string>>, std::less<>>
      keywords;
  };
  std::vector<compiled_tag> tags_;
};

} // namespace sb::analysis
