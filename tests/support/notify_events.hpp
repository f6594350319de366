#pragma once
// Test helper: the seed 002 §7.3 example as a notify::Event (experiment 001, 245 s vs 262 s, KEEP).

#include "notify/event.hpp"

namespace zkbench::test {

inline notify::Event seed_experiment_event() {
  notify::Event event;
  event.kind = notify::EventKind::experiment_complete;
  event.project = "Benchmark";
  event.experiment_id = "001";
  event.name = "MPT Hash Caching";
  event.result = 245.0;
  event.baseline = 262.0;
  event.delta_pct = -6.5;
  event.verdict = "improvement";
  event.status = "KEEP";
  event.done = 3;
  event.total = 12;
  event.dashboard_url = "http://ethrex-office-2:8080/";
  return event;
}

} // namespace zkbench::test
