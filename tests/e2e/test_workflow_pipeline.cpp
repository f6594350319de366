// The workflow measures through the one run loop (issue 10), with real processes: the verifier after
// every candidate run, GPU telemetry for every baseline and experiment run (a fake nvidia-smi replaying
// the H100 capture), the thermal gate's max_start_temp, generated inputs, and the refusal of an
// experiment without a committed change.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.hpp"
#include "support/fake_nvidia_smi.hpp"
#include "support/workflow_repo.hpp"

namespace zkbench {
namespace {

using test::CliResult;
using test::read_file;
using test::WorkflowRepo;
using test::write_file;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Adds `lines` under `section:` of zkbench.yaml and commits.
void add_to_config(const WorkflowRepo& repo, const std::string& section, const std::string& lines) {
  std::string config = read_file(repo.dir() / "zkbench.yaml");
  const std::size_t at = config.find(section + ":\n");
  ASSERT_NE(at, std::string::npos) << config;
  config.insert(at + section.size() + 2, lines);
  write_file(repo.dir() / "zkbench.yaml", config);
  ASSERT_EQ(repo.git("add -A && git commit -qm config"), 0);
}

// Every run of every session in the project's store.
std::vector<core::Run> all_runs(const WorkflowRepo& repo) {
  auto store = store::open_store((repo.dir() / ".zkbench" / "zkbench.db").string(), store::OpenMode::existing);
  EXPECT_TRUE(store);
  std::vector<core::Run> runs;
  auto sessions = (*store)->list_sessions(1000);
  EXPECT_TRUE(sessions);
  for (const auto& session : *sessions) {
    auto benches = (*store)->load_benchmarks(session.id);
    EXPECT_TRUE(benches);
    for (const auto& bench : *benches) {
      runs.insert(runs.end(), bench.runs.begin(), bench.runs.end());
    }
  }
  return runs;
}

TEST(WorkflowPipelineE2e, prover_metrics_of_the_project_are_every_run_s_metrics) {
  // The zkvm presets' `prover_metrics`: the benchmark prints a real RISC Zero session log after its work.
  WorkflowRepo repo(2, "0.01");
  const std::string log = test::fixture_path("risc0/risc0_session_log_RISC0_INFO__zeth_issue173_EXCERPT.txt").string();
  std::string config = read_file(repo.dir() / "zkbench.yaml");
  const std::string command = "command: \"./prog.sh {input}\"\n";
  ASSERT_NE(config.find(command), std::string::npos) << config;
  config.replace(config.find(command), command.size(),
                 "command: \"./prog.sh {input} && cat '" + log + "'\"\n  prover_metrics: risc0\n");
  write_file(repo.dir() / "zkbench.yaml", config);
  ASSERT_EQ(repo.git("add -A && git commit -qm 'risc0 figures'"), 0);
  const CliResult baseline = repo.zkbench("baseline");
  ASSERT_EQ(baseline.exit_code, 0) << baseline.output;
  const std::vector<core::Run> runs = all_runs(repo);
  ASSERT_EQ(runs.size(), 4u); // 2 inputs, 2 runs each
  for (const core::Run& run : runs) {
    // "812122112 total cycles", "number of segments: 388", "11306269 reserved cycles", "1215199 BigInt calls,
    // 75747423 cycles" in the log; prog.sh's own "steps: 42" through the project's regex beside them.
    EXPECT_EQ(run.metrics.at("cycles"), 812122112.0);
    EXPECT_EQ(run.metrics.at("segments"), 388.0);
    EXPECT_EQ(run.metrics.at("reserved_cycles"), 11306269.0);
    EXPECT_EQ(run.metrics.at("region:ecall:BigInt"), 75747423.0);
    EXPECT_EQ(run.metrics.at("steps"), 42.0);
  }
  EXPECT_TRUE(contains(read_file(repo.dir() / "benchmarks/baseline/metrics.yaml"), "cycles: {median: 812122112,"));
}

TEST(WorkflowPipelineE2e, candidate_whose_proofs_do_not_verify_is_reject_naming_the_verifier) {
  WorkflowRepo repo(3, "0.02");
  write_file(repo.dir() / "verify_ok", "yes\n");
  add_to_config(repo, "correctness", "  verify: \"grep -q yes verify_ok || { echo 'proof rejected by the verifier'; exit 1; }\"\n");
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  const std::string number = repo.experiment("Unsound shortcut", "verify_ok", "no\n");
  const CliResult run = repo.zkbench("exp run " + number);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(contains(run.output, ": REJECT")) << run.output;
  EXPECT_TRUE(contains(run.output, "the verify command 'grep -q yes verify_ok")) << run.output;
  EXPECT_TRUE(contains(run.output, "proof rejected by the verifier")) << run.output;
}

TEST(WorkflowPipelineE2e, every_baseline_and_experiment_run_keeps_gpu_telemetry) {
  WorkflowRepo repo(3, "0.25");
  // Decided on steps: the run count stays the planned one however loaded the machine (on time, scattered
  // runs extend the fixed strategy to 20 per side).
  repo.decide_on_steps("1000");
  test::FakeNvidiaSmi fake;
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  const std::string number = repo.experiment("Faster", "steps", "900\n");
  const CliResult run = repo.zkbench("exp run " + number + " --strategy fixed");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto runs = all_runs(repo);
  // baseline 2 inputs x 3, experiment 2 inputs x 3 per side
  ASSERT_EQ(runs.size(), 2u * 3 + 2u * 3 * 2);
  for (const core::Run& r : runs) {
    ASSERT_TRUE(r.gpu.has_value()) << "a run without GPU figures";
    EXPECT_DOUBLE_EQ(r.gpu->temperature_start_c, 59.0); // the replayed load capture
  }
  const auto results = nlohmann::json::parse(read_file(repo.dir() / "benchmarks/experiments/001-faster/results.json"));
  ASSERT_TRUE(results["inputs"][0].contains("gpu")) << results.dump(2);
  EXPECT_GT(results["inputs"][0]["gpu"]["memory_peak_bytes"].get<double>(), 0.0);
  // ... and on the experiment's dashboard page.
  ASSERT_EQ(repo.zkbench("report").exit_code, 0);
  const std::string page = read_file(repo.dir() / "benchmarks/report/experiments/001.html");
  EXPECT_TRUE(contains(page, "<section id=\"gpu\">")) << page;
  EXPECT_TRUE(contains(page, "peak GPU memory"));
}

TEST(WorkflowPipelineE2e, a_gpu_hotter_than_max_start_temp_holds_the_first_run_and_says_so) {
  WorkflowRepo repo(2, "0.02");
  // nvidia-smi reads 59 °C (the load capture) for its first 3 seconds, then the idle capture.
  test::FakeNvidiaSmi fake;
  const std::string d = fake.dir().path().string();
  write_file(fake.dir() / "idle.txt", test::h100_section("idle :: query-gpu (csv, what the exporter parses)"));
  write_file(fake.dir() / "nvidia-smi",
             "#!/bin/sh\n"
             "[ -f '" + d + "/start' ] || date +%s > '" + d + "/start'\n"
             "hot=$(( $(date +%s) - $(cat '" + d + "/start') < 3 ))\n"
             "for arg in \"$@\"; do case \"$arg\" in\n"
             "  --query-gpu=*) if [ \"$hot\" = 1 ]; then cat '" + d + "/csv.txt'; else cat '" + d + "/idle.txt'; fi; exit 0;;\n"
             "  -q) cat '" + d + "/q.txt'; exit 0;;\n"
             "esac; done; exit 2\n");
  add_to_config(repo, "benchmark", "  max_start_temp: 50\n");
  const CliResult baseline = repo.zkbench("baseline");
  ASSERT_EQ(baseline.exit_code, 0) << baseline.output;
  EXPECT_TRUE(contains(baseline.output, "waiting: GPU at 59")) << baseline.output;
  EXPECT_TRUE(contains(baseline.output, "needs < 50")) << baseline.output;
}

TEST(WorkflowPipelineE2e, generated_inputs_appear_and_are_reused) {
  WorkflowRepo repo(2, "0.02");
  write_file(repo.dir() / "benchmarks" / "inputs.yaml",
             "inputs:\n  - name: a\n    path: ../inputs/a.txt\n"
             "  - name: gen\n    generate: {command: \"echo generated-{seed} > {output} && echo run >> gen.log\", seed: 7}\n");
  ASSERT_EQ(repo.git("add -A && git commit -qm gen"), 0);
  const CliResult baseline = repo.zkbench("baseline");
  ASSERT_EQ(baseline.exit_code, 0) << baseline.output;
  EXPECT_EQ(read_file(repo.dir() / "benchmarks" / "generated" / "gen"), "generated-7\n");
  const std::string number = repo.experiment("Faster", "delay", "0.01\n");
  ASSERT_EQ(repo.zkbench("exp run " + number).exit_code, 0);
  EXPECT_EQ(read_file(repo.dir() / "benchmarks" / "gen.log"), "run\n"); // generated once, reused after
}

TEST(WorkflowPipelineE2e, a_failing_generator_is_a_one_line_error_with_its_status_and_output) {
  WorkflowRepo repo(2, "0.02");
  write_file(repo.dir() / "benchmarks" / "inputs.yaml",
             "inputs:\n  - name: a\n    path: ../inputs/a.txt\n"
             "  - name: gen\n    generate: {command: \"echo no generator here >&2; exit 5; echo {output}\", seed: 1}\n");
  ASSERT_EQ(repo.git("add -A && git commit -qm gen"), 0);
  const CliResult baseline = repo.zkbench("baseline");
  EXPECT_NE(baseline.exit_code, 0);
  EXPECT_TRUE(contains(baseline.output, "input 'gen': the generator")) << baseline.output;
  EXPECT_TRUE(contains(baseline.output, "(exit 5): no generator here")) << baseline.output;
}

TEST(WorkflowPipelineE2e, an_experiment_without_a_committed_change_is_refused) {
  WorkflowRepo repo(2, "0.02");
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0);
  const CliResult created = repo.zkbench("exp new 'Forgot to commit' --hypothesis x");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::size_t before = all_runs(repo).size();
  const CliResult run = repo.zkbench("exp run 001");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_TRUE(contains(run.output, "no commit beyond the baseline")) << run.output;
  EXPECT_EQ(all_runs(repo).size(), before); // nothing measured under its name
}

// CPU-bound processes that load the machine while they live (a neighbour starting mid-project).
class Load {
public:
  explicit Load(int processes) {
    for (int i = 0; i < processes; ++i) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::execl("/bin/sh", "sh", "-c", "while :; do :; done", static_cast<char*>(nullptr));
        ::_exit(127);
      }
      m_pids.push_back(pid);
    }
  }
  ~Load() {
    for (const pid_t pid : m_pids) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
  Load(const Load&) = delete;
  Load& operator=(const Load&) = delete;

private:
  std::vector<pid_t> m_pids;
};

