#pragma once
// The profiler of a project: zkbench.yaml's `profile:` or, for `zkbench profile run --zkvm X`, the
// preset of X. Run on one input of a checkout, its output kept as files (benchmarks/baseline/
// profile.txt, an experiment's profile.txt and profile_diff.txt, benchmarks/profiles/stats_*.txt) and
// in the store (profiles table), where the dashboard finds an experiment's profile and its baseline's.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "measure/executor.hpp"
#include "store/store.hpp"
#include "util/error.hpp"
#include "project/config.hpp"
#include "workflow/prepared_input.hpp"

namespace zkbench::workflow {

/// zkbench.yaml's `profile:` when it is for `kind`; otherwise the preset of `kind`:
///   zisk       ziskemu -e {elf} -i {input} -X -S -D                     (stdout)
///   sp1        TRACE_FILE={out}/trace.json {host} --execute --input {input}   -> {out}/trace.json
///   risc0      RISC0_DEV_MODE=1 RISC0_PPROF_OUT={out}/profile.pb {host} --input {input}  -> {out}/profile.pb
///   callgrind  valgrind --tool=callgrind --callgrind-out-file={out}/callgrind.out <benchmark.command>
///              -> {out}/callgrind.out (the benchmark command run under callgrind)
/// Error: the preset needs a placeholder the project does not define (vars.elf, vars.host), with the fix.
Result<project::ProfileConfig> profiler_for(const project::ProjectConfig& config, project::ProfilerKind kind);

/// Runs `profiler` (its command template and the file it writes; "": the profile is its stdout) through
/// `executor` on `input` (its placeholders prepared: prepare_input) in `work_dir` and returns what it
/// produced (its stdout, or the file it writes). Errors: the program is not installed (the shell's "not
/// found", exit 127), the profiler fails ("profiler '…' failed on input 'x' (exit 2): <last lines of its
/// output>"), its output file is missing, an input that is generated but not written yet.
Result<std::string> run_profiler(measure::Executor& executor, const project::ProfileConfig& profiler,
                                 const PreparedInput& input, const std::filesystem::path& work_dir);

/// run_profiler with the profiler's commands expanded already (the prepared input's). Errors: as
/// run_profiler's, a command that did not expand among them.
Result<std::string> run_prepared_profiler(measure::Executor& executor, const project::ProfilerCommand& profiler,
                                          const PreparedInput& input, const std::filesystem::path& work_dir);

/// The profile files of one checkout (baseline or experiment), in the order written: kind "profile"
/// (profile.txt) and, against an earlier profile, kind "diff" (profile_diff.txt).
struct KeptProfile {
  std::string zkvm;                                                // the configured profiler's
  std::string input;                                               // the input it ran on
  std::vector<std::pair<std::string, std::filesystem::path>> files; // kind, file
  std::vector<std::string> warnings;                               // the profiler or the diff failed
};

/// The one path of `baseline` and `exp run` to a profile: the configured profiler (zkbench.yaml's
/// `profile:`, as `input` prepared it) run through `executor` on `input` in `work_dir`, its output written
/// to `dir`/profile.txt
/// and, when `compare_with` is a file, its diff with it to `dir`/profile_diff.txt. No profiler
/// configured: nothing kept. A profiler that fails is the warning "no <what>: <why>", a diff that fails
/// "no profile diff: <why>". Errors: writing the files.
Result<KeptProfile> keep_profile(measure::Executor& executor, const PreparedInput& input,
                                 const std::filesystem::path& work_dir, const std::filesystem::path& dir,
                                 const std::string& what, const std::filesystem::path& compare_with = {});

/// `kept`'s files in the store, each as `record` says (title, commit, links) with its kind, zkvm and
/// input: the dashboard's profile chart finds them there. Returns a warning per file the store refused.
std::vector<std::string> store_kept_profile(store::Store& store, const KeptProfile& kept,
                                            const store::ProfileRecord& record);

/// The text of `profile diff base current` (formats detected by content). Error: a file that does not
/// parse as a known profile format.
Result<std::string> profile_diff_text(const std::filesystem::path& base, const std::filesystem::path& current);

/// The name of the profile format `content` is in (profile::detect_profile_format), "" when none.
std::string profile_format_of(std::string_view content);

/// Adds the file `file` to the store: `record`'s fields (kind, zkvm, input, title, commit, links) with
/// the file's bytes and name, created now, the format detected for kind "profile". Returns its id.
/// Errors: the file cannot be read, the store's.
Result<std::int64_t> store_profile_file(store::Store& store, const std::filesystem::path& file,
                                        store::ProfileRecord record);

} // namespace zkbench::workflow
