#include "queue/slurm_batch.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/experiment.hpp"
#include "util/strings.hpp"
#include "project/command_template.hpp"

namespace zkbench::queue::slurm {

namespace {

/// "001" for "1", "001", "bench/001-x"; empty when `text` holds no number.
std::string experiment_digits(const std::string& text) {
  const std::size_t start = text.find_first_of("0123456789");
  if (start == std::string::npos) {
    return "";
  }
  const std::size_t end = text.find_first_not_of("0123456789", start);
  const std::string digits = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (digits.size() > 6) {
    return "";
  }
  return core::ExperimentNumber(std::stoi(digits)).format();
}

// A field of a Slurm time: digits only.
std::optional<long long> time_field(std::string_view text) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  return std::stoll(std::string(text));
}

// Seconds of a Slurm time value (sbatch --time's forms); nullopt when malformed.
std::optional<long long> slurm_time_seconds(std::string_view text) {
  long long days = 0;
  const auto dash = text.find('-');
  if (dash != std::string_view::npos) {
    const auto d = time_field(text.substr(0, dash));
    if (!d) {
      return std::nullopt;
    }
    days = *d;
    text.remove_prefix(dash + 1);
  }
  std::vector<long long> fields;
  for (const std::string& part : util::split(text, ':')) {
    const auto value = time_field(part);
    if (!value) {
      return std::nullopt;
    }
    fields.push_back(*value);
  }
  long long seconds = 0;
  if (dash != std::string_view::npos) { // D-H, D-H:M, D-H:M:S
    if (fields.empty() || fields.size() > 3) {
      return std::nullopt;
    }
    fields.resize(3, 0);
    seconds = ((days * 24 + fields[0]) * 60 + fields[1]) * 60 + fields[2];
  } else if (fields.size() == 1) { // M
    seconds = fields[0] * 60;
  } else if (fields.size() == 2) { // M:S
    seconds = fields[0] * 60 + fields[1];
  } else if (fields.size() == 3) { // H:M:S
    seconds = (fields[0] * 60 + fields[1]) * 60 + fields[2];
  } else {
    return std::nullopt;
  }
  return seconds;
}

constexpr double k_max_minutes = 366.0 * 24 * 60; // Slurm takes up to a year

} // namespace

std::string job_name(const std::vector<std::string>& argv, std::int64_t queue_job_id) {
  if (argv.size() == 1 && argv[0] == "baseline") {
    return "zkbench-baseline";
  }
  if (argv.size() >= 3 && argv[0] == "exp" && argv[1] == "run") {
    if (const std::string number = experiment_digits(argv[2]); !number.empty()) {
      return "zkbench-" + number;
    }
  }
  if (!argv.empty() && argv[0] == "bisect") {
    return fmt::format("zkbench-bisect-{}", queue_job_id); // squeue tells bisections apart by their job
  }
  if (argv.size() >= 3 && argv[0] == "compound") {
    std::string name = "zkbench-compound";
    for (std::size_t i = 1; i < argv.size(); ++i) {
      const std::string number = experiment_digits(argv[i]);
      if (number.empty()) {
        return fmt::format("zkbench-job-{}", queue_job_id);
      }
      name += "-" + number;
    }
    return name;
  }
  return fmt::format("zkbench-job-{}", queue_job_id);
}

std::filesystem::path slurm_dir(const std::filesystem::path& artifacts_dir) {
  return artifacts_dir / "slurm";
}

std::string batch_script(const BatchJob& job) {
  std::vector<std::string> what;
  for (const std::string& arg : job.argv) {
    what.push_back(project::shell_quote(arg));
  }
  // The comment lines are what `scontrol write batch_script` shows: no secret in them.
  return fmt::format("#!/bin/sh\n"
                     "# zkbench job {id}: zkbench {what}\n"
                     "# store: {store} (ZKBENCH_STORE in the job's environment)\n"
                     "exec {program} worker --job {id} --log-dir {logs}\n",
                     fmt::arg("id", job.queue_job_id), fmt::arg("what", util::join(what, " ")),
                     fmt::arg("store", job.store_display), fmt::arg("program", project::shell_quote(job.program.string())),
                     fmt::arg("logs", project::shell_quote(slurm_dir(job.artifacts_dir).string())));
}

