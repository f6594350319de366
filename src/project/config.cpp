#include "project/config.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "measure/metrics.hpp"
#include "provers/output_metrics.hpp"
#include "verdict/decide.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"
#include "project/yaml_reader.hpp"

namespace zkbench::project {

namespace {

bool is_builtin(const std::string& name) {
  return std::any_of(std::begin(k_builtin_placeholders), std::end(k_builtin_placeholders),
                     [&](const char* b) { return name == b; });
}

/// Each placeholder of `node`'s command must be a built-in (when `allow_builtins`) or a var.
void check_placeholders(const YamlReader& reader, const YAML::Node& node, const std::string& key_path,
                        const std::string& text, const Placeholders& vars, bool allow_builtins) {
  for (const std::string& name : placeholders_in(text)) {
    if (vars.count(name) > 0 || (allow_builtins && is_builtin(name))) {
      continue;
    }
    std::vector<std::string> known;
    if (allow_builtins) {
      known.assign(std::begin(k_builtin_placeholders), std::end(k_builtin_placeholders));
    }
    for (const auto& [var, value] : vars) {
      known.push_back(var);
    }
    reader.fail(node, key_path,
                fmt::format("unknown placeholder {{{}}} (known: {}; add it under 'vars')", name,
                            known.empty() ? std::string("none") : util::join(known, ", ")));
  }
}

std::filesystem::path resolve(const std::filesystem::path& root, const std::string& text) {
  return (root / text).lexically_normal();
}

PolicyRef read_policy(const YamlReader& reader, const YAML::Node& root, const std::filesystem::path& dir) {
  PolicyRef policy;
  const YAML::Node node = root["policy"];
  if (!node.IsDefined()) {
    return policy;
  }
  const std::string text = reader.string(node, "policy");
  if (text == "generic") {
    policy.kind = PolicyKind::generic;
  } else if (text == "optimized") {
    policy.kind = PolicyKind::optimized;
  } else if (text == "zkvm") {
    policy.kind = PolicyKind::zkvm;
  } else {
    policy.kind = PolicyKind::file;
    policy.file = resolve(dir, text);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(policy.file, ec)) {
      reader.fail(node, "policy", "expected generic, optimized, zkvm or an existing policy file, got '" + text + "'");
    }
  }
  return policy;
}

Placeholders read_vars(const YamlReader& reader, const YAML::Node& root) {
  Placeholders vars;
  const YAML::Node node = root["vars"];
  if (!node.IsDefined() || node.IsNull()) {
    return vars;
  }
  if (!node.IsMap()) {
    reader.fail(node, "vars", "expected a map of name: value, got " + YamlReader::describe(node));
  }
  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    const std::string key_path = "vars." + name;
    if (placeholders_in("{" + name + "}").empty()) {
      reader.fail(entry.first, key_path, "expected a name of lower-case letters, digits and '_'");
    }
    if (is_builtin(name)) {
      reader.fail(entry.first, key_path, "'" + name + "' is a built-in placeholder; choose another name");
    }
    if (!vars.emplace(name, reader.string(entry.second, key_path)).second) {
      reader.fail(entry.first, key_path, "duplicate key");
    }
  }
  return vars;
}

// The metrics zkbench measures itself on every run (verdict::is_builtin_metric, and the "memory" of every
// comparison): a project's metric of that name would be judged as zkbench's own.
void refuse_builtin_metric_name(const YamlReader& reader, const YAML::Node& value, const std::string& key_path,
                                const std::string& name) {
  if (verdict::is_builtin_metric(name) || name == "memory") {
    reader.fail(value, key_path,
                "'" + name + "' is measured by zkbench itself on every run (time: wall time, memory: peak memory, "
                             "cpu: user + system CPU time); give this metric another name");
  }
}

