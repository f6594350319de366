// `zkbench compare BASELINE.json CANDIDATE.json`: decides, for every command and metric of two result
// files (zkbench's or hyperfine's JSON), whether the candidate is worth keeping.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/comparison_output.hpp"
#include "report/json_import.hpp"
#include "util/error.hpp"
#include "verdict/decide.hpp"
#include "project/config.hpp"
#include "util/text.hpp"

namespace zkbench::cli {

namespace {

struct CompareOptions {
  std::string baseline;
  std::string candidate;
  std::string policy = "generic";
  bool json = false;
  std::string export_markdown;
};

// Pairs commands by display name; the rest are paired by position among those left over.
std::vector<std::pair<const core::Benchmark*, const core::Benchmark*>> match_commands(
    const std::vector<core::Benchmark>& base, const std::vector<core::Benchmark>& cand, std::vector<std::string>& unmatched) {
  std::vector<std::pair<const core::Benchmark*, const core::Benchmark*>> pairs(base.size(), {nullptr, nullptr});
  std::vector<bool> used(cand.size(), false);
  for (std::size_t i = 0; i < base.size(); ++i) {
    pairs[i].first = &base[i];
    for (std::size_t j = 0; j < cand.size(); ++j) {
      if (!used[j] && cand[j].display_name() == base[i].display_name()) {
        pairs[i].second = &cand[j];
        used[j] = true;
        break;
      }
    }
  }
  std::size_t next = 0;
  for (auto& pair : pairs) {
    if (pair.second != nullptr) {
      continue;
    }
    while (next < cand.size() && used[next]) {
      ++next;
    }
    if (next < cand.size()) {
      pair.second = &cand[next];
      used[next] = true;
    } else {
      unmatched.push_back("baseline '" + pair.first->display_name() + "'");
    }
  }
  for (std::size_t j = 0; j < cand.size(); ++j) {
    if (!used[j]) {
      unmatched.push_back("candidate '" + cand[j].display_name() + "'");
    }
  }
  std::erase_if(pairs, [](const auto& p) { return p.second == nullptr; });
  return pairs;
}

// A warning for each pair whose sides were contained differently (a cgroup on one machine, process
// groups on the other): their times and peak memory were measured two ways. Sides that do not say
// (hyperfine's JSON, zkbench's before schema 7) are not warned about.
std::vector<std::string> containment_warnings(
    const std::vector<std::pair<const core::Benchmark*, const core::Benchmark*>>& pairs) {
  std::vector<std::string> warnings;
  for (const auto& [b, c] : pairs) {
    const std::string base = b->containments();
    const std::string cand = c->containments();
    if (!base.empty() && !cand.empty() && base != cand) {
      warnings.push_back(fmt::format("'{}': the baseline's runs were contained by {}, the candidate's by {}: "
                                     "times and peak memory were measured differently",
                                     b->display_name(), base, cand));
    }
  }
  return warnings;
}

double input_weight(const core::Benchmark& b) {
  if (const auto it = b.parameters.find("weight"); it != b.parameters.end()) {
    try {
      const double w = std::stod(it->second);
      if (w > 0) {
        return w;
      }
    } catch (const std::exception&) {
      // Not a number: weight 1 below; the parameter is the user's to name.
    }
  }
  return 1.0;
}

int run_compare(const CompareOptions& options) {
  const auto policy = value_or_fatal(project::resolve_policy(options.policy));
  const auto base = value_or_fatal(report::read_results_json(options.baseline));
  const auto cand = value_or_fatal(report::read_results_json(options.candidate));
  if (base.empty() || cand.empty()) {
    throw Fatal(fmt::format("'{}' has no results to compare", base.empty() ? options.baseline : options.candidate));
  }
  std::vector<std::string> unmatched;
  const auto pairs = match_commands(base, cand, unmatched);
  std::vector<verdict::CommandComparison> comparisons;
  for (const auto& [b, c] : pairs) {
    auto comparison = verdict::compare_benchmarks(*b, *c, policy);
    comparison.weight = input_weight(*c);
    if (b->display_name() != c->display_name()) {
      comparison.command = b->display_name() + " -> " + c->display_name();
    }
    comparisons.push_back(std::move(comparison));
  }
  const auto overall = verdict::combine_inputs(comparisons, policy);
  const std::vector<std::string> warnings = containment_warnings(pairs);
  for (const auto& warning : warnings) {
    fmt::print(stderr, "warning: {}\n", warning);
  }
  if (options.json) {
    auto doc = comparisons_json(comparisons, overall);
    if (!unmatched.empty()) {
      doc["unmatched"] = unmatched;
    }
    if (!warnings.empty()) {
      doc["warnings"] = warnings;
    }
    fmt::print("{}\n", util::json_text(doc, 2));
  } else {
    fmt::print("{}", comparisons_table(comparisons, overall, policy.name));
    for (const auto& u : unmatched) {
      fmt::print("note: {} has no counterpart and was not compared\n", u);
    }
  }
  export_ci_summary({fmt::format("zkbench compare {} {}", options.baseline, options.candidate), policy.name,
                     policy.primary_metric, comparisons, overall, exit_code_for(overall)},
                    options.export_markdown);
  return exit_code_for(overall);
}

} // namespace

CommandMain setup_compare(CLI::App& sub) {
  auto options = std::make_shared<CompareOptions>();
  sub.add_option("baseline", options->baseline, "Baseline results (zkbench or hyperfine JSON)")->required();
  sub.add_option("candidate", options->candidate, "Candidate results (zkbench or hyperfine JSON)")->required();
  sub.add_option("--policy", options->policy, "Decision policy: generic, optimized, zkvm, or a YAML file")
      ->capture_default_str();
  sub.add_flag("--json", options->json, "Print the comparison as JSON");
  sub.add_option("--export-markdown", options->export_markdown,
                 "Write a pull-request summary (Markdown) to FILE ('-': standard output); also appended to "
                 "$GITHUB_STEP_SUMMARY when set");
  sub.footer("Exit status 4 when the overall verdict is a regression (for CI gates).");
  return [options] { return run_compare(*options); };
}

} // namespace zkbench::cli
