#include "workflow/next_step.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "workflow/experiment.hpp"

namespace zkbench::workflow {

NextAdvice advise_next(const TrackerData& data) {
  NextAdvice advice;
  std::vector<const store::ExperimentRecord*> finished;
  std::vector<const store::ExperimentRecord*> planned;
  std::vector<const store::ExperimentRecord*> promising;
  for (const store::ExperimentRecord& e : data.experiments) {
    const std::optional<core::ExperimentStatus> state = e.state();
    if (state == core::ExperimentStatus::done) {
      finished.push_back(&e);
      if (e.outcome() && core::is_improvement(*e.outcome())) {
        promising.push_back(&e);
      }
    } else if (state == core::ExperimentStatus::planned || state == core::ExperimentStatus::running) {
      planned.push_back(&e);
    }
  }
  std::sort(finished.begin(), finished.end(),
            [](const auto* a, const auto* b) { return a->finished_at_us.value_or(0) < b->finished_at_us.value_or(0); });
  bool diminishing = finished.size() >= 3;
  for (std::size_t i = finished.size() >= 3 ? finished.size() - 3 : 0; i < finished.size(); ++i) {
    const auto& change = finished[i]->change;
    if (change && *change <= -0.01) {
      diminishing = false;
    }
  }
  std::size_t open_ideas = 0;
  for (const store::NoteRecord& idea : data.ideas) {
    open_ideas += idea.done ? 0 : 1;
  }
  const bool empty_backlog = planned.empty() && open_ideas == 0;
  advice.reasons.push_back(finished.size() < 3 ? fmt::format("{} experiment(s) finished: fewer than 3", finished.size())
                           : diminishing       ? "the last 3 experiments each improved by less than 1%"
                                               : "one of the last 3 experiments improved by 1% or more");
  advice.reasons.push_back(empty_backlog ? "the backlog is empty"
                                         : fmt::format("the backlog holds {} planned experiment(s) and {} open idea(s)",
                                                       planned.size(), open_ideas));
  advice.stop = diminishing && empty_backlog;

  std::stable_sort(planned.begin(), planned.end(),
                   [](const auto* a, const auto* b) { return a->expected.value_or(0) > b->expected.value_or(0); });
  for (const auto* e : planned) {
    advice.suggestions.push_back(fmt::format("zkbench exp run {}   # {} (expected {})", e->experiment_number(), e->name,
                                             e->expected ? fmt::format("{:.1f}%", *e->expected * 100) : "?"));
  }
  for (std::size_t i = 0; i < promising.size(); ++i) {
    for (std::size_t j = i + 1; j < promising.size(); ++j) {
      const int a = promising[i]->number;
      const int b = promising[j]->number;
      const bool tested = std::any_of(data.conflicts.begin(), data.conflicts.end(), [&](const store::ConflictRecord& c) {
        return std::find(c.experiments.begin(), c.experiments.end(), a) != c.experiments.end() &&
               std::find(c.experiments.begin(), c.experiments.end(), b) != c.experiments.end();
      });
      if (!tested) {
        advice.suggestions.push_back(fmt::format("zkbench compound {} {}   # {} + {}", core::ExperimentNumber(a),
                                                 core::ExperimentNumber(b), promising[i]->name, promising[j]->name));
      }
    }
  }
  for (const store::NoteRecord& idea : data.ideas) {
    if (!idea.done) {
      advice.suggestions.push_back(fmt::format("zkbench exp new \"{}\" --hypothesis \"...\"   # from the backlog", idea.text));
    }
  }
  if (advice.stop || advice.suggestions.empty()) {
    advice.suggestions.push_back("zkbench final   # write benchmarks/FINAL_REPORT.md");
  }
  return advice;
}

} // namespace zkbench::workflow
