#include "store/copy.hpp"

#include <limits>

namespace zkbench::store {

Result<CopySummary> copy_store(Store& from, Store& to) {
  ZKBENCH_TRY_ASSIGN(sessions, from.list_sessions(std::numeric_limits<std::size_t>::max()));
  CopySummary summary;
  // list_sessions is newest first; appending oldest first keeps the order (start time, then id).
  for (auto session = sessions->rbegin(); session != sessions->rend(); ++session) {
    ZKBENCH_TRY_ASSIGN(benchmarks, from.load_benchmarks(session->id));
    ZKBENCH_TRY_ASSIGN(session_id, to.import_session(*session));
    for (const core::Benchmark& benchmark : *benchmarks) {
      ZKBENCH_TRY_ASSIGN(benchmark_id, to.add_benchmark(*session_id, benchmark));
      for (const core::Run& run : benchmark.runs) {
        ZKBENCH_TRY(to.add_run(*benchmark_id, run));
        ++summary.runs;
      }
      ++summary.benchmarks;
    }
    ++summary.sessions;
  }
  return summary;
}

} // namespace zkbench::store
