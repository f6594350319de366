#include "queue/slurm_state.hpp"

#include <array>
#include <string_view>

#include <fmt/format.h>

#include "util/strings.hpp"

namespace zkbench::queue::slurm {

namespace {

std::optional<std::int64_t> parse_job_id(std::string_view text) {
  const auto count = util::parse_count(util::trim(text));
  if (!count || util::trim(text).find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*count);
}

/// Non-empty lines of `text`.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (const std::string& line : util::split(text, '\n')) {
    if (!util::trim(line).empty()) {
      lines.emplace_back(util::trim(line));
    }
  }
  return lines;
}

/// The value of `key=` in scontrol's one-line output: up to the next blank.
std::optional<std::string> scontrol_value(const std::string& text, std::string_view key) {
  std::size_t at = 0;
  const std::string needle = std::string(key) + "=";
  while ((at = text.find(needle, at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == ' ' || text[at - 1] == '\n') {
      const std::size_t start = at + needle.size();
      const std::size_t end = text.find_first_of(" \n", start);
      return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
    at += needle.size();
  }
  return std::nullopt;
}

std::string null_to_empty(const std::string& value) {
  return value == "(null)" ? std::string() : value;
}

} // namespace

Result<std::vector<JobState>> parse_squeue(const std::string& text) {
  std::vector<JobState> jobs;
  int number = 0;
  for (const std::string& line : util::split(text, '\n')) {
    ++number;
    if (util::trim(line).empty()) {
      continue;
    }
    const auto fields = util::split(util::trim(line), '|');
    const auto id = fields.empty() ? std::nullopt : parse_job_id(fields[0]);
    if (fields.size() != 8 || !id) {
      return make_error(fmt::format("squeue line {}: expected 8 fields '{}' starting with a job id, got '{}'", number,
                                    k_squeue_format, line));
    }
    jobs.push_back({*id, fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], ""});
  }
  return jobs;
}

Result<std::optional<JobState>> parse_scontrol_job(const std::string& text) {
  if (text.find("Invalid job id specified") != std::string::npos) {
    return std::optional<JobState>();
  }
  const auto id_text = scontrol_value(text, "JobId");
  const auto state = scontrol_value(text, "JobState");
  const auto id = id_text ? parse_job_id(*id_text) : std::nullopt;
  if (!id || !state) {
    return make_error(fmt::format("scontrol show job: expected JobId=<number> and JobState=, got '{}'",
                                  text.substr(0, 200)));
  }
  JobState job;
  job.job_id = *id;
  job.state = *state;
  job.name = scontrol_value(text, "JobName").value_or("");
  job.nodes = null_to_empty(scontrol_value(text, "NodeList").value_or(""));
  job.reason = scontrol_value(text, "Reason").value_or("");
  job.time_used = scontrol_value(text, "RunTime").value_or("");
  job.time_limit = scontrol_value(text, "TimeLimit").value_or("");
  job.exit_code = scontrol_value(text, "ExitCode").value_or("");
  return std::optional<JobState>(std::move(job));
}

Result<std::vector<JobState>> parse_sacct(const std::string& text) {
  std::vector<JobState> jobs;
  for (const std::string& line : lines_of(text)) {
    const auto fields = util::split(line, '|');
    if (fields.size() != 6) {
      return make_error(fmt::format("sacct: expected 6 fields '{}', got '{}'", k_sacct_fields, line));
    }
    if (fields[0].find('.') != std::string::npos) {
      continue; // a job step (12.batch, 12.0): the allocation's line says how the job ended
    }
    const auto id = parse_job_id(fields[0]);
    if (!id) {
      return make_error(fmt::format("sacct: expected a job id, got '{}'", fields[0]));
    }
    const std::string state = fields[2].substr(0, fields[2].find(' ')); // "CANCELLED by 0"
    jobs.push_back({*id, fields[1], state, null_to_empty(fields[3]) == "None assigned" ? "" : fields[3], fields[5], "",
                    "", fields[4]});
  }
  return jobs;
}

Ending ending_of(const std::string& state) {
  const std::string_view name = std::string_view(state).substr(0, state.find_first_of(" +"));
  if (name == "COMPLETED") {
    return Ending::completed;
  }
  if (name == "TIMEOUT" || name == "DEADLINE") {
    return Ending::timed_out;
  }
  if (name == "CANCELLED") {
    return Ending::cancelled;
  }
  constexpr std::array k_failed = {"FAILED", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "PREEMPTED", "REVOKED",
                                   "SPECIAL_EXIT"};
  for (const char* failed : k_failed) {
    if (name == failed) {
      return Ending::failed;
    }
  }
  return Ending::open;
}

Ending ending_when_stopped(const JobState& state) {
  const Ending ending = ending_of(state.state);
  if (ending != Ending::open) {
    return ending;
  }
  return state.reason == "TimeLimit" ? Ending::timed_out : Ending::open;
}

const char* to_string(Ending ending) {
  switch (ending) {
  case Ending::open:
    return "open";
  case Ending::completed:
    return "completed";
  case Ending::failed:
    return "failed";
  case Ending::timed_out:
    return "timed_out";
  case Ending::cancelled:
    return "cancelled";
  }
  return "open";
}

} // namespace zkbench::queue::slurm
