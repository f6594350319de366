#pragma once
// The workflow's notifications (seed 002 §7.2): what `baseline`, `exp run` and `compound` tell the
// webhooks of the secrets file (notify/secrets.hpp). The events are built by the pure functions below;
// WorkflowNotifications queues them on a notify::Dispatcher, whose worker thread delivers them while the
// command goes on measuring. A missing secrets file means no notifications; a refused one (loose mode,
// bad line) is one warning for the command to print. Nothing here can fail, stop or slow a command beyond the bounded
// flush at exit (k_notify_flush).

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "notify/dispatcher.hpp"
#include "notify/event.hpp"
#include "workflow/bisect.hpp"
#include "store/workflow_records.hpp"
#include "verdict/decide.hpp"
#include "workflow/baseline.hpp"
#include "workflow/experiment.hpp"

namespace zkbench::workflow {

/// The longest a workflow command waits at exit for its notifications to go out; then the request in
/// flight is cancelled and what is still queued is dropped.
inline constexpr std::chrono::milliseconds k_notify_flush{5000};

/// What every event of a project carries: the "[label]" of the title and the dashboard link.
struct NotifyContext {
  std::string project;       // the project folder's name
  std::string dashboard_url; // zkbench.yaml's dashboard_url, else http://<host>:8080/ (zkbench serve's port)
};

/// The context of `ws`'s project.
NotifyContext notify_context(const project::Workspace& ws);

/// Progress of the plan: experiments with a verdict (run or closed) of all experiments in the store.
struct Progress {
  int done = 0;
  int total = 0;
};
Progress progress_of(const std::vector<store::ExperimentRecord>& experiments);

/// "Baseline Complete": the sum of the inputs' medians as the baseline figure, one detail line per
/// input (median, CV, runs) and the commit.
notify::Event baseline_event(const NotifyContext& context, const workflow::BaselineOutcome& outcome);

/// "Experiment NNN Complete" (§7.3): name, result against the baseline (the primary metric's means
/// summed over the inputs; seconds for "time", else the metric's name as unit), Δ (the verdict's
/// weighted change), the verdict as status, progress and the dashboard link. REJECT/KILL/FAILED carry
/// their reason as detail.
notify::Event experiment_event(const NotifyContext& context, const store::ExperimentRecord& experiment,
                               const std::vector<verdict::CommandComparison>& comparisons,
                               const std::string& primary_metric, const Progress& progress);

/// True when `experiment` is a finding: a KEEP or MAYBE that improves the primary metric by more than
/// notify::k_finding_threshold_pct.
bool is_finding(const store::ExperimentRecord& experiment);

/// The events after an experiment's run, in sending order: experiment_complete; finding when
/// is_finding; error when a command broke (`failure` non-empty: build, crash, hang); all_complete when
/// every experiment of the store has a verdict (its detail names the best KEEP).
std::vector<notify::Event> experiment_events(const NotifyContext& context, const workflow::ExperimentOutcome& outcome,
                                             const std::vector<store::ExperimentRecord>& all,
                                             const std::string& primary_metric);

/// all_complete when every experiment of `all` has a verdict (run or closed), its detail naming the
/// best KEEP; nothing otherwise (or when there are none).
std::optional<notify::Event> all_complete_event(const NotifyContext& context,
                                                const std::vector<store::ExperimentRecord>& all);

/// An error that stopped `what` ("the baseline", "experiment 001"); `experiment` > 0 names it in the title.
/// The end of a bisection: its id, the answer (name), the ends' change as delta_pct when measured, verdict
/// "regression" / "improvement" / "no_change", status CULPRIT / RANGE / NO DIFFERENCE, the cost in the detail.
notify::Event bisect_event(const NotifyContext& context, const workflow::BisectOutcome& outcome);

notify::Event error_event(const NotifyContext& context, const std::string& what, const std::string& message,
                          core::ExperimentNumber experiment = {});

/// Queues a command's events for background delivery; flushes for at most k_notify_flush when destroyed.
class WorkflowNotifications {
public:
  /// Loads the notifiers of the secrets file. Never throws: a refused file, a failed delivery and
  /// events dropped at exit are each one line to `warn` (the command prints it as a warning).
  WorkflowNotifications(const project::Workspace& ws, std::function<void(const std::string&)> warn);
  ~WorkflowNotifications();
  WorkflowNotifications(const WorkflowNotifications&) = delete;
  WorkflowNotifications& operator=(const WorkflowNotifications&) = delete;

  const NotifyContext& context() const { return m_context; }
  /// Queues `event` (a no-op without webhooks); never waits for delivery.
  void send(notify::Event event);
  void send(const std::vector<notify::Event>& events);

private:
  NotifyContext m_context;
  std::function<void(const std::string&)> m_warn;
  std::unique_ptr<notify::Dispatcher> m_dispatcher;
};

} // namespace zkbench::workflow
