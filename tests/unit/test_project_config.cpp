#include <gtest/gtest.h>

#include <fstream>

#include "support/fixtures.hpp"
#include "project/config.hpp"
#include "project/workspace.hpp"

using namespace zkbench::project;
using zkbench::test::TempDir;
using zkbench::test::write_file;

namespace {

const char* const k_minimal = R"(benchmark:
  command: "./prove.sh {input}"
correctness:
  command: "./run.sh {input}"
)";

zkbench::Result<ProjectConfig> load_text(const TempDir& dir, const std::string& text) {
  write_file(dir / "zkbench.yaml", text);
  return load_config(dir / "zkbench.yaml", "zkbench.yaml");
}

std::string error_of(const zkbench::Result<ProjectConfig>& result) {
  return result ? std::string("(loaded)") : result.error().message;
}

/// The minimal config with `line` added under `benchmark:`.
std::string with_benchmark_line(const std::string& line) {
  return "benchmark:\n  command: \"./prove.sh {input}\"\n  " + line + "\ncorrectness:\n  command: \"./run.sh {input}\"\n";
}

} // namespace

TEST(WorkflowConfig, minimal_config_gets_the_defaults) {
  TempDir dir;
  const auto config = load_text(dir, k_minimal);
  ASSERT_TRUE(config) << error_of(config);
  EXPECT_EQ(config->benchmark.runs, 10);
  EXPECT_EQ(config->benchmark.warmup, 3);
  EXPECT_DOUBLE_EQ(config->benchmark.timeout_multiplier, 1.10);
  EXPECT_DOUBLE_EQ(config->benchmark.cooldown_seconds, 60);
  EXPECT_EQ(config->policy.kind, PolicyKind::generic);
  EXPECT_EQ(config->inputs_file, (dir / "benchmarks/inputs.yaml").lexically_normal());
  EXPECT_FALSE(config->profile);
  EXPECT_FALSE(config->store);
  EXPECT_EQ(config->benchmark.shell, zkbench::measure::ShellMode::auto_detect);
}

TEST(WorkflowConfig, full_config_is_read_into_every_field) {
  TempDir dir;
  write_file(dir / "Cargo.toml", "[package]\n");
  const auto config = load_text(dir, R"(benchmark:
  build: "make -j{jobs}"
  command: "cargo-zisk prove -e {elf} -i {input} -o {out}"
  runs: 20
  warmup: 0
  timeout_multiplier: 1.2
  cooldown_seconds: 5
  max_start_temp: 50
  metrics:
    steps: 'steps: ([0-9,]+)'
  metric_files: {proof_size: "{out}/proof.bin"}
  shell: always
correctness:
  command: "ziskemu -e {elf} -i {input}"
  outputs: ["{out}/publics.json"]
  verify: "cargo-zisk verify -p {out}/vadcop_final_proof.bin"
policy: zkvm
inputs: bench/in.yaml
vars: {elf: target/guest, jobs: "4"}
profile: {zkvm: zisk, command: "ziskemu -e {elf} -i {input} -X -S -D"}
guest: Cargo.toml
store: bench.db
objective: "Prove blocks 20% faster"
)");
  ASSERT_TRUE(config) << error_of(config);
  EXPECT_EQ(config->benchmark.runs, 20);
  EXPECT_EQ(config->benchmark.warmup, 0);
  EXPECT_DOUBLE_EQ(config->benchmark.timeout_multiplier, 1.2);
  EXPECT_DOUBLE_EQ(config->benchmark.cooldown_seconds, 5);
  EXPECT_EQ(config->benchmark.max_start_temp_c, 50.0);
  EXPECT_EQ(config->benchmark.metrics.at("steps"), "steps: ([0-9,]+)");
  EXPECT_EQ(config->benchmark.metric_files.at("proof_size"), "{out}/proof.bin");
  EXPECT_EQ(config->benchmark.shell, zkbench::measure::ShellMode::shell);
  EXPECT_EQ(config->correctness.outputs.size(), 1u);
  EXPECT_FALSE(config->correctness.verify.empty());
  EXPECT_EQ(config->policy.kind, PolicyKind::zkvm);
  EXPECT_EQ(config->inputs_file, (dir / "bench/in.yaml").lexically_normal());
  EXPECT_EQ(config->vars.at("elf"), "target/guest");
  ASSERT_TRUE(config->profile);
  EXPECT_EQ(config->profile->zkvm, ProfilerKind::zisk);
  EXPECT_EQ(config->guest_manifest, (dir / "Cargo.toml").lexically_normal());
  EXPECT_EQ(config->store, "bench.db");
  EXPECT_EQ(config->objective, "Prove blocks 20% faster");

  InputSpec input;
  input.name = "light";
  input.path = "/data/my block.bin";
  const auto command = expand(config->benchmark.command, placeholders_for(*config, input, "/tmp/out"));
  ASSERT_TRUE(command);
  EXPECT_EQ(*command, "cargo-zisk prove -e target/guest -i '/data/my block.bin' -o /tmp/out");
}