TEST(WorkflowPipelineE2e, interleaving_keeps_less_work_and_never_keeps_or_kills_a_no_op_when_the_load_changes) {
  WorkflowRepo repo(10, "0");
  // prog.sh does CPU work (a shell loop of `work` iterations) instead of sleeping: load slows it.
  write_file(repo.dir() / "prog.sh",
             "#!/bin/sh\nhere=$(dirname \"$0\")\nn=$(cat \"$here/work\"); i=0\n"
             "while [ $i -lt $n ]; do i=$((i+1)); done\ncat \"$1\"\necho 'steps: 42' >&2\n");
  write_file(repo.dir() / "work", "60000\n");
  write_file(repo.dir() / "notes.txt", "notes\n");
  std::string config = read_file(repo.dir() / "zkbench.yaml");
  config.replace(config.find("timeout_multiplier: 3.0"), 23, "timeout_multiplier: 1.10");
  write_file(repo.dir() / "zkbench.yaml", config);
  ASSERT_EQ(repo.git("add -A && git commit -qm 'cpu-bound prog'"), 0);
  ASSERT_EQ(repo.zkbench("baseline").exit_code, 0); // measured on a quiet(er) machine

  // 60% less work: under two busy loops on two cores (and ctest's other tests) the runs' robust CV reaches
  // 45-50%, and the robust rule, which never claims a KEEP on such noise unless the whole interval is beyond
  // the threshold, gave up on a 40% gain after 8 runs in 1 of 5 runs of the suite (a finding of issue 22:
  // the futility stop under noise). A gain this size is KEEP through that noise.
  const std::string less = repo.experiment("Less work", "work", "24000\n");
  const std::string noop = repo.experiment("Comment only", "notes.txt", "notes, reworded\n");
  Load load(2); // the machine gets busy between the baseline and the experiments
  const CliResult kept = repo.zkbench("exp run " + less);
  ASSERT_EQ(kept.exit_code, 0) << kept.output;
  EXPECT_EQ(WorkflowRepo::experiment_verdict(kept.output), "KEEP") << kept.output;
  const CliResult nothing = repo.zkbench("exp run " + noop);
  ASSERT_EQ(nothing.exit_code, 0) << nothing.output;
  const std::string verdict = WorkflowRepo::experiment_verdict(nothing.output);
  EXPECT_NE(verdict, "") << nothing.output;
  EXPECT_NE(verdict, "KEEP") << nothing.output;
  EXPECT_NE(verdict, "KILL") << nothing.output;
}

} // namespace
} // namespace zkbench
