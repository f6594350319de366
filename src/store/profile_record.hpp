#pragma once
// A profile kept in the store (schema version 5): a profiler's output as it wrote it, or the text of
// an experiment's profile diff against its baseline, with what it profiled and whose it is.

#include <cstdint>
#include <optional>
#include <string>

namespace zkbench::store {

struct ProfileRecord {
  std::int64_t id = 0;                       // assigned by the store
  std::int64_t created_at_us = 0;
  std::string kind = "profile";              // "profile" (a profiler's output) or "diff" (profile diff text)
  std::string zkvm;                          // the profiler: "zisk", "sp1", "risc0", "callgrind"
  std::string format;                        // the parser's format name ("ziskemu", "gecko", ...); "" for a diff
  std::string input;                         // the input profiled (its name in inputs.yaml)
  std::string title;                         // free text ("" when none)
  std::string commit;                        // git commit of the code profiled
  std::string file_name;                     // "stats_20250101_120000_abc1234_title.txt", "profile.txt", ...
  std::string content;                       // the bytes (may be binary); empty in list_profiles' answers
  std::size_t size_bytes = 0;                // content's size; set by the store when reading
  std::optional<int> experiment_number;      // the experiment whose profile it is
  std::optional<std::int64_t> baseline_id;   // the baseline it belongs to (an experiment's: the one compared with)
};

} // namespace zkbench::store
