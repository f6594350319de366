#pragma once
// The contention gate (issue 18; seed 002's first rule: "never run parallel benchmarks"): measure only
// when the machine is ours. Before each round of the run loop it waits until the CPU load of processes
// outside zkbench's own tree has stayed below `max_foreign_cores` for `settle_s` and no foreign GPU
// compute process is present; around every run it measures that foreign load, so a run that another
// process disturbed is marked contended (the loop measures its round again; verdicts leave it out).
//
// Foreign CPU time over a window = the busy time of all CPUs (/proc/stat) − zkbench's own CPU time
// (getrusage of itself and its reaped children: the measured command, hooks, builds) − what its live
// descendants and the `ignore`d processes used (a /proc scan). Jiffies are coarse (10 ms), so a window is
// loaded only above limit × seconds + k_resolution_ticks ticks. Settling applies after load was seen.
// The first window (from the gate's making) is judged *with* the first rounds instead of before them:
// they start at once and their runs are held (first_window_open(): the loop stores them as contended,
// shows them to no stop rule and redoes none of them) until the window is k_min_window_s long and
// judged at the next round (or by close_first_window): quiet, they stand on their own figures; loaded,
// they are measured again after the machine settled. A load already visible in the time since the
// gate was made (above the jiffy tolerance) is waited out before any round, as later windows are.
// After that, a round on a machine known quiet starts at once, and the gate judges a new window (one
// /proc scan) only once k_min_window_s has passed since the last, so back-to-back short runs cost
// neither sleep nor scan.
// After a run of k_long_run_s or more, the next round judges a fresh short window (the present).
// Around a run it takes two cheap readings (/proc/stat, getrusage), one when runs follow each other
// within a clock tick (the last run's end starts the next one's window); the scan only when those show load.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/run.hpp"
#include "measure/proc_load.hpp"
#include "util/wait_clock.hpp"

