#pragma once
// A throwaway zkbench project for the workflow's end-to-end tests: a git repository with a tiny shell
// "prover" (prog.sh sleeps for the seconds in `delay`, and in `extra` when present, then prints its input and `suffix`,
// and "steps: N" on stderr: N from the file `steps` when present, else 42), two inputs,
// and a zkbench.yaml with few, short runs. Experiments change `delay` or `suffix` on their branch.

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli.hpp"
#include "support/env.hpp"
#include "support/fixtures.hpp"

namespace zkbench::test {

/// Runs a shell command in `dir`; returns its exit code (output discarded unless it fails).
inline int shell_in(const std::filesystem::path& dir, const std::string& command) {
  const std::string line = "cd '" + dir.string() + "' && { " + command + "; } >/dev/null 2>&1";
  return std::system(line.c_str());
}

/// An awk program of `iterations` loop steps (CPU-bound, one process: about 0.15 s per 6 million on a quiet
/// machine) that prints "steps: 42" on stderr, the same work figure whatever the iterations: a benchmark
/// command `awk -f work.awk {input}` whose only signal is its time.
inline std::string awk_work(int iterations) {
  return "BEGIN { for (i = 0; i < " + std::to_string(iterations) +
         "; i++) s += i; print \"steps: 42\" > \"/dev/stderr\" }\n";
}

class WorkflowRepo {
public:
  /// `runs` measured runs per input; `delay_s` the baseline's sleep.
  explicit WorkflowRepo(int runs = 3, const std::string& delay_s = "0.1") {
    const auto& d = m_dir.path();
    std::filesystem::create_directories(d / "inputs");
    std::filesystem::create_directories(d / "benchmarks");
    write_file(d / "prog.sh",
               "#!/bin/sh\n"
               "here=$(dirname \"$0\")\n"
               "[ -n \"$ZKBENCH_TEST_TRACE\" ] && echo \"s $(date +%s%N)\" >> \"$ZKBENCH_TEST_TRACE\"\n"
               "sleep \"$(cat \"$here/delay\")\"\n"
               "if [ -f \"$here/extra\" ]; then sleep \"$(cat \"$here/extra\")\"; fi\n"
               "[ -n \"$ZKBENCH_TEST_TRACE\" ] && echo \"e $(date +%s%N)\" >> \"$ZKBENCH_TEST_TRACE\"\n"
               "cat \"$1\"; cat \"$here/suffix\"\n"
               "if [ -f \"$here/steps\" ]; then echo \"steps: $(cat \"$here/steps\")\" >&2; else echo 'steps: 42' >&2; fi\n");
    write_file(d / "delay", delay_s + "\n");
    write_file(d / "suffix", "");
    write_file(d / "inputs" / "a.txt", "input a\n");
    write_file(d / "inputs" / "b.txt", "input b\n");
    write_file(d / "benchmarks" / "inputs.yaml",
               "inputs:\n  - name: a\n    path: ../inputs/a.txt\n  - name: b\n    path: ../inputs/b.txt\n    weight: 2\n");
    write_file(d / "zkbench.yaml",
               "objective: \"Make prog.sh faster\"\n"
               "benchmark:\n  build: \"chmod +x prog.sh\"\n  command: \"./prog.sh {input}\"\n  runs: " +
                   std::to_string(runs) +
                   "\n  warmup: 0\n  cooldown_seconds: 0\n  timeout_multiplier: 3.0\n"
                   "  metrics:\n    steps: 'steps: ([0-9]+)'\n"
                   "correctness:\n  command: \"./prog.sh {input}\"\npolicy: generic\n");
    write_file(d / ".gitignore", ".zkbench/\n");
    EXPECT_EQ(git("init -q && git config user.email t@t && git config user.name t && chmod +x prog.sh && "
                  "git add -A && git commit -qm base"),
              0);
    // Set for this repository's life only: a later test in the same process must not find a lock file
    // in a folder that is gone (ScopedEnv restores them).
    m_env.set("ZKBENCH_LOCK_FILE", (d / ".zkbench-test.lock").string());
    // The workflow notifies the webhooks of the secrets file: never the developer's own.
    m_env.set("ZKBENCH_SECRETS_FILE", (d / ".no-secrets.env").string());
  }

  const std::filesystem::path& dir() const { return m_dir.path(); }

