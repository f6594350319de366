// Profiles end to end with a real profiler: `zkbench profile run` under valgrind --tool=callgrind on a
// small native program (tests/helpers/callgrind_demo.cpp), its stats_* file and store record; the
// workflow keeping an experiment's profile and diff in the store; the dashboard loader turning them
// into the experiment's profile chart.
#include <gtest/gtest.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "dashboard/dashboard_loader.hpp"
#include "profile/parse.hpp"
#include "store/store.hpp"
#include "support/workflow_repo.hpp"

using zkbench::test::CliResult;
using zkbench::test::read_file;
using zkbench::test::WorkflowRepo;
using zkbench::test::write_file;

namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool have_valgrind() {
  return contains(zkbench::test::run_shell("valgrind --version 2>&1").output, "valgrind-");
}

/// The project's store, opened as a later zkbench would.
std::unique_ptr<zkbench::store::Store> project_store(const WorkflowRepo& repo) {
  auto store = zkbench::store::open_store((repo.dir() / ".zkbench" / "zkbench.db").string(),
                                          zkbench::store::OpenMode::existing);
  EXPECT_TRUE(store) << (store ? "" : store.error().message);
  return store ? std::move(*store) : nullptr;
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      files.push_back(entry.path());
    }
  }
  return files;
}

/// A repository whose benchmark command is the native callgrind_demo (its input holds the rounds).
void use_native_program(const WorkflowRepo& repo) {
  std::string config = read_file(repo.dir() / "zkbench.yaml");
  const std::string script = "command: \"./prog.sh {input}\"";
  config.replace(config.find(script), script.size(), "command: \"{demo} {input}\"");
  config += "vars:\n  demo: \"" + std::string(ZKBENCH_CALLGRIND_DEMO) + "\"\n";
  write_file(repo.dir() / "zkbench.yaml", config);
  write_file(repo.dir() / "inputs" / "a.txt", "5\n");
  ASSERT_EQ(repo.git("commit -qam 'native program'"), 0);
}

} // namespace

TEST(WorkflowProfilesE2e, profile_run_keeps_a_real_callgrind_profile_as_a_stats_file_and_in_the_store) {
  if (!have_valgrind()) {
    GTEST_SKIP() << "valgrind not installed";
  }
  WorkflowRepo repo;
  use_native_program(repo);
  const CliResult run = repo.zkbench("profile run --zkvm callgrind --input a --title 'First try: 5 rounds!'");
  ASSERT_EQ(run.exit_code, 0) << run.output;

  const std::vector<fs::path> files = files_in(repo.dir() / "benchmarks" / "profiles");
  ASSERT_EQ(files.size(), 1u) << run.output;
  const std::string name = files[0].filename().string();
  const std::string short_commit = zkbench::test::run_shell("git -C '" + repo.dir().string() + "' rev-parse HEAD").output.substr(0, 7);
  EXPECT_TRUE(std::regex_match(name, std::regex(R"(stats_\d{8}_\d{6}_)" + short_commit + R"(_first-try-5-rounds\.txt)")))
      << name;
  EXPECT_TRUE(contains(run.output, "benchmarks/profiles/" + name)) << run.output;

  // The file is callgrind's output of the program: it parses, with the program's functions and calls.
  const auto profile = zkbench::profile::parse_profile_file(files[0]);
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->source.kind, zkbench::profile::SourceKind::callgrind);
  EXPECT_GT(profile->total(zkbench::profile::Metric::steps).value_or(0), 0u);
  bool saw_work = false;
  for (const auto& f : profile->functions) {
    if (contains(f.name, "::work(")) {
      saw_work = true;
      EXPECT_EQ(f.calls, 5u) << "the input asked for 5 rounds";
    }
  }
  EXPECT_TRUE(saw_work);

  // The store holds the same bytes with what they are.
  auto store = project_store(repo);
  ASSERT_TRUE(store);
  const auto listed = store->list_profiles();
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  const auto& record = listed->front();
  EXPECT_EQ(record.kind, "profile");
  EXPECT_EQ(record.zkvm, "callgrind");
  EXPECT_EQ(record.format, "callgrind");
  EXPECT_EQ(record.input, "a");
  EXPECT_EQ(record.title, "First try: 5 rounds!");
  EXPECT_EQ(record.file_name, name);
  EXPECT_EQ(record.commit.substr(0, 7), short_commit);
  EXPECT_FALSE(record.experiment_number.has_value());
  const auto stored = store->get_profile(record.id);
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored->content, read_file(files[0]));
  EXPECT_TRUE(contains(run.output, "stored as profile " + std::to_string(record.id))) << run.output;
}