namespace zkbench::measure {

/// What the gate does when `max_wait_s` passed and the machine is still busy.
enum class OnContentionTimeout {
  measure, // measure anyway: runs that see the load are marked contended
  fail,    // stop the loop (LoopStatus::contended), keeping the runs measured so far
};

/// "measure", "fail".
const char* to_string(OnContentionTimeout value);
/// nullopt for anything else.
std::optional<OnContentionTimeout> on_contention_timeout_from_string(const std::string& text);

struct ContentionPolicy {
  bool enabled = true;              // false: no waiting and no marking (--no-contention-gate)
  double max_foreign_cores = 0.2;   // the foreign load a run tolerates, in cores
  double settle_s = 5;              // how long the load must stay below the limit after it was seen
  double max_wait_s = 300;          // then on_timeout applies
  OnContentionTimeout on_timeout = OnContentionTimeout::measure;
  std::vector<std::string> ignore;  // process names (comm, as `ps -o comm` shows them) that are not foreign
  std::size_t max_redone_rounds = 5; // per loop call (one input): contended rounds measured again
  double poll_s = 1;                // how often to re-read while waiting
  double say_every_s = 5;           // how often a waiting line is repeated while nothing changes
};

/// True when $ZKBENCH_CONTENTION_GATE is "off": the gate is disabled whatever the configuration says
/// (a shared CI runner where waiting is pointless; zkbench's own test suite, whose neighbours compile).
bool contention_gate_off_by_env();

/// A process using the GPU for compute (NVML, nvidia-smi).
struct GpuProcess {
  int pid = 0;
  std::string name;
};

/// Where the gate reads the machine's load: ProcLoadSource (/proc, getrusage, the GPU), or a fake.
class LoadSource {
public:
  virtual ~LoadSource() = default;
  /// Busy ticks of all CPUs so far; nullopt when unreadable (the gate then measures nothing).
  virtual std::optional<std::uint64_t> busy_ticks() = 0;
  virtual long ticks_per_second() = 0;
  /// CPU seconds used so far by zkbench and its reaped children.
  virtual double own_cpu_s() = 0;
  /// Every process now.
  virtual std::vector<ProcSample> processes() = 0;
  /// zkbench's pid: it and its descendants are never foreign.
  virtual int self_pid() = 0;
  /// Compute processes on the GPU now (empty without a GPU).
  virtual std::vector<GpuProcess> gpu_processes() = 0;
};

/// The real source; `gpu_processes` may be empty (no GPU reader).
class ProcLoadSource final : public LoadSource {
public:
  explicit ProcLoadSource(std::function<std::vector<GpuProcess>()> gpu_processes = {});
  std::optional<std::uint64_t> busy_ticks() override { return m_cpu.read(); }
  long ticks_per_second() override { return measure::ticks_per_second(); }
  double own_cpu_s() override { return own_cpu_seconds(); }
  std::vector<ProcSample> processes() override { return read_all_proc_stats(); }
  int self_pid() override;
  std::vector<GpuProcess> gpu_processes() override;

private:
  CpuBusyReader m_cpu;
  std::function<std::vector<GpuProcess>()> m_gpu_processes;
};

/// Foreign processes of one name over a window.
struct ForeignGroup {
  std::string name;
  int processes = 0;
  double cores = 0;
};

/// The foreign load over a window between two readings.
struct LoadWindow {
  double seconds = 0;
  double foreign_cpu_s = 0;            // CPU seconds used by foreign processes
  std::vector<ForeignGroup> top;       // busiest first (only when processes were scanned)
  std::vector<GpuProcess> gpu;         // foreign GPU compute processes
  bool cpu_loaded = false;             // foreign_cpu_s above the limit (with the jiffy tolerance)
  double foreign_cores() const { return seconds > 0 ? foreign_cpu_s / seconds : 0; }
  bool loaded() const { return cpu_loaded || !gpu.empty(); }
  /// "cc1plus (2 processes, 1.9 cores), make (1 process, 0.1 cores)"; "1.3 cores (short-lived processes)".
  std::string describe() const;
};

/// How a wait ended.
struct GateOutcome {
  double waited_s = 0;
  bool gave_up = false;  // max_wait_s passed with the machine still busy
  bool stopped = false;  // the stop predicate said stop (Ctrl-C, SIGTERM)
  std::string note;      // gave_up: "gave up waiting after 10 s: sh (2 processes, 2.0 cores)"
};

/// The gate's state for status files and the live dashboard.
struct GateState {
  bool waiting = false;
  std::string message; // the last waiting line, or "" when it does not wait
};

/// Jiffy tolerance: a window is loaded only when its foreign CPU time exceeds limit × seconds by this
/// many ticks (two readings of /proc/stat, each up to one tick off).
inline constexpr double k_resolution_ticks = 3;
/// The shortest window the gate judges (the first one holds the runs measured in it until then).
inline constexpr double k_min_window_s = 0.25;
/// The contention text of a run held by the gate's first window until it is judged (stored so while held).
inline constexpr const char* k_unjudged_first_window = "not judged yet: measured in the gate's first window";
/// After a run this long, the next round judges a fresh window of k_min_window_s (under 1% of the run);
/// after shorter runs the window stays open across rounds and is judged once it is long enough.
inline constexpr double k_long_run_s = 100 * k_min_window_s;

class ContentionGate {
public:
  /// Takes the first reading now: the window to the first round starts here.
  ContentionGate(LoadSource& source, util::WaitClock& clock, ContentionPolicy policy);