/// A map of name: text under `key_path`, each checked by `check` (which throws through the reader).
template <typename Check>
std::map<std::string, std::string> read_named_map(const YamlReader& reader, const YAML::Node& node,
                                                  const std::string& key_path, const char* what, Check check) {
  std::map<std::string, std::string> values;
  if (node.IsNull()) {
    return values;
  }
  if (!node.IsMap()) {
    reader.fail(node, key_path, std::string("expected a map of ") + what + ", got " + YamlReader::describe(node));
  }
  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    const std::string entry_path = key_path + "." + name;
    if (!measure::is_valid_metric_name(name)) {
      reader.fail(entry.first, entry_path, "expected a metric name (a letter or '_' first, then letters, digits, '_', '-', '.')");
    }
    const std::string text = reader.string(entry.second, entry_path);
    check(entry.second, entry_path, name, text);
    if (!values.emplace(name, text).second) {
      reader.fail(entry.first, entry_path, "duplicate key");
    }
  }
  return values;
}

BenchmarkConfig read_benchmark(const YamlReader& reader, const YAML::Node& root, const PolicyRef& policy,
                               const Placeholders& vars) {
  const YAML::Node node = reader.required(root, "", "benchmark");
  reader.check_map(node, "benchmark",
                   {"build", "command", "runs", "warmup", "timeout_multiplier", "cooldown_seconds", "max_start_temp",
                    "metrics", "metric_files", "prover_metrics", "deterministic", "shell"});
  BenchmarkConfig bench;
  if (policy.kind == PolicyKind::zkvm) {
    bench.timeout_multiplier = 1.15; // seed 000: zkVM runs vary more
    bench.cooldown_seconds = 120;    // seed 000: at least 2 minutes between proofs
  }
  if (node["build"].IsDefined()) {
    bench.build = reader.string(node["build"], "benchmark.build");
    check_placeholders(reader, node["build"], "benchmark.build", bench.build, vars, false);
  }
  const YAML::Node command = reader.required(node, "benchmark", "command");
  bench.command = reader.string(command, "benchmark.command");
  check_placeholders(reader, command, "benchmark.command", bench.command, vars, true);
  const auto used = placeholders_in(bench.command);
  if (std::find(used.begin(), used.end(), "input") == used.end()) {
    reader.fail(command, "benchmark.command", "expected the command to use {input} (the input's path)");
  }
  if (node["runs"].IsDefined()) {
    bench.runs = static_cast<int>(std::min<std::int64_t>(reader.positive_int(node["runs"], "benchmark.runs"), 1 << 20));
  }
  if (node["warmup"].IsDefined()) {
    bench.warmup =
        static_cast<int>(std::min<std::int64_t>(reader.non_negative_int(node["warmup"], "benchmark.warmup"), 1 << 20));
  }
  if (node["timeout_multiplier"].IsDefined()) {
    const YAML::Node tm = node["timeout_multiplier"];
    const auto value = tm.IsScalar() ? util::parse_number(tm.Scalar()) : std::nullopt;
    if (!value || !(*value > 1.0)) {
      reader.fail(tm, "benchmark.timeout_multiplier",
                  "expected a number > 1 (1.10 = kill at 110% of the baseline), got " + YamlReader::describe(tm));
    }
    bench.timeout_multiplier = *value;
    bench.timeout_multiplier_set = true;
  }
  if (node["cooldown_seconds"].IsDefined()) {
    bench.cooldown_seconds = reader.non_negative_number(node["cooldown_seconds"], "benchmark.cooldown_seconds");
  }
  if (node["max_start_temp"].IsDefined()) {
    bench.max_start_temp_c = reader.positive_number(node["max_start_temp"], "benchmark.max_start_temp");
  }
  if (node["metrics"].IsDefined()) {
    bench.metrics = read_named_map(
        reader, node["metrics"], "benchmark.metrics", "name: regex",
        [&](const YAML::Node& value, const std::string& key_path, const std::string& name, const std::string& text) {
          refuse_builtin_metric_name(reader, value, key_path, name);
          // The same rules as `zkbench run --metric NAME=REGEX`: valid RE2, exactly one capture group.
          const std::string argument = name + "=" + text;
          if (const auto spec = measure::parse_metric_spec(argument); !spec) {
            // Keep measure's reason, without its "--metric 'NAME=REGEX': " prefix.
            const std::string& message = spec.error().message;
            const auto at = message.find(argument + "': ");
            const std::string reason =
                at == std::string::npos ? message : message.substr(at + argument.size() + 3);
            reader.fail(value, key_path, "expected a regular expression with one capture group around the value: " +
                                             reason);
          }
        });
  }
  if (node["metric_files"].IsDefined()) {
    bench.metric_files = read_named_map(
        reader, node["metric_files"], "benchmark.metric_files", "name: file",
        [&](const YAML::Node& value, const std::string& key_path, const std::string& name, const std::string& text) {
          refuse_builtin_metric_name(reader, value, key_path, name);
          if (text.empty()) {
            reader.fail(value, key_path, "expected the path of a file whose size is recorded after each run");
          }
          check_placeholders(reader, value, key_path, text, vars, true);
        });
  }
  std::vector<std::string> prover_names;
  if (node["prover_metrics"].IsDefined()) {
    bench.prover_metrics = provers::parse_prover_kind(
        reader.choice(node["prover_metrics"], "benchmark.prover_metrics", {"zisk", "sp1", "risc0"}));
    prover_names = provers::prover_metric_names(*bench.prover_metrics);
  }
  if (node["deterministic"].IsDefined()) {
    // Declared, never inferred: only these metrics are decided exactly when their runs are equal.
    bench.deterministic = reader.string_list(node["deterministic"], "benchmark.deterministic");
    for (const std::string& name : *bench.deterministic) {
      if (bench.metrics.count(name) == 0 && bench.metric_files.count(name) == 0 &&
          std::find(prover_names.begin(), prover_names.end(), name) == prover_names.end()) {
        reader.fail(node["deterministic"], "benchmark.deterministic",
                    "'" + name + "' is not a metric of benchmark.metrics, benchmark.metric_files or " +
                        "benchmark.prover_metrics");
      }
    }
  }
  if (node["shell"].IsDefined()) {
    const std::string shell = reader.choice(node["shell"], "benchmark.shell", {"auto", "always", "never"});
    bench.shell = shell == "always"  ? measure::ShellMode::shell
                  : shell == "never" ? measure::ShellMode::no_shell
                                     : measure::ShellMode::auto_detect;
  }
  return bench;
}

