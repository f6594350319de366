#pragma once
// A zkbench project's configuration: zkbench.yaml at the root of a git repository (issue 4).
//
//   benchmark:
//     build: "make"                       # optional: run before measuring a commit
//     command: "./prove.sh {input}"       # required; must use {input}
//     runs: 10                            # > 0, default 10
//     warmup: 3                           # >= 0, default 3
//     timeout_multiplier: 1.10            # > 1, default from the policy
//     cooldown_seconds: 60                # >= 0, default from the policy
//     max_start_temp: 50                  # optional, °C: wait until the GPU is cooler before a run
//     metrics: {steps: 'steps: ([0-9,]+)'}   # name -> regex with exactly one capture group (as --metric)
//     metric_files: {proof_size: "{out}/proof.bin"}   # name -> file whose size is recorded (as --metric-file)
//     prover_metrics: zisk          # zisk | sp1 | risc0: every figure the prover prints (as --metrics)
//     shell: auto                         # auto | always | never
//   correctness:
//     command: "./run.sh {input}"         # required: its stdout (or `outputs`) must equal the baseline's
//     outputs: []                         # files to hash instead of stdout
//     verify: "..."                       # optional: must exit 0 after each measured run (proof check)
//   policy: generic                       # generic | optimized | zkvm | a policy file
//   inputs: benchmarks/inputs.yaml        # default benchmarks/inputs.yaml
//   vars: {elf: target/guest.elf}         # optional: user placeholders for the commands
//   profile: {zkvm: zisk, command: "ziskemu -e {elf} -i {input} -X -S -D", output: ""}   # optional;
//                                       # zkvm: zisk | sp1 | risc0 | callgrind
//   guest: guest/Cargo.toml               # optional: guest manifest, for the patches in environment.yaml
//   store: benchmarks/zkbench.db          # optional: SQLite path or postgres:// URL
//   objective: "…"                        # optional: text for PLAN.md
//   dashboard_url: "http://bench-host:8080/"   # optional: the dashboard link in notifications
//   fleet: {scheduler: slurm, partition: gpu, gres: "gpu:1"}   # optional: see fleet_config.hpp
//   contention:                           # optional: the contention gate (measure/contention.hpp)
//     enabled: true                       # false: measure without waiting or marking runs
//     max_foreign_cores: 0.2              # > 0: CPU load of other processes a run tolerates
//     settle_seconds: 5                   # >= 0: how long it stays below after load was seen
//     max_wait_seconds: 120               # >= 0, default by policy (generic 120, zkvm 3600)
//     on_timeout: measure                 # measure (marking contended runs) | fail
//     ignore: [cc1plus]                   # process names that are not foreign
//     max_redone_rounds: 5                # >= 0: contended rounds measured again, per input
//
// Command placeholders: {input} (the input's path), {input_name}, {out} (a scratch folder zkbench gives
// each input, for proofs), and every key of `vars`. Values are shell-quoted when substituted.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "measure/contention.hpp"
#include "measure/executor.hpp"
#include "util/error.hpp"
#include "project/command_template.hpp"
#include "project/fleet_config.hpp"
#include "provers/preset.hpp"
#include "verdict/policy.hpp"
#include "project/inputs.hpp"

