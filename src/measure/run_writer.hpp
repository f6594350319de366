#pragma once
// The run loop's writes of finished runs, off its critical path: a thread of its own hands each run to
// the store (RunSink::add_run: its own transaction, committed) as soon as the loop hands it over, while
// the loop measures the next one. The store's transaction was about a quarter of zkbench's own CPU time
// per run of a short command (BEGIN IMMEDIATE, the inserts, COMMIT, and now and then a WAL checkpoint
// with its fsyncs), all of it between one run's end and the next one's start (issue 23).
//
// What a killed zkbench keeps: every run but the last one handed over, whose commit may still be under
// way. A hand-over waits until the run before it is written (at once, unless a commit took longer than
// the whole run after it: a WAL checkpoint's fsyncs on a slow disk), so the loop is never more than one
// run ahead of the store. It also waits where it needs the runs stored: before it updates stored runs
// (the contention gate's first window judged) and at its end, before the session is finished.
//
// Errors: a run the store refused (a duplicate index, a full disk) stops the writer; the loop hears of it
// at its next hand-over or wait, one run later than when it wrote the run itself.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "core/run.hpp"
#include "store/run_sink.hpp"
#include "util/error.hpp"

namespace zkbench::measure {

class RunWriter {
public:
  /// Writes into `sink`, which must outlive the writer and take calls from its thread (every store does:
  /// their calls are serialized). The thread starts with the first run handed over.
  explicit RunWriter(store::RunSink& sink) : m_sink(sink) {}
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;
  /// Writes what was handed over (errors are dropped: call drain() to hear of them), then stops.
  ~RunWriter();

  /// Hands `run` of benchmark `benchmark_id` over for writing, once the run before it is written, and
  /// returns without waiting for its own write; the result is its ticket (0, 1, 2, ... in the order of
  /// hand-over), for run_id. Error: an earlier run that the store refused (this one is not written
  /// then, nor any after it).
  Result<std::size_t> add_run(std::int64_t benchmark_id, core::Run run);
  /// Waits until every run handed over is written. Error: the first run that the store refused.
  Result<void> drain();
  /// The store's id of the run with `ticket`, once drain() succeeded after its hand-over.
  std::int64_t run_id(std::size_t ticket) const { return m_ids.at(ticket); }

private:
  struct Pending {
    std::int64_t benchmark_id = 0;
    core::Run run;
  };
  void work();

  store::RunSink& m_sink;
  std::mutex m_mutex;
  std::condition_variable m_handed_over; // to the writer: a run to write, or stop
  std::condition_variable m_written;     // to the loop: every run handed over is written (or refused)
  std::optional<Pending> m_next;         // handed over, not yet taken by the writer
  bool m_writing = false;                // the writer holds a run taken from m_next
  bool m_stop = false;
  std::optional<Error> m_error;          // the first refusal; nothing is written after it
  std::vector<std::int64_t> m_ids;       // by ticket: the writer appends, in order
  std::size_t m_tickets = 0;
  std::thread m_thread;
};

} // namespace zkbench::measure