CorrectnessConfig read_correctness(const YamlReader& reader, const YAML::Node& root, const Placeholders& vars) {
  const YAML::Node node = reader.required(root, "", "correctness");
  reader.check_map(node, "correctness", {"command", "outputs", "verify"});
  CorrectnessConfig correctness;
  const YAML::Node command = reader.required(node, "correctness", "command");
  correctness.command = reader.string(command, "correctness.command");
  check_placeholders(reader, command, "correctness.command", correctness.command, vars, true);
  if (node["outputs"].IsDefined()) {
    correctness.outputs = reader.string_list(node["outputs"], "correctness.outputs");
    for (std::size_t i = 0; i < correctness.outputs.size(); ++i) {
      check_placeholders(reader, node["outputs"][i], fmt::format("correctness.outputs[{}]", i),
                         correctness.outputs[i], vars, true);
    }
  }
  if (node["verify"].IsDefined()) {
    correctness.verify = reader.string(node["verify"], "correctness.verify");
    check_placeholders(reader, node["verify"], "correctness.verify", correctness.verify, vars, true);
  }
  return correctness;
}

std::optional<ProfileConfig> read_profile(const YamlReader& reader, const YAML::Node& root, const Placeholders& vars) {
  const YAML::Node node = root["profile"];
  if (!node.IsDefined() || node.IsNull()) {
    return std::nullopt;
  }
  reader.check_map(node, "profile", {"zkvm", "command", "output"});
  ProfileConfig profile;
  const std::string zkvm =
      reader.choice(reader.required(node, "profile", "zkvm"), "profile.zkvm", {"zisk", "sp1", "risc0", "callgrind"});
  profile.zkvm = parse_profiler_kind(zkvm).value_or(ProfilerKind::zisk);
  const YAML::Node command = reader.required(node, "profile", "command");
  profile.command = reader.string(command, "profile.command");
  check_placeholders(reader, command, "profile.command", profile.command, vars, true);
  if (node["output"].IsDefined()) {
    profile.output = reader.string(node["output"], "profile.output");
    check_placeholders(reader, node["output"], "profile.output", profile.output, vars, true);
  }
  return profile;
}

