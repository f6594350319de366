// `zkbench task add|next|done`: seed 002's coordinator/worker messages as YAML, so that any worker
// (a script, an agent) can take a task from the queue and report its result.
//
//   task add task.yaml --class h100     queue `task: {id, name, hypothesis, baseline, timeout}`
//   task next --class h100 --yaml       claim one: prints the task plus `job` and `lease` (keep them)
//   task done result.yaml               `result: {id, status, time, improvement, profile, patch}`
//                                       (+ job, lease from `task next`); recorded once, compare-and-set
#include <algorithm>
#include <memory>
#include <span>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include "cli/app.hpp"
#include "cli/store_location.hpp"
#include "queue/job_queue.hpp"
#include "util/text.hpp"
#include "util/error.hpp"

namespace zkbench::cli {

namespace {

constexpr const char* k_task_fields[] = {"id", "name", "hypothesis", "baseline", "timeout"};
constexpr const char* k_result_fields[] = {"id", "status", "time", "improvement", "profile", "patch"};
constexpr const char* k_result_statuses[] = {"success", "failed", "timeout", "error"};

struct TaskOptions {
  std::string store;
  std::string machine_class = "default";
  std::string file;
  std::string worker;
  double lease_s = 3600;
  bool json = false;
  bool yaml = true;
};

/// The mapping under `key` in the YAML file `path`, as a JSON object of strings (scalars kept as
/// written: `id: 001` stays "001"). Fatal with file and key on any problem.
nlohmann::json read_section(const std::string& path, const char* key, std::span<const char* const> required) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw Fatal(fmt::format("cannot read '{}': {}", path, e.what()));
  }
  const YAML::Node section = root[key];
  if (!section || !section.IsMap()) {
    throw Fatal(fmt::format("'{}': no `{}:` mapping at the top level", path, key));
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& entry : section) {
    const auto name = entry.first.as<std::string>();
    if (!entry.second.IsScalar()) {
      throw Fatal(fmt::format("'{}': {}.{} must be a single value", path, key, name));
    }
    out[name] = entry.second.as<std::string>();
  }
  for (const char* field : required) {
    if (!out.contains(field)) {
      throw Fatal(fmt::format("'{}': {}.{} is missing", path, key, field));
    }
  }
  return out;
}

int add(const TaskOptions& options) {
  const nlohmann::json task = read_section(options.file, "task", std::span(k_task_fields, 2));
  auto queue = value_or_fatal(queue::open_queue(store_location(options.store)));
  const auto id = value_or_fatal(queue->submit({"task", util::json_text(task), options.machine_class, 3}));
  fmt::print("queued task {} as job {} for class {}\n", task["id"].get<std::string>(), id, options.machine_class);
  return static_cast<int>(ExitCode::success);
}

int next(const TaskOptions& options) {
  auto queue = value_or_fatal(queue::open_queue(store_location(options.store)));
  const std::string worker = options.worker.empty() ? fmt::format("task-worker:{}", ::getpid()) : options.worker;
  const auto job = value_or_fatal(
      queue->claim("task", options.machine_class, worker, static_cast<std::int64_t>(options.lease_s * 1e6)));
  if (!job) {
    fmt::print(stderr, "no task queued for class {}\n", options.machine_class);
    return static_cast<int>(ExitCode::success);
  }
  nlohmann::json task = nlohmann::json::parse(job->spec.payload_json, nullptr, false);
  if (options.json) {
    task["job"] = job->id;
    task["lease"] = job->lease_token.value_or("");
    task["attempt"] = job->attempts;
    fmt::print("{}\n", nlohmann::json{{"task", task}}.dump(2));
    return static_cast<int>(ExitCode::success);
  }
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "task" << YAML::Value << YAML::BeginMap;
  for (const auto& [name, value] : task.items()) {
    out << YAML::Key << name << YAML::Value << YAML::DoubleQuoted
        << (value.is_string() ? value.get<std::string>() : value.dump());
  }
  out << YAML::Key << "job" << YAML::Value << job->id;
  out << YAML::Key << "lease" << YAML::Value << job->lease_token.value_or("");
  out << YAML::Key << "attempt" << YAML::Value << job->attempts;
  out << YAML::EndMap << YAML::EndMap;
  fmt::print("{}\n", out.c_str());
  return static_cast<int>(ExitCode::success);
}

