#include "measure/contention.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>
#include <unistd.h>

#include "util/strings.hpp"

namespace zkbench::measure {

namespace {

// The longest single sleep while waiting: how soon a stop request (Ctrl-C, SIGTERM) is seen.
constexpr double k_stop_slice_s = 0.05;
// Foreign processes below this share of a core are not named.
constexpr double k_named_cores = 0.05;
constexpr std::size_t k_named_groups = 3;

std::string cores_text(double cores) {
  return fmt::format("{:.1f} core{}", cores, std::fabs(cores - 1.0) < 0.05 ? "" : "s");
}

// The processes descending from `root` (itself included), from the parent links of `processes`.
std::set<int> tree_of(int root, const std::vector<ProcSample>& processes) {
  std::map<int, std::vector<int>> children;
  for (const ProcSample& p : processes) {
    children[p.ppid].push_back(p.pid);
  }
  std::set<int> tree{root};
  std::vector<int> todo{root};
  while (!todo.empty()) {
    const int pid = todo.back();
    todo.pop_back();
    for (const int child : children[pid]) {
      if (tree.insert(child).second) {
        todo.push_back(child);
      }
    }
  }
  return tree;
}

} // namespace

const char* to_string(OnContentionTimeout value) {
  return value == OnContentionTimeout::fail ? "fail" : "measure";
}

std::optional<OnContentionTimeout> on_contention_timeout_from_string(const std::string& text) {
  if (text == "measure") {
    return OnContentionTimeout::measure;
  }
  if (text == "fail") {
    return OnContentionTimeout::fail;
  }
  return std::nullopt;
}

bool contention_gate_off_by_env() {
  const char* value = std::getenv("ZKBENCH_CONTENTION_GATE");
  return value != nullptr && std::string(value) == "off";
}

ProcLoadSource::ProcLoadSource(std::function<std::vector<GpuProcess>()> gpu_processes)
    : m_gpu_processes(std::move(gpu_processes)) {}

int ProcLoadSource::self_pid() {
  return static_cast<int>(::getpid());
}

std::vector<GpuProcess> ProcLoadSource::gpu_processes() {
  return m_gpu_processes ? m_gpu_processes() : std::vector<GpuProcess>{};
}

std::string LoadWindow::describe() const {
  std::vector<std::string> parts;
  for (const GpuProcess& p : gpu) {
    parts.push_back(fmt::format("GPU compute process {} (pid {})", p.name.empty() ? "?" : p.name, p.pid));
  }
  double named = 0;
  for (const ForeignGroup& group : top) {
    named += group.cores;
    parts.push_back(fmt::format("{} ({} process{}, {})", group.name, group.processes,
                                group.processes == 1 ? "" : "es", cores_text(group.cores)));
  }
  if (cpu_loaded && named < foreign_cores() * 0.5) {
    parts.push_back(fmt::format("{} of foreign load (short-lived processes)", cores_text(foreign_cores())));
  }
  return util::join(parts, ", ");
}

ContentionGate::ContentionGate(LoadSource& source, util::WaitClock& clock, ContentionPolicy policy)
    : m_source(source), m_clock(clock), m_policy(std::move(policy)) {
  if (m_policy.enabled) {
    m_last = read(true);
    m_first_open = true;
  }
}

ContentionGate::Reading ContentionGate::read(bool scan) {
  Reading reading;
  // The scan first: its own CPU time falls before the busy/own readings it would otherwise inflate.
  if (scan) {
    reading.processes = m_source.processes();
  }
  reading.busy = m_source.busy_ticks();
  reading.own_s = m_source.own_cpu_s();
  reading.at_s = m_clock.now_s();
  return reading;
}

LoadWindow ContentionGate::measure(const Reading& from, const Reading& to, const std::vector<GpuProcess>& gpu,
                                   const Reading* scanned_from) const {
  if (scanned_from == nullptr) {
    scanned_from = &from;
  }
  LoadWindow window;
  window.seconds = std::max(0.0, to.at_s - from.at_s);
  const int self = m_source.self_pid();
  const long tps = std::max(1L, m_source.ticks_per_second());
  const double tick_s = 1.0 / static_cast<double>(tps);
  if (from.busy && to.busy && *to.busy >= *from.busy) {
    window.foreign_cpu_s = static_cast<double>(*to.busy - *from.busy) * tick_s - (to.own_s - from.own_s);
  }
  std::set<int> ours;
  if (scanned_from->processes && to.processes) {
    ours = tree_of(self, *to.processes);
    std::map<int, std::uint64_t> before;
    for (const ProcSample& p : *scanned_from->processes) {
      before[p.pid] = p.cpu_ticks;
    }
    // The scan may start before the window (a run's window starts with a cheap reading): a process's
    // time since the scan is counted for the window's share of it, as if it ran at an even pace.
    const double scanned_s = std::max(0.0, to.at_s - scanned_from->at_s);
    const double share = scanned_s > window.seconds && scanned_s > 0 ? window.seconds / scanned_s : 1.0;
    std::map<std::string, ForeignGroup> groups;
    for (const ProcSample& p : *to.processes) {
      const auto it = before.find(p.pid);
      // A process missing from the first reading started within the window: all its time is in it.
      const std::uint64_t used = it == before.end() ? p.cpu_ticks : p.cpu_ticks >= it->second ? p.cpu_ticks - it->second : 0;
      if (used == 0) {
        continue;
      }
      const double used_s = static_cast<double>(used) * tick_s * (it == before.end() ? 1.0 : share);
      const bool ignored = std::find(m_policy.ignore.begin(), m_policy.ignore.end(), p.name) != m_policy.ignore.end();
      if (ours.count(p.pid) > 0) {
        if (p.pid != self) { // zkbench's own time is in own_s already; live descendants' is not
          window.foreign_cpu_s -= used_s;
        }
        continue;
      }
      if (ignored) {
        window.foreign_cpu_s -= used_s;
        continue;
      }
      ForeignGroup& group = groups[p.name];
      group.name = p.name;
      group.processes += 1;
      group.cores += window.seconds > 0 ? used_s / window.seconds : 0;
    }
    for (auto& [name, group] : groups) {
      if (group.cores >= k_named_cores) {
        window.top.push_back(group);
      }
    }
    std::sort(window.top.begin(), window.top.end(),
              [](const ForeignGroup& a, const ForeignGroup& b) { return a.cores > b.cores; });
    if (window.top.size() > k_named_groups) {
      window.top.resize(k_named_groups);
    }
  }
  window.foreign_cpu_s = std::max(0.0, window.foreign_cpu_s);
  window.cpu_loaded =
      window.foreign_cpu_s > m_policy.max_foreign_cores * window.seconds + k_resolution_ticks * tick_s;
  for (const GpuProcess& p : gpu) {
    const bool ignored = std::find(m_policy.ignore.begin(), m_policy.ignore.end(), p.name) != m_policy.ignore.end();
    if (ours.count(p.pid) == 0 && p.pid != self && !ignored) {
      window.gpu.push_back(p);
    }
  }
  return window;
}

std::string ContentionGate::needs() const {
  return fmt::format("needs < {:g} cores for {:g} s", m_policy.max_foreign_cores, m_policy.settle_s);
}

bool ContentionGate::sleep(double seconds, const std::function<bool()>& stop) {
  for (const double until = m_clock.now_s() + seconds; m_clock.now_s() < until;) {
    if (stop && stop()) {
      return true;
    }
    m_clock.sleep_for(std::min(k_stop_slice_s, std::max(until - m_clock.now_s(), 0.001)));
  }
  return stop && stop();
}

GateOutcome ContentionGate::wait_until_quiet(const std::function<bool()>& stop,
                                             const std::function<void(const std::string&)>& on_wait) {
  GateOutcome outcome;
  m_round_waited_s = 0;
  if (!m_policy.enabled) {
    return outcome;
  }
  const double begin = m_clock.now_s();
  if (m_first_open) {
    if (begin - m_last.at_s < k_min_window_s) {
      // The first window is too short to judge: the round starts at once and its runs are held until
      // it is judged (the header). A load that already shows in it (beyond the jiffy tolerance) is
      // waited out first, as later windows are: no round is measured beside a load seen before it.
      const Reading now = read(false);
      if (!measure(m_last, now, m_source.gpu_processes()).loaded()) {
        return outcome;
      }
    }
    judge_first_window(read(true));
    if (m_known_quiet) {
      return outcome;
    }
  }
  // Known quiet (the last window judged was, and nothing was seen since) and too little time since to
  // judge a new window: the round starts at once. The window stays open across such rounds, so short
  // runs are judged together once it is k_min_window_s long, and the gate costs no sleep and no scan.
  if (m_known_quiet && begin - m_last.at_s < k_min_window_s) {
    return outcome;
  }
  std::string said;
  double said_at = -std::numeric_limits<double>::infinity();
  for (;;) {
    if (stop && stop()) {
      outcome.stopped = true;
      break;
    }
    // A window too short to judge is lengthened (once per session on a quiet machine).
    if (const double short_by = k_min_window_s - (m_clock.now_s() - m_last.at_s); short_by > 1e-6) {
      if (sleep(short_by, stop)) {
        outcome.stopped = true;
        break;
      }
    }
    const Reading now = read(true);
    const LoadWindow window = measure(m_last, now, m_source.gpu_processes());
    m_last = now;
    if (window.loaded()) {
      m_last_loaded_s = now.at_s;
    }
    m_known_quiet = false;
    const double quiet_for = m_last_loaded_s ? now.at_s - *m_last_loaded_s : std::numeric_limits<double>::infinity();
    outcome.waited_s = now.at_s - begin;
    if (!window.loaded() && quiet_for >= m_policy.settle_s) {
      m_known_quiet = true;
      break;
    }
    const std::string what = window.loaded() ? window.describe() : fmt::format("quiet for {:.0f} s", quiet_for);
    if (outcome.waited_s >= m_policy.max_wait_s) {
      outcome.gave_up = true;
      outcome.note = m_policy.max_wait_s > 0
                         ? fmt::format("gave up waiting for a quiet machine after {:.0f} s: {}", outcome.waited_s, what)
                         : fmt::format("no wait left (max_wait used up): {}", what);
      break;
    }
    const std::string line = fmt::format("waiting: {} — {}", what, needs());
    m_state = GateState{true, line};
    // Said when what it waits for changes (by name), else every say_every_s.
    const std::string key = window.loaded() ? what.substr(0, what.find(' ')) : "quiet";
    if (key != said || now.at_s - said_at >= m_policy.say_every_s) {
      say(line);
      if (on_wait) {
        on_wait(line);
      }
      said = key;
      said_at = now.at_s;
    }
    const double pause = std::min(m_policy.poll_s, std::max(m_policy.max_wait_s - outcome.waited_s, 0.001));
    if (sleep(pause, stop)) {
      outcome.stopped = true;
      break;
    }
  }
  if (outcome.stopped) {
    outcome.note = "stopped while waiting for a quiet machine";
  }
  m_round_waited_s = outcome.waited_s;
  // max_wait_s is a budget for the whole command, not for each round: once spent, a busy machine is
  // measured at once (its runs marked), so a command on a shared machine ends in bounded time.
  m_policy.max_wait_s = std::max(0.0, m_policy.max_wait_s - outcome.waited_s);
  m_state = GateState{};
  return outcome;
}

void ContentionGate::judge_first_window(const Reading& now) {
  const LoadWindow window = measure(m_last, now, m_source.gpu_processes());
  m_last = now;
  m_first_open = false;
  if (window.loaded()) {
    m_last_loaded_s = now.at_s;
  }
  // Quiet and nothing seen by the runs inside it (or settled since): the next round starts at once.
  m_known_quiet = !window.loaded() && (!m_last_loaded_s || now.at_s - *m_last_loaded_s >= m_policy.settle_s);
  m_first_verdict = window;
}

double ContentionGate::last_window_s() const {
  const double tick_s = 1.0 / static_cast<double>(std::max(1L, m_source.ticks_per_second()));
  return std::min(k_min_window_s, k_resolution_ticks * tick_s / std::max(m_policy.max_foreign_cores, 0.01));
}

void ContentionGate::close_first_window(const std::function<bool()>& stop) {
  if (!m_first_open) {
    return;
  }
  if (const double short_by = last_window_s() - (m_clock.now_s() - m_last.at_s); short_by > 1e-6) {
    if (sleep(short_by, stop)) {
      return;
    }
  }
  judge_first_window(read(true));
}

void ContentionGate::run_started() {
  if (!m_policy.enabled) {
    return;
  }
  // The last run's end reading starts this run's window when it is less than one clock tick old (back
  // to back short runs): /proc/stat counts in ticks, so a new reading could differ from it by no more
  // than a reading's own error, and zkbench's CPU time in between is its own (own_s, subtracted). One
  // /proc/stat read per run instead of two.
  const double tick_s = 1.0 / static_cast<double>(std::max(1L, m_source.ticks_per_second()));
  if (m_last_run_end && m_clock.now_s() - m_last_run_end->at_s < tick_s) {
    m_run_start = std::move(m_last_run_end);
  } else {
    m_run_start = read(false); // cheap: /proc/stat, getrusage and the clock
  }
  m_last_run_end.reset();
}

std::optional<core::RunContention> ContentionGate::run_finished() {
  if (!m_policy.enabled || !m_run_start || !m_run_start->busy) {
    return std::nullopt;
  }
  // Cheap first (no scan); the scan only when the figures say someone else was busy, to subtract what
  // is ours or ignored and to name the rest (each process's time since the gate's last scan, for the
  // run's share of it). The gate's window (m_last) stays open: the next round judges it.
  Reading end = read(false);
  const std::vector<GpuProcess> gpu = m_source.gpu_processes();
  LoadWindow window = measure(*m_run_start, end, gpu);
  if (window.cpu_loaded) {
    end.processes = m_source.processes();
    window = measure(*m_run_start, end, gpu, &m_last);
  }
  m_run_start.reset();
  if (window.loaded()) {
    m_last_loaded_s = end.at_s;
    m_known_quiet = false;
  }
  if (m_first_open && end.at_s - m_last.at_s >= k_long_run_s) {
    // A long first run: its window is judged now, before the one after a long run replaces it.
    if (!end.processes) {
      end.processes = m_source.processes();
    }
    judge_first_window(end);
  }
  if (window.seconds >= k_long_run_s) {
    // After a long run the next round judges a window of its own (the present, not an average over the
    // run that could hide a load that began near its end): one short wait, under 1% of such a run.
    if (!end.processes) {
      end.processes = m_source.processes();
    }
    m_last = end;
    m_known_quiet = false;
  }
  m_last_run_end = Reading{end.at_s, end.busy, end.own_s, std::nullopt};
  core::RunContention contention;
  contention.foreign_cores = window.foreign_cores();
  contention.limit_cores = m_policy.max_foreign_cores;
  contention.contended = window.loaded();
  contention.top = window.describe();
  contention.gpu_processes = static_cast<int>(window.gpu.size());
  contention.waited_s = m_round_waited_s;
  return contention;
}

LoadWindow ContentionGate::current_load() {
  if (const double short_by = k_min_window_s - (m_clock.now_s() - m_last.at_s); short_by > 1e-6) {
    m_clock.sleep_for(short_by);
  }
  const Reading now = read(true);
  LoadWindow window = measure(m_last, now, m_source.gpu_processes());
  m_last = now;
  return window;
}

} // namespace zkbench::measure
