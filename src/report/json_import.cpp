// Reader of hyperfine/zkbench --export-json files. Hyperfine records per-run wall times and exit codes
// only; its user/system figures are means, so every imported run gets those means (the benchmark's
// figures read back exactly, the per-run split is unknown). zkbench's additions ("timed_out", "metrics",
// "memory_usage_byte", and "command_line" when "command" holds a -n name) fill the rest when present.
#include "report/json_import.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/files.hpp"

namespace zkbench::report {

namespace {

using nlohmann::json;

// The schema nests 5 deep (results, a result, metrics, a metric's array); parameters' values may be
// objects of their own. Deeper is not an export: refused while parsing, before it costs memory (a
// 100 MB file of nested arrays took 3.7 GB on its way to an error).
constexpr int k_max_depth = 32;
// A time past 10^9 s (31 years) is not a measurement: such values overflow the statistics (a mean of
// 1.7e308 and 1e308 is infinite) instead of deciding anything.
constexpr double k_max_time_s = 1e9;

struct TooDeep {};

/// A time from an export: finite, not negative and plausible, else an error naming where it is. Zero is
/// a time: hyperfine writes 0.0 when its shell-spawn correction exceeds a fast run (fixture
/// hyperfine/true_shell.json); a benchmark needs one time above zero (parse_result).
Result<double> checked_time(const json& value, std::string_view source, std::string_view where) {
  if (!value.is_number()) {
    return make_error(fmt::format("{}: {}: expected a number", source, where));
  }
  const double seconds = value.get<double>();
  if (!std::isfinite(seconds) || seconds < 0.0 || seconds > k_max_time_s) {
    return make_error(fmt::format("{}: {}: {} is not a time (expected seconds: finite, not negative, at most {:g})",
                                  source, where, value.dump(), k_max_time_s));
  }
  return seconds;
}

// The per-run array `key` of result `index`, checked to have one entry per run (or absent: nullptr).
Result<const json*> per_run_array(const json& result, const char* key, std::size_t runs, std::string_view source,
                                  std::size_t index) {
  const auto it = result.find(key);
  if (it == result.end() || it->is_null()) {
    return nullptr;
  }
  if (!it->is_array() || it->size() != runs) {
    return make_error(fmt::format("{}: results[{}].{}: expected an array of {} values (one per time)", source,
                                  index, key, runs));
  }
  return &*it;
}

Result<core::Benchmark> parse_result(const json& r, std::string_view source, std::size_t index) {
  if (!r.is_object()) {
    return make_error(fmt::format("{}: results[{}]: expected an object", source, index));
  }
  core::Benchmark b;
  const auto command = r.find("command");
  if (command == r.end() || !command->is_string()) {
    return make_error(fmt::format("{}: results[{}].command: missing or not a string", source, index));
  }
  b.command = command->get<std::string>();
  if (const auto line = r.find("command_line"); line != r.end() && line->is_string()) {
    b.name = b.command; // zkbench writes the -n name as "command", as hyperfine does
    b.command = line->get<std::string>();
  }
  const auto mean_of = [&](const char* key) -> Result<double> {
    const auto it = r.find(key);
    if (it == r.end() || !it->is_number()) {
      return 0.0;
    }
    const double seconds = it->get<double>();
    if (!std::isfinite(seconds) || seconds < 0.0 || seconds > k_max_time_s) {
      return make_error(fmt::format("{}: results[{}].{}: {} is not a time (expected seconds, finite, >= 0)", source,
                                    index, key, it->dump()));
    }
    return seconds;
  };
  ZKBENCH_TRY_ASSIGN(user_s, mean_of("user"));
  ZKBENCH_TRY_ASSIGN(system_s, mean_of("system"));
  const auto times = r.find("times");
  if (times == r.end() || !times->is_array()) {
    return make_error(fmt::format("{}: results[{}].times: missing or not an array", source, index));
  }
  const std::size_t n = times->size();
  if (n == 0) {
    return make_error(fmt::format("{}: results[{}].times: no time (at least one run is needed)", source, index));
  }
  ZKBENCH_TRY_ASSIGN(exit_codes, per_run_array(r, "exit_codes", n, source, index));
  ZKBENCH_TRY_ASSIGN(timed_out, per_run_array(r, "timed_out", n, source, index));
  ZKBENCH_TRY_ASSIGN(memory, per_run_array(r, "memory_usage_byte", n, source, index));
  ZKBENCH_TRY_ASSIGN(containment, per_run_array(r, "containment", n, source, index)); // zkbench only
  ZKBENCH_TRY_ASSIGN(cpu_wait, per_run_array(r, "cpu_wait", n, source, index));       // zkbench only
  for (std::size_t i = 0; i < n; ++i) {
    core::Run run;
    run.index = static_cast<int>(i);
    ZKBENCH_TRY_ASSIGN(wall, checked_time((*times)[i], source, fmt::format("results[{}].times[{}]", index, i)));
    run.wall_s = *wall;
    run.user_s = *user_s;
    run.system_s = *system_s;
    if (*exit_codes) {
      const auto& code = (**exit_codes)[i];
      if (code.is_number_integer()) {
        run.exit_code = code.get<int>();
        run.status = *run.exit_code == 0 ? core::RunStatus::success : core::RunStatus::failed;
      } else if (code.is_null()) {
        run.status = core::RunStatus::signaled; // hyperfine writes null when the process had no exit code
      } else {
        return make_error(fmt::format("{}: results[{}].exit_codes[{}]: expected an integer or null", source, index, i));
      }
    }
    if (*timed_out && (**timed_out)[i].is_boolean() && (**timed_out)[i].get<bool>()) {
      run.status = core::RunStatus::timed_out;
    }
    if (*memory && !(**memory)[i].is_null()) {
      const auto& bytes = (**memory)[i];
      if (!bytes.is_number_unsigned() && !(bytes.is_number_integer() && bytes.get<std::int64_t>() >= 0)) {
        return make_error(fmt::format("{}: results[{}].memory_usage_byte[{}]: expected a count of bytes, not {}",
                                      source, index, i, bytes.dump()));
      }
      run.peak_rss_bytes = bytes.get<std::int64_t>();
    }
    if (*containment) {
      const auto& way = (**containment)[i];
      const auto parsed = way.is_string() ? core::parse_containment(way.get<std::string>()) : std::nullopt;
      if (!parsed) {
        return make_error(fmt::format("{}: results[{}].containment[{}]: expected \"cgroup-v2\", \"cgroup-v1\", "
                                      "\"process-group\" or \"unknown\"", source, index, i));
      }
      run.containment = *parsed;
    }
    if (*cpu_wait && !(**cpu_wait)[i].is_null()) {
      const auto& wait = (**cpu_wait)[i];
      if (!wait.is_number() || !(wait.get<double>() >= 0)) {
        return make_error(fmt::format("{}: results[{}].cpu_wait[{}]: expected seconds (>= 0) or null, not {}", source,
                                      index, i, wait.dump()));
      }
      run.cpu_wait_s = wait.get<double>();
    }
    b.runs.push_back(std::move(run));
  }
  if (std::none_of(b.runs.begin(), b.runs.end(), [](const core::Run& run) { return run.wall_s > 0.0; })) {
    return make_error(fmt::format("{}: results[{}].times: every time is 0: nothing to compare", source, index));
  }
  if (const auto params = r.find("parameters"); params != r.end() && params->is_object()) {
    for (const auto& [key, value] : params->items()) {
      b.parameters[key] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  if (const auto metrics = r.find("metrics"); metrics != r.end() && metrics->is_object()) {
    for (const auto& [name, values] : metrics->items()) {
      if (!values.is_array() || values.size() != n) {
        return make_error(fmt::format("{}: results[{}].metrics.{}: expected an array of {} values", source, index,
                                      name, n));
      }
      for (std::size_t i = 0; i < n; ++i) {
        const auto& v = values[i];
        if (v.is_number() && std::isfinite(v.get<double>())) {
          b.runs[i].metrics[name] = v.get<double>();
        } else if (v.is_null()) {
          b.runs[i].metrics[name] = std::nullopt;
        } else {
          return make_error(fmt::format("{}: results[{}].metrics.{}[{}]: expected a finite number or null", source,
                                        index, name, i));
        }
      }
    }
  }
  return b;
}

} // namespace

Result<std::vector<core::Benchmark>> parse_results_json(std::string_view text, std::string_view source) {
  if (text.size() > k_max_results_bytes) {
    return make_error(fmt::format("{}: {} bytes is more than an export of results can be ({} MiB at most)", source,
                                  text.size(), k_max_results_bytes >> 20));
  }
  json doc;
  try {
    // The callback sees each value's depth as it is read: a deeply nested file stops at once.
    doc = json::parse(text, [](int depth, json::parse_event_t, json&) {
      if (depth > k_max_depth) {
        throw TooDeep{};
      }
      return true;
    });
  } catch (const TooDeep&) {
    return make_error(fmt::format("{}: nested more than {} levels deep: not a hyperfine/zkbench export", source,
                                  k_max_depth));
  } catch (const json::parse_error& e) {
    return make_error(fmt::format("{}: invalid JSON at byte {}: {}", source, e.byte, e.what()));
  } catch (const json::exception& e) { // a number out of range (1e999), ...
    return make_error(fmt::format("{}: invalid JSON: {}", source, e.what()));
  }
  const auto results = doc.is_object() ? doc.find("results") : doc.end();
  if (!doc.is_object() || results == doc.end() || !results->is_array()) {
    return make_error(fmt::format("{}: expected an object with a \"results\" array (hyperfine/zkbench JSON)", source));
  }
  std::vector<core::Benchmark> benchmarks;
  for (std::size_t i = 0; i < results->size(); ++i) {
    ZKBENCH_TRY_ASSIGN(b, parse_result((*results)[i], source, i));
    benchmarks.push_back(std::move(*b));
  }
  return benchmarks;
}

Result<std::vector<core::Benchmark>> read_results_json(const std::filesystem::path& path) {
  std::error_code ec;
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > k_max_results_bytes) {
    return make_error(fmt::format("{}: {} bytes is more than an export of results can be ({} MiB at most)",
                                  path.string(), size, k_max_results_bytes >> 20));
  }
  ZKBENCH_TRY_ASSIGN(text, util::read_text_file(path));
  return parse_results_json(*text, path.string());
}

} // namespace zkbench::report
