// `zkbench run` with GPU telemetry (the H100 capture replayed through a fake nvidia-smi), without a GPU,
// and the cooldown of the thermal gate.
#include <gtest/gtest.h>

#include "store/store.hpp"
#include "support/cli.hpp"
#include "support/fake_nvidia_smi.hpp"
#include "support/fixtures.hpp"

namespace {

using namespace zkbench;
using test::run_zkbench;

std::vector<core::Benchmark> stored_benchmarks(const std::filesystem::path& db) {
  auto store = store::open_store(db.string(), store::OpenMode::existing);
  EXPECT_TRUE(store) << (store ? "" : store.error().message);
  auto sessions = (*store)->list_sessions(10);
  EXPECT_TRUE(sessions && sessions->size() == 1u);
  auto benchmarks = (*store)->load_benchmarks(sessions->front().id);
  EXPECT_TRUE(benchmarks);
  return *benchmarks;
}

} // namespace

TEST(CliRunGpu, each_run_stores_gpu_figures_read_through_nvidia_smi) {
  test::FakeNvidiaSmi fake;
  const auto db = fake.dir() / "store.db";
  const auto result = run_zkbench("run -N --runs 2 --store '" + db.string() + "' 'sleep 0.3'", fake.dir().path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto benchmarks = stored_benchmarks(db);
  ASSERT_EQ(benchmarks.size(), 1u);
  ASSERT_EQ(benchmarks[0].runs.size(), 2u);
  for (const core::Run& run : benchmarks[0].runs) {
    ASSERT_TRUE(run.gpu.has_value()) << "run " << run.index << " has no GPU figures";
    // The replayed load capture reads 59 °C and 100 % utilization on every sample.
    EXPECT_DOUBLE_EQ(run.gpu->temperature_start_c, 59.0);
    EXPECT_DOUBLE_EQ(run.gpu->temperature_max_c, 59.0);
    EXPECT_GT(run.gpu->utilization_max_pct, 0.0);
  }
  EXPECT_NE(fake.calls().find("--query-gpu="), std::string::npos);
}

TEST(CliRunGpu, without_a_gpu_runs_carry_no_gpu_figures) {
  test::TempDir dir;
  test::GpuEnv no_gpu(dir);
  const auto db = dir / "store.db";
  const auto result = run_zkbench("run -N --runs 2 --store '" + db.string() + "' true", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto benchmarks = stored_benchmarks(db);
  ASSERT_EQ(benchmarks[0].runs.size(), 2u);
  EXPECT_FALSE(benchmarks[0].runs[0].gpu.has_value());
}

TEST(CliRunGpu, cooldown_waits_between_runs_and_says_so) {
  test::TempDir dir;
  test::GpuEnv no_gpu(dir);
  const auto db = dir / "store.db";
  const auto result =
      run_zkbench("run -N --runs 2 --cooldown 0.5 --store '" + db.string() + "' true", dir.path());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("waiting: cooldown"), std::string::npos) << result.output;
  const auto benchmarks = stored_benchmarks(db);
  ASSERT_EQ(benchmarks[0].runs.size(), 2u);
  // The second run started at least the cooldown after the first ended.
  EXPECT_GE(benchmarks[0].runs[1].started_at_us - benchmarks[0].runs[0].finished_at_us, 500'000);
}

TEST(CliRunGpu, negative_cooldown_is_a_usage_error) {
  const auto result = run_zkbench("run --cooldown -1 true");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("--cooldown"), std::string::npos);
}
