#include "project/environment.hpp"

#include <array>

#include <sys/utsname.h>
#include <unistd.h>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "project/probe.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

namespace zkbench::project {

namespace {

struct ToolProbe {
  const char* name;        // the key in environment.yaml
  const char* executable;  // what must be on PATH
  std::vector<std::string> argv;
};

const std::array<ToolProbe, 10>& tool_probes() {
  static const std::array<ToolProbe, 10> probes = {{
      {"cc", "cc", {"cc", "--version"}}, // the C/C++ compilers build native provers and their dependencies
      {"c++", "c++", {"c++", "--version"}},
      {"rustc", "rustc", {"rustc", "--version"}},
      {"cargo", "cargo", {"cargo", "--version"}},
      {"nvcc", "nvcc", {"nvcc", "--version"}},
      {"cargo-zisk", "cargo-zisk", {"cargo-zisk", "--version"}},
      {"ziskemu", "ziskemu", {"ziskemu", "--version"}},
      {"cargo-prove", "cargo-prove", {"cargo", "prove", "--version"}},
      {"cargo-risczero", "cargo-risczero", {"cargo", "risczero", "--version"}},
      {"r0vm", "r0vm", {"r0vm", "--version"}},
  }};
  return probes;
}

std::string git_output(const std::filesystem::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", dir.string()});
  const auto out = probe_command(args);
  return out && out->exit_code == 0 ? out->output : std::string();
}

// The GPU's total memory in whole bytes, as environment.yaml records it.
std::optional<std::int64_t> memory_bytes(const gpu::GpuInfo& info) {
  if (!info.memory_total_bytes) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*info.memory_total_bytes);
}

std::string optional_bytes(const std::optional<std::int64_t>& bytes) {
  return bytes ? std::to_string(*bytes) : std::string("(unknown)");
}

/// The comparable fields, flattened to key -> text.
std::map<std::string, std::string> comparable_fields(const Environment& env) {
  std::map<std::string, std::string> fields = {
      {"machine.hostname", env.machine.hostname}, {"machine.cpu", env.machine.cpu},
      {"machine.cores", std::to_string(env.machine.cores)},
      {"machine.memory_bytes", std::to_string(env.machine.memory_bytes)},
      {"machine.os", env.machine.os}, {"machine.kernel", env.machine.kernel},
  };
  if (env.gpu) {
    fields["gpu.name"] = env.gpu->name;
    fields["gpu.memory_bytes"] = optional_bytes(memory_bytes(*env.gpu));
    fields["gpu.driver"] = env.gpu->driver_version;
    fields["gpu.cuda"] = env.gpu->cuda_version;
  }
  for (const auto& [tool, version] : env.toolchain) {
    fields["toolchain." + tool] = version;
  }
  if (env.guest_manifest) {
    fields["patches"] = util::join(env.patches, ", ");
  }
  return fields;
}

} // namespace

std::optional<gpu::GpuInfo> probe_gpu() {
  auto info = gpu::open_best_source()->info();
  return info ? std::optional<gpu::GpuInfo>(std::move(*info)) : std::nullopt;
}

Environment collect_environment(const CollectOptions& options) {
  Environment env;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) {
    env.machine.hostname = host;
  }
  const std::string cpuinfo = util::read_text_file("/proc/cpuinfo").value_or("");
  env.machine.cpu = parse_cpu_model(cpuinfo);
  const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
  env.machine.cores = online > 0 ? static_cast<int>(online) : count_processors(cpuinfo);
  env.machine.memory_bytes = parse_meminfo_bytes(util::read_text_file("/proc/meminfo").value_or(""), "MemTotal").value_or(0);
  env.machine.os = parse_os_release(util::read_text_file("/etc/os-release").value_or(""));
  utsname uts{};
  if (::uname(&uts) == 0) {
    env.machine.kernel = uts.release;
  }
  if (options.gpu_probe) {
    env.gpu = options.gpu_probe();
  }
  for (const ToolProbe& tool : tool_probes()) {
    if (!find_on_path(tool.executable)) {
      continue;
    }
    const auto out = probe_command(tool.argv);
    if (out && out->exit_code == 0) {
      const std::string_view name(tool.name);
      env.toolchain[tool.name] =
          name == "cc" || name == "c++" ? parse_compiler_version(out->output) : parse_version_word(out->output);
    }
  }
  env.commit = std::string(util::trim(git_output(options.repo_dir, {"rev-parse", "HEAD"})));
  if (!env.commit.empty()) {
    env.dirty = !util::trim(git_output(options.repo_dir, {"status", "--porcelain", "--untracked-files=no"})).empty();
  }
  env.date = utc_now_iso8601();
  if (options.guest_manifest) {
    env.guest_manifest = options.guest_manifest;
    env.patches = parse_cargo_patches(util::read_text_file(*options.guest_manifest).value_or(""));
  }
  return env;
}

