# The fuzz targets (targets/<name>.cpp) and the project sources they reach beyond domain/, shared
# by the regression build (tests/fuzz/CMakeLists.txt) and the libFuzzer build (libfuzzer/).
set(GRAPPE_FUZZ_TARGETS
  ws_message command_payload http_query http_body request_path
  finess_extract simple_csv finess_plus call_config users_file admin_import signed_note)

# Relative to the repository's root. The libFuzzer build compiles these (and domain/, reference/)
# only.
set(GRAPPE_FUZZ_PROJECT_SOURCES
  server/src/json_util.cpp server/src/command_request.cpp server/src/command_answer.cpp
  server/src/api.cpp
  server/src/static_files.cpp server/src/users_file.cpp
  eventstore/src/json_check.cpp eventstore/src/timestamp.cpp
  tools/admin_tool/record_json.cpp
  tlog/src/note.cpp tlog/src/checkpoint.cpp tlog/src/proof.cpp tlog/src/receipt.cpp)

# Public headers, then private folders searched for "…" includes only (-iquote): server/src has a
# limits.h that must not stand for the C library's <limits.h>.
set(GRAPPE_FUZZ_INCLUDE_DIRS domain/include reference/include eventstore/include projections/include
  server/include tlog/include)
set(GRAPPE_FUZZ_QUOTE_DIRS server/src eventstore/src tools/admin_tool tests/fuzz)