namespace zkbench::project {

struct BenchmarkConfig {
  std::string build;                         // empty: nothing to build
  std::string command;
  int runs = 10;
  int warmup = 3;
  double timeout_multiplier = 1.10;          // the policy's when not set in the file
  bool timeout_multiplier_set = false;       // zkbench.yaml sets it (it then overrides a policy file's)
  double cooldown_seconds = 60;              // the policy's when not set in the file
  std::optional<double> max_start_temp_c;
  std::map<std::string, std::string> metrics;      // name -> RE2 regex (one capture group: the value)
  std::map<std::string, std::string> metric_files; // name -> file (template) whose size is recorded
  /// The prover whose parsers read every figure of each run's output (provers/output_metrics.hpp).
  std::optional<provers::ProverKind> prover_metrics;
  /// Metrics declared deterministic (exact when equal on >= 3 runs per side); unset: the policy's list.
  std::optional<std::vector<std::string>> deterministic;
  measure::ShellMode shell = measure::ShellMode::auto_detect;
};

struct CorrectnessConfig {
  std::string command;
  std::vector<std::string> outputs;          // files hashed instead of stdout (templates)
  std::string verify;                        // empty: none
};

enum class PolicyKind { generic, optimized, zkvm, file };

struct PolicyRef {
  PolicyKind kind = PolicyKind::generic;
  std::filesystem::path file;                // absolute, for PolicyKind::file
};

/// Which profiler: a zkVM's (ziskemu, SP1's TRACE_FILE, RISC Zero's pprof) or callgrind for native code.
enum class ProfilerKind { zisk, sp1, risc0, callgrind };

struct ProfileConfig {
  ProfilerKind zkvm = ProfilerKind::zisk;
  std::string command;                       // template
  std::string output;                        // file the profiler writes; empty: its stdout
};

struct ProjectConfig {
  std::filesystem::path file;                // zkbench.yaml, absolute
  std::filesystem::path root;                // its folder
  BenchmarkConfig benchmark;
  CorrectnessConfig correctness;
  PolicyRef policy;
  std::filesystem::path inputs_file;         // absolute
  Placeholders vars;
  std::optional<ProfileConfig> profile;
  std::optional<std::filesystem::path> guest_manifest; // absolute
  std::optional<std::string> store;
  std::string objective;
  std::string dashboard_url;                 // http(s) URL; empty: notifications use http://<host>:8080/
  FleetConfig fleet;                         // where `zkbench submit` sends jobs
  measure::ContentionPolicy contention;      // the contention gate (defaults by policy: default_contention)
};

/// The contention gate's defaults for a policy: every preset waits for a quiet machine; zkvm waits up
/// to an hour (a proof box is dedicated: whoever else is on it leaves), the others 2 minutes.
measure::ContentionPolicy default_contention(PolicyKind kind);

/// The placeholders zkbench itself provides to commands.
inline constexpr const char* k_builtin_placeholders[] = {"input", "input_name", "out"};

/// Loads zkbench.yaml. `display_name` names the file in messages. Every error is one line
/// "<file>:<line>:<col>: <key.path>: <what is expected>, got <what was found>": unreadable file, invalid YAML,
/// unknown or repeated keys, wrong types, runs <= 0, warmup < 0, timeout_multiplier <= 1, a metric regex
/// that does not compile or has not exactly one capture group, a bad metric name, a command without {input}, an unknown placeholder,
/// an unknown policy name that is not an existing file, a vars key shadowing a built-in placeholder, a
/// dashboard_url that is not an http:// or https:// URL.
/// Defaults for timeout_multiplier and cooldown_seconds come from the policy (zkvm: 1.15, 120 s).
Result<ProjectConfig> load_config(const std::filesystem::path& path, const std::string& display_name);

/// Loads zkbench.yaml and the inputs file it names; the inputs' warnings are kept in the InputSet.
struct Project {
  ProjectConfig config;
  InputSet inputs;
};
Result<Project> load_project(const std::filesystem::path& config_path);

/// Timeouts of the workflow leave at least this much room over the baseline median: scheduler jitter on
/// a busy machine can double a 30 ms run, while a hang is far beyond any slack.
inline constexpr double k_min_timeout_slack_s = 1.0;

/// The policy of the project: its preset or file, with zkbench.yaml's timeout_multiplier when the file
/// sets it (a policy file's own stands otherwise) and a timeout slack of at least the one above (a policy
/// file's timeout_min_slack_s when larger). Errors: the policy file cannot be read ("policy: ...") or is
/// not a valid policy (verdict::parse_policy_yaml).
Result<verdict::Policy> project_policy(const ProjectConfig& config);

/// Reads a YAML policy file (verdict::parse_policy_yaml). Errors: as parse_policy_yaml's, or "policy:
/// cannot read ...".
Result<verdict::Policy> read_policy_file(const std::filesystem::path& path);

/// A preset name or a path to a YAML file: what `--policy` accepts. Error: neither, or read_policy_file's.
Result<verdict::Policy> resolve_policy(std::string_view preset_or_path);

const char* to_string(PolicyKind kind);
const char* to_string(ProfilerKind kind);
/// The inverse of to_string(ProfilerKind) ("zisk", "sp1", "risc0", "callgrind"); nullopt otherwise.
std::optional<ProfilerKind> parse_profiler_kind(std::string_view text);

} // namespace zkbench::project