TEST(WorkflowProfilesE2e, profile_run_errors_say_what_went_wrong_in_one_line) {
  WorkflowRepo repo;
  // An input that does not exist: the known ones are listed.
  const CliResult unknown = repo.zkbench("profile run --zkvm callgrind --input nope");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_TRUE(contains(unknown.output, "no input 'nope'") && contains(unknown.output, "(inputs: a, b)")) << unknown.output;

  // A zkVM preset whose placeholder the project lacks.
  const CliResult no_host = repo.zkbench("profile run --zkvm sp1 --input a");
  EXPECT_NE(no_host.exit_code, 0);
  EXPECT_TRUE(contains(no_host.output, "vars.host")) << no_host.output;

  const CliResult bad_kind = repo.zkbench("profile run --zkvm jolt --input a");
  EXPECT_EQ(bad_kind.exit_code, 2) << bad_kind.output;

  // A profiler that is not installed, and one that fails (exit code and its last words).
  std::string config = read_file(repo.dir() / "zkbench.yaml");
  write_file(repo.dir() / "zkbench.yaml",
             config + "profile:\n  zkvm: zisk\n  command: \"zkbench-no-such-profiler -i {input} -X -S -D\"\n");
  const CliResult missing = repo.zkbench("profile run --zkvm zisk --input a");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_TRUE(contains(missing.output, "profiler not installed") && contains(missing.output, "zkbench-no-such-profiler"))
      << missing.output;
  write_file(repo.dir() / "zkbench.yaml",
             config + "profile:\n  zkvm: zisk\n  command: \"cat {input}; echo 'emulator: bad ELF header' >&2; exit 3\"\n");
  const CliResult failed = repo.zkbench("profile run --zkvm zisk --input a");
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_TRUE(contains(failed.output, "failed on input 'a' (exit 3)") && contains(failed.output, "bad ELF header"))
      << failed.output;
  EXPECT_EQ(std::count(failed.output.begin(), failed.output.end(), '\n'), 1) << failed.output;
  EXPECT_TRUE(files_in(repo.dir() / "benchmarks" / "profiles").empty());
}

TEST(WorkflowProfilesE2e, experiments_keep_their_profile_and_diff_and_the_dashboard_charts_them) {
  if (!have_valgrind()) {
    GTEST_SKIP() << "valgrind not installed";
  }
  WorkflowRepo repo(3, "0.05");
  write_file(repo.dir() / "rounds", "7\n");
  std::string config = read_file(repo.dir() / "zkbench.yaml");
  config += "vars:\n  demo: \"" + std::string(ZKBENCH_CALLGRIND_DEMO) + "\"\n"
            "profile:\n  zkvm: callgrind\n"
            "  command: \"valgrind --tool=callgrind --callgrind-out-file={out}/cg.out {demo} rounds {input}\"\n"
            "  output: \"{out}/cg.out\"\n";
  write_file(repo.dir() / "zkbench.yaml", config);
  ASSERT_EQ(repo.git("add -A && git commit -qm 'profile with callgrind'"), 0);
  const CliResult baseline = repo.zkbench("baseline");
  ASSERT_EQ(baseline.exit_code, 0) << baseline.output;
  const std::string number = repo.experiment("Fewer rounds", "rounds", "3\n");
  const CliResult run = repo.zkbench("exp run " + number);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const fs::path folder = repo.dir() / "benchmarks" / "experiments" / "001-fewer-rounds";
  ASSERT_TRUE(fs::exists(folder / "profile_diff.txt")) << run.output;

  // The store: the baseline's profile, the experiment's, and the diff, linked.
  auto store = project_store(repo);
  ASSERT_TRUE(store);
  const auto baselines = store->list_baselines();
  ASSERT_TRUE(baselines && baselines->size() == 1u);
  const auto listed = store->list_profiles();
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].baseline_id, baselines->front().id);
  EXPECT_FALSE((*listed)[0].experiment_number.has_value());
  EXPECT_EQ((*listed)[0].format, "callgrind");
  for (std::size_t i : {1u, 2u}) {
    EXPECT_EQ((*listed)[i].experiment_number, 1);
    EXPECT_EQ((*listed)[i].baseline_id, baselines->front().id);
  }
  EXPECT_EQ((*listed)[1].kind, "profile");
  EXPECT_EQ((*listed)[1].file_name, "profile.txt");
  EXPECT_EQ((*listed)[2].kind, "diff");
  const auto diff = store->get_profile((*listed)[2].id);
  ASSERT_TRUE(diff);
  EXPECT_EQ(diff->content, read_file(folder / "profile_diff.txt"));
  EXPECT_TRUE(contains(diff->content, "IMPROVEMENT")) << diff->content;

  // The loader: 3 rounds instead of 7 shrink work, sum_to and depth; sum_to by its sum of n over the
  // rounds, (1000+1001+1002) / (1000+...+1006) - 1 = -57%.
  const auto dashboard = zkbench::dashboard::load_dashboard(*store, {repo.dir(), "time"});
  ASSERT_TRUE(dashboard) << dashboard.error().message;
  ASSERT_EQ(dashboard->experiments.size(), 1u);
  const auto& experiment = dashboard->experiments.front();
  ASSERT_FALSE(experiment.profile_down.empty());
  bool saw_sum_to = false;
  for (const auto& f : experiment.profile_down) {
    EXPECT_LT(f.change_pct, 0) << f.function;
    if (contains(f.function, "sum_to")) {
      saw_sum_to = true;
      EXPECT_NEAR(f.change_pct, -57.2, 1.0) << f.function;
    }
  }
  EXPECT_TRUE(saw_sum_to);
  for (const auto& f : experiment.profile_up) {
    EXPECT_GT(f.change_pct, 0) << f.function;
  }

  // The experiment page shows the chart.
  const CliResult report = repo.zkbench("report");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  EXPECT_TRUE(fs::exists(repo.dir() / "benchmarks" / "report" / "charts" / "001-profile.svg"));
  EXPECT_TRUE(contains(read_file(repo.dir() / "benchmarks" / "report" / "experiments" / "001.html"),
                       "<section id=\"profile\">"));
}
