#pragma once
// `zkbench profile run`: one profile of the project's code on one input, kept as
// benchmarks/profiles/stats_YYYYMMDD_HHMMSS_<shortcommit>[_<title>].txt (ethrex's naming) and in the
// store, so profiles taken by hand sit next to the workflow's.

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "store/profile_record.hpp"
#include "util/error.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

struct ProfileRunRequest {
  project::ProfilerKind zkvm = project::ProfilerKind::zisk;
  std::string input;   // a name from inputs.yaml
  std::string title;   // free text, slugified into the file name ("" = none)
};

struct ProfileRunOutcome {
  std::filesystem::path file;          // where the profile was written
  store::ProfileRecord record;         // as stored (id set; content included)
  std::vector<std::string> warnings;   // e.g. the profile does not parse as a known format
};

/// "stats_20250101_120000_abc1234_my-title.txt": local time `when`, the commit's first 7 characters,
/// the title slugified (left out when it slugifies to nothing). `extension` with its dot.
std::string profile_file_name(std::time_t when, const std::string& commit, const std::string& title,
                              const std::string& extension = ".txt");

/// The extension for a profile of `format` ("gecko" -> ".json", "pprof" -> ".pb", or ".pb.gz" when
/// `content` is gzip); ".txt" for the text formats (ziskemu, callgrind) and anything unknown.
std::string profile_extension(const std::string& format, const std::string& content);

/// Runs the profiler for `request.zkvm` (profiler_for) on the named input in the project's folder at
/// its HEAD commit, writes the file under benchmarks/profiles/ and adds it to the store (no experiment,
/// no baseline). Errors: an unknown input (listing the known ones), the profiler's errors
/// (run_profiler), the write, the store.
Result<ProfileRunOutcome> run_profile(project::Workspace& ws, const ProfileRunRequest& request);

} // namespace zkbench::workflow
