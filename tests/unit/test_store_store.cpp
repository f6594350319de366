// The Store contract (run against each backend, see tests/support/store_contract.hpp) and open_store.

#include <atomic>
#include <csignal>
#include <thread>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/migrations.hpp"
#include "store/store.hpp"
#include "support/fixtures.hpp"
#include "support/store_contract.hpp"

namespace core = zkbench::core;
using zkbench::core::Benchmark;
using zkbench::core::GpuRunStats;
using zkbench::core::RunStatus;
using zkbench::store::SessionInfo;
using zkbench::store::SessionStatus;
using zkbench::test::StoreContract;
using zkbench::test::TempDir;

namespace {

SessionInfo session_info(std::int64_t started_at_us = 1'700'000'000'000'000) {
  return SessionInfo{"run", "zkbench run 'sleep 0.1'", "gpu-box-1", "/home/me/project", started_at_us, "h100"};
}

core::Run make_run(int index) {
  core::Run run;
  run.index = index;
  run.wall_s = 1.5 + index * 0.1;
  run.user_s = 1.25;
  run.system_s = 0.125;
  run.peak_rss_bytes = 314'572'800;
  run.status = RunStatus::success;
  run.exit_code = 0;
  run.metrics = {{"steps", 1'234'567.0 + index}};
  run.log_path = "/store/artifacts/run-" + std::to_string(index) + ".log";
  run.started_at_us = 1'700'000'000'000'000 + index * 2'000'000;
  run.finished_at_us = run.started_at_us + 1'500'000;
  return run;
}

// Every kind of run the run loop records: missing metrics, failures, signals, timeouts, GPU figures.
std::vector<core::Run> varied_runs() {
  std::vector<core::Run> runs;
  core::Run plain = make_run(0);
  plain.wall_s = 0.1 + 0.2; // not exactly representable: must come back bit for bit
  plain.user_s = 1e-9;
  plain.metrics = {{"steps", 1'234'567.0}, {"proof_bytes", 263'424.0}};
  plain.containment = core::Containment::cgroup_v1;
  plain.cpu_wait_s = 0.1 + 0.02; // it waited for a CPU (not exactly representable either)
  runs.push_back(plain);

  core::Run missing_metric = make_run(1);
  missing_metric.metrics = {{"steps", std::nullopt}, {"proof_bytes", 263'424.0}};
  runs.push_back(missing_metric);

  core::Run failed = make_run(2);
  failed.status = RunStatus::failed;
  failed.exit_code = 3;
  failed.metrics.clear();
  failed.log_path.clear();
  failed.containment = core::Containment::cgroup_v2;
  runs.push_back(failed);

  core::Run signaled = make_run(3);
  signaled.status = RunStatus::signaled;
  signaled.exit_code.reset();
  signaled.signal = SIGSEGV;
  signaled.containment = core::Containment::process_group;
  runs.push_back(signaled);

  core::Run timed_out = make_run(4);
  timed_out.status = RunStatus::timed_out;
  timed_out.exit_code.reset();
  timed_out.signal = SIGKILL;
  timed_out.wall_s = 60.000'123;
  runs.push_back(timed_out);

  core::Run gpu = make_run(5);
  gpu.peak_rss_bytes = 68'719'476'736; // 64 GiB: needs 64 bits
  gpu.gpu = GpuRunStats{87.5, 100.0, 23'622'320'128.0, 41.0, 83.0, 12'345.678, true, "sw_power_cap,hw_slowdown"};
  runs.push_back(gpu);

  core::Run gpu_quiet = make_run(6);
  gpu_quiet.gpu = GpuRunStats{};
  runs.push_back(gpu_quiet);

  core::Run contended = make_run(7); // measured beside other work, with a GPU process of someone else's
  contended.contention = core::RunContention{1.875, 0.2, true, "cc1plus (2 processes, 1.9 cores)", 1, 12.5};
  runs.push_back(contended);

  core::Run quiet = make_run(8); // the gate found the machine quiet
  quiet.contention = core::RunContention{0.03125, 0.2, false, "", 0, 0};
  quiet.cpu_wait_s = 0.0; // measured: no wait at all (not the same as unknown)
  runs.push_back(quiet);
  return runs;
}

void expect_same_run(const core::Run& actual, const core::Run& expected) {
  SCOPED_TRACE("run index " + std::to_string(expected.index));
  EXPECT_EQ(actual.index, expected.index);
  EXPECT_EQ(actual.wall_s, expected.wall_s);
  EXPECT_EQ(actual.user_s, expected.user_s);
  EXPECT_EQ(actual.system_s, expected.system_s);
  EXPECT_EQ(actual.peak_rss_bytes, expected.peak_rss_bytes);
  EXPECT_EQ(actual.cpu_wait_s, expected.cpu_wait_s);
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_EQ(actual.exit_code, expected.exit_code);
  EXPECT_EQ(actual.signal, expected.signal);
  EXPECT_EQ(actual.metrics, expected.metrics);
  EXPECT_EQ(actual.containment, expected.containment); // unknown (the rest) is stored as NULL
  ASSERT_EQ(actual.gpu.has_value(), expected.gpu.has_value());
  if (expected.gpu) {
    EXPECT_EQ(actual.gpu->utilization_mean_pct, expected.gpu->utilization_mean_pct);
    EXPECT_EQ(actual.gpu->utilization_max_pct, expected.gpu->utilization_max_pct);
    EXPECT_EQ(actual.gpu->memory_peak_bytes, expected.gpu->memory_peak_bytes);
    EXPECT_EQ(actual.gpu->temperature_start_c, expected.gpu->temperature_start_c);
    EXPECT_EQ(actual.gpu->temperature_max_c, expected.gpu->temperature_max_c);
    EXPECT_EQ(actual.gpu->energy_joules, expected.gpu->energy_joules);
    EXPECT_EQ(actual.gpu->throttled, expected.gpu->throttled);
    EXPECT_EQ(actual.gpu->throttle_reasons, expected.gpu->throttle_reasons);
  }
  ASSERT_EQ(actual.contention.has_value(), expected.contention.has_value()); // none: measured without the gate
  if (expected.contention) {
    EXPECT_EQ(actual.contention->foreign_cores, expected.contention->foreign_cores);
    EXPECT_EQ(actual.contention->limit_cores, expected.contention->limit_cores);
    EXPECT_EQ(actual.contention->contended, expected.contention->contended);
    EXPECT_EQ(actual.contention->top, expected.contention->top);
    EXPECT_EQ(actual.contention->gpu_processes, expected.contention->gpu_processes);
    EXPECT_EQ(actual.contention->waited_s, expected.contention->waited_s);
  }
  EXPECT_EQ(actual.log_path, expected.log_path);
  EXPECT_EQ(actual.started_at_us, expected.started_at_us);
  EXPECT_EQ(actual.finished_at_us, expected.finished_at_us);
}

/// Adds a session with one benchmark; returns {session id, benchmark id}.
std::pair<std::int64_t, std::int64_t> add_session_with_benchmark(zkbench::store::Store& store,
                                                                 const std::string& command) {
  const auto session = store.begin_session(session_info());
  EXPECT_TRUE(session.has_value());
  Benchmark benchmark;
  benchmark.command = command;
  const auto benchmark_id = store.add_benchmark(*session, benchmark);
  EXPECT_TRUE(benchmark_id.has_value());
  return {*session, *benchmark_id};
}

/// Adds a session with two benchmarks through a store object that is closed again (so no connection
/// crosses a fork()); returns {session id, first benchmark id, second benchmark id}.
std::tuple<std::int64_t, std::int64_t, std::int64_t> add_two_benchmarks(zkbench::store::Store& store) {
  const auto [session, first] = add_session_with_benchmark(store, "a");
  Benchmark benchmark;
  benchmark.command = "b";
  const auto second = store.add_benchmark(session, benchmark);
  EXPECT_TRUE(second.has_value());
  return {session, first, second.value_or(0)};
}

/// Opens the store in this (child) process and adds runs 0..count-1 (forever when count < 0),
/// writing each index to `ack_fd` once add_run has returned. Exit code 0 on success.
[[noreturn]] void child_adds_runs(const StoreContract::ParamType& backend, const std::filesystem::path& path,
                                  std::int64_t benchmark_id, int count, int ack_fd) {
  auto store = backend.open(path);
  if (!store) {
    ::_exit(10);
  }
  for (int i = 0; count < 0 || i < count; ++i) {
    if (!(*store)->add_run(benchmark_id, make_run(i))) {
      ::_exit(11);
    }
    if (ack_fd >= 0 && ::write(ack_fd, &i, sizeof i) != static_cast<ssize_t>(sizeof i)) {
      ::_exit(12);
    }
  }
  ::_exit(0);
}

} // namespace

std::tuple<std::int64_t, std::int64_t, std::int64_t> StoreContract::add_session_with_two_benchmarks() const {
  auto store = open_store();
  if (!store) {
    return {0, 0, 0};
  }
  return add_two_benchmarks(*store);
}

TEST_P(StoreContract, round_trips_every_field_of_benchmarks_and_runs) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const auto session = store->begin_session(session_info());
  ASSERT_TRUE(session) << session.error().message;

  Benchmark named;
  named.command = "cargo-zisk prove -e fib.elf -i input_30.bin";
  named.name = "fib n=30";
  named.parameters = {{"n", "30"}, {"features", "gpu,\"quoted\" \\ unicode µs"}};
  Benchmark plain;
  plain.command = "sleep 0.05";

  const auto named_id = store->add_benchmark(*session, named);
  const auto plain_id = store->add_benchmark(*session, plain);
  ASSERT_TRUE(named_id && plain_id);
  const std::vector<core::Run> runs = varied_runs();
  for (const core::Run& run : runs) {
    ASSERT_TRUE(store->add_run(*named_id, run)) << "run " << run.index;
  }

  // Read back through a second store object, as a later zkbench would.
  store.reset();
  auto reopened = open_store();
  ASSERT_TRUE(reopened);
  const auto loaded = reopened->load_benchmarks(*session);
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->size(), 2U);
  EXPECT_EQ((*loaded)[0].command, named.command);
  EXPECT_EQ((*loaded)[0].name, named.name);
  EXPECT_EQ((*loaded)[0].parameters, named.parameters);
  ASSERT_EQ((*loaded)[0].runs.size(), runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    expect_same_run((*loaded)[0].runs[i], runs[i]);
  }
  EXPECT_EQ((*loaded)[1].command, plain.command);
  EXPECT_FALSE((*loaded)[1].name.has_value());
  EXPECT_TRUE((*loaded)[1].parameters.empty());
  EXPECT_TRUE((*loaded)[1].runs.empty());
}

TEST_P(StoreContract, replaces_the_contention_figures_of_gated_runs_and_refuses_an_ungated_one) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const auto [session, benchmark] = add_session_with_benchmark(*store, "true");
  core::Run held = make_run(0); // held by the gate's first window: contended until it is judged
  held.contention = core::RunContention{0.0, 0.2, true, "not judged yet", 0, 0};
  core::Run ungated = make_run(1);
  const auto held_id = store->add_run(benchmark, held);
  const auto ungated_id = store->add_run(benchmark, ungated);
  ASSERT_TRUE(held_id && ungated_id);

  const core::RunContention judged{0.0625, 0.2, false, "", 0, 0.5};
  const std::vector<std::pair<std::int64_t, core::RunContention>> update{{*held_id, judged}};
  ASSERT_TRUE(store->update_contention(update));
  const std::vector<std::pair<std::int64_t, core::RunContention>> wrong{{*ungated_id, judged}};
  const auto refused = store->update_contention(wrong);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("has no contention figures"), std::string::npos) << refused.error().message;

