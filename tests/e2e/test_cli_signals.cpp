// Signals end measuring commands promptly and with the documented code: Ctrl-C or SIGTERM during
// `run --cooldown` stops at once (the thermal gate's wait polls the interrupt flag), and an
// interrupted `baseline` or `exp run` exits 130; a zkbench killed with SIGKILL mid-loop keeps every run
// it measured. Real zkbench processes; each signal is sent once
// the process is in the state under test (a run stored, a measured command started).

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>

#include "store/store.hpp"
#include "support/env.hpp"
#include "support/fixtures.hpp"
#include "support/process.hpp"
#include "support/workflow_repo.hpp"

namespace {

using zkbench::test::read_file;
using zkbench::test::spawn_process;
using zkbench::test::TempDir;
using zkbench::test::wait_process;
using zkbench::test::wait_until;

/// Runs stored so far in the SQLite store at `db` (0 while it does not exist yet).
std::size_t stored_runs(const std::filesystem::path& db) {
  if (!std::filesystem::exists(db)) {
    return 0;
  }
  auto store = zkbench::store::open_store(db.string(), zkbench::store::OpenMode::existing);
  if (!store) {
    return 0;
  }
  const auto sessions = (*store)->list_sessions(1);
  if (!sessions || sessions->empty()) {
    return 0;
  }
  const auto benchmarks = (*store)->load_benchmarks(sessions->front().id);
  std::size_t runs = 0;
  for (const auto& benchmark : benchmarks ? *benchmarks : std::vector<zkbench::core::Benchmark>{}) {
    runs += benchmark.runs.size();
  }
  return runs;
}

/// Starts `zkbench run --cooldown <cooldown>`, waits until its first run is stored (it is then in the
/// cooldown before the second), sends `signal` and returns {exit code, seconds from signal to exit}.
std::pair<int, double> interrupt_cooldown(const std::string& cooldown, int signal) {
  TempDir dir;
  zkbench::test::ScopedEnv env;
  env.set("ZKBENCH_LOCK_FILE", (dir / "machine.lock").string());
  const auto db = dir / "runs.db";
  const pid_t pid = spawn_process({ZKBENCH_BINARY, "run", "--runs", "3", "--cooldown", cooldown, "--store", db.string(), "true"},
                                  dir / "run.log");
  EXPECT_TRUE(wait_until([&] { return stored_runs(db) >= 1; })) << read_file(dir / "run.log");
  const auto signalled = std::chrono::steady_clock::now();
  EXPECT_EQ(::kill(pid, signal), 0);
  // A safety net for the old behaviour (a cooldown of 1e300 s): kill -9 after 60 s and fail below.
  std::thread net([pid] {
    if (!wait_until([pid] { return !zkbench::test::process_running(pid); }, std::chrono::seconds(60))) {
      ::kill(pid, SIGKILL);
    }
  });
  const int code = wait_process(pid);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  net.join();
  EXPECT_EQ(stored_runs(db), 1U) << read_file(dir / "run.log");
  return {code, took};
}

std::size_t count_lines(const std::filesystem::path& file) {
  const std::string text = read_file(file);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Removes the run cgroups a killed zkbench `pid` left (`zkbench-<pid>-<n>` beside this process's own
// cgroup, v1 memory or v2), once what ran in them is gone; false if one is still there after 10 s.
bool remove_cgroups_of(pid_t pid) {
  const std::string prefix = "zkbench-" + std::to_string(pid) + "-";
  std::vector<std::filesystem::path> left;
  std::istringstream lines(read_file("/proc/self/cgroup"));
  for (std::string line; std::getline(lines, line);) {
    const std::string path = line.substr(line.rfind(':') + 1);
    for (const char* mount : {"/sys/fs/cgroup/memory", "/sys/fs/cgroup"}) {
      std::error_code ec;
      for (const auto& entry : std::filesystem::directory_iterator(mount + path, ec)) {
        if (entry.path().filename().string().rfind(prefix, 0) == 0) {
          left.push_back(entry.path());
        }
      }
    }
  }
  return wait_until([&] {
    std::erase_if(left, [](const std::filesystem::path& dir) { return ::rmdir(dir.c_str()) == 0 || errno == ENOENT; });
    return left.empty();
  }, std::chrono::seconds(10));
}

} // namespace

TEST(CliSignals, sigkill_mid_loop_keeps_every_measured_run) {
  TempDir dir;
  zkbench::test::ScopedEnv env;
  env.set("ZKBENCH_LOCK_FILE", (dir / "machine.lock").string());
  env.set("ZKBENCH_CONTENTION_GATE", "off");
  const auto db = dir / "runs.db";
  const auto started = dir / "started";
  // Each run writes a line as it starts: the runs started, the last of them perhaps still running.
  const std::string command = "echo run >> '" + started.string() + "'; sleep 0.02";
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::filesystem::remove(started);
    std::filesystem::remove(db);
    const pid_t pid = spawn_process({ZKBENCH_BINARY, "run", "--runs", "100000", "--store", db.string(), command},
                                    dir / "run.log");
    ASSERT_TRUE(wait_until([&] { return stored_runs(db) >= 3; })) << read_file(dir / "run.log");
    const std::size_t seen = count_lines(started);
    ASSERT_TRUE(wait_until([&] { return count_lines(started) >= seen + 2 + static_cast<std::size_t>(attempt); }));
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    EXPECT_EQ(wait_process(pid), 128 + SIGKILL);
    EXPECT_TRUE(remove_cgroups_of(pid)); // a killed zkbench cannot remove its own
    const std::size_t runs_started = count_lines(started);
    const std::size_t stored = stored_runs(db);
    // Measured: every run started but the last, perhaps cut off (or measured, its commit under way).
    EXPECT_GE(stored + 1, runs_started) << "started " << runs_started << ", stored " << stored;
    EXPECT_LE(stored, runs_started);
  }
}

TEST(CliSignals, sigterm_during_a_15_s_cooldown_stops_at_once_with_130) {
  const auto [code, took] = interrupt_cooldown("15", SIGTERM);
  EXPECT_EQ(code, 130);
  EXPECT_LT(took, 10.0) << "it waited for the cooldown"; // a bound: the cooldown alone is 15 s
}

TEST(CliSignals, ctrl_c_during_an_endless_cooldown_stops_with_130) {
  const auto [code, took] = interrupt_cooldown("1e300", SIGINT);
  EXPECT_EQ(code, 130);
  EXPECT_LT(took, 10.0);
}

TEST(CliSignals, interrupted_baseline_and_exp_run_exit_130) {
  zkbench::test::WorkflowRepo repo(3, "0.05");
  const auto trace = repo.dir() / "trace";
  zkbench::test::ScopedEnv env;
  env.set("ZKBENCH_TEST_TRACE", trace.string());
  const std::string config = (repo.dir() / "zkbench.yaml").string();
  const auto measured_started = [&] { return read_file(trace).find("s ") != std::string::npos; };

  // The baseline, stopped while prog.sh sleeps 30 s.
  zkbench::test::write_file(repo.dir() / "delay", "30\n");
  ASSERT_EQ(repo.git("commit -qam slow"), 0);
  const pid_t baseline = spawn_process({ZKBENCH_BINARY, "baseline", "--config", config}, repo.dir() / "baseline.log");
  ASSERT_TRUE(wait_until(measured_started)) << read_file(repo.dir() / "baseline.log");
  ASSERT_EQ(::kill(baseline, SIGINT), 0);
  EXPECT_EQ(wait_process(baseline), 130) << read_file(repo.dir() / "baseline.log");

  // A quick baseline, then an experiment whose runs sleep 30 s, stopped with SIGTERM.
  zkbench::test::write_file(repo.dir() / "delay", "0.05\n");
  ASSERT_EQ(repo.git("commit -qam quick"), 0);
  const auto quick = repo.zkbench("baseline");
  ASSERT_EQ(quick.exit_code, 0) << quick.output;
  const std::string number = repo.experiment("slower", "delay", "30\n");
  std::filesystem::remove(trace);
  const pid_t exp = spawn_process({ZKBENCH_BINARY, "exp", "--config", config, "run", number}, repo.dir() / "exp.log");
  ASSERT_TRUE(wait_until(measured_started)) << read_file(repo.dir() / "exp.log");
  ASSERT_EQ(::kill(exp, SIGTERM), 0);
  EXPECT_EQ(wait_process(exp), 130) << read_file(repo.dir() / "exp.log");
}

// A measured command starts with every signal at its default disposition and none blocked, although
// the zkbench that runs it was started with signals ignored (they would survive an exec) and catches
// SIGINT, SIGTERM and SIGHUP itself. Signals 32 and 33 are glibc's own (no program can change them
// through glibc, and a popen() of glibc's ignores them in its child): they are left out.
TEST(CliSignals, a_command_starts_with_default_dispositions_although_zkbench_ignores_signals) {
  const TempDir dir;
  const auto result = zkbench::test::run_shell(
      "trap '' USR1 USR2 PIPE ALRM; cd '" + dir.path().string() + "' && '" + ZKBENCH_BINARY +
      "' run -N --no-contention-gate --runs 2 --show-output --store s.db 'cat /proc/self/status' 2>&1 </dev/null");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  constexpr std::uint64_t k_glibc_internal = (std::uint64_t{1} << 31) | (std::uint64_t{1} << 32);
  for (const std::string field : {"SigIgn:", "SigCgt:", "SigBlk:"}) {
    std::size_t at = 0;
    int seen = 0;
    while ((at = result.output.find(field, at)) != std::string::npos) {
      const std::size_t end = result.output.find('\n', at);
      const std::string value = result.output.substr(at + field.size(), end - at - field.size());
      EXPECT_EQ(std::stoull(value, nullptr, 16) & ~k_glibc_internal, 0U) << field << value;
      ++seen;
      at = end;
    }
    EXPECT_EQ(seen, 2) << field << " in\n" << result.output; // one per run
  }
}
