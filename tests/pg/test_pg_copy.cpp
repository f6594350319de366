// zkbench store copy: SQLite -> PostgreSQL -> SQLite keeps every session, benchmark, run, metric and
// GPU row, and every workflow record with its references (ids may change; order and content may not).

#include <limits>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/migrations.hpp"
#include "store/store.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"
#include "support/pg_fleet.hpp"

using zkbench::core::Benchmark;
using zkbench::store::BaselineRecord;
using zkbench::store::ConflictRecord;
using zkbench::store::ExperimentRecord;
using zkbench::store::NoteRecord;
using zkbench::store::SessionLink;
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

/// The workflow records of a store without their ids: references are shown by what they point at
/// (a session by its argv, a baseline by its commit, an experiment by its number).
nlohmann::json dump_workflow(const std::string& location) {
  auto opened = zkbench::store::open_store(location, zkbench::store::OpenMode::existing);
  EXPECT_TRUE(opened) << (opened ? "" : opened.error().message);
  if (!opened) {
    return {};
  }
  zkbench::store::Store& store = **opened;
  std::map<std::int64_t, std::string> argv_of;
  // Each list is kept in a variable: a range-for over `*temporary` would dangle.
  const auto sessions = store.list_sessions(std::numeric_limits<std::size_t>::max());
  const auto baselines = store.list_baselines();
  const auto experiments = store.list_experiments();
  const auto links = store.list_session_links();
  const auto conflicts = store.list_conflicts();
  EXPECT_TRUE(sessions && baselines && experiments && links && conflicts);
  if (!sessions || !baselines || !experiments || !links || !conflicts) {
    return {};
  }
  for (const SessionRecord& session : *sessions) {
    argv_of[session.id] = session.info.argv;
  }
  nlohmann::json out;
  std::map<std::int64_t, std::string> commit_of;
  for (const BaselineRecord& b : *baselines) {
    commit_of[b.id] = b.commit;
    nlohmann::json inputs = nlohmann::json::array();
    for (const auto& input : b.inputs) {
      inputs.push_back({input.input, input.output_hash, argv_of.at(input.session_id)});
    }
    out["baselines"].push_back({b.commit, b.environment_yaml, b.created_at_us, b.machine_class, inputs});
  }
  std::map<std::int64_t, int> number_of;
  for (const ExperimentRecord& e : *experiments) {
    number_of[e.id] = e.number;
    out["experiments"].push_back({e.number, e.name, e.slug, e.hypothesis, or_null(e.expected), e.status, e.verdict,
                                  e.branch, e.baseline_commit,
                                  e.baseline_id ? commit_of.at(*e.baseline_id) : std::string("-"), e.created_at_us,
                                  or_null(e.finished_at_us), e.close_reason, or_null(e.change), e.details_json});
  }
  for (const SessionLink& link : *links) {
    const std::int64_t owner = link.owner == "experiment" ? number_of.at(link.owner_id) : link.owner_id;
    out["links"].push_back({link.owner, owner, link.input, argv_of.at(link.session_id)});
  }
  for (const char* kind : {"learning", "idea"}) {
    const auto notes = store.list_notes(kind);
    for (const NoteRecord& note : notes.value_or(std::vector<NoteRecord>{})) {
      out["notes"].push_back({note.kind, note.text, note.created_at_us, note.done});
    }
  }
  const auto profiles = store.list_profiles();
  EXPECT_TRUE(profiles);
  for (const auto& listed : profiles.value_or(std::vector<zkbench::store::ProfileRecord>{})) {
    const auto p = store.get_profile(listed.id);
    EXPECT_TRUE(p);
    if (p) {
      out["profiles"].push_back({p->created_at_us, p->kind, p->zkvm, p->format, p->input, p->title, p->commit,
                                 p->file_name, nlohmann::json::binary({p->content.begin(), p->content.end()}),
                                 or_null(p->experiment_number),
                                 p->baseline_id ? commit_of.at(*p->baseline_id) : std::string("-")});
    }
  }
  for (const ConflictRecord& c : *conflicts) {
    out["conflicts"].push_back({c.experiments, or_null(c.combined_change), or_null(c.best_change), c.conflict, c.note,
                                c.created_at_us});
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

TEST(PgCopy, sqlite_to_postgresql_to_sqlite_keeps_the_workflow_records) {
  TempDir dir;
  const std::string source = (dir / "a.db").string();
  {
    auto opened = zkbench::store::open_store(source);
    ASSERT_TRUE(opened) << opened.error().message;
    zkbench::store::Store& store = **opened;
    std::vector<std::int64_t> sessions;
    for (int s = 0; s < 4; ++s) {
      const auto id = store.begin_session(
          SessionInfo{"run", "session " + std::to_string(s), "box", "/w", 1'000 + s, s < 2 ? "h100" : "rtx3090"});
      ASSERT_TRUE(id);
      sessions.push_back(*id);
    }
    // A session link made while a baseline was measured (negative owner id), then the baseline.
    ASSERT_TRUE(store.link_session({"baseline", -1'700'000'000'000'000, "light", sessions[0]}));
    const auto h100 = store.add_baseline(BaselineRecord{0, "c0ffee", "machine:\n  gpu: H100\n", 10,
                                                        {{"light", "sha-l", sessions[0]}, {"heavy", "sha-h", sessions[1]}},
                                                        "h100"});
    const auto rtx = store.add_baseline(BaselineRecord{0, "beef", "", 20, {{"light", "sha-r", sessions[2]}}, "rtx3090"});
    ASSERT_TRUE(h100 && rtx);
    ExperimentRecord planned;
    planned.name = "Idea without a baseline";
    planned.slug = "idea";
    planned.status = "planned";
    planned.created_at_us = 30;
    ExperimentRecord done = planned;
    done.name = "MPT hash cache";
    done.slug = "mpt-hash-cache";
    done.hypothesis = "fewer hashes";
    done.expected = 0.05;
    done.status = "done";
    done.verdict = "KEEP";
    done.branch = "bench/002-mpt-hash-cache-KEEP";
    done.baseline_commit = "beef";
    done.baseline_id = *rtx;
    done.finished_at_us = 40;
    done.close_reason = "faster by 3.1%";
    done.change = 0.1 + 0.2 - 0.331; // not exactly representable
    done.details_json = R"({"inputs":[{"name":"light"}]})";
    ASSERT_TRUE(store.add_experiment(planned));
    const auto stored = store.add_experiment(done);
    ASSERT_TRUE(stored);
    ASSERT_TRUE(store.link_session({"experiment", stored->id, "light", sessions[3]}));
    ASSERT_TRUE(store.link_session({"compound", -40, "light", sessions[3]}));
    ASSERT_TRUE(store.add_note({0, "idea", "arena allocator", 50, true}));
    ASSERT_TRUE(store.add_note({0, "learning", "hashing dominates", 51, false}));
    ASSERT_TRUE(store.add_conflict({0, {1, 2}, std::nullopt, -0.06, false, "merge failed", 60}));
    zkbench::store::ProfileRecord profile;
    profile.created_at_us = 70;
    profile.zkvm = "risc0";
    profile.format = "pprof";
    profile.input = "light";
    profile.commit = "beef";
    profile.file_name = "profile.pb.gz";
    profile.content = std::string("\x1f\x8b\x00\xff binary", 11);
    profile.experiment_number = 2;
    profile.baseline_id = *rtx;
    ASSERT_TRUE(store.add_profile(profile));
  }
  const std::string url = zkbench::test::pg_store_url(dir.path());
  const std::string back = (dir / "b.db").string();
  const auto there = zkbench::test::run_zkbench("store copy '" + source + "' '" + url + "'");
  ASSERT_EQ(there.exit_code, 0) << there.output;
  EXPECT_NE(there.output.find("2 baselines, 2 experiments, 3 session links, 2 notes, 1 compound tests, 1 profiles"),
            std::string::npos)
      << there.output;
  const auto home = zkbench::test::run_zkbench("store copy '" + url + "' '" + back + "'");
  ASSERT_EQ(home.exit_code, 0) << home.output;

  const nlohmann::json original = dump_workflow(source);
  ASSERT_EQ(original["baselines"].size(), 2U);
  ASSERT_EQ(original["experiments"].size(), 2U);
  ASSERT_EQ(original["profiles"].size(), 1U);
  EXPECT_EQ(dump_workflow(url), original);
  EXPECT_EQ(dump_workflow(back), original);
  EXPECT_EQ(dump(url), dump(source));
}

TEST(PgCopy, copying_into_a_store_that_has_the_experiment_numbers_stops_with_the_number) {
  TempDir dir;
  const std::string source = (dir / "a.db").string();
  {
    auto store = zkbench::store::open_store(source);
    ASSERT_TRUE(store) << store.error().message;
    ExperimentRecord e;
    e.name = "x";
    e.status = "planned";
    ASSERT_TRUE((*store)->add_experiment(e));
  }
  const std::string url = zkbench::test::pg_store_url(dir.path());
  ASSERT_EQ(zkbench::test::run_zkbench("store copy '" + source + "' '" + url + "'").exit_code, 0);
  const auto again = zkbench::test::run_zkbench("store copy '" + source + "' '" + url + "'");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("experiment 001 already exists"), std::string::npos) << again.output;
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