  const auto loaded = store->load_benchmarks(session);
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->front().runs.size(), 2U);
  const core::Run& first = loaded->front().runs[0];
  ASSERT_TRUE(first.contention.has_value());
  EXPECT_FALSE(first.contention->contended);
  EXPECT_EQ(first.contention->foreign_cores, 0.0625);
  EXPECT_EQ(first.contention->top, "");
  EXPECT_EQ(first.contention->waited_s, 0.5);
  EXPECT_FALSE(loaded->front().runs[1].contention.has_value()); // the refused update changed nothing
}

TEST_P(StoreContract, a_new_session_is_running_and_finishing_records_status_and_time) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const auto id = store->begin_session(session_info());
  ASSERT_TRUE(id);
  auto record = store->get_session(*id);
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_EQ(record->status, SessionStatus::running);
  EXPECT_FALSE(record->finished_at_us.has_value());
  EXPECT_EQ(record->info.kind, "run");
  EXPECT_EQ(record->info.argv, "zkbench run 'sleep 0.1'");
  EXPECT_EQ(record->info.host, "gpu-box-1");
  EXPECT_EQ(record->info.working_dir, "/home/me/project");
  EXPECT_EQ(record->info.started_at_us, 1'700'000'000'000'000);
  EXPECT_EQ(record->info.machine_class, "h100");

  ASSERT_TRUE(store->finish_session(*id, SessionStatus::interrupted));
  record = store->get_session(*id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->status, SessionStatus::interrupted);
  ASSERT_TRUE(record->finished_at_us.has_value());
  EXPECT_GT(*record->finished_at_us, record->info.started_at_us);
}