/// The running task job a result belongs to: by `job` + `lease` when given, else the one running
/// task whose id matches.
queue::Lease find_lease(queue::JobQueue& queue, const nlohmann::json& result, const std::string& path) {
  if (result.contains("job") && result.contains("lease")) {
    const std::string job_text = result["job"].get<std::string>();
    try {
      return {std::stoll(job_text), result["lease"].get<std::string>()};
    } catch (const std::exception&) {
      throw Fatal(fmt::format("'{}': result.job '{}' is not a job id", path, job_text));
    }
  }
  const auto jobs = value_or_fatal(queue.list(100'000));
  for (const auto& job : jobs) {
    const auto payload = nlohmann::json::parse(job.spec.payload_json, nullptr, false);
    if (job.spec.kind == "task" && job.status == queue::JobStatus::running && payload.value("id", "") == result["id"]) {
      return {job.id, job.lease_token.value_or("")};
    }
  }
  throw Fatal(fmt::format("'{}': no running task with id '{}' in store '{}'", path, result["id"].get<std::string>(),
                          queue.location()),
              "take it with `zkbench task next` first");
}

int done(const TaskOptions& options) {
  nlohmann::json result = read_section(options.file, "result", std::span(k_result_fields, 2));
  const std::string status = result["status"];
  if (std::find(std::begin(k_result_statuses), std::end(k_result_statuses), status) == std::end(k_result_statuses)) {
    throw Fatal(fmt::format("'{}': result.status '{}' is not one of success, failed, timeout, error", options.file,
                            status));
  }
  auto queue = value_or_fatal(queue::open_queue(store_location(options.store)));
  const queue::Lease lease = find_lease(*queue, result, options.file);
  result.erase("lease");
  const bool recorded = value_or_fatal(queue->finish(
      lease, status == "success" ? queue::JobStatus::done : queue::JobStatus::failed, util::json_text(result)));
  if (!recorded) {
    throw Fatal(fmt::format("job {}: the lease was lost (the task was handed to another worker or already "
                            "reported); result not recorded",
                            lease.job_id));
  }
  fmt::print("recorded task {} (job {}): {}\n", result["id"].get<std::string>(), lease.job_id, status);
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_task(CLI::App& sub) {
  auto options = std::make_shared<TaskOptions>();
  sub.require_subcommand(1);
  CLI::App* add_sub = sub.add_subcommand("add", "Queue a task (YAML `task: {id, name, hypothesis, baseline, timeout}`)");
  add_sub->add_option("file", options->file, "The task YAML file")->required()->check(CLI::ExistingFile);
  add_sub->add_option("--class", options->machine_class, "The machine class that must run it (default: default)");
  add_sub->add_option("--store", options->store, k_store_help);
  CLI::App* next_sub = sub.add_subcommand("next", "Claim the next task of a class and print it");
  next_sub->add_option("--class", options->machine_class, "This machine's class")->required();
  next_sub->add_option("--store", options->store, k_store_help);
  next_sub->add_option("--worker", options->worker, "The name recorded with the claim");
  next_sub->add_option("--lease", options->lease_s, "Seconds before an unreported task is handed out again (default 3600)")
      ->check(CLI::PositiveNumber);
  next_sub->add_flag("--yaml", options->yaml, "Print YAML (the default)");
  next_sub->add_flag("--json", options->json, "Print JSON instead of YAML");
  CLI::App* done_sub = sub.add_subcommand("done", "Record a task's result (YAML `result: {id, status, time, ...}`)");
  done_sub->add_option("file", options->file, "The result YAML file")->required()->check(CLI::ExistingFile);
  done_sub->add_option("--store", options->store, k_store_help);
  return [options, add_sub, next_sub] {
    if (add_sub->parsed()) {
      return add(*options);
    }
    return next_sub->parsed() ? next(*options) : done(*options);
  };
}

} // namespace zkbench::cli
