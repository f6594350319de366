// `zkbench run` end to end: the built binary measures real processes, writes real exports and a real
// SQLite store, which the tests read back through the library.

#include <csignal>
#include <cstdio>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "measure/cgroup.hpp"
#include "report/json_import.hpp"
#include "store/store.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"

extern char** environ;

namespace {

using nlohmann::json;
using zkbench::test::run_zkbench;
using zkbench::test::TempDir;

json read_json(const std::filesystem::path& path) {
  return json::parse(zkbench::test::read_file(path));
}

/// The latest session of the store at `db` and its benchmarks.
struct StoredSession {
  zkbench::store::SessionRecord record;
  std::vector<zkbench::core::Benchmark> benchmarks;
};

StoredSession latest_session(const std::filesystem::path& db) {
  auto store = zkbench::store::open_store(db.string(), zkbench::store::OpenMode::existing);
  EXPECT_TRUE(store) << store.error().message;
  auto sessions = (*store)->list_sessions(1);
  EXPECT_TRUE(sessions && !sessions->empty());
  StoredSession out;
  out.record = sessions->front();
  auto benchmarks = (*store)->load_benchmarks(out.record.id);
  EXPECT_TRUE(benchmarks);
  out.benchmarks = *benchmarks;
  return out;
}

TEST(CliRun, failing_command_exits_3_with_the_ignore_failure_hint_and_keeps_the_run) {
  TempDir dir;
  const auto result = run_zkbench("run --runs 3 false", dir.path().string());
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("non-zero exit code 1"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("'-i'/'--ignore-failure'"), std::string::npos) << result.output;
  const auto session = latest_session(dir / ".zkbench/zkbench.db");
  EXPECT_EQ(session.record.status, zkbench::store::SessionStatus::failed);
  ASSERT_EQ(session.benchmarks.size(), 1u);
  ASSERT_EQ(session.benchmarks[0].runs.size(), 1u);
  EXPECT_EQ(session.benchmarks[0].runs[0].exit_code, 1);
}

TEST(CliRun, ignore_failure_measures_every_run_and_exports_exit_codes) {
  TempDir dir;
  const auto result = run_zkbench("run -N --runs 4 -i true false --export-json out.json", dir.path().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const json out = read_json(dir / "out.json");
  ASSERT_EQ(out["results"].size(), 2u);
  EXPECT_EQ(out["results"][1]["exit_codes"], json::array({1, 1, 1, 1}));
  EXPECT_EQ(out["results"][0]["exit_codes"], json::array({0, 0, 0, 0}));
  EXPECT_NE(result.output.find("Summary"), std::string::npos) << result.output;
}

TEST(CliRun, metric_with_thousands_separators_is_read_from_each_run) {
  TempDir dir;
  const auto result = run_zkbench(
      "run --runs 3 --metric 'steps=steps: ([0-9,]+)' \"echo 'steps: 1,234,567'\" --export-json out.json",
      dir.path().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("steps: median 1,234,567"), std::string::npos) << result.output;
  const json out = read_json(dir / "out.json");
  EXPECT_EQ(out["results"][0]["metrics"]["steps"], json::array({1234567.0, 1234567.0, 1234567.0}));
}

TEST(CliRun, prover_metrics_read_every_figure_of_a_real_cargo_zisk_log) {
  TempDir dir;
  const std::string log = zkbench::test::fixture_path("zisk/cargo_zisk_prove_tail_book_head.txt").string();
  // A regex of the same name wins over the parsed figure.
  const auto result = run_zkbench("run --runs 2 --metrics zisk --metric 'proof_time_s=Proof Time: ([0-9]+)' 'cat " +
                                      log + "' --export-json out.json",
                                  dir.path().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const json metrics = read_json(dir / "out.json")["results"][0]["metrics"];
  EXPECT_EQ(metrics["steps"], json::array({4450272.0, 4450272.0})) << metrics;
  EXPECT_EQ(metrics["execution_time_s"], json::array({5.097, 5.097})) << metrics;
  EXPECT_EQ(metrics["region:Proofman"], json::array({4.91, 4.91})) << metrics;
  EXPECT_EQ(metrics["proof_time_s"], json::array({5.0, 5.0})) << metrics;
  const auto unknown = run_zkbench("run --runs 2 --metrics cairo true", dir.path().string());
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.output.find("--metrics"), std::string::npos) << unknown.output;
}

// One figure a prover prints: its metric, the text of the fixture it is read from, and its value.
struct PrintedFigure {
  std::string metric;
  std::string text;
  double value = 0;
};

// `zkbench run --metrics PROVER 'cat FIXTURE'`: every figure of `figures` (and no other metric) is in
// the exported runs, in the store, and in the printed summary.
void expect_prover_figures(const std::string& prover, const std::string& fixture,
                           const std::vector<PrintedFigure>& figures) {
  TempDir dir;
  const std::string path = zkbench::test::fixture_path(fixture).string();
  const std::string text = zkbench::test::read_file(path);
  for (const PrintedFigure& figure : figures) {
    ASSERT_NE(text.find(figure.text), std::string::npos) << fixture << " has no '" << figure.text << "'";
  }
  const auto result =
      run_zkbench("run --runs 2 --metrics " + prover + " 'cat " + path + "' --export-json out.json", dir.path().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const json exported = read_json(dir / "out.json")["results"][0]["metrics"];
  EXPECT_EQ(exported.size(), figures.size()) << exported;
  const auto stored = latest_session(dir / ".zkbench/zkbench.db");
  ASSERT_EQ(stored.benchmarks.size(), 1u);
  ASSERT_EQ(stored.benchmarks[0].runs.size(), 2u);
  for (const PrintedFigure& figure : figures) {
    ASSERT_TRUE(exported.contains(figure.metric)) << figure.metric << " missing: " << exported;
    for (const json& value : exported[figure.metric]) {
      EXPECT_DOUBLE_EQ(value.get<double>(), figure.value) << figure.metric;
    }
    for (const zkbench::core::Run& run : stored.benchmarks[0].runs) {
      const auto it = run.metrics.find(figure.metric);
      ASSERT_TRUE(it != run.metrics.end() && it->second) << figure.metric << " not stored";
      EXPECT_DOUBLE_EQ(*it->second, figure.value) << figure.metric;
    }
    EXPECT_NE(result.output.find(figure.metric + ": median"), std::string::npos) << figure.metric << result.output;
  }
}

TEST(CliRun, prover_metrics_of_a_cargo_zisk_prove_log) {
  expect_prover_figures("zisk", "zisk/cargo_zisk_prove_tail_book_head.txt",
                        {{"proof_time_s", "Proof Time: 5.097 seconds", 5.097},
                         {"execution_time_s", "Execution completed in 5097ms", 5.097},
                         {"steps", "steps: 4450272", 4450272},
                         {"region:Proofman", "Proofman 4910ms", 4.910},
                         {"region:Execution", "Execution 34ms", 0.034},
                         {"region:Count&Plan", "Count&Plan 17ms", 0.017},
                         {"region:Count&Plan MO", "Count&Plan MO 0ms", 0}});
}

TEST(CliRun, prover_metrics_of_ziskemu_reports) {
  expect_prover_figures("zisk", "zisk/ziskemu_m_metrics_book_v0.15.0.txt",
                        {{"steps", "steps=85309", 85309}, {"execution_time_s", "duration=0.0009", 0.0009}});
  expect_prover_figures("zisk", "zisk/ziskemu_X_report_book_v0.18-era.txt", {{"steps", "92,875,129", 92875129}});
}

TEST(CliRun, prover_metrics_of_sp1_logs) {
  // The cycle tracker's top-level spans, their sum as the cycles, and the script's gas.
  expect_prover_figures("sp1", "sp1/sp1_execute_cycle_tracker_log__ethrex_pr4273_EXCERPT.txt",
                        {{"region:read_input", "34,125,436 cycles", 34125436},
                         {"region:execution", "1,458,794,351 cycles", 1458794351},
                         {"region:commit_public_inputs", "26,791 cycles", 26791},
                         {"cycles", "┌╴read_input", 34125436.0 + 1458794351.0 + 26791.0},
                         {"gas", "gas: 1687294509", 1687294509}});
  // ExecutionReport's Debug print: the instructions' counts summed as the cycles, the syscalls' summed.
  expect_prover_figures("sp1", "sp1/sp1_executionreport_debug_2024__sp1_pr847.txt",
                        {{"cycles", "ADD: 4143", 11291}, {"syscalls", "COMMIT_DEFERRED_PROOFS: 8", 1 + 1 + 1 + 8 + 3 + 8}});
}

TEST(CliRun, prover_metrics_of_a_risc0_session_log) {
  expect_prover_figures("risc0", "risc0/risc0_session_log_RISC0_INFO__zeth_issue173_EXCERPT.txt",
                        {{"execution_time_s", "execution time: 25.441604522s", 25.441604522},
                         {"segments", "number of segments: 388", 388},
                         {"cycles", "812122112 total cycles", 812122112},
                         {"user_cycles", "685160803 user cycles", 685160803},
                         {"paging_cycles", "115655040 paging cycles", 115655040},
                         {"reserved_cycles", "11306269 reserved cycles", 11306269},
                         {"region:ecall:BigInt", "1215199 BigInt calls, 75747423 cycles", 75747423},
                         {"region:ecall:Sha2", "735243 Sha2 calls, 54407982 cycles", 54407982}});
}

TEST(CliRun, missing_metric_warns_and_is_recorded_as_null) {
  TempDir dir;
  const auto result =
      run_zkbench("run --runs 2 --metric 'cycles=cycles=([0-9]+)' 'echo hello' --export-json out.json", dir.path().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("warning: metric 'cycles' not found"), std::string::npos) << result.output;
  const json out = read_json(dir / "out.json");
  EXPECT_EQ(out["results"][0]["metrics"]["cycles"], json::array({nullptr, nullptr}));
}

TEST(CliRun, json_export_reads_back_and_matches_the_hyperfine_schema) {
  TempDir dir;
  const auto result = run_zkbench("run -N --runs 3 --warmup 1 'sleep 0.01' --export-json out.json --export-csv out.csv "
                                  "--export-markdown out.md",
                                  dir.path().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const json ours = read_json(dir / "out.json")["results"][0];
  const json theirs = read_json(zkbench::test::fixture_path("hyperfine/true_N.json"))["results"][0];
  for (const auto& [key, value] : theirs.items()) {
    ASSERT_TRUE(ours.contains(key)) << key;
    EXPECT_EQ(std::string(ours[key].type_name()), value.type_name()) << key;
  }
  EXPECT_EQ(ours["times"].size(), 3u);
  EXPECT_GE(ours["min"].get<double>(), 0.01);
  EXPECT_GT(ours["memory_usage_byte"][0].get<std::int64_t>(), 0);
  auto imported = zkbench::report::read_results_json(dir / "out.json");
  ASSERT_TRUE(imported) << imported.error().message;
  ASSERT_EQ((*imported)[0].runs.size(), 3u);
  EXPECT_EQ((*imported)[0].runs[2].wall_s, ours["times"][2].get<double>());
  EXPECT_EQ(zkbench::test::read_file(dir / "out.csv").rfind("command,mean,stddev,median,user,system,min,max\n", 0), 0u);
  EXPECT_NE(zkbench::test::read_file(dir / "out.md").find("| `sleep 0.01` |"), std::string::npos);
}

TEST(CliRun, parameter_scan_benchmarks_each_value) {
  TempDir dir;
  const auto result = run_zkbench("run -N --runs 2 -P n 1 3 'sleep 0.00{n}' --export-json out.json", dir.path().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const json out = read_json(dir / "out.json");
  ASSERT_EQ(out["results"].size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(out["results"][i]["command"], "sleep 0.00" + std::to_string(i + 1));
    EXPECT_EQ(out["results"][i]["parameters"]["n"], std::to_string(i + 1));
  }
}

TEST(CliRun, timeout_is_recorded_as_a_timed_out_run) {
  TempDir dir;
  const auto result = run_zkbench("run --runs 1 -i --timeout 0.3 'sleep 30' --export-json out.json", dir.path().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("Timed out: 1 of 1 runs"), std::string::npos) << result.output;
  const json out = read_json(dir / "out.json")["results"][0];
  EXPECT_EQ(out["timed_out"], json::array({true}));
  EXPECT_TRUE(out["exit_codes"][0].is_null());
  EXPECT_GE(out["times"][0].get<double>(), 0.3);
  const auto session = latest_session(dir / ".zkbench/zkbench.db");
  ASSERT_EQ(session.benchmarks[0].runs.size(), 1u);
  EXPECT_TRUE(session.benchmarks[0].runs[0].timed_out());
}

TEST(CliRun, timeout_without_ignore_failure_exits_3_after_storing_the_run) {
  TempDir dir;
  const auto result = run_zkbench("run --runs 2 --timeout 0.2 'sleep 30'", dir.path().string());
  EXPECT_EQ(result.exit_code, 3) << result.output;
  const auto session = latest_session(dir / ".zkbench/zkbench.db");
  ASSERT_EQ(session.benchmarks[0].runs.size(), 1u);
  EXPECT_TRUE(session.benchmarks[0].runs[0].timed_out());
}

TEST(CliRun, store_holds_every_run_with_its_log) {
  TempDir dir;
  const auto result =
      run_zkbench("run --runs 3 --store db/runs.db 'echo out-{x}' -L x a,b --export-json out.json", dir.path().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto session = latest_session(dir / "db/runs.db");
  EXPECT_EQ(session.record.status, zkbench::store::SessionStatus::complete);
  EXPECT_EQ(session.record.info.kind, "run");
  ASSERT_EQ(session.benchmarks.size(), 2u);
  const json out = read_json(dir / "out.json");
  for (std::size_t b = 0; b < 2; ++b) {
    const auto& bench = session.benchmarks[b];
    EXPECT_EQ(bench.parameters.at("x"), b == 0 ? "a" : "b");
    ASSERT_EQ(bench.runs.size(), 3u);
    for (std::size_t r = 0; r < 3; ++r) {
      EXPECT_EQ(bench.runs[r].wall_s, out["results"][b]["times"][r].get<double>());
      ASSERT_FALSE(bench.runs[r].log_path.empty());
      EXPECT_EQ(zkbench::test::read_file(bench.runs[r].log_path), std::string("out-") + (b == 0 ? "a" : "b") + "\n");
    }
  }
}

TEST(CliRun, json_flag_prints_only_json_on_stdout) {
  TempDir dir;
  const std::string command = "cd '" + dir.path().string() + "' && '" + ZKBENCH_BINARY +
                              "' run --runs 2 --json -n quick true 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    out.append(buffer, n);
  }
  EXPECT_EQ(::pclose(pipe), 0);
  const json parsed = json::parse(out);
  EXPECT_EQ(parsed["status"], "complete");
  EXPECT_EQ(parsed["results"][0]["command"], "quick");
  EXPECT_EQ(parsed["results"][0]["runs"], 2);
  EXPECT_TRUE(parsed["results"][0]["cv"].is_number());
}

TEST(CliRun, ctrl_c_keeps_finished_runs_and_exits_130) {
  TempDir dir;
  const std::string log = (dir / "zkbench.out").string();
  const std::string db = (dir / "s.db").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<std::string> args = {ZKBENCH_BINARY, "run", "--runs", "50", "--store", db, "sleep 0.2"};
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, ZKBENCH_BINARY, &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  // Wait until at least two runs are stored, then interrupt mid-run.
  for (int i = 0; i < 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::filesystem::exists(db)) {
      auto store = zkbench::store::open_store(db, zkbench::store::OpenMode::existing);
      auto sessions = store ? (*store)->list_sessions(1) : decltype((*store)->list_sessions(1)){};
      if (store && sessions && !sessions->empty()) {
        auto benches = (*store)->load_benchmarks(sessions->front().id);
        if (benches && !benches->empty() && (*benches)[0].runs.size() >= 2) {
          break;
        }
      }
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  const std::string output = zkbench::test::read_file(log);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 130) << output;
  const auto session = latest_session(db);
  EXPECT_EQ(session.record.status, zkbench::store::SessionStatus::interrupted);
  const std::size_t kept = session.benchmarks.at(0).runs.size();
  EXPECT_GE(kept, 2u);
  EXPECT_LT(kept, 50u);
  for (const auto& run : session.benchmarks[0].runs) {
    EXPECT_TRUE(run.succeeded());
    EXPECT_GE(run.wall_s, 0.2);
  }
  EXPECT_NE(output.find(std::to_string(kept) + " runs kept in"), std::string::npos) << output;
}

struct BadInput {
  const char* args;
  int exit_code;
  const char* message;
};

TEST(CliRun, bad_input_gets_a_one_line_error_and_its_exit_code) {
  const BadInput cases[] = {
      {"run --runs 0 true", 2, "--runs must be at least 1"},
      {"run -m 5 -M 3 true", 2, "--min-runs 5 is larger than --max-runs 3"},
      {"run --metric 'steps=steps: ([0-9' true", 2, "--metric"},
      {"run --metric 'steps=no group' true", 2, "capture group"},
      {"run -P n 3 1 'echo {n}'", 2, "Empty parameter range"},
      {"run --time-unit hours true", 2, "--time-unit 'hours'"},
      {"run --runs 1 no-such-program-zkbench", 1, "no-such-program-zkbench"},
      {"run --runs 1 -p false true", 1, "The preparation command terminated with a non-zero exit code: the preparation command 'false' exited with code 1"},
      {"run --runs 1 --export-json /nonexistent-dir/out.json true", 1, "cannot write '/nonexistent-dir/out.json'"},
  };
  for (const BadInput& c : cases) {
    TempDir dir;
    const auto result = run_zkbench(c.args, dir.path().string());
    EXPECT_EQ(result.exit_code, c.exit_code) << c.args << "\n" << result.output;
    EXPECT_NE(result.output.find(c.message), std::string::npos) << c.args << "\n" << result.output;
    EXPECT_NE(result.output.find("error: "), std::string::npos) << c.args << "\n" << result.output;
  }
}

TEST(CliRun, unwritable_export_is_refused_before_anything_runs) {
  TempDir dir;
  const auto result =
      run_zkbench("run --runs 1 --export-csv /nonexistent-dir/x.csv 'touch ran.txt'", dir.path().string());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "ran.txt"));
  EXPECT_FALSE(std::filesystem::exists(dir / ".zkbench"));
}


// Where a cgroup can be made, `run --json` says which kind held the runs, and `true`'s peak is its own.
TEST(CliRun, run_json_says_which_containment_was_used) {
  if (!zkbench::measure::RunCgroup::create()) {
    GTEST_SKIP() << "no cgroup hierarchy with a memory controller is writable here: runs use process groups";
  }
  constexpr double k_mib = 1 << 20;
  TempDir dir;
  const auto result = zkbench::test::run_shell("cd '" + dir.path().string() + "' && '" + ZKBENCH_BINARY +
                                               "' run --runs 2 --json true 2>/dev/null");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto parsed = json::parse(result.output, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << result.output;
  EXPECT_TRUE(parsed["containment"] == "cgroup-v1" || parsed["containment"] == "cgroup-v2") << parsed["containment"];
  EXPECT_LT(parsed["results"][0]["peak_memory_byte"].get<double>(), 4.0 * k_mib);
}

} // namespace
