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
  const int runs = std::max(0, inputs.warmup) + std::max(0, inputs.runs_per_input) + 1;
  double seconds = std::max(0.0, inputs.build_s);
  for (const double median : inputs.baseline_medians_s) {
    seconds += runs * (std::max(0.0, median) * inputs.timeout_multiplier + std::max(0.0, inputs.cooldown_s));
  }
  const double minutes = std::ceil(std::max(inputs.min_minutes, seconds / 60.0));
  return static_cast<int>(std::min(minutes, 366.0 * 24 * 60)); // Slurm takes up to a year
}

} // namespace zkbench::queue::slurm
