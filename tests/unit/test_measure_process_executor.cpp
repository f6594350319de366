// ProcessExecutor (measure/process_executor.hpp) with real processes: real fork/exec, pipes and process
// groups, since that is what the module is; loose time bounds only (the machine is shared). Exit codes,
// signals, the child's signal dispositions and mask, the clock read right before the exec, timeouts that
// leave no process behind, peak memory, output capture and logs, metrics, interrupts, errors. What a
// cgroup adds (escaped processes, exact peaks, one cgroup reused) is test_measure_cgroup.cpp's.
#include "measure/process_executor.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "measure/interrupt.hpp"
#include "measure/metrics.hpp"
#include "support/fixtures.hpp"
#include "support/process_scan.hpp"

namespace zkbench::measure {
namespace {

constexpr std::int64_t k_mib = 1 << 20;

// A number unique to this test process, so that parallel test processes look for their own sleeps.
std::string marker(int base) { return fmt::format("{}.{}", base, ::getpid()); }

ExecutionResult run(const std::string& text, const ExecutionOptions& options = {},
                    ShellMode shell = ShellMode::auto_detect) {
  ProcessExecutor executor;
  CommandSpec command;
  command.text = text;
  command.shell = shell;
  auto result = executor.execute(command, options);
  EXPECT_TRUE(result) << text << ": " << (result ? "" : result.error().message);
  return result ? *result : ExecutionResult{};
}

ExecutionOptions with_timeout(double seconds) {
  ExecutionOptions options;
  options.timeout_s = seconds;
  return options;
}

TEST(MeasureProcessExecutor, successful_run_has_its_figures) {
  const auto result = run("true");
  EXPECT_EQ(result.status, core::RunStatus::success);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.signal, std::nullopt);
  EXPECT_FALSE(result.interrupted);
  EXPECT_GT(result.wall_s, 0.0);
  EXPECT_LT(result.wall_s, 10.0);
  EXPECT_GT(result.peak_rss_bytes, 0);
  EXPECT_LE(result.started_at_us, result.finished_at_us);
}

// The clock reading is the child's, taken right before its exec: `sleep 0.05` measures at least its 50 ms
// (a reading taken after the exec or the exit would be short of it) and not much more (the bound is
// loose on purpose: the machine is shared; the set-up's share is the next test's).
TEST(MeasureProcessExecutor, the_clock_is_read_right_before_the_exec) {
  constexpr double k_sleep_s = 0.05;
  constexpr double k_slack_s = 1.0;
  const auto result = run(fmt::format("sleep {}", k_sleep_s), {}, ShellMode::no_shell);
  EXPECT_EQ(result.status, core::RunStatus::success);
  EXPECT_GE(result.wall_s, k_sleep_s);
  EXPECT_LT(result.wall_s, k_sleep_s + k_slack_s);
  EXPECT_GE(result.finished_at_us - result.started_at_us, 0);
}

// The child's set-up (here: opening its --input, a FIFO that no writer opens for 600 ms) happens before
// the clock starts: the run's time is `true`'s, not the set-up's. Without the ready handshake the time
// was at least the 600 ms the open blocked.
TEST(MeasureProcessExecutor, the_clock_starts_once_the_child_is_set_up) {
  test::TempDir dir;
  const auto fifo = dir / "input.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  constexpr auto k_open_delay = std::chrono::milliseconds(600);
  std::thread writer([&fifo, k_open_delay] {
    std::this_thread::sleep_for(k_open_delay);
    const int fd = ::open(fifo.c_str(), O_WRONLY); // unblocks the child's open
    if (fd >= 0) {
      ::close(fd);
    }
  });
  ProcessExecutor executor;
  CommandSpec command{"true", ShellMode::no_shell, {}, {}, {}, fifo};
  const auto started = std::chrono::steady_clock::now();
  const auto result = executor.execute(command, {});
  const auto took = std::chrono::steady_clock::now() - started;
  writer.join();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->status, core::RunStatus::success);
  EXPECT_GE(took, k_open_delay); // the set-up did wait for the writer
  EXPECT_LT(result->wall_s, std::chrono::duration<double>(k_open_delay).count()) << "the set-up was timed";
}