TEST(WorkflowConfig, zkvm_policy_sets_its_timeout_and_cooldown_defaults) {
  TempDir dir;
  const auto config = load_text(dir, std::string(k_minimal) + "policy: zkvm\n");
  ASSERT_TRUE(config) << error_of(config);
  EXPECT_DOUBLE_EQ(config->benchmark.timeout_multiplier, 1.15);
  EXPECT_DOUBLE_EQ(config->benchmark.cooldown_seconds, 120);
}

TEST(WorkflowConfig, rejects_runs_that_are_not_a_positive_integer) {
  TempDir dir;
  EXPECT_EQ(error_of(load_text(dir, with_benchmark_line("runs: ten"))),
            "zkbench.yaml:3:9: benchmark.runs: expected a positive integer, got 'ten'");
  EXPECT_EQ(error_of(load_text(dir, with_benchmark_line("runs: 0"))),
            "zkbench.yaml:3:9: benchmark.runs: expected a positive integer, got '0'");
  EXPECT_EQ(error_of(load_text(dir, with_benchmark_line("runs: 2.5"))),
            "zkbench.yaml:3:9: benchmark.runs: expected a positive integer, got '2.5'");
  EXPECT_EQ(error_of(load_text(dir, with_benchmark_line("runs: [1]"))),
            "zkbench.yaml:3:9: benchmark.runs: expected a positive integer, got a list");
}

TEST(WorkflowConfig, rejects_bad_numbers) {
  TempDir dir;
  EXPECT_EQ(error_of(load_text(dir, with_benchmark_line("warmup: -1"))),
            "zkbench.yaml:3:11: benchmark.warmup: expected an integer >= 0, got '-1'");
  EXPECT_EQ(error_of(load_text(dir, with_benchmark_line("timeout_multiplier: 0.9"))),
            "zkbench.yaml:3:23: benchmark.timeout_multiplier: expected a number > 1 (1.10 = kill at 110% of the "
            "baseline), got '0.9'");
  EXPECT_EQ(error_of(load_text(dir, with_benchmark_line("cooldown_seconds: soon"))),
            "zkbench.yaml:3:21: benchmark.cooldown_seconds: expected a number >= 0, got 'soon'");
  EXPECT_EQ(error_of(load_text(dir, with_benchmark_line("max_start_temp: {c: 50}"))),
            "zkbench.yaml:3:19: benchmark.max_start_temp: expected a positive number, got a map");
}

TEST(WorkflowConfig, rejects_unknown_and_duplicate_keys) {
  TempDir dir;
  EXPECT_EQ(error_of(load_text(dir, with_benchmark_line("rusn: 3"))),
            "zkbench.yaml:3:3: benchmark.rusn: unknown key (expected one of: build, command, runs, warmup, "
            "timeout_multiplier, cooldown_seconds, max_start_temp, metrics, metric_files, prover_metrics, deterministic, shell)");
  EXPECT_NE(error_of(load_text(dir, std::string(k_minimal) + "polcy: zkvm\n")).find("zkbench.yaml:5:1: polcy: unknown key"),
            std::string::npos);
  EXPECT_EQ(error_of(load_text(dir, with_benchmark_line("command: again {input}"))),
            "zkbench.yaml:3:3: benchmark.command: duplicate key");
}

