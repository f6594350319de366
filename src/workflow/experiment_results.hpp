#pragma once
// An experiment's decision as files: results.json's value (per input figures, intervals, the stopping
// trace, GPU figures, the cost) and verdict.md's text. Pure: run_experiment writes them.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/cost.hpp"
#include "core/experiment.hpp"
#include "store/workflow_records.hpp"
#include "verdict/decide.hpp"
#include "verdict/policy.hpp"
#include "verdict/sequential.hpp"

namespace zkbench::workflow {

/// results.json: the decision, every input's figures, the stopping trace of a sequential run, the
/// candidate's GPU figures per input (from `candidates`) and what the verdict cost.
core::ExperimentResults results_of(const store::ExperimentRecord& e, const verdict::Decision& decision,
                                   const std::vector<verdict::CommandComparison>& inputs,
                                   const std::map<std::string, std::vector<verdict::Look>>& traces,
                                   const std::map<std::string, core::Benchmark>& candidates,
                                   const std::optional<core::VerdictCost>& cost);

/// verdict.md: the verdict and its reason, the hypothesis, the policy, the cost, one row per input and
/// metric, and each input's reason and deciding interval.
std::string verdict_markdown(const store::ExperimentRecord& e, const std::string& reason,
                             const std::vector<verdict::CommandComparison>& inputs, const verdict::Policy& policy,
                             const std::optional<core::VerdictCost>& cost);

/// "+5.12%" style with sign, or "n/a".
std::string format_change(const std::optional<double>& change);

} // namespace zkbench::workflow