  /// Before a round: blocks until the machine is quiet (see the header), max_wait_s passed, or `stop`
  /// says stop (seen within 50 ms). While the first window is open and shorter than k_min_window_s it
  /// returns at once (the round's runs are held) unless load already shows in it. Says "waiting: … — needs < 0.2 cores for 5 s" lines through the
  /// say callback. Returns at once when the policy is disabled.
  /// `on_wait` (may be empty) gets the same lines (the run loop passes them to its observer).
  GateOutcome wait_until_quiet(const std::function<bool()>& stop,
                               const std::function<void(const std::string&)>& on_wait = {});
  /// Right before a measured run: the reading its window starts from (no process scan): the last run's
  /// end reading when that is less than one clock tick old, else a new one.
  void run_started();
  /// True while the first window is open, not judged yet: a run measured now is held (see the header).
  bool first_window_open() const { return m_first_open; }
  /// Judges the first window now if it is open (the loop ended before it was judged), sleeping what it
  /// lacks of last_window_s() (at most once per gate; returns early when `stop` says stop, leaving it open).
  void close_first_window(const std::function<bool()>& stop);
  /// How long a window judged at the end of the loop must be: long enough that the jiffy tolerance is
  /// no more than the limit itself (a load above twice the limit shows), at most k_min_window_s. With the
  /// default 0.2 cores and 100 ticks a second: 0.15 s. A whole benchmark shorter than k_min_window_s
  /// (300 runs of `true`) used to sleep the rest of 0.25 s after its last run, for a judgement that a
  /// shorter window makes as well above twice the limit.
  double last_window_s() const;
  /// The first window's verdict once judged (by wait_until_quiet, run_finished after a long run, or
  /// close_first_window), handed over once: the runs it held stand (quiet) or go (loaded).
  std::optional<LoadWindow> take_first_window_verdict() { return std::exchange(m_first_verdict, std::nullopt); }
  /// Right after it: the foreign load during the run, marked contended when above the limit. nullopt
  /// when the policy is disabled or /proc/stat cannot be read.
  std::optional<core::RunContention> run_finished();

  /// Where the waiting lines and the loop's notes (a round measured again) go; empty: nowhere.
  void set_say(std::function<void(const std::string&)> say) { m_say = std::move(say); }
  void say(const std::string& line) const {
    if (m_say) {
      m_say(line);
    }
  }

  const ContentionPolicy& policy() const { return m_policy; }
  GateState state() const { return m_state; }
  /// The foreign load over the window since the last reading (doctor): waits k_min_window_s when needed.
  LoadWindow current_load();

private:
  struct Reading {
    double at_s = 0;
    std::optional<std::uint64_t> busy;
    double own_s = 0;
    std::optional<std::vector<ProcSample>> processes;
  };
  Reading read(bool scan);
  /// The load between `from` and `to`; per process (names, what is ours or ignored) from `scanned_from`
  /// (default `from`), the reading with a scan, to `to` when both have one.
  LoadWindow measure(const Reading& from, const Reading& to, const std::vector<GpuProcess>& gpu,
                     const Reading* scanned_from = nullptr) const;
  std::string needs() const;
  /// Judges the first window up to `now` (its end; the next window starts there).
  void judge_first_window(const Reading& now);
  /// Sleeps `seconds` in slices, returning early (true) when `stop` says stop.
  bool sleep(double seconds, const std::function<bool()>& stop);

  LoadSource& m_source;
  util::WaitClock& m_clock;
  ContentionPolicy m_policy;
  Reading m_last;                       // the end of the last window judged (always with a scan)
  bool m_known_quiet = false;           // that window was quiet, settled, and no run since saw load
  bool m_first_open = false;            // the first window is open: runs measured now are held
  std::optional<LoadWindow> m_first_verdict; // judged, not yet taken by the loop
  std::optional<Reading> m_run_start;
  std::optional<Reading> m_last_run_end; // the last run's end reading (no scan): the next run may start from it
  std::optional<double> m_last_loaded_s; // when load was last seen (settling counts from here)
  double m_round_waited_s = 0;          // the last wait, recorded with the runs of its round
  GateState m_state;
  std::function<void(const std::string&)> m_say;
};

/// A gate on this machine: /proc, getrusage and the steady clock, owned with the gate that reads them.
class MachineContentionGate {
public:
  explicit MachineContentionGate(ContentionPolicy policy, std::function<std::vector<GpuProcess>()> gpu_processes = {})
      : m_source(std::move(gpu_processes)), m_gate(m_source, m_clock, std::move(policy)) {}
  ContentionGate& gate() { return m_gate; }

private:
  ProcLoadSource m_source;
  util::SystemWaitClock m_clock;
  ContentionGate m_gate;
};

} // namespace zkbench::measure