TEST(MeasureProcessExecutor, a_set_up_step_that_fails_is_an_error_that_names_it) {
  test::TempDir dir;
  ProcessExecutor executor;
  CommandSpec command{"true", ShellMode::no_shell, {}, {}, {}, dir / "no-such-input"};
  const auto result = executor.execute(command, {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, fmt::format("cannot open the input of 'true', '{}': No such file or directory",
                                                (dir / "no-such-input").string()));
  // The executor is still usable: the failed child was reaped, its cgroup (if any) is ready again.
  command.stdin_path.reset();
  const auto next = executor.execute(command, {});
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->status, core::RunStatus::success);
}

TEST(MeasureProcessExecutor, non_zero_exit_is_a_failed_run) {
  const auto direct = run("false");
  EXPECT_EQ(direct.status, core::RunStatus::failed);
  EXPECT_EQ(direct.exit_code, 1);
  const auto shell = run("exit 3"); // a builtin: runs through /bin/sh
  EXPECT_EQ(shell.status, core::RunStatus::failed);
  EXPECT_EQ(shell.exit_code, 3);
}

TEST(MeasureProcessExecutor, death_by_signal_is_a_signaled_run) {
  const auto result = run("sh -c 'kill -SEGV $$'");
  EXPECT_EQ(result.status, core::RunStatus::signaled);
  EXPECT_EQ(result.signal, SIGSEGV);
  EXPECT_EQ(result.exit_code, std::nullopt);
}

// The bits of a /proc/<pid>/status mask line ("SigIgn:\t0000000000001000"), or nullopt if absent.
std::optional<unsigned long long> signal_mask(const std::string& status, const std::string& name) {
  const auto at = status.find(name + ":\t");
  if (at == std::string::npos) {
    return std::nullopt;
  }
  return std::stoull(status.substr(at + name.size() + 2, 16), nullptr, 16);
}

unsigned long long bit(int signal) { return 1ULL << (signal - 1); }

// An ignored disposition survives exec and a blocked mask is inherited: the child sets both back
// before it execs, so a command never starts with SIGPIPE or SIGTERM ignored (a `yes | head` that never
// ends, a timeout's SIGTERM that does nothing) or with a signal blocked by zkbench's threads.
TEST(MeasureProcessExecutor, the_command_starts_with_default_signal_dispositions_and_an_empty_mask) {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction saved_pipe {};
  struct sigaction saved_term {};
  ASSERT_EQ(::sigaction(SIGPIPE, &ignore, &saved_pipe), 0);
  ASSERT_EQ(::sigaction(SIGTERM, &ignore, &saved_term), 0);
  sigset_t blocked;
  sigset_t saved_mask;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGUSR1);
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &blocked, &saved_mask), 0);

  const auto result = run("cat /proc/self/status", {}, ShellMode::no_shell);
  const auto own = test::read_file("/proc/thread-self/status");

  ::pthread_sigmask(SIG_SETMASK, &saved_mask, nullptr);
  ::sigaction(SIGPIPE, &saved_pipe, nullptr);
  ::sigaction(SIGTERM, &saved_term, nullptr);
  ASSERT_EQ(result.status, core::RunStatus::success) << result.output;
  // This thread's own state was what the child would have inherited.
  EXPECT_EQ(signal_mask(own, "SigIgn").value_or(0) & (bit(SIGPIPE) | bit(SIGTERM)), bit(SIGPIPE) | bit(SIGTERM));
  EXPECT_EQ(signal_mask(own, "SigBlk").value_or(0) & bit(SIGUSR1), bit(SIGUSR1));
  const auto ignored = signal_mask(result.output, "SigIgn");
  const auto blocked_in_child = signal_mask(result.output, "SigBlk");
  ASSERT_TRUE(ignored && blocked_in_child) << result.output;
  EXPECT_EQ(*ignored & bit(SIGPIPE), 0U) << "SIGPIPE stayed ignored";
  EXPECT_EQ(*ignored & bit(SIGTERM), 0U) << "SIGTERM stayed ignored";
  EXPECT_EQ(*blocked_in_child, 0U) << "the command started with signals blocked";
}