TEST_P(StoreContract, lists_sessions_newest_first_with_their_counts_up_to_the_limit) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const auto older = store->begin_session(session_info(1'000));
  const auto newest = store->begin_session(session_info(3'000));
  const auto middle = store->begin_session(session_info(2'000));
  ASSERT_TRUE(older && newest && middle);
  Benchmark benchmark;
  benchmark.command = "true";
  const auto b1 = store->add_benchmark(*middle, benchmark);
  const auto b2 = store->add_benchmark(*middle, benchmark);
  ASSERT_TRUE(b1 && b2);
  ASSERT_TRUE(store->add_run(*b1, make_run(0)));
  ASSERT_TRUE(store->add_run(*b1, make_run(1)));
  ASSERT_TRUE(store->add_run(*b2, make_run(0)));
  ASSERT_TRUE(store->finish_session(*older, SessionStatus::complete));

  const auto all = store->list_sessions(10);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 3U);
  EXPECT_EQ((*all)[0].id, *newest);
  EXPECT_EQ((*all)[1].id, *middle);
  EXPECT_EQ((*all)[2].id, *older);
  EXPECT_EQ((*all)[1].benchmark_count, 2U);
  EXPECT_EQ((*all)[1].run_count, 3U);
  EXPECT_EQ((*all)[0].run_count, 0U);
  EXPECT_EQ((*all)[2].status, SessionStatus::complete);
  EXPECT_EQ((*all)[0].status, SessionStatus::running);

  const auto two = store->list_sessions(2);
  ASSERT_TRUE(two);
  ASSERT_EQ(two->size(), 2U);
  EXPECT_EQ((*two)[1].id, *middle);
}

TEST_P(StoreContract, keeps_benchmarks_in_the_order_they_were_added_per_session) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const auto first = store->begin_session(session_info());
  const auto second = store->begin_session(session_info());
  ASSERT_TRUE(first && second);
  for (const char* command : {"c", "a", "b"}) {
    Benchmark benchmark;
    benchmark.command = command;
    ASSERT_TRUE(store->add_benchmark(*first, benchmark));
    benchmark.command = std::string("other ") + command;
    ASSERT_TRUE(store->add_benchmark(*second, benchmark));
  }
  const auto loaded = store->load_benchmarks(*first);
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->size(), 3U);
  EXPECT_EQ((*loaded)[0].command, "c");
  EXPECT_EQ((*loaded)[1].command, "a");
  EXPECT_EQ((*loaded)[2].command, "b");
}

TEST_P(StoreContract, unknown_session_or_benchmark_ids_are_errors_that_name_them) {
  auto store = open_store();
  ASSERT_TRUE(store);
  Benchmark benchmark;
  benchmark.command = "true";
  const auto finish = store->finish_session(999, SessionStatus::complete);
  ASSERT_FALSE(finish);
  EXPECT_NE(finish.error().message.find("no session 999"), std::string::npos) << finish.error().message;
  const auto added = store->add_benchmark(999, benchmark);
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message.find("no session 999"), std::string::npos) << added.error().message;
  const auto run = store->add_run(998, make_run(0));
  ASSERT_FALSE(run);
  EXPECT_NE(run.error().message.find("no benchmark 998"), std::string::npos) << run.error().message;
  const auto loaded = store->load_benchmarks(997);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("no session 997"), std::string::npos);
  EXPECT_FALSE(store->get_session(996));
}

