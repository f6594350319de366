#pragma once
// Renders an Event as people read it (Slack text, seed 002 §7.3) and as a machine reads it (JSON).
// Pure: no I/O.

#include <string>

#include <nlohmann/json.hpp>

#include "notify/event.hpp"

namespace zkbench::notify {

/// The §7.3 layout, for example:
///   🔬 [zkbench] Experiment 001 Complete
///   ━━━━━━━━━━━━━━━━━━━━━━━
///   Name: MPT Hash Caching
///   Result: 245s (baseline: 262s)
///   Improvement: -6.5% ✅
///   Status: KEEP
///   ━━━━━━━━━━━━━━━━━━━━━━━
///   Progress: 3/12 experiments
///   Dashboard: http://ethrex-office-2:8080/
/// Lines whose fields are empty are left out. Never contains a webhook URL (events carry none).
std::string format_text(const Event& event);

/// The title line alone ("🔬 [zkbench] Experiment 001 Complete").
std::string format_title(const Event& event);

/// The generic webhook body: {"event": "<kind>", "title": ..., "text": ..., and one key per non-empty
/// field: "project", "experiment_id", "name", "result", "baseline", "unit", "delta_pct", "verdict",
/// "status", "progress": {"done", "total"}, "dashboard_url", "detail"}.
nlohmann::json to_json(const Event& event);

/// A metric for people: 245 -> "245s", 12.25 -> "12.25s", 1234.5 (ms) -> "1234.5ms"; at most 4
/// significant digits after the point are kept, trailing zeros dropped.
std::string format_value(double value, const std::string& unit);

} // namespace zkbench::notify