TEST(WorkflowConfig, rejects_missing_sections_and_commands) {
  TempDir dir;
  EXPECT_EQ(error_of(load_text(dir, "correctness:\n  command: x\n")), "zkbench.yaml:1:1: benchmark: missing (required)");
  EXPECT_EQ(error_of(load_text(dir, "benchmark:\n  command: \"p {input}\"\n")),
            "zkbench.yaml:1:1: correctness: missing (required)");
  EXPECT_EQ(error_of(load_text(dir, "benchmark:\n  runs: 3\ncorrectness:\n  command: x\n")),
            "zkbench.yaml:2:3: benchmark.command: missing (required)");
  EXPECT_EQ(error_of(load_text(dir, "benchmark: ./prove.sh\ncorrectness:\n  command: x\n")),
            "zkbench.yaml:1:12: benchmark: expected a map of keys, got './prove.sh'");
}

TEST(WorkflowConfig, rejects_command_without_input_and_unknown_placeholders) {
  TempDir dir;
  EXPECT_EQ(error_of(load_text(dir, "benchmark:\n  command: ./prove.sh\ncorrectness:\n  command: x\n")),
            "zkbench.yaml:2:12: benchmark.command: expected the command to use {input} (the input's path)");
  EXPECT_EQ(error_of(load_text(dir, "benchmark:\n  command: p {input} {elf}\ncorrectness:\n  command: x\n")),
            "zkbench.yaml:2:12: benchmark.command: unknown placeholder {elf} (known: input, input_name, out; add it "
            "under 'vars')");
  EXPECT_NE(error_of(load_text(dir, with_benchmark_line("build: make {input}"))).find("benchmark.build: unknown placeholder {input} (known: none"),
            std::string::npos);
  EXPECT_NE(error_of(load_text(dir, std::string(k_minimal) + "vars: {input: x}\n")).find("vars.input: 'input' is a built-in"),
            std::string::npos);
}

TEST(WorkflowConfig, rejects_bad_metric_regexes) {
  TempDir dir;
  EXPECT_NE(error_of(load_text(dir, with_benchmark_line("metrics: {steps: 'steps: ([0-9'}")))
                .find("zkbench.yaml:3:20: benchmark.metrics.steps: expected a regular expression with one capture "
                      "group around the value: invalid regular expression"),
            std::string::npos);
  EXPECT_NE(error_of(load_text(dir, with_benchmark_line("metrics: {steps: 'steps: [0-9]+'}")))
                .find("zkbench.yaml:3:20: benchmark.metrics.steps: expected a regular expression with one capture group "
                      "around the value: the regular expression needs exactly one capture group"),
            std::string::npos);
  EXPECT_NE(error_of(load_text(dir, with_benchmark_line("metrics: {'9x': '(1)'}"))).find("benchmark.metrics.9x: expected a metric name"),
            std::string::npos);
  EXPECT_EQ(error_of(load_text(dir, with_benchmark_line("metric_files: [proof.bin]"))),
            "zkbench.yaml:3:17: benchmark.metric_files: expected a map of name: file, got a list");
  EXPECT_NE(error_of(load_text(dir, with_benchmark_line("metric_files: {proof: '{nope}/p'}"))).find("benchmark.metric_files.proof: unknown placeholder {nope}"),
            std::string::npos);
  EXPECT_EQ(error_of(load_text(dir, with_benchmark_line("metrics: [steps]"))),
            "zkbench.yaml:3:12: benchmark.metrics: expected a map of name: regex, got a list");
}

TEST(WorkflowConfig, refuses_a_metric_named_as_one_zkbench_measures_itself) {
  TempDir dir;
  EXPECT_NE(error_of(load_text(dir, with_benchmark_line("metrics: {cpu: 'cpu: ([0-9.]+)'}")))
                .find("benchmark.metrics.cpu: 'cpu' is measured by zkbench itself on every run"),
            std::string::npos);
  EXPECT_NE(error_of(load_text(dir, with_benchmark_line("metric_files: {time: out.bin}")))
                .find("benchmark.metric_files.time: 'time' is measured by zkbench itself"),
            std::string::npos);
}