TEST_P(StoreContract, refuses_a_second_run_with_the_same_index_and_keeps_the_first) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const auto [session, benchmark] = add_session_with_benchmark(*store, "true");
  ASSERT_TRUE(store->add_run(benchmark, make_run(0)));
  core::Run again = make_run(0);
  again.wall_s = 99;
  const auto duplicate = store->add_run(benchmark, again);
  ASSERT_FALSE(duplicate);
  EXPECT_NE(duplicate.error().message.find("already has a run with index 0"), std::string::npos)
      << duplicate.error().message;
  const auto loaded = store->load_benchmarks(session);
  ASSERT_TRUE(loaded);
  ASSERT_EQ((*loaded)[0].runs.size(), 1U);
  expect_same_run((*loaded)[0].runs[0], make_run(0));
}

TEST_P(StoreContract, two_store_objects_on_one_store_write_concurrently) {
  const auto [session, first, second] = add_session_with_two_benchmarks();

  auto store_a = open_store();
  auto store_b = open_store();
  ASSERT_TRUE(store_a && store_b);
  constexpr int k_runs = 40;
  std::atomic<int> failures{0};
  auto writer = [&failures](zkbench::store::Store* store, std::int64_t benchmark_id) {
    for (int i = 0; i < k_runs; ++i) {
      if (!store->add_run(benchmark_id, make_run(i))) {
        ++failures;
      }
    }
  };
  std::thread thread_a(writer, store_a.get(), first);
  std::thread thread_b(writer, store_b.get(), second);
  thread_a.join();
  thread_b.join();
  EXPECT_EQ(failures.load(), 0);
  const auto loaded = store_a->load_benchmarks(session);
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->size(), 2U);
  EXPECT_EQ((*loaded)[0].runs.size(), static_cast<std::size_t>(k_runs));
  EXPECT_EQ((*loaded)[1].runs.size(), static_cast<std::size_t>(k_runs));
}

