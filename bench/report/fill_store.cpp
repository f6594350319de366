// Fills a zkbench store with a large synthetic workflow for bench/report/run.sh: a baseline and
// EXPERIMENTS experiments over INPUTS inputs with RUNS runs per side, each with its results.json record
// and linked sessions, through the real Store API (the same calls `zkbench baseline` and `exp run` make).
// Usage: fill_store DB EXPERIMENTS INPUTS RUNS
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "store/store.hpp"

namespace {

using namespace zkbench;

template <typename T>
T must(Result<T> result, const char* what) {
  if (!result) {
    std::fprintf(stderr, "error: %s: %s\n", what, result.error().message.c_str());
    std::exit(1);
  }
  if constexpr (!std::is_void_v<T>) {
    return std::move(*result);
  }
}

// One session holding one benchmark of `runs` runs whose wall times scale with `factor`.
std::int64_t measured_session(store::Store& db, const std::string& kind, const std::string& input, int runs,
                              double base_s, double factor, int seed) {
  const std::int64_t session = must(db.begin_session({kind, "fill_store", "bench", "/bench", 1'700'000'000'000'000, ""}), "session");
  core::Benchmark benchmark;
  benchmark.command = "./prove " + input;
  const std::int64_t id = must(db.add_benchmark(session, benchmark), "benchmark");
  for (int r = 0; r < runs; ++r) {
    core::Run run;
    run.index = r;
    run.wall_s = base_s * factor * (1 + 0.01 * std::sin(r * 1.3 + seed));
    run.user_s = run.wall_s * 0.9;
    run.started_at_us = 1'700'000'000'000'000 + r;
    run.finished_at_us = run.started_at_us + static_cast<std::int64_t>(run.wall_s * 1e6);
    run.metrics["steps"] = 1e6 * factor;
    must(db.add_run(id, run), "run");
  }
  must(db.finish_session(session, store::SessionStatus::complete), "finish");
  return session;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: fill_store DB EXPERIMENTS INPUTS RUNS\n");
    return 2;
  }
  const int experiments = std::atoi(argv[2]);
  const int inputs = std::atoi(argv[3]);
  const int runs = std::atoi(argv[4]);
  auto db = must(store::open_store(argv[1], store::OpenMode::create), "open");

  store::BaselineRecord baseline;
  baseline.commit = "0123456789abcdef0123456789abcdef01234567";
  baseline.environment_yaml = "machine:\n  cpu: bench\n  cores: 16\ngpu:\n  name: none\n";
  baseline.created_at_us = 1'700'000'000'000'000;
  for (int i = 0; i < inputs; ++i) {
    const std::string input = "input-" + std::to_string(i + 1);
    baseline.inputs.push_back({input, "sha256", measured_session(*db, "baseline", input, runs, 10.0 + i, 1.0, i)});
  }
  must(db->add_baseline(baseline), "baseline");

  const core::Verdict verdicts[] = {core::Verdict::keep, core::Verdict::discard, core::Verdict::maybe,
                                    core::Verdict::kill, core::Verdict::inconclusive};
  for (int n = 1; n <= experiments; ++n) {
    const double change = std::fmod(n * 7.3, 17.0) / 100 - 0.11;
    store::ExperimentRecord record;
    record.name = "experiment " + std::to_string(n);
    record.slug = "experiment-" + std::to_string(n);
    record.hypothesis = "Hypothesis " + std::to_string(n);
    record.set_state(core::ExperimentStatus::done);
    record.set_outcome(core::outcome_of(verdicts[n % 5]));
    record.branch = "bench/" + std::to_string(n);
    record.created_at_us = baseline.created_at_us + n * 1'000'000LL;
    record.finished_at_us = record.created_at_us + 500'000;
    record.change = change;
    core::ExperimentResults details;
    details.reason = "synthetic";
    for (int i = 0; i < inputs; ++i) {
      core::InputResult& in = details.inputs.emplace_back();
      in.input = "input-" + std::to_string(i + 1);
      in.verdict = verdicts[n % 5];
      in.change = change;
      core::MetricResult& time = in.metrics.emplace_back();
      time.metric = "time";
      time.baseline.runs = time.candidate.runs = static_cast<std::size_t>(runs);
      time.baseline.mean = 10.0 + i;
      time.candidate.mean = (10.0 + i) * (1 + change);
      time.change = change;
      time.ci_low = change - 0.01;
      time.ci_high = change + 0.01;
    }
    record.set_results(details);
    const store::ExperimentRecord stored = must(db->add_experiment(record), "experiment");
    for (int i = 0; i < inputs; ++i) {
      const std::string input = "input-" + std::to_string(i + 1);
      const std::int64_t session = measured_session(*db, "experiment", input, runs, 10.0 + i, 1 + change, n + i);
      must(db->link_session({"experiment", stored.id, input, session}), "link");
    }
  }
  std::printf("filled %s: %d experiments x %d inputs x %d runs\n", argv[1], experiments, inputs, runs);
  return 0;
}