TEST(WorkflowConfig, rejects_unknown_policy_shell_and_profiler) {
  TempDir dir;
  EXPECT_EQ(error_of(load_text(dir, std::string(k_minimal) + "policy: fast\n")),
            "zkbench.yaml:5:9: policy: expected generic, optimized, zkvm or an existing policy file, got 'fast'");
  write_file(dir / "mine.yaml", "keep: 3\n");
  const auto with_file = load_text(dir, std::string(k_minimal) + "policy: mine.yaml\n");
  ASSERT_TRUE(with_file) << error_of(with_file);
  EXPECT_EQ(with_file->policy.kind, PolicyKind::file);
  EXPECT_EQ(error_of(load_text(dir, with_benchmark_line("shell: bash"))),
            "zkbench.yaml:3:10: benchmark.shell: expected one of auto, always, never, got 'bash'");
  EXPECT_EQ(error_of(load_text(dir, std::string(k_minimal) + "profile: {zkvm: jolt, command: 'x {input}'}\n")),
            "zkbench.yaml:5:17: profile.zkvm: expected one of zisk, sp1, risc0, callgrind, got 'jolt'");
}

TEST(WorkflowConfig, rejects_list_fields_given_as_strings_and_missing_guest) {
  TempDir dir;
  EXPECT_EQ(error_of(load_text(dir, "benchmark:\n  command: p {input}\ncorrectness:\n  command: x\n  outputs: out.bin\n")),
            "zkbench.yaml:5:12: correctness.outputs: expected a list of strings, got 'out.bin'");
  EXPECT_EQ(error_of(load_text(dir, std::string(k_minimal) + "guest: guest/Cargo.toml\n")),
            "zkbench.yaml:5:8: guest: expected the path of the guest's Cargo.toml, got 'guest/Cargo.toml' (no such file)");
}

TEST(WorkflowConfig, reports_yaml_syntax_errors_with_position_and_missing_file) {
  TempDir dir;
  const std::string message = error_of(load_text(dir, "benchmark:\n  command: [a, b\nother: 1\n"));
  EXPECT_EQ(message.rfind("zkbench.yaml:", 0), 0u) << message;
  EXPECT_NE(message.find("invalid YAML"), std::string::npos) << message;
  EXPECT_EQ(error_of(load_config(dir / "nope.yaml", "nope.yaml")), "nope.yaml: cannot read: no such file");
}

TEST(WorkflowConfig, load_project_reads_the_inputs_file_relative_to_the_config) {
  TempDir dir;
  std::filesystem::create_directories(dir / "benchmarks");
  write_file(dir / "benchmarks/a.bin", "a");
  write_file(dir / "benchmarks/inputs.yaml", "inputs:\n  - {name: a, path: a.bin}\n  - {name: b, path: missing.bin}\n");
  write_file(dir / "zkbench.yaml", k_minimal);
  const auto project = load_project(dir / "zkbench.yaml");
  ASSERT_FALSE(project);
  EXPECT_EQ(project.error().message.rfind("benchmarks/inputs.yaml:3:", 0), 0u) << project.error().message;
}

TEST(WorkflowConfig, bundled_demo_project_loads) {
  const auto project = load_project(std::filesystem::path(ZKBENCH_SOURCE_DIR) / "examples/demo/zkbench.yaml");
  ASSERT_TRUE(project) << project.error().message;
  EXPECT_EQ(project->inputs.inputs.size(), 4u);
  EXPECT_TRUE(project->inputs.warnings.empty());
  EXPECT_EQ(project->config.benchmark.metrics.count("steps"), 1u);
  for (const InputSpec& input : project->inputs.inputs) {
    EXPECT_TRUE(std::filesystem::is_regular_file(input.path)) << input.path;
  }
}