TEST_P(StoreContract, two_processes_write_to_one_store_at_once) {
  const auto [session, first, second] = add_session_with_two_benchmarks();

  constexpr int k_runs = 30;
  std::vector<pid_t> children;
  for (const std::int64_t benchmark_id : {first, second}) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      child_adds_runs(GetParam(), store_path(), benchmark_id, k_runs, -1);
    }
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  auto store = open_store();
  ASSERT_TRUE(store);
  const auto loaded = store->load_benchmarks(session);
  ASSERT_TRUE(loaded);
  EXPECT_EQ((*loaded)[0].runs.size(), static_cast<std::size_t>(k_runs));
  EXPECT_EQ((*loaded)[1].runs.size(), static_cast<std::size_t>(k_runs));
}

TEST_P(StoreContract, keeps_every_run_added_before_the_writer_was_killed) {
  auto setup = open_store();
  ASSERT_TRUE(setup);
  const auto [session, benchmark] = add_session_with_benchmark(*setup, "prove");
  setup.reset();

  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(pipe_fds[0]);
    child_adds_runs(GetParam(), store_path(), benchmark, -1, pipe_fds[1]);
  }
  ::close(pipe_fds[1]);
  // Kill the child in the middle of its stream of writes, after it confirmed 25 of them.
  int acknowledged = 0;
  int index = -1;
  while (acknowledged < 25 && ::read(pipe_fds[0], &index, sizeof index) == static_cast<ssize_t>(sizeof index)) {
    ++acknowledged;
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ::close(pipe_fds[0]);
  ASSERT_EQ(acknowledged, 25) << "the child stopped early, status " << status;
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  auto store = open_store();
  ASSERT_TRUE(store);
  const auto loaded = store->load_benchmarks(session);
  ASSERT_TRUE(loaded) << loaded.error().message;
  const auto& runs = (*loaded)[0].runs;
  // Every acknowledged run is there, complete; a run in flight at the kill is either whole or absent.
  ASSERT_GE(runs.size(), static_cast<std::size_t>(acknowledged));
  for (std::size_t i = 0; i < runs.size(); ++i) {
    expect_same_run(runs[i], make_run(static_cast<int>(i)));
  }
  // The store is still writable after the crash.
  EXPECT_TRUE(store->add_run(benchmark, make_run(static_cast<int>(runs.size()))));
}