std::string to_yaml(const Environment& env) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "machine" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "hostname" << YAML::Value << env.machine.hostname;
  out << YAML::Key << "cpu" << YAML::Value << env.machine.cpu;
  out << YAML::Key << "cores" << YAML::Value << env.machine.cores;
  out << YAML::Key << "memory" << YAML::Value << util::format_bytes(static_cast<double>(env.machine.memory_bytes));
  out << YAML::Key << "memory_bytes" << YAML::Value << env.machine.memory_bytes;
  out << YAML::Key << "os" << YAML::Value << env.machine.os;
  out << YAML::Key << "kernel" << YAML::Value << env.machine.kernel;
  out << YAML::EndMap;
  if (env.gpu) {
    out << YAML::Key << "gpu" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << env.gpu->name;
    if (const auto bytes = memory_bytes(*env.gpu)) {
      out << YAML::Key << "memory" << YAML::Value << util::format_bytes(static_cast<double>(*bytes));
      out << YAML::Key << "memory_bytes" << YAML::Value << *bytes;
    }
    out << YAML::Key << "driver" << YAML::Value << env.gpu->driver_version;
    out << YAML::Key << "cuda" << YAML::Value << env.gpu->cuda_version;
    out << YAML::EndMap;
  }
  out << YAML::Key << "toolchain" << YAML::Value << YAML::BeginMap;
  for (const auto& [tool, version] : env.toolchain) {
    out << YAML::Key << tool << YAML::Value << YAML::DoubleQuoted << version;
  }
  out << YAML::EndMap;
  if (env.guest_manifest) {
    out << YAML::Key << "patches" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "guest" << YAML::Value << env.guest_manifest->string();
    out << YAML::Key << "crates" << YAML::Value << YAML::Flow << env.patches;
    out << YAML::EndMap;
  }
  out << YAML::Key << "commit" << YAML::Value << env.commit;
  out << YAML::Key << "dirty" << YAML::Value << env.dirty;
  out << YAML::Key << "date" << YAML::Value << env.date;
  out << YAML::EndMap;
  return std::string("# zkbench env: the machine these benchmarks ran on (seed 002 §1.3)\n") + out.c_str() + "\n";
}

Result<Environment> parse_environment_yaml(std::string_view text, const std::string& display_name) {
  try {
    YAML::Node root = YAML::Load(std::string(text)); // not const: const operator[] of a missing key throws
    if (!root.IsMap()) {
      return make_error(display_name + ": expected a map (machine, gpu, toolchain, commit, date)");
    }
    Environment env;
    const auto str = [](const YAML::Node& node) { return node.IsScalar() ? node.Scalar() : std::string(); };
    if (YAML::Node m = root["machine"]; m.IsMap()) {
      env.machine.hostname = str(m["hostname"]);
      env.machine.cpu = str(m["cpu"]);
      env.machine.cores = m["cores"] ? m["cores"].as<int>() : 0;
      env.machine.memory_bytes = m["memory_bytes"] ? m["memory_bytes"].as<std::int64_t>() : 0;
      env.machine.os = str(m["os"]);
      env.machine.kernel = str(m["kernel"]);
    }
    if (YAML::Node g = root["gpu"]; g.IsMap()) {
      gpu::GpuInfo gpu;
      gpu.name = str(g["name"]);
      if (g["memory_bytes"]) {
        gpu.memory_total_bytes = static_cast<double>(g["memory_bytes"].as<std::int64_t>());
      }
      gpu.driver_version = str(g["driver"]);
      gpu.cuda_version = str(g["cuda"]);
      env.gpu = gpu;
    }
    if (YAML::Node t = root["toolchain"]; t.IsMap()) {
      for (const auto& entry : t) {
        env.toolchain[entry.first.Scalar()] = str(entry.second);
      }
    }
    if (YAML::Node p = root["patches"]; p.IsMap()) {
      env.guest_manifest = str(p["guest"]);
      if (p["crates"].IsSequence()) {
        env.patches = p["crates"].as<std::vector<std::string>>();
      }
    }
    env.commit = str(root["commit"]);
    env.dirty = root["dirty"] && root["dirty"].as<bool>();
    env.date = str(root["date"]);
    return env;
  } catch (const YAML::Exception& e) {
    return make_error(fmt::format("{}: invalid environment file: {}", display_name, e.what()));
  }
}

std::vector<EnvDifference> diff_environments(const Environment& a, const Environment& b) {
  const auto fields_a = comparable_fields(a);
  const auto fields_b = comparable_fields(b);
  std::map<std::string, std::pair<std::string, std::string>> keys;
  for (const auto& [key, value] : fields_a) {
    keys[key] = {value, "(none)"};
  }
  for (const auto& [key, value] : fields_b) {
    auto [it, inserted] = keys.try_emplace(key, std::pair<std::string, std::string>{"(none)", value});
    if (!inserted) {
      it->second.second = value;
    }
  }
  std::vector<EnvDifference> differences;
  for (const auto& [key, values] : keys) {
    if (values.first != values.second) {
      differences.push_back({key, values.first, values.second});
    }
  }
  return differences;
}

std::string describe_differences(const std::vector<EnvDifference>& differences) {
  if (differences.empty()) {
    return {};
  }
  std::vector<std::string> parts;
  for (const EnvDifference& d : differences) {
    parts.push_back(fmt::format("{} ({} vs {})", d.key, d.a, d.b));
  }
  return "environments differ: " + util::join(parts, ", ");
}

} // namespace zkbench::project