  /// Makes `steps` (what prog.sh prints, from the file `steps`) the primary metric, starting at
  /// `steps`: verdicts and changes then depend on no timing, however loaded the machine. Commits; call
  /// before the baseline. Experiments change the file `steps`.
  void decide_on_steps(const std::string& steps) const {
    write_file(dir() / "steps", steps + "\n");
    write_file(dir() / "steps-policy.yaml", "preset: generic\nprimary_metric: steps\n");
    std::string config = read_file(dir() / "zkbench.yaml");
    const std::string from = "policy: generic";
    config.replace(config.find(from), from.size(), "policy: steps-policy.yaml");
    write_file(dir() / "zkbench.yaml", config);
    EXPECT_EQ(git("add -A && git commit -qm 'decide on steps'"), 0);
  }

  /// Declares `steps` deterministic (benchmark.deterministic): `bisect --metric steps` then measures each
  /// commit once and decides exactly. Commits.
  void declare_steps_deterministic() const {
    std::string config = read_file(dir() / "zkbench.yaml");
    const std::string metrics = "  metrics:\n    steps: 'steps: ([0-9]+)'\n";
    config.replace(config.find(metrics), metrics.size(), metrics + "  deterministic: [steps]\n");
    write_file(dir() / "zkbench.yaml", config);
    EXPECT_EQ(git("add -A && git commit -qm 'steps are deterministic'"), 0);
  }

  /// Three commits on HEAD for a bisection: a note, `steps` = `steps` (subject "steps <steps>", the culprit,
  /// HEAD~1 at the end), another note. Returns the commit before them (GOOD).
  std::string history_with_a_step(const std::string& steps) const {
    const std::string good = head();
    EXPECT_EQ(git("commit -q --allow-empty -m 'a note' && echo " + steps + " > steps && git commit -qam 'steps " +
                  steps + "' && git commit -q --allow-empty -m 'another note'"),
              0);
    return good;
  }

  /// The full sha of a revision (HEAD by default).
  std::string head(const std::string& revision = "HEAD") const {
    return run_shell("cd '" + dir().string() + "' && git rev-parse " + revision).output.substr(0, 40);
  }

  int git(const std::string& args) const { return shell_in(dir(), "git " + args); }

  /// Makes the benchmark command the awk loop of awk_work(`iterations`) run as itself (one process: its
  /// wait for a CPU is measured), in work.awk, which experiments then change; prog.sh stays the
  /// correctness check. Writes the files; does not commit.
  void measure_awk(int iterations) const {
    write_file(dir() / "work.awk", awk_work(iterations));
    std::string config = read_file(dir() / "zkbench.yaml");
    const std::string command = "  command: \"./prog.sh {input}\"\n  runs:";
    config.replace(config.find(command), command.size(), "  command: \"awk -f work.awk {input}\"\n  runs:");
    write_file(dir() / "zkbench.yaml", config);
  }

  /// The results.json of the experiment in benchmarks/experiments/`folder` ("001-less-work").
  nlohmann::json results(const std::string& folder) const {
    return nlohmann::json::parse(read_file(dir() / "benchmarks/experiments" / folder / "results.json"));
  }

  CliResult zkbench(const std::string& args) const { return run_zkbench(args, dir().string()); }

  /// `zkbench exp new NAME`, then on its branch: write `file` = `content` and commit. Returns "001".
  std::string experiment(const std::string& name, const std::string& file, const std::string& content) const {
    const CliResult created = zkbench("exp new '" + name + "' --hypothesis 'test' --expected 10%");
    EXPECT_EQ(created.exit_code, 0) << created.output;
    const std::string number = created.output.substr(std::string("experiment ").size(), 3);
    const std::string branch = created.output.substr(created.output.find("branch ") + 7,
                                                     created.output.find(" (from") - created.output.find("branch ") - 7);
    EXPECT_EQ(git("checkout -q " + branch), 0);
    write_file(dir() / file, content);
    EXPECT_EQ(git("commit -qam change && git checkout -q -"), 0);
    return number;
  }

  /// The verdict word of `exp run`'s summary line ("experiment 002 (Name): KEEP -4.1%"), or "" when the
  /// output has none: what a user reads, not any ": KEEP" inside a reason.
  static std::string experiment_verdict(const std::string& output) {
    const std::size_t line = output.find("\nexperiment ");
    if (line == std::string::npos) {
      return "";
    }
    const std::size_t end = output.find('\n', line + 1);
    const std::string summary = output.substr(line + 1, end == std::string::npos ? std::string::npos : end - line - 1);
    const std::size_t colon = summary.find("): ");
    if (colon == std::string::npos) {
      return "";
    }
    const std::string rest = summary.substr(colon + 3);
    return rest.substr(0, rest.find(' '));
  }

private:
  TempDir m_dir;
  ScopedEnv m_env;
};

} // namespace zkbench::test