TEST(WorkflowConfig, dashboard_url_is_read_and_must_be_http) {
  TempDir dir;
  const auto config = load_text(dir, std::string(k_minimal) + "dashboard_url: \"http://bench-host:8080/\"\n");
  ASSERT_TRUE(config) << error_of(config);
  EXPECT_EQ(config->dashboard_url, "http://bench-host:8080/");
  EXPECT_TRUE(load_text(dir, k_minimal)->dashboard_url.empty());
  const std::string error = error_of(load_text(dir, std::string(k_minimal) + "dashboard_url: \"ftp://x/\"\n"));
  EXPECT_NE(error.find("zkbench.yaml:5:"), std::string::npos) << error;
  EXPECT_NE(error.find("dashboard_url: expected an http:// or https:// URL, got 'ftp://x/'"), std::string::npos) << error;
}

TEST(WorkflowConfig, prover_metrics_names_a_prover_and_its_figures_may_be_declared_deterministic) {
  TempDir dir;
  auto config = load_text(dir, "benchmark:\n  command: \"./prove.sh {input}\"\n  prover_metrics: risc0\n"
                               "  deterministic: [cycles, user_cycles]\ncorrectness:\n  command: \"./run.sh {input}\"\n");
  ASSERT_TRUE(config) << error_of(config);
  EXPECT_EQ(config->benchmark.prover_metrics, zkbench::provers::ProverKind::risc0);
  EXPECT_NE(error_of(load_text(dir, with_benchmark_line("prover_metrics: cairo"))).find("benchmark.prover_metrics"),
            std::string::npos);
}

TEST(WorkflowConfig, deterministic_metrics_are_declared_in_the_benchmark_and_reach_the_policy) {
  TempDir dir;
  auto config = load_text(dir, "benchmark:\n  command: \"./prove.sh {input}\"\n  metrics: {steps: 'steps: ([0-9]+)', "
                               "secs: 'took ([0-9]+) s'}\n  deterministic: [steps]\ncorrectness:\n  command: \"./run.sh "
                               "{input}\"\n");
  ASSERT_TRUE(config) << error_of(config);
  ASSERT_TRUE(config->benchmark.deterministic.has_value());
  auto policy = zkbench::project::project_policy(*config);
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_EQ(policy->deterministic_metrics, std::vector<std::string>{"steps"});
  // Not declared: the policy's own list (the presets declare steps and cycles).
  config = load_text(dir, k_minimal);
  ASSERT_TRUE(config) << error_of(config);
  EXPECT_FALSE(config->benchmark.deterministic.has_value());
  EXPECT_EQ(zkbench::project::project_policy(*config)->deterministic_metrics,
            (std::vector<std::string>{"steps", "cycles"}));
  EXPECT_NE(error_of(load_text(dir, with_benchmark_line("deterministic: [steps]")))
                .find("benchmark.deterministic: 'steps' is not a metric of benchmark.metrics, benchmark.metric_files or benchmark.prover_metrics"),
            std::string::npos);
}

TEST(WorkflowConfig, a_policy_files_timeout_stands_unless_zkbench_yaml_sets_one) {
  TempDir dir;
  write_file(dir / "p.yaml", "preset: zkvm\n"); // the zkvm preset kills at 1.15x
  auto config = load_text(dir, std::string(k_minimal) + "policy: p.yaml\n");
  ASSERT_TRUE(config) << error_of(config);
  auto policy = zkbench::project::project_policy(*config);
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_DOUBLE_EQ(policy->timeout_multiplier, 1.15);
  config = load_text(dir, with_benchmark_line("timeout_multiplier: 1.3") + "policy: p.yaml\n");
  ASSERT_TRUE(config) << error_of(config);
  policy = zkbench::project::project_policy(*config);
  ASSERT_TRUE(policy);
  EXPECT_DOUBLE_EQ(policy->timeout_multiplier, 1.3);
}

