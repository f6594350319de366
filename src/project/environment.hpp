#pragma once
// The benchmark environment (seed 002 §1.3, seed 000 "Environment Documentation"):
// benchmarks/environment.yaml. Every baseline and experiment stores one; comparing results measured in
// different environments warns, naming the differences (diff_environments).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpu/telemetry.hpp"
#include "util/error.hpp"

namespace zkbench::project {


struct MachineInfo {
  std::string hostname;
  std::string cpu;                         // model name from /proc/cpuinfo
  int cores = 0;                           // logical CPUs online
  std::int64_t memory_bytes = 0;           // MemTotal
  std::string os;                          // PRETTY_NAME from /etc/os-release
  std::string kernel;                      // uname -r
};

struct Environment {
  MachineInfo machine;
  std::optional<gpu::GpuInfo> gpu;         // absent on a machine without a GPU
  std::map<std::string, std::string> toolchain; // tool -> version word, only the tools found
  std::string commit;                      // git HEAD, empty outside a repository
  bool dirty = false;                      // tracked files modified
  std::string date;                        // ISO-8601 UTC, "2026-01-16T10:42:00Z"
  std::optional<std::filesystem::path> guest_manifest;
  std::vector<std::string> patches;        // crate names under [patch.crates-io] of the guest manifest
};

/// How the GPU is found. The default runs nvidia-smi when it is on PATH; the GPU telemetry module
/// can supply an NVML-based probe instead.
using GpuProbe = std::function<std::optional<gpu::GpuInfo>()>;
/// GPU 0 through gpu::open_best_source() (NVML, else nvidia-smi); nullopt without a GPU.
std::optional<gpu::GpuInfo> probe_gpu();

struct CollectOptions {
  std::filesystem::path repo_dir = ".";    // where git is asked for the commit
  std::optional<std::filesystem::path> guest_manifest;
  GpuProbe gpu_probe = probe_gpu;
};

/// Reads the machine (/proc, /etc/os-release, uname), the GPU, the toolchain (each tool only when on
/// PATH), git and the guest's patches. Never fails: what cannot be read is left empty.
Environment collect_environment(const CollectOptions& options);

/// environment.yaml text, and back. parse error: invalid YAML or a field of the wrong shape.
std::string to_yaml(const Environment& env);
Result<Environment> parse_environment_yaml(std::string_view text, const std::string& display_name);

/// One difference between two environments.
struct EnvDifference {
  std::string key;                         // "gpu.driver", "toolchain.rustc", "patches"
  std::string a;                           // value in the first ("(none)" when absent)
  std::string b;
};

/// The differences that make measurements incomparable: machine, GPU, toolchain and patches, by key.
/// The commit, dirty flag and date are not compared (they differ between any baseline and experiment).
std::vector<EnvDifference> diff_environments(const Environment& a, const Environment& b);

/// "environments differ: gpu.driver (590.48.01 vs 580.1), toolchain.rustc (1.84.0 vs 1.85.0)"; empty
/// when there is no difference.
std::string describe_differences(const std::vector<EnvDifference>& differences);

// Parsers of the machine's text, pure so they are tested on fixed text.
/// "model name" of /proc/cpuinfo (the first); "Hardware"/"CPU part" lines are not used.
std::string parse_cpu_model(std::string_view cpuinfo);
/// Number of "processor" entries in /proc/cpuinfo.
int count_processors(std::string_view cpuinfo);
/// A /proc/meminfo field in bytes ("MemTotal", "MemAvailable"); nullopt when absent.
std::optional<std::int64_t> parse_meminfo_bytes(std::string_view meminfo, std::string_view field);
/// PRETTY_NAME (unquoted) of /etc/os-release, else NAME + VERSION.
std::string parse_os_release(std::string_view os_release);
/// The version word of a `--version` output: the first token like 1.84.0, v0.15.0 or 12.4 ("release
/// 12.4," for nvcc); otherwise the first line without the program's name.
std::string parse_version_word(std::string_view output);
/// A C/C++ compiler's `--version` output as "gcc 12.2.0" or "clang 14.0.6" (which compiler `cc` is
/// matters as much as its version); otherwise parse_version_word's answer.
std::string parse_compiler_version(std::string_view output);
/// Crate names patched by a Cargo.toml (`[patch.<registry>]` keys and `[patch.<registry>.<name>]` tables,
/// as provers::parse_cargo_patches reads them); empty when there are none or the manifest does not parse.
std::vector<std::string> parse_cargo_patches(std::string_view cargo_toml);

} // namespace zkbench::project
