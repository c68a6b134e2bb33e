// Helpers for the admin tool's tests: a store with a small real history, and running grappe-admin
// as a process. Temporary folders and running a program come from tests/support.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "grappe/domain/events.h"
#include "grappe/eventstore/store.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace grappe::admin::test {

using grappe::test::read_file;
using grappe::test::TempDir;
using Run = grappe::test::RunResult;

// Runs grappe-admin with `args` (≤ 120 s); standard input from `input` (empty: /dev/null). A
// sanitizer report on its standard error fails the test.
Run admin(const std::vector<std::string>& args, const std::filesystem::path& input = {});

void write_file(const std::filesystem::path& file, const std::string& text);

// The grappes of the sample history.
inline constexpr const char* kGrappeA = "0b6f3a52-8f63-4c1e-9a55-3c1f5b0d2a11";
inline constexpr const char* kGrappeB = "7d2e9c40-1b5a-4f7e-8c3d-5e6f7a8b9c22";
// The moment of the sample history's first event; event k (0-based) is k minutes later.
inline constexpr std::chrono::sys_days kStartDay{std::chrono::year{2026} / 11 / 23};

// Fills `dir` with a small history: two grappes created, establishments invited, accepted (with
// their esms-<finess> MembershipRecorded), declined, comments; each command at its own minute.
// Returns the store, still open.
std::unique_ptr<es::Store> sample_store(const std::filesystem::path& dir);

// Every record of `store`'s log.
std::vector<es::Record> all_records(es::Store& store);

}  // namespace grappe::admin::test