measure::ContentionPolicy read_contention(const YamlReader& reader, const YAML::Node& root, PolicyKind kind) {
  measure::ContentionPolicy policy = default_contention(kind);
  const YAML::Node node = root["contention"];
  if (!node.IsDefined()) {
    return policy;
  }
  reader.check_map(node, "contention",
                   {"enabled", "max_foreign_cores", "settle_seconds", "max_wait_seconds", "on_timeout", "ignore",
                    "max_redone_rounds"});
  if (node["enabled"].IsDefined()) {
    policy.enabled = reader.choice(node["enabled"], "contention.enabled", {"true", "false"}) == "true";
  }
  if (node["max_foreign_cores"].IsDefined()) {
    policy.max_foreign_cores = reader.positive_number(node["max_foreign_cores"], "contention.max_foreign_cores");
  }
  if (node["settle_seconds"].IsDefined()) {
    policy.settle_s = reader.non_negative_number(node["settle_seconds"], "contention.settle_seconds");
  }
  if (node["max_wait_seconds"].IsDefined()) {
    policy.max_wait_s = reader.non_negative_number(node["max_wait_seconds"], "contention.max_wait_seconds");
  }
  if (node["on_timeout"].IsDefined()) {
    policy.on_timeout = *measure::on_contention_timeout_from_string(
        reader.choice(node["on_timeout"], "contention.on_timeout", {"measure", "fail"}));
  }
  if (node["ignore"].IsDefined()) {
    policy.ignore = reader.string_list(node["ignore"], "contention.ignore");
  }
  if (node["max_redone_rounds"].IsDefined()) {
    policy.max_redone_rounds = static_cast<std::size_t>(
        std::min<std::int64_t>(reader.non_negative_int(node["max_redone_rounds"], "contention.max_redone_rounds"), 1000));
  }
  return policy;
}

} // namespace

measure::ContentionPolicy default_contention(PolicyKind kind) {
  measure::ContentionPolicy policy;
  policy.max_wait_s = kind == PolicyKind::zkvm ? 3600 : 120;
  return policy;
}

Result<ProjectConfig> load_config(const std::filesystem::path& path, const std::string& display_name) {
  const YamlReader reader(display_name);
  ZKBENCH_TRY_ASSIGN(root, reader.load_file(path));
  try {
    reader.check_map(*root, "",
                     {"benchmark", "correctness", "policy", "inputs", "vars", "profile", "guest", "store", "objective",
                      "dashboard_url", "fleet", "contention"});
    ProjectConfig config;
    config.file = std::filesystem::absolute(path).lexically_normal();
    config.root = config.file.parent_path();
    config.policy = read_policy(reader, *root, config.root);
    config.vars = read_vars(reader, *root);
    config.benchmark = read_benchmark(reader, *root, config.policy, config.vars);
    config.correctness = read_correctness(reader, *root, config.vars);
    config.inputs_file = resolve(config.root, "benchmarks/inputs.yaml");
    if ((*root)["inputs"].IsDefined()) {
      config.inputs_file = resolve(config.root, reader.string((*root)["inputs"], "inputs"));
    }
    config.profile = read_profile(reader, *root, config.vars);
    if ((*root)["guest"].IsDefined()) {
      const YAML::Node guest = (*root)["guest"];
      config.guest_manifest = resolve(config.root, reader.string(guest, "guest"));
      std::error_code ec;
      if (!std::filesystem::is_regular_file(*config.guest_manifest, ec)) {
        reader.fail(guest, "guest", "expected the path of the guest's Cargo.toml, got '" + guest.Scalar() +
                                        "' (no such file)");
      }
    }
    if ((*root)["store"].IsDefined()) {
      config.store = reader.string((*root)["store"], "store");
    }
    if ((*root)["objective"].IsDefined()) {
      config.objective = reader.string((*root)["objective"], "objective");
    }
    if (const YAML::Node url = (*root)["dashboard_url"]; url.IsDefined()) {
      config.dashboard_url = reader.string(url, "dashboard_url");
      if (!util::starts_with(config.dashboard_url, "http://") && !util::starts_with(config.dashboard_url, "https://")) {
        reader.fail(url, "dashboard_url", "expected an http:// or https:// URL, got '" + config.dashboard_url + "'");
      }
    }
    config.fleet = read_fleet(reader, *root);
    config.contention = read_contention(reader, *root, config.policy.kind);
    return config;
  } catch (const YamlError& e) {
    return make_error(e.what());
  }
}

