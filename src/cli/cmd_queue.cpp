// `zkbench queue`: the jobs of the store's queue (queued, running, done, failed), newest first.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "cli/store_location.hpp"
#include "queue/job_queue.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"

namespace zkbench::cli {

namespace {

struct QueueOptions {
  std::string store;
  std::size_t limit = 50;
  bool json = false;
};

nlohmann::json json_or_null(const std::optional<std::string>& text) {
  return text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
}

template <typename T>
nlohmann::json value_or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

nlohmann::json job_json(const queue::Job& job) {
  return {{"id", job.id},
          {"kind", job.spec.kind},
          {"class", job.spec.machine_class},
          {"status", queue::to_string(job.status)},
          {"attempts", job.attempts},
          {"max_attempts", job.spec.max_attempts},
          {"worker", value_or_null(job.worker)},
          {"payload", nlohmann::json::parse(job.spec.payload_json, nullptr, false)},
          {"result", json_or_null(job.result_json)},
          {"created_at_us", job.created_at_us},
          {"started_at_us", value_or_null(job.started_at_us)},
          {"heartbeat_at_us", value_or_null(job.heartbeat_at_us)},
          {"lease_expires_at_us", value_or_null(job.lease_expires_at_us)},
          {"finished_at_us", value_or_null(job.finished_at_us)}};
}

/// What a job runs, for the table: the zkbench arguments, or the task's id and name.
std::string job_what(const queue::Job& job) {
  const auto payload = nlohmann::json::parse(job.spec.payload_json, nullptr, false);
  if (payload.contains("argv") && payload["argv"].is_array()) {
    std::string text = "zkbench";
    for (const auto& arg : payload["argv"]) {
      text += " " + (arg.is_string() ? arg.get<std::string>() : arg.dump());
    }
    return text;
  }
  if (payload.contains("id") || payload.contains("name")) {
    return fmt::format("task {} {}", payload.value("id", ""), payload.value("name", ""));
  }
  return job.spec.payload_json;
}

int list_jobs(const QueueOptions& options) {
  auto queue = value_or_fatal(queue::open_queue(store_location(options.store)));
  const auto jobs = value_or_fatal(queue->list(options.limit));
  if (options.json) {
    nlohmann::json out = {{"store", queue->location()}, {"jobs", nlohmann::json::array()}};
    for (const auto& job : jobs) {
      out["jobs"].push_back(job_json(job));
    }
    fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return static_cast<int>(ExitCode::success);
  }
  if (jobs.empty()) {
    fmt::print("no jobs in store '{}'\n", queue->location());
    return static_cast<int>(ExitCode::success);
  }
  const std::int64_t now = util::unix_now_us();
  fmt::print("{:>6}  {:<10}  {:<8}  {:>8}  {:<24}  {:>8}  {}\n", "ID", "CLASS", "STATUS", "ATTEMPTS", "WORKER", "AGE",
             "WHAT");
  for (const auto& job : jobs) {
    fmt::print("{:>6}  {:<10}  {:<8}  {:>8}  {:<24}  {:>7}s  {}\n", job.id, job.spec.machine_class,
               queue::to_string(job.status), fmt::format("{}/{}", job.attempts, job.spec.max_attempts),
               job.worker.value_or("-"), (now - job.created_at_us) / 1'000'000, job_what(job));
  }
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_queue(CLI::App& sub) {
  auto options = std::make_shared<QueueOptions>();
  sub.add_option("--store", options->store, k_store_help);
  sub.add_option("--limit", options->limit, "Show at most N jobs, newest first (default 50)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  sub.add_flag("--json", options->json, "Print JSON instead of a table");
  return [options] { return list_jobs(*options); };
}

} // namespace zkbench::cli
