// Reads --export-json files of zkbench and hyperfine (1.15; 1.20's memory_usage_byte). hyperfine keeps
// only the mean user/system time of a benchmark, so each imported run gets those means: the benchmark's
// figures read back exactly, the per-run split is unknown.
#include "report/json_import.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace zkbench::report {

namespace {

using nlohmann::json;

class Reader {
public:
  explicit Reader(std::string_view source) : m_source(source) {}

  Result<std::vector<core::Benchmark>> read(const json& root) {
    if (!root.is_object() || !root.contains("results") || !root["results"].is_array()) {
      return fail("", "expected an object with a \"results\" array");
    }
    std::vector<core::Benchmark> out;
    const json& results = root["results"];
    for (std::size_t i = 0; i < results.size(); ++i) {
      auto bench = read_benchmark(results[i], fmt::format("results[{}]", i));
      if (!bench) {
        return tl::unexpected(bench.error());
      }
      out.push_back(std::move(*bench));
    }
    return out;
  }

private:
  tl::unexpected<Error> fail(const std::string& where, const std::string& what) const {
    return make_error(fmt::format("{}: {}{}{}", m_source, where, where.empty() ? "" : ": ", what));
  }

  // The array at `key` of `result`, checked to have one entry per run (when present).
  Result<const json*> per_run_array(const json& result, const char* key, std::size_t runs, const std::string& where) {
    if (!result.contains(key) || result[key].is_null()) {
      return nullptr;
    }
    const json& value = result[key];
    if (!value.is_array()) {
      return fail(where + "." + key, "expected an array");
    }
    if (value.size() != runs) {
      return fail(where + "." + key, fmt::format("has {} entries, but \"times\" has {}", value.size(), runs));
    }
    return &value;
  }

  Result<core::Benchmark> read_benchmark(const json& result, const std::string& where) {
    if (!result.is_object()) {
      return fail(where, "expected an object");
    }
    if (!result.contains("command") || !result["command"].is_string()) {
      return fail(where + ".command", "expected a string");
    }
    if (!result.contains("times") || !result["times"].is_array()) {
      return fail(where + ".times", "expected an array of numbers");
    }
    core::Benchmark bench;
    if (result.contains("command_line") && result["command_line"].is_string()) {
      bench.command = result["command_line"].get<std::string>();
      bench.name = result["command"].get<std::string>();
    } else {
      bench.command = result["command"].get<std::string>();
    }
    if (result.contains("parameters") && !result["parameters"].is_null()) {
      if (!result["parameters"].is_object()) {
        return fail(where + ".parameters", "expected an object");
      }
      for (const auto& [name, value] : result["parameters"].items()) {
        bench.parameters[name] = value.is_string() ? value.get<std::string>() : value.dump();
      }
    }
    const double user = result.value("user", 0.0);
    const double system = result.value("system", 0.0);

    const json& times = result["times"];
    const std::size_t runs = times.size();
    auto exit_codes = per_run_array(result, "exit_codes", runs, where);
    auto memory = per_run_array(result, "memory_usage_byte", runs, where);
    auto timed_out = per_run_array(result, "timed_out", runs, where);
    if (!exit_codes || !memory || !timed_out) {
      return tl::unexpected(!exit_codes ? exit_codes.error() : !memory ? memory.error() : timed_out.error());
    }
    for (std::size_t i = 0; i < runs; ++i) {
      if (!times[i].is_number()) {
        return fail(where + fmt::format(".times[{}]", i), "expected a number");
      }
      core::Run run;
      run.index = static_cast<int>(i);
      run.wall_s = times[i].get<double>();
      run.user_s = user;
      run.system_s = system;
      if (*exit_codes != nullptr) {
        const json& code = (**exit_codes)[i];
        if (code.is_number_integer()) {
          run.exit_code = code.get<int>();
          run.status = *run.exit_code == 0 ? core::RunStatus::success : core::RunStatus::failed;
        } else if (code.is_null()) {
          run.status = core::RunStatus::signaled;
        } else {
          return fail(where + fmt::format(".exit_codes[{}]", i), "expected an integer or null");
        }
      } else {
        run.exit_code = 0;
      }
      if (*memory != nullptr && (**memory)[i].is_number()) {
        run.peak_rss_bytes = (**memory)[i].get<std::int64_t>();
      }
      if (*timed_out != nullptr && (**timed_out)[i].is_boolean() && (**timed_out)[i].get<bool>()) {
        run.status = core::RunStatus::timed_out;
      }
      bench.runs.push_back(std::move(run));
    }
    if (auto metrics = read_metrics(result, where, bench); !metrics) {
      return tl::unexpected(metrics.error());
    }
    return bench;
  }

  Result<void> read_metrics(const json& result, const std::string& where, core::Benchmark& bench) {
    if (!result.contains("metrics") || result["metrics"].is_null()) {
      return {};
    }
    if (!result["metrics"].is_object()) {
      return fail(where + ".metrics", "expected an object");
    }
    for (const auto& [name, values] : result["metrics"].items()) {
      const std::string at = where + ".metrics." + name;
      if (!values.is_array() || values.size() != bench.runs.size()) {
        return fail(at, fmt::format("expected an array of {} numbers or nulls", bench.runs.size()));
      }
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i].is_number()) {
          bench.runs[i].metrics[name] = values[i].get<double>();
        } else if (values[i].is_null()) {
          bench.runs[i].metrics[name] = std::nullopt;
        } else {
          return fail(fmt::format("{}[{}]", at, i), "expected a number or null");
        }
      }
    }
    return {};
  }

  std::string m_source;
};

} // namespace

Result<std::vector<core::Benchmark>> parse_results_json(std::string_view text, std::string_view source) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    return make_error(fmt::format("{}: invalid JSON: {}", source, e.what()));
  }
  Reader reader(source);
  return reader.read(root);
}

Result<std::vector<core::Benchmark>> read_results_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(fmt::format("cannot read '{}': no such file or not readable", path.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_results_json(text.str(), path.string());
}

} // namespace zkbench::report
