# Writes a C++ source that returns default_rules.json as a string, so the
# binary never needs the source tree at run time (as db/ does for its SQL).
# Run in script mode:
#   cmake -DINPUT=<default_rules.json> -DOUTPUT=<file.cpp> -P embed_rules.cmake

cmake_minimum_required(VERSION 3.16)

if(NOT INPUT OR NOT OUTPUT)
  message(FATAL_ERROR "embed_rules: INPUT and OUTPUT must be set")
endif()

set(delimiter "sb_rules")
file(READ "${INPUT}" text)
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "embed_rules: ${INPUT} contains the raw-string "
                      "delimiter )${delimiter}\"")
endif()

set(content "// Generated from projections/analysis/default_rules.json by
// embed_rules.cmake. Do not edit.

#include \"switchboard/analysis/rules.hpp\"

namespace sb::analysis {

std::string_view default_rules_json() {
  static constexpr std::string_view text = R\"${delimiter}(${text})${delimiter}\";
  return text;
}

} // namespace sb::analysis
")

# Rewrite only on change so that unrelated reconfigures recompile nothing.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${content}")