// --- open_store and the helpers of store.hpp (backend-independent) -----------------------------------

TEST(StoreOpen, default_path_is_dot_zkbench_under_the_project) {
  EXPECT_EQ(zkbench::store::default_store_path("/work/p"), std::filesystem::path("/work/p/.zkbench/zkbench.db"));
}

TEST(StoreOpen, an_unreachable_postgresql_server_is_an_error_without_the_password) {
  for (const char* url : {"postgresql://zk:s3cr%40t@127.0.0.1:1/zkbench", "postgres://zk:s3cr%40t@127.0.0.1:1/zk"}) {
    const auto opened = zkbench::store::open_store(url);
    ASSERT_FALSE(opened);
    const std::string& message = opened.error().message;
    EXPECT_NE(message.find("cannot connect"), std::string::npos) << message;
    EXPECT_NE(message.find("zk:***@127.0.0.1:1/"), std::string::npos) << message;
    EXPECT_EQ(message.find("s3cr"), std::string::npos) << message;
  }
}

TEST(StoreOpen, redacts_only_the_password_of_a_url) {
  using zkbench::store::redact_location;
  EXPECT_EQ(redact_location("postgresql://me:pw@db.lan:5432/zk?sslmode=require"),
            "postgresql://me:***@db.lan:5432/zk?sslmode=require");
  EXPECT_EQ(redact_location("postgres://me:p@ss:w@db/zk"), "postgres://me:***@db/zk");
  EXPECT_EQ(redact_location("postgresql://me@db/zk"), "postgresql://me@db/zk");
  EXPECT_EQ(redact_location("postgresql://db/zk?user=a"), "postgresql://db/zk?user=a");
  EXPECT_EQ(redact_location("mysql://u:secret@h/db"), "mysql://u:***@h/db");
  EXPECT_EQ(redact_location("/tmp/a:b@c/zkbench.db"), "/tmp/a:b@c/zkbench.db");
}

TEST(StoreOpen, creates_missing_folders_and_an_artifacts_folder_beside_the_file) {
  TempDir dir;
  const auto path = dir / "a/b/zkbench.db";
  const auto opened = zkbench::store::open_store(path.string());
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_TRUE(std::filesystem::is_regular_file(path));
  EXPECT_EQ((*opened)->schema_version(), zkbench::store::latest_schema_version());
  const auto artifacts = (*opened)->artifacts_dir();
  EXPECT_EQ(artifacts, dir / "a/b/artifacts");
  EXPECT_TRUE(std::filesystem::is_directory(artifacts));
}

TEST(StoreOpen, existing_mode_does_not_create_a_missing_store) {
  TempDir dir;
  const auto path = dir / "none/zkbench.db";
  const auto opened = zkbench::store::open_store(path.string(), zkbench::store::OpenMode::existing);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("no store at '" + path.string() + "'"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "none"));
}

TEST(StoreOpen, a_folder_that_cannot_be_created_is_named_in_the_error) {
  TempDir dir;
  zkbench::test::write_file(dir / "blocker", "a file, not a folder");
  const auto path = dir / "blocker/sub/zkbench.db";
  const auto opened = zkbench::store::open_store(path.string());
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("cannot create folder '" + (dir / "blocker/sub").string() + "'"),
            std::string::npos)
      << opened.error().message;
}

TEST(StoreOpen, a_directory_in_place_of_the_file_is_an_error) {
  TempDir dir;
  std::filesystem::create_directories(dir / "zkbench.db");
  const auto opened = zkbench::store::open_store((dir / "zkbench.db").string());
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("is a directory"), std::string::npos) << opened.error().message;
}

TEST(StoreOpen, session_status_names_round_trip) {
  for (const auto status : {SessionStatus::running, SessionStatus::complete, SessionStatus::interrupted,
                            SessionStatus::failed}) {
    EXPECT_EQ(zkbench::store::session_status_from_string(zkbench::store::to_string(status)), status);
  }
  EXPECT_FALSE(zkbench::store::session_status_from_string("done"));
}
