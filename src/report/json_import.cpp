// Reader of hyperfine/zkbench --export-json files. Hyperfine records per-run wall times and exit codes
// only; its user/system figures are means, so every imported run gets those means (the benchmark's
// figures read back exactly, the per-run split is unknown). zkbench's additions ("timed_out", "metrics",
// "memory_usage_byte", and "command_line" when "command" holds a -n name) fill the rest when present.
#include "report/json_import.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/files.hpp"

namespace zkbench::report {

namespace {

using nlohmann::json;

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
  const auto mean_of = [&r](const char* key) {
    const auto it = r.find(key);
    return it != r.end() && it->is_number() ? it->get<double>() : 0.0;
  };
  const double user_s = mean_of("user");
  const double system_s = mean_of("system");
  const auto times = r.find("times");
  if (times == r.end() || !times->is_array()) {
    return make_error(fmt::format("{}: results[{}].times: missing or not an array", source, index));
  }
  const std::size_t n = times->size();
  ZKBENCH_TRY_ASSIGN(exit_codes, per_run_array(r, "exit_codes", n, source, index));
  ZKBENCH_TRY_ASSIGN(timed_out, per_run_array(r, "timed_out", n, source, index));
  ZKBENCH_TRY_ASSIGN(memory, per_run_array(r, "memory_usage_byte", n, source, index));
  ZKBENCH_TRY_ASSIGN(containment, per_run_array(r, "containment", n, source, index)); // zkbench only
  for (std::size_t i = 0; i < n; ++i) {
    core::Run run;
    run.index = static_cast<int>(i);
    const auto& t = (*times)[i];
    if (!t.is_number()) {
      return make_error(fmt::format("{}: results[{}].times[{}]: expected a number", source, index, i));
    }
    run.wall_s = t.get<double>();
    run.user_s = user_s;
    run.system_s = system_s;
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
    if (*memory && (**memory)[i].is_number()) {
      run.peak_rss_bytes = (**memory)[i].get<std::int64_t>();
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
    b.runs.push_back(std::move(run));
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
        if (v.is_number()) {
          b.runs[i].metrics[name] = v.get<double>();
        } else if (v.is_null()) {
          b.runs[i].metrics[name] = std::nullopt;
        } else {
          return make_error(fmt::format("{}: results[{}].metrics.{}[{}]: expected a number or null", source, index,
                                        name, i));
        }
      }
    }
  }
  return b;
}

} // namespace

Result<std::vector<core::Benchmark>> parse_results_json(std::string_view text, std::string_view source) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return make_error(fmt::format("{}: invalid JSON at byte {}: {}", source, e.byte, e.what()));
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
  ZKBENCH_TRY_ASSIGN(text, read_text_file(path));
  return parse_results_json(*text, path.string());
}

} // namespace zkbench::report