TEST(MeasureProcessExecutor, unknown_program_is_an_error_not_a_run) {
  ProcessExecutor executor;
  const auto result = executor.execute({"zkbench-no-such-program --flag", ShellMode::auto_detect, {}, {}, {}, {}}, {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "Failed to run command 'zkbench-no-such-program': No such file or directory");
}

TEST(MeasureProcessExecutor, a_program_that_cannot_be_executed_is_an_error_naming_it) {
  test::TempDir dir;
  const auto script = dir / "not-executable";
  test::write_file(script, "#!/bin/sh\ntrue\n");
  ProcessExecutor executor;
  const auto result = executor.execute({script.string(), ShellMode::no_shell, {}, {}, {}, {}}, {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, fmt::format("Failed to run command '{}': Permission denied", script.string()));
}

// A name without a slash is looked up along PATH by zkbench once (not by each run's child, inside the
// clock), with execvpe's answers: the first folder that has it, the search again where that program
// is gone, a script without #! run by sh, and a relative folder searched from the run's working folder.
TEST(MeasureProcessExecutor, a_program_is_found_along_path_as_execvpe_finds_it) {
  test::TempDir dir;
  const auto write_program = [&](const std::string& relative, const std::string& text) {
    std::filesystem::create_directories((dir / relative).parent_path());
    test::write_file(dir / relative, text);
    ::chmod((dir / relative).c_str(), 0755);
  };
  write_program("a/zkb-probe", "#!/bin/sh\necho a\n");
  write_program("b/zkb-probe", "#!/bin/sh\necho b\n");
  write_program("b/zkb-plain", "echo plain\n");
  write_program("work/rel/zkb-probe", "#!/bin/sh\necho rel\n");
  std::filesystem::create_directories(dir / "a" / "zkb-plain"); // a folder of the name is passed over
  const std::string saved = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  const std::string base = (dir / "a").string() + ":" + (dir / "b").string() + ":" + saved;
  ::setenv("PATH", base.c_str(), 1);
  ProcessExecutor executor;
  const auto output_of = [&](const std::string& text, std::optional<std::filesystem::path> working_dir = {}) {
    const auto result = executor.execute({text, ShellMode::no_shell, {}, std::move(working_dir), {}, {}}, {});
    EXPECT_TRUE(result) << text << ": " << (result ? "" : result.error().message);
    return result ? result->output : std::string();
  };
  EXPECT_EQ(output_of("zkb-probe"), "a\n");
  EXPECT_EQ(output_of("zkb-probe"), "a\n");
  std::filesystem::remove(dir / "a" / "zkb-probe");
  EXPECT_EQ(output_of("zkb-probe"), "b\n") << "the program found before is gone: the child searches again";
  EXPECT_EQ(output_of("zkb-plain"), "plain\n") << "no #!: sh runs it, as execvpe does";
  const std::string relative = "rel:" + base;
  ::setenv("PATH", relative.c_str(), 1);
  EXPECT_EQ(output_of("zkb-probe", dir / "work"), "rel\n") << "a relative folder is searched from the run's folder";
  ::setenv("PATH", saved.c_str(), 1);
}

TEST(MeasureProcessExecutor, unknown_program_through_the_shell_is_exit_127) {
  const auto result = run("zkbench-no-such-program", {}, ShellMode::shell);
  EXPECT_EQ(result.status, core::RunStatus::failed);
  EXPECT_EQ(result.exit_code, 127);
}

TEST(MeasureProcessExecutor, bad_quoting_and_empty_commands_are_errors) {
  ProcessExecutor executor;
  const auto quote = executor.execute({"echo 'abc", ShellMode::auto_detect, {}, {}, {}, {}}, {});
  ASSERT_FALSE(quote);
  EXPECT_NE(quote.error().message.find("unterminated single quote"), std::string::npos);
  const auto empty = executor.execute({"   ", ShellMode::auto_detect, {}, {}, {}, {}}, {});
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("empty command"), std::string::npos);
}

TEST(MeasureProcessExecutor, no_shell_mode_passes_syntax_as_arguments) {
  const auto result = run("echo a | b $HOME", {}, ShellMode::no_shell);
  EXPECT_EQ(result.output, "a | b $HOME\n");
}

TEST(MeasureProcessExecutor, timeout_kills_the_whole_process_group) {
  const std::string seconds = marker(61);
  const auto result = run(fmt::format("sh -c 'sleep {0} & sleep {0}'", seconds), with_timeout(1.0));
  EXPECT_EQ(result.status, core::RunStatus::timed_out);
  EXPECT_EQ(result.signal, SIGTERM);
  EXPECT_GE(result.wall_s, 1.0);
  EXPECT_LT(result.wall_s, 10.0);
  EXPECT_FALSE(test::sleep_running(seconds));
}

TEST(MeasureProcessExecutor, timeout_escalates_to_sigkill_when_sigterm_is_ignored) {
  const std::string seconds = marker(64);
  const auto result = run(fmt::format("trap '' TERM; sleep {}", seconds), with_timeout(0.5));
  EXPECT_EQ(result.status, core::RunStatus::timed_out);
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_GE(result.wall_s, 0.5 + k_kill_grace_s);
  EXPECT_LT(result.wall_s, 15.0);
  EXPECT_FALSE(test::sleep_running(seconds));
}

TEST(MeasureProcessExecutor, background_grandchildren_do_not_outlive_the_run) {
  const std::string seconds = marker(62);
  const auto result = run(fmt::format("sh -c 'sleep {} & echo started'", seconds));
  EXPECT_EQ(result.status, core::RunStatus::success);
  EXPECT_EQ(result.output, "started\n");
  EXPECT_LT(result.wall_s, 10.0); // not held until the sleep ends by the shared output pipe
  EXPECT_FALSE(test::sleep_running(seconds));
}

TEST(MeasureProcessExecutor, peak_memory_is_this_runs_own) {
  const std::string touch = ZKBENCH_TOUCH_MEMORY;
  const auto big = run(touch + " 300");
  EXPECT_EQ(big.status, core::RunStatus::success);
  EXPECT_GE(big.peak_rss_bytes, 300 * k_mib);
  EXPECT_EQ(big.output, "touched 300 MiB\n");
  const auto small = run(touch + " 10"); // not a high-water mark across runs
  EXPECT_GE(small.peak_rss_bytes, 10 * k_mib);
  EXPECT_LT(small.peak_rss_bytes, 200 * k_mib);
}

TEST(MeasureProcessExecutor, peak_memory_includes_what_the_shell_ran) {
  const auto result = run(std::string(ZKBENCH_TOUCH_MEMORY) + " 300 && true");
  EXPECT_EQ(result.status, core::RunStatus::success);
  EXPECT_GE(result.peak_rss_bytes, 300 * k_mib);
}

TEST(MeasureProcessExecutor, stdout_and_stderr_are_interleaved_as_written) {
  const auto result = run("echo out; echo err >&2; echo out2");
  EXPECT_EQ(result.output, "out\nerr\nout2\n");
  EXPECT_EQ(result.output_bytes, 13u);
}

TEST(MeasureProcessExecutor, stdin_is_empty) {
  const auto result = run("cat", with_timeout(10.0));
  EXPECT_EQ(result.status, core::RunStatus::success);
  EXPECT_EQ(result.output, "");
}

TEST(MeasureProcessExecutor, show_output_echoes_to_stdout) {
  ExecutionOptions options;
  options.show_output = true;
  testing::internal::CaptureStdout();
  const auto result = run("echo shown", options);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "shown\n");
  EXPECT_EQ(result.output, "shown\n");
}

