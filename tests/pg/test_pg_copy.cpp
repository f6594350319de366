// zkbench store copy: SQLite -> PostgreSQL -> SQLite keeps every session, benchmark, run, metric and
// GPU row (ids may change; order and content may not).

#include <limits>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/migrations.hpp"
#include "store/store.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"
#include "support/pg_fleet.hpp"

using zkbench::core::Benchmark;
using zkbench::core::GpuRunStats;
using zkbench::core::Run;
using zkbench::core::RunStatus;
using zkbench::store::SessionInfo;
using zkbench::store::SessionRecord;
using zkbench::store::SessionStatus;
using zkbench::test::TempDir;

namespace {

template <typename T>
nlohmann::json or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

/// Everything in a store except its ids, in store order. Doubles are compared by their exact bits.
nlohmann::json dump(const std::string& location) {
  auto store = zkbench::store::open_store(location, zkbench::store::OpenMode::existing);
  EXPECT_TRUE(store) << (store ? "" : store.error().message);
  if (!store) {
    return {};
  }
  nlohmann::json out = nlohmann::json::array();
  const auto sessions = (*store)->list_sessions(std::numeric_limits<std::size_t>::max());
  EXPECT_TRUE(sessions);
  for (const SessionRecord& session : *sessions) {
    nlohmann::json benchmarks = nlohmann::json::array();
    const auto loaded = (*store)->load_benchmarks(session.id);
    EXPECT_TRUE(loaded);
    for (const Benchmark& benchmark : loaded.value_or(std::vector<Benchmark>{})) {
      nlohmann::json runs = nlohmann::json::array();
      for (const Run& run : benchmark.runs) {
        nlohmann::json metrics = nlohmann::json::object();
        for (const auto& [name, value] : run.metrics) {
          metrics[name] = or_null(value);
        }
        nlohmann::json gpu;
        if (run.gpu) {
          gpu = {run.gpu->utilization_mean_pct, run.gpu->utilization_max_pct, run.gpu->memory_peak_bytes,
                 run.gpu->temperature_start_c,  run.gpu->temperature_max_c,   run.gpu->energy_joules,
                 run.gpu->throttled,            run.gpu->throttle_reasons};
        }
        runs.push_back({run.index, run.wall_s, run.user_s, run.system_s, run.peak_rss_bytes,
                        zkbench::core::to_string(run.status), or_null(run.exit_code), or_null(run.signal), metrics,
                        gpu, run.log_path, run.started_at_us, run.finished_at_us});
      }
      benchmarks.push_back({benchmark.command, or_null(benchmark.name), benchmark.parameters, runs});
    }
    out.push_back({session.info.kind, session.info.argv, session.info.host, session.info.working_dir,
                   session.info.started_at_us, session.info.machine_class, zkbench::store::to_string(session.status),
                   or_null(session.finished_at_us), benchmarks});
  }
  return out;
}

Run varied_run(int index) {
  Run run;
  run.index = index;
  run.wall_s = 0.1 + 0.2 * index;
  run.user_s = 1e-9 * (index + 1);
  run.system_s = 1.0 / 3.0;
  run.peak_rss_bytes = 68'719'476'736 + index;
  run.status = index % 3 == 0 ? RunStatus::success : (index % 3 == 1 ? RunStatus::failed : RunStatus::timed_out);
  if (run.status == RunStatus::timed_out) {
    run.signal = 9;
  } else {
    run.exit_code = index % 3;
  }
  run.metrics = {{"steps", 1'234'567.0 + index}, {"missing", std::nullopt}};
  if (index % 2 == 0) {
    run.gpu = GpuRunStats{87.5, 100.0, 2.5e10, 41.0, 83.25, 12'345.678 + index, index % 4 == 0, "sw_power_cap"};
  }
  run.log_path = "/logs/run-" + std::to_string(index) + ".log";
  run.started_at_us = 1'700'000'000'000'000 + index;
  run.finished_at_us = run.started_at_us + 1'500'000;
  return run;
}

} // namespace

TEST(PgCopy, sqlite_to_postgresql_to_sqlite_keeps_everything) {
  TempDir dir;
  const std::string source = (dir / "a.db").string();
  {
    auto store = zkbench::store::open_store(source);
    ASSERT_TRUE(store) << store.error().message;
    // Two sessions with the same start time (ordered by id), one finished, classes differ.
    for (int s = 0; s < 3; ++s) {
      const auto id = (*store)->begin_session(SessionInfo{"run", "zkbench run 'x " + std::to_string(s) + "'",
                                                          "box", "/w", 1'000 + (s == 2 ? 0 : s * 10),
                                                          s == 1 ? "rtx3090" : "h100"});
      ASSERT_TRUE(id);
      for (int b = 0; b < 2; ++b) {
        Benchmark benchmark;
        benchmark.command = "prove --n " + std::to_string(b);
        if (b == 0) {
          benchmark.name = "fib µs \"quoted\"";
          benchmark.parameters = {{"n", std::to_string(b)}, {"gpu", "on"}};
        }
        const auto benchmark_id = (*store)->add_benchmark(*id, benchmark);
        ASSERT_TRUE(benchmark_id);
        for (int r = 0; r < 4 + s; ++r) {
          ASSERT_TRUE((*store)->add_run(*benchmark_id, varied_run(r)));
        }
      }
      if (s == 0) {
        ASSERT_TRUE((*store)->finish_session(*id, SessionStatus::interrupted));
      }
    }
  }
  const std::string url = zkbench::test::pg_store_url(dir.path());
  const std::string back = (dir / "b.db").string();
  const auto there = zkbench::test::run_zkbench("store copy '" + source + "' '" + url + "'");
  ASSERT_EQ(there.exit_code, 0) << there.output;
  EXPECT_NE(there.output.find("copied 3 sessions, 6 benchmarks, 30 runs"), std::string::npos) << there.output;
  const auto home = zkbench::test::run_zkbench("store copy '" + url + "' '" + back + "'");
  ASSERT_EQ(home.exit_code, 0) << home.output;

  const nlohmann::json original = dump(source);
  ASSERT_EQ(original.size(), 3U);
  EXPECT_EQ(dump(url), original);
  EXPECT_EQ(dump(back), original);
}

TEST(PgCopy, store_migrate_reports_the_schema_version_and_hides_the_password) {
  TempDir dir;
  const std::string url = zkbench::test::pg_store_url(dir.path());
  const auto migrated = zkbench::test::run_zkbench("store migrate --store '" + url + "'");
  EXPECT_EQ(migrated.exit_code, 0) << migrated.output;
  EXPECT_NE(migrated.output.find("schema version " + std::to_string(zkbench::store::latest_schema_version())),
            std::string::npos)
      << migrated.output;
  const auto refused = zkbench::test::run_zkbench("store migrate --store 'postgresql://zk:hunter2@127.0.0.1:1/zk'");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_EQ(refused.output.find("hunter2"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("zk:***@"), std::string::npos) << refused.output;
}
