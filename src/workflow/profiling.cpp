#include "workflow/profiling.hpp"

#include <fmt/format.h>

#include "profile/diff.hpp"
#include "profile/parse.hpp"
#include "measure/run_loop.hpp"
#include "profile/render.hpp"
#include "util/clock.hpp"
#include "util/files.hpp"
#include "project/command_template.hpp"
#include "workflow/checkout_steps.hpp"

namespace zkbench::workflow {

namespace {

/// The preset of `kind` (see profiler_for), without checking its placeholders.
project::ProfileConfig preset_profiler(const project::ProjectConfig& config, project::ProfilerKind kind) {
  switch (kind) {
  case project::ProfilerKind::zisk:
    return {kind, "ziskemu -e {elf} -i {input} -X -S -D", ""};
  case project::ProfilerKind::sp1:
    return {kind, "TRACE_FILE={out}/trace.json {host} --execute --input {input}", "{out}/trace.json"};
  case project::ProfilerKind::risc0:
    return {kind, "RISC0_DEV_MODE=1 RISC0_PPROF_OUT={out}/profile.pb {host} --input {input}", "{out}/profile.pb"};
  case project::ProfilerKind::callgrind:
    return {kind, "valgrind --tool=callgrind --callgrind-out-file={out}/callgrind.out " + config.benchmark.command,
            "{out}/callgrind.out"};
  }
  return {kind, "", ""};
}

} // namespace

Result<project::ProfileConfig> profiler_for(const project::ProjectConfig& config, project::ProfilerKind kind) {
  if (config.profile && config.profile->zkvm == kind) {
    return *config.profile;
  }
  project::ProfileConfig preset = preset_profiler(config, kind);
  for (const char* var : {"elf", "host"}) {
    if (preset.command.find(fmt::format("{{{}}}", var)) != std::string::npos && !config.vars.contains(var)) {
      return make_error(fmt::format("the {} profiler runs '{}' but {} has no vars.{}: add it, or configure "
                                    "`profile:` with zkvm: {} and its command",
                                    to_string(kind), preset.command, config.file.filename().string(), var,
                                    to_string(kind)));
    }
  }
  return preset;
}

Result<std::string> run_profiler(measure::Executor& executor, const project::ProfileConfig& profiler,
                                 const PreparedInput& prepared, const std::filesystem::path& work_dir) {
  return run_prepared_profiler(executor, project::expand_profiler(profiler, prepared.values), prepared, work_dir);
}

Result<std::string> run_prepared_profiler(measure::Executor& executor, const project::ProfilerCommand& profiler,
                                          const PreparedInput& prepared, const std::filesystem::path& work_dir) {
  const project::InputSpec& input = prepared.spec;
  if (input.generate && !std::filesystem::exists(input.path)) {
    return make_error(fmt::format("input '{}' is generated and not written yet ({})", input.name, input.path.string()));
  }
  const std::filesystem::path& out = prepared.out;
  std::error_code ec;
  std::filesystem::create_directories(out, ec); // made when prepared; again, in case it went since
  ZKBENCH_TRY_ASSIGN(command, profiler.command);
  const bool to_file = profiler.output.has_value();
  // A profile on stdout must not mix with the profiler's messages: those go to a file, read on failure.
  const std::filesystem::path stderr_file = out / "profiler.stderr";
  measure::CommandSpec spec;
  spec.text = to_file ? *command : "{ " + *command + "\n} 2>" + project::shell_quote(stderr_file.string());
  spec.shell = measure::ShellMode::shell;
  spec.working_dir = work_dir;
  measure::ExecutionOptions options;
  options.capture_limit_bytes = std::size_t{256} << 20;
  ZKBENCH_TRY_ASSIGN(result, with_context(executor.execute(spec, options),
                                          fmt::format("profiler '{}' cannot run", *command)));
  if (result->status != core::RunStatus::success) {
    std::string said = result->output;
    if (!to_file) {
      said = util::read_text_file(stderr_file).value_or("") + "\n" + said;
    }
    if (result->exit_code == 127) { // the shell's "command not found"
      return make_error(fmt::format("profiler not installed: '{}' on input '{}' (exit 127): {}", *command, input.name,
                                    tail_lines(said, 3)));
    }
    return make_error(fmt::format("profiler '{}' failed on input '{}' ({}): {}", *command, input.name,
                                  measure::describe_ending(*result, measure::EndingWords::brief),
                                  tail_lines(said, 5)));
  }
  if (to_file) {
    ZKBENCH_TRY_ASSIGN(output, *profiler.output);
    return read_written_file(*output, work_dir, "the profiler's output");
  }
  return std::move(result->output);
}

Result<KeptProfile> keep_profile(measure::Executor& executor, const PreparedInput& input,
                                 const std::filesystem::path& work_dir, const std::filesystem::path& dir,
                                 const std::string& what, const std::filesystem::path& compare_with) {
  KeptProfile kept;
  if (!input.profiler) {
    return kept;
  }
  kept.zkvm = to_string(input.profiler->zkvm);
  kept.input = input.spec.name;
  const std::filesystem::path profile = dir / "profile.txt";
  // The configured profiler: never a preset here (profiler_for gives `profile:` itself for its zkvm).
  if (auto written = [&]() -> Result<void> {
        ZKBENCH_TRY_ASSIGN(text, run_prepared_profiler(executor, *input.profiler, input, work_dir));
        return util::write_file_atomically(profile, *text);
      }();
      !written) {
    kept.warnings.push_back(fmt::format("no {}: {}", what, written.error().message));
    return kept;
  }
  kept.files.emplace_back("profile", profile);
  if (!compare_with.empty() && std::filesystem::exists(compare_with)) {
    auto diff = profile_diff_text(compare_with, profile);
    if (!diff) {
      kept.warnings.push_back("no profile diff: " + diff.error().message);
      return kept;
    }
    ZKBENCH_TRY(util::write_file_atomically(dir / "profile_diff.txt", *diff));
    kept.files.emplace_back("diff", dir / "profile_diff.txt");
  }
  return kept;
}

std::vector<std::string> store_kept_profile(store::Store& store, const KeptProfile& kept,
                                            const store::ProfileRecord& record) {
  std::vector<std::string> warnings;
  for (const auto& [kind, file] : kept.files) {
    store::ProfileRecord stored = record;
    stored.kind = kind;
    stored.zkvm = kept.zkvm;
    stored.input = kept.input;
    if (auto added = store_profile_file(store, file, std::move(stored)); !added) {
      warnings.push_back(fmt::format("{} is not in the store: {}", file.filename().string(), added.error().message));
    }
  }
  return warnings;
}

Result<std::string> profile_diff_text(const std::filesystem::path& base, const std::filesystem::path& current) {
  ZKBENCH_TRY_ASSIGN(a, profile::parse_profile_file(base));
  ZKBENCH_TRY_ASSIGN(b, profile::parse_profile_file(current));
  return profile::render_diff(profile::diff_profiles(*a, *b), "baseline", "experiment", 20);
}

std::string profile_format_of(std::string_view content) {
  const profile::ProfileFormat* format = profile::detect_profile_format(content.substr(0, profile::k_sniff_bytes));
  return format != nullptr ? std::string(format->name) : "";
}

Result<std::int64_t> store_profile_file(store::Store& store, const std::filesystem::path& file,
                                        store::ProfileRecord record) {
  ZKBENCH_TRY_ASSIGN(content, util::read_text_file(file));
  record.created_at_us = util::unix_now_us();
  record.format = record.kind == "profile" ? profile_format_of(*content) : "";
  record.file_name = file.filename().string();
  record.content = std::move(*content);
  return store.add_profile(record);
}

} // namespace zkbench::workflow