TEST(MeasureProcessExecutor, log_keeps_the_tail_of_long_output) {
  test::TempDir dir;
  ExecutionOptions options;
  options.log_path = dir / "run.log";
  options.log_limit_bytes = 1000;
  options.capture_limit_bytes = 100;
  const auto result = run("seq 1 100000", options);
  EXPECT_EQ(result.status, core::RunStatus::success);
  const std::string log = test::read_file(dir / "run.log");
  EXPECT_EQ(log.rfind("[zkbench: the first ", 0), 0u) << log.substr(0, 100);
  EXPECT_LE(log.size(), 1000u + 100u);
  EXPECT_EQ(log.substr(log.size() - 13), "99999\n100000\n");
  EXPECT_EQ(result.output.size(), 100u);
  EXPECT_EQ(result.output.substr(result.output.size() - 7), "100000\n");
  EXPECT_EQ(result.output_bytes, std::uint64_t{588895}); // seq 1 100000 | wc -c
}

TEST(MeasureProcessExecutor, without_capture_the_output_is_counted_but_not_kept) {
  ExecutionOptions options;
  options.capture_output = false;
  const auto result = run("seq 1 1000", options);
  EXPECT_EQ(result.status, core::RunStatus::success);
  EXPECT_EQ(result.output, "");
  EXPECT_EQ(result.output_bytes, std::uint64_t{3893}); // seq 1 1000 | wc -c
}