std::vector<std::string> sbatch_argv(const project::FleetConfig& fleet, const BatchJob& job,
                                     const std::filesystem::path& script) {
  std::vector<std::string> argv = {"sbatch", "--parsable"};
  // First, so that zkbench's own options below win where both name one (sbatch keeps the last).
  argv.insert(argv.end(), fleet.sbatch_options.begin(), fleet.sbatch_options.end());
  argv.push_back("--exclusive");
  argv.push_back("--job-name=" + job.name);
  if (!fleet.gres.empty()) {
    argv.push_back("--gres=" + fleet.gres);
  }
  if (!fleet.partition.empty()) {
    argv.push_back("--partition=" + fleet.partition);
  }
  if (!fleet.account.empty()) {
    argv.push_back("--account=" + fleet.account);
  }
  argv.push_back("--output=" + (slurm_dir(job.artifacts_dir) / (job.name + "-%j.out")).string());
  argv.push_back("--chdir=" + job.workdir.string());
  argv.push_back("--export=ALL");
  if (job.time_limit_minutes) {
    argv.push_back(fmt::format("--time={}", *job.time_limit_minutes));
  }
  if (job.after_ok) {
    argv.push_back(fmt::format("--dependency=afterok:{}", *job.after_ok));
    // A dependency that can never be met (the baseline failed) cancels the job instead of parking it.
    argv.push_back("--kill-on-invalid-dep=yes");
  }
  argv.push_back(script.string());
  return argv;
}

Result<std::int64_t> parse_sbatch_job_id(const std::string& output) {
  const std::string_view line = util::trim(output);
  const std::string_view id = line.substr(0, line.find(';'));
  const auto value = util::parse_count(id);
  if (id.empty() || id.find_first_not_of("0123456789") != std::string_view::npos || !value) {
    return make_error(fmt::format("sbatch --parsable printed '{}', not a job id", line));
  }
  return static_cast<std::int64_t>(*value);
}

int time_limit_minutes(const TimeLimitInputs& inputs) {
  // Each side: its warmup, its runs and one correctness run of its build.
  const int runs = std::max(1, inputs.sides) * (std::max(0, inputs.warmup) + std::max(0, inputs.runs_per_input) + 1);
  double seconds = std::max(0.0, inputs.build_s);
  for (const double median : inputs.baseline_medians_s) {
    seconds += runs * (std::max(0.0, median) * inputs.timeout_multiplier + std::max(0.0, inputs.cooldown_s));
  }
  const double minutes = std::ceil(std::max(inputs.min_minutes, seconds / 60.0));
  return static_cast<int>(std::min(minutes, k_max_minutes));
}

int bisect_time_limit_minutes(const BisectTimeLimitInputs& inputs) {
  const double comparisons = static_cast<double>(inputs.halvings) + 1;
  const double builds = static_cast<double>(inputs.halvings) + 2;
  const double runs_per_side = std::max(0, inputs.warmup) + std::max(0, inputs.max_runs);
  double seconds = builds * std::max(0.0, inputs.build_s);
  for (const double run : inputs.run_s) {
    seconds += builds * std::max(0.0, run); // the correctness run on each build
    seconds += comparisons * 2 * runs_per_side * (std::max(0.0, run) + std::max(0.0, inputs.cooldown_s));
  }
  double minutes = std::ceil(std::max(inputs.min_minutes, std::max(1.0, inputs.safety_factor) * seconds / 60.0));
  minutes = std::min(minutes, k_max_minutes);
  if (inputs.max_minutes) {
    minutes = std::min(minutes, static_cast<double>(*inputs.max_minutes));
  }
  return static_cast<int>(minutes);
}

std::optional<int> fleet_time_limit_minutes(const project::FleetConfig& fleet) {
  std::optional<std::string_view> value;
  for (const std::string& option : fleet.sbatch_options) {
    if (util::starts_with(option, "--time=")) {
      value = std::string_view(option).substr(7);
    }
  }
  if (!value || *value == "UNLIMITED" || *value == "INFINITE") {
    return std::nullopt;
  }
  const auto seconds = slurm_time_seconds(*value);
  if (!seconds || *seconds <= 0) {
    return std::nullopt;
  }
  return static_cast<int>(std::min(std::ceil(static_cast<double>(*seconds) / 60.0), k_max_minutes));
}

} // namespace zkbench::queue::slurm
