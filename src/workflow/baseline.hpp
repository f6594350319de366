#pragma once
// `zkbench baseline` (seed 002 phase 3): build, hash every input's correctness output, measure every
// input (runs, warmup, cooldown), check the spread, and keep it all: benchmarks/baseline/<input>.json
// (the export JSON), benchmarks/baseline/metrics.yaml, benchmarks/environment.yaml and the store.

#include <functional>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "project/status_file.hpp"
#include "project/workspace.hpp"

namespace zkbench::workflow {

struct BaselineOptions {
  std::optional<int> runs;                 // overrides zkbench.yaml's runs
  project::StatusFile* status = nullptr;
  std::function<void(const std::string&)> say; // progress lines for people
};

struct BaselineInputSummary {
  std::string input;
  std::size_t runs = 0;
  double median_s = 0;
  double cv = 0;
  std::string hash;
};

struct BaselineOutcome {
  std::int64_t baseline_id = 0;
  std::string commit;
  std::vector<BaselineInputSummary> inputs;
  std::vector<std::string> warnings;        // CV over 10% (with what to check), dirty tree, ...
  std::vector<std::filesystem::path> files; // written
};

/// Establishes the baseline at the commit checked out in the project (HEAD). Errors: build or
/// correctness failure, a benchmark run that fails, an interrupt, the store.
Result<BaselineOutcome> establish_baseline(project::Workspace& ws, const BaselineOptions& options);

/// The CV warning for one input ("" when CV <= limit).
std::string spread_warning(const std::string& input, double cv, double limit, int runs);

} // namespace zkbench::workflow