TEST(MeasureProcessExecutor, silent_run_leaves_no_log_file) {
  test::TempDir dir;
  ExecutionOptions options;
  options.log_path = dir / "run.log";
  const auto result = run("true", options);
  EXPECT_EQ(result.status, core::RunStatus::success);
  EXPECT_FALSE(result.log_created);
  EXPECT_FALSE(std::filesystem::exists(dir / "run.log"));
  EXPECT_EQ(result.log_error, std::nullopt);
}

TEST(MeasureProcessExecutor, metrics_are_read_from_the_output) {
  const auto result = run("printf 'steps: 10\\nsteps: 1,234,567\\n'");
  auto spec = parse_metric_spec("steps=steps: ([0-9,]+)");
  ASSERT_TRUE(spec);
  EXPECT_EQ(extract_metric(*spec, result.output), 1234567.0);
}

TEST(MeasureProcessExecutor, environment_and_working_directory_are_applied) {
  test::TempDir dir;
  ProcessExecutor executor;
  CommandSpec command{"echo \"$ZKBENCH_TEST_VALUE\"; pwd", ShellMode::auto_detect,
                      {{"ZKBENCH_TEST_VALUE", "hello world"}}, dir.path(), {}, {}};
  const auto result = executor.execute(command, {});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->output, "hello world\n" + std::filesystem::canonical(dir.path()).string() + "\n");

  command.working_dir = dir / "missing";
  const auto missing = executor.execute(command, {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("working directory"), std::string::npos);
}

TEST(MeasureProcessExecutor, unwritable_log_is_an_error) {
  ExecutionOptions options;
  options.log_path = "/nonexistent-dir/run.log";
  ProcessExecutor executor;
  const auto result = executor.execute({"true", ShellMode::auto_detect, {}, {}, {}, {}}, options);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("cannot write log"), std::string::npos);
}

TEST(MeasureProcessExecutor, interrupt_stops_the_run_promptly) {
  install_interrupt_handlers();
  clear_interrupt();
  const std::string seconds = marker(63);
  std::thread interrupter([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::kill(::getpid(), SIGINT); // as Ctrl-C would: the handler sets the flag
  });
  const auto started = std::chrono::steady_clock::now();
  const auto result = run(fmt::format("sh -c 'sleep {0} & sleep {0}'", seconds));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  interrupter.join();
  EXPECT_TRUE(interrupt_requested());
  EXPECT_TRUE(result.interrupted);
  EXPECT_LT(took, 10.0);
  EXPECT_FALSE(test::sleep_running(seconds));

  // While the interrupt stands, nothing more is started.
  const auto next = run("true");
  EXPECT_TRUE(next.interrupted);
  clear_interrupt();
  EXPECT_FALSE(run("true").interrupted);
}

} // namespace
} // namespace zkbench::measure
