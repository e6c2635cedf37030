# Writes a C++ source that embeds every migration file, so the binary never
# needs the source tree at run time. Run in script mode:
#   cmake -DOUTPUT=<file.cpp> -DSOURCES=<a.sql;b.sql> -P embed_migrations.cmake
# File names must look like <version>_<name>.sql (e.g. 0002_add_index.sql);
# versions must be unique and are ordered numerically.

cmake_minimum_required(VERSION 3.16)

if(NOT OUTPUT)
  message(FATAL_ERROR "embed_migrations: OUTPUT not set")
endif()

set(delimiter "sb_sql")
# First pass: validate names and order the files by numeric version. Only
# paths go into CMake lists (SQL text may hold ';' or '[' which lists mangle).
set(keyed "")
set(seen_versions "")
foreach(path IN LISTS SOURCES)
  get_filename_component(file_name "${path}" NAME)
  if(NOT file_name MATCHES "^([0-9]+)_([A-Za-z0-9_]+)\\.sql$")
    message(FATAL_ERROR
      "embed_migrations: ${file_name} is not named <version>_<name>.sql")
  endif()
  set(digits "${CMAKE_MATCH_1}")
  string(REGEX REPLACE "^0+([0-9])" "\\1" version "${digits}")
  if(version IN_LIST seen_versions)
    message(FATAL_ERROR "embed_migrations: version ${version} appears twice")
  endif()
  list(APPEND seen_versions "${version}")
  string(LENGTH "${version}" width)
  math(EXPR padding "12 - ${width}")
  string(REPEAT "0" ${padding} zeros)
  list(APPEND keyed "${zeros}${version}|${path}")
endforeach()
list(SORT keyed)

# Second pass: one raw string literal per file, in version order.
set(body "")
foreach(item IN LISTS keyed)
  string(FIND "${item}" "|" bar)
  math(EXPR start "${bar} + 1")
  string(SUBSTRING "${item}" ${start} -1 path)
  get_filename_component(file_name "${path}" NAME)
  string(REGEX MATCH "^([0-9]+)_([A-Za-z0-9_]+)" unused "${file_name}")
  set(digits "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  string(REGEX REPLACE "^0+([0-9])" "\\1" version "${digits}")
  file(READ "${path}" sql)
  string(FIND "${sql}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "embed_migrations: ${file_name} contains the "
                        "raw-string delimiter )${delimiter}\"")
  endif()
  string(APPEND body
    "  {${version}, \"${name}\", R\"${delimiter}(${sql})${delimiter}\"},\n")
endforeach()

set(content "// Generated from db/migrations/*.sql by embed_migrations.cmake.
// Do not edit.

#include \"switchboard/db/migrate.hpp\"

namespace sb::db {

const std::vector<migration>& embedded_migrations() {
  static const std::vector<migration> all{
${body}  };
  return all;
}

} // namespace sb::db
")

# Rewrite only on change so that unrelated reconfigures recompile nothing.
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${content}")
