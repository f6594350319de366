// bench_verdicts: do exp run's verdicts hold on a busy machine? A simulation over a grid of policies, noise
// shapes, machine loads, base noise levels and true effects, run through exp run's own code
// (workflow::evaluate_checkout) behind the model executor of tests/support/model_executor.hpp, with each
// target checked per cell by the Wilson 95% upper bound of its rate (workflow_table.hpp).
//
// Usage: bench_verdicts [--grid full|reduced] [--trials N] [--seed S] [--threads N] [--stored] [--runs N]
//                       [--targets false-keep,false-kill,false-regression,missed-keep,runs|none] [--explain N]
//                       [--only TEXT] (the cells whose name contains TEXT: "bursts", "zkvm t3", "cv 5.0% -10%")
//        bench_verdicts --bisect [--trials N] [--seed S] [--threads N] [--explain N] [--only TEXT]: zkbench bisect's
//                       decisions over 64 commits (bisect_sim.hpp)
// Exit: 0 when every enforced target is met, 1 when one is missed, 2 on bad usage or an error.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "util/strings.hpp"
#include "bisect_sim.hpp"
#include "workflow_table.hpp"

using namespace zkbench;

namespace {

// The value after `name`, or nullptr when absent.
const char* arg(int argc, char** argv, const std::string& name) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (name == argv[i]) {
      return argv[i + 1];
    }
  }
  return nullptr;
}

bool flag(int argc, char** argv, const std::string& name) {
  for (int i = 1; i < argc; ++i) {
    if (name == argv[i]) {
      return true;
    }
  }
  return false;
}

int number(int argc, char** argv, const std::string& name, int fallback) {
  const char* v = arg(argc, argv, name);
  if (v == nullptr) {
    return fallback;
  }
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  if (end == v || *end != '\0' || n < 0 || n > 1'000'000) {
    throw std::invalid_argument(fmt::format("{} '{}': expected a whole number", name, v));
  }
  return static_cast<int>(n);
}

constexpr const char* k_usage =
    "usage: bench_verdicts [--grid full|reduced] [--trials N] [--seed S] [--threads N] [--stored] [--runs N]\n"
    "                      [--targets false-keep,false-kill,false-regression,missed-keep,runs|none] [--explain N]\n"
    "                      [--only TEXT]\n"
    "       bench_verdicts --bisect [--trials N] [--seed S] [--threads N] [--explain N] [--only TEXT]\n"
    "The full grid (the default) takes tens of minutes; --grid reduced or --only TEXT for less.\n";

// Every argument is a known option (with its value where it takes one): a mistyped option must not start
// a simulation of tens of minutes with the defaults (`--help` did).
void check_arguments(int argc, char** argv) {
  const std::vector<std::string> with_value{"--grid", "--trials", "--seed", "--threads",
                                            "--runs", "--explain", "--only", "--targets"};
  const std::vector<std::string> flags{"--stored", "--bisect"};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (std::find(with_value.begin(), with_value.end(), a) != with_value.end()) {
      if (i + 1 >= argc) {
        throw std::invalid_argument(fmt::format("{} needs a value", a));
      }
      ++i;
    } else if (std::find(flags.begin(), flags.end(), a) == flags.end()) {
      throw std::invalid_argument(fmt::format("unknown argument '{}'\n{}", a, k_usage));
    }
  }
}

} // namespace

int main(int argc, char** argv) {
  try {
    if (flag(argc, argv, "--help") || flag(argc, argv, "-h")) {
      std::fputs(k_usage, stdout);
      return 0;
    }
    check_arguments(argc, argv);
    bench::WorkflowSimOptions options;
    if (const char* grid = arg(argc, argv, "--grid")) {
      options.grid = grid;
    }
    if (bench::grid_cells(options.grid).empty()) {
      throw std::invalid_argument(fmt::format("--grid '{}': expected full or reduced", options.grid));
    }
    options.trials = number(argc, argv, "--trials", options.trials);
    options.seed = static_cast<std::uint64_t>(number(argc, argv, "--seed", 1));
    options.threads = number(argc, argv, "--threads", static_cast<int>(std::max(1U, std::thread::hardware_concurrency())));
    options.stored = flag(argc, argv, "--stored");
    options.runs = number(argc, argv, "--runs", 0);
    options.explain = number(argc, argv, "--explain", 0);
    if (const char* only = arg(argc, argv, "--only")) {
      options.only = only;
    }
    if (const char* targets = arg(argc, argv, "--targets")) {
      options.targets.clear();
      for (const std::string& name : util::split(targets, ',')) {
        bench::Target t{};
        if (name != "none" && !bench::parse_target(name, t)) {
          throw std::invalid_argument(fmt::format("--targets: unknown target '{}' (false-keep, false-kill, "
                                                  "false-regression, missed-keep, runs, none)",
                                                  name));
        }
        if (name != "none") {
          options.targets.push_back(t);
        }
      }
    }
    if (options.trials < 1) {
      throw std::invalid_argument("--trials: at least 1");
    }
    if (flag(argc, argv, "--bisect")) {
      return bench::run_bisect_simulation(options) == 0 ? 0 : 1;
    }
    return bench::run_workflow_simulation(options) == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_verdicts: %s\n", e.what());
    return 2;
  }
}