TEST(WorkflowConfig, contention_defaults_by_policy_and_every_key_read) {
  TempDir dir;
  const auto generic = load_text(dir, k_minimal);
  ASSERT_TRUE(generic) << error_of(generic);
  EXPECT_TRUE(generic->contention.enabled);
  EXPECT_DOUBLE_EQ(generic->contention.max_foreign_cores, 0.2);
  EXPECT_DOUBLE_EQ(generic->contention.settle_s, 5);
  EXPECT_DOUBLE_EQ(generic->contention.max_wait_s, 120);
  const auto zkvm = load_text(dir, std::string(k_minimal) + "policy: zkvm\n");
  ASSERT_TRUE(zkvm) << error_of(zkvm);
  EXPECT_DOUBLE_EQ(zkvm->contention.max_wait_s, 3600); // a proof box is dedicated: wait long
  const auto full = load_text(dir, std::string(k_minimal) +
                                       "contention:\n  enabled: false\n  max_foreign_cores: 0.5\n  settle_seconds: 2\n"
                                       "  max_wait_seconds: 10\n  on_timeout: fail\n  ignore: [cc1plus, ld]\n"
                                       "  max_redone_rounds: 1\n");
  ASSERT_TRUE(full) << error_of(full);
  EXPECT_FALSE(full->contention.enabled);
  EXPECT_DOUBLE_EQ(full->contention.max_foreign_cores, 0.5);
  EXPECT_DOUBLE_EQ(full->contention.settle_s, 2);
  EXPECT_DOUBLE_EQ(full->contention.max_wait_s, 10);
  EXPECT_EQ(full->contention.on_timeout, zkbench::measure::OnContentionTimeout::fail);
  EXPECT_EQ(full->contention.ignore, (std::vector<std::string>{"cc1plus", "ld"}));
  EXPECT_EQ(full->contention.max_redone_rounds, 1u);
}

TEST(WorkflowConfig, rejects_bad_contention_values_with_their_place) {
  TempDir dir;
  EXPECT_EQ(error_of(load_text(dir, std::string(k_minimal) + "contention:\n  on_timeout: wait\n")),
            "zkbench.yaml:6:15: contention.on_timeout: expected one of measure, fail, got 'wait'");
  EXPECT_NE(error_of(load_text(dir, std::string(k_minimal) + "contention:\n  max_foreign_cores: 0\n"))
                .find("contention.max_foreign_cores"),
            std::string::npos);
  EXPECT_NE(error_of(load_text(dir, std::string(k_minimal) + "contention:\n  settle: 5\n")).find("settle"),
            std::string::npos);
  EXPECT_NE(error_of(load_text(dir, std::string(k_minimal) + "contention:\n  ignore: cc1plus\n"))
                .find("contention.ignore: expected a list"),
            std::string::npos);
}

TEST(WorkflowProjectPolicy, a_policy_files_timeout_slack_is_kept_and_the_workflow_minimum_applies_below_it) {
  zkbench::test::TempDir dir;
  const auto file = dir.path() / "policy.yaml";
  std::ofstream(file) << "preset: zkvm\ntimeout_min_slack_s: 30\n";
  zkbench::project::ProjectConfig config;
  config.policy.kind = zkbench::project::PolicyKind::file;
  config.policy.file = file;
  const auto from_file = zkbench::project::project_policy(config);
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_DOUBLE_EQ(from_file->timeout_min_slack_s, 30.0); // the key the file sets does something
  config.policy.kind = zkbench::project::PolicyKind::generic;
  const auto preset = zkbench::project::project_policy(config);
  ASSERT_TRUE(preset) << preset.error().message;
  EXPECT_DOUBLE_EQ(preset->timeout_min_slack_s, zkbench::project::k_min_timeout_slack_s);
}

TEST(WorkflowProjectPolicy, resolve_reads_a_file_or_a_preset) {
  TempDir dir;
  write_file(dir / "p.yaml", "keep_threshold: 0.07\n");
  const auto from_file = resolve_policy((dir / "p.yaml").string());
  ASSERT_TRUE(from_file.has_value()) << from_file.error().message;
  EXPECT_DOUBLE_EQ(from_file->keep_threshold, 0.07);
  EXPECT_EQ(resolve_policy("zkvm")->name, "zkvm");
  EXPECT_FALSE(resolve_policy((dir / "missing.yaml").string()).has_value());
}