Result<Project> load_project(const std::filesystem::path& config_path) {
  ZKBENCH_TRY_ASSIGN(config, load_config(config_path, config_path.filename().string()));
  std::error_code ec;
  auto relative = std::filesystem::relative(config->inputs_file, config->root, ec);
  ZKBENCH_TRY_ASSIGN(inputs,
                     load_inputs(config->inputs_file,
                                 ec || relative.empty() ? config->inputs_file.string() : relative.string()));
  return Project{std::move(*config), std::move(*inputs)};
}

Result<verdict::Policy> project_policy(const ProjectConfig& config) {
  const char* name = to_string(config.policy.kind); // a preset's, or "file"
  ZKBENCH_TRY_ASSIGN(policy, config.policy.kind == PolicyKind::file ? read_policy_file(config.policy.file)
                                                                    : verdict::preset(name));
  if (config.policy.kind != PolicyKind::file || config.benchmark.timeout_multiplier_set) {
    policy->timeout_multiplier = config.benchmark.timeout_multiplier;
  }
  if (config.benchmark.deterministic) {
    policy->deterministic_metrics = *config.benchmark.deterministic;
  }
  policy->timeout_min_slack_s = std::max(policy->timeout_min_slack_s, k_min_timeout_slack_s); // a policy file may ask for more
  return policy;
}

Result<verdict::Policy> read_policy_file(const std::filesystem::path& path) {
  ZKBENCH_TRY_ASSIGN(text, with_context(util::read_text_file(path), "policy"));
  return verdict::parse_policy_yaml(*text, path.string());
}

Result<verdict::Policy> resolve_policy(std::string_view preset_or_path) {
  for (const auto name : verdict::preset_names()) {
    if (name == preset_or_path) {
      return verdict::preset(name);
    }
  }
  const std::filesystem::path path(preset_or_path);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return make_error(fmt::format("--policy '{}' is neither a preset (generic, optimized, zkvm) nor a file",
                                  preset_or_path));
  }
  return read_policy_file(path);
}

const char* to_string(PolicyKind kind) {
  switch (kind) {
  case PolicyKind::generic:
    return "generic";
  case PolicyKind::optimized:
    return "optimized";
  case PolicyKind::zkvm:
    return "zkvm";
  case PolicyKind::file:
    return "file";
  }
  return "generic";
}

const char* to_string(ProfilerKind kind) {
  switch (kind) {
  case ProfilerKind::zisk:
    return "zisk";
  case ProfilerKind::sp1:
    return "sp1";
  case ProfilerKind::risc0:
    return "risc0";
  case ProfilerKind::callgrind:
    return "callgrind";
  }
  return "zisk";
}

std::optional<ProfilerKind> parse_profiler_kind(std::string_view text) {
  for (const ProfilerKind kind : {ProfilerKind::zisk, ProfilerKind::sp1, ProfilerKind::risc0, ProfilerKind::callgrind}) {
    if (text == to_string(kind)) {
      return kind;
    }
  }
  return std::nullopt;
}

} // namespace zkbench::project
