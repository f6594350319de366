// `zkbench gpu [--watch] [--interval S] [--count N] [--json]`: what the GPU telemetry sees now.
#include <chrono>
#include <ctime>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "gpu/describe.hpp"
#include "gpu/telemetry.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace zkbench::cli {

namespace {

struct GpuOptions {
  bool watch = false;
  double interval_s = 1.0;
  int count = 0; // 0: until interrupted
  bool json = false;
};

nlohmann::json sample_json(const gpu::GpuSample& s) {
  nlohmann::json j;
  const auto put = [&](const char* key, const std::optional<double>& v) {
    j[key] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  put("temperature_c", s.temperature_c);
  put("utilization_pct", s.utilization_pct);
  put("memory_used_bytes", s.memory_used_bytes);
  put("power_w", s.power_w);
  put("sm_clock_mhz", s.sm_clock_mhz);
  put("total_energy_mj", s.total_energy_mj);
  if (s.clock_event_reasons) {
    j["clock_event_reasons"] = gpu::decode_clock_event_reasons(*s.clock_event_reasons);
    j["throttled"] = (*s.clock_event_reasons & gpu::reason::throttling) != 0;
  } else {
    j["clock_event_reasons"] = nullptr;
  }
  return j;
}

std::string clock_time() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  return fmt::format("{:02d}:{:02d}:{:02d}", local.tm_hour, local.tm_min, local.tm_sec);
}

int run_gpu(const GpuOptions& options) {
  auto source = gpu::open_best_source();
  if (source->kind() == gpu::SourceKind::none) {
    throw Fatal(static_cast<gpu::NoneSource&>(*source).why(),
                "install the NVIDIA driver (NVML) or put nvidia-smi on PATH; the rest of zkbench "
                "works without a GPU");
  }
  const gpu::GpuInfo info = value_or_fatal(source->info());
  const int readings = options.watch ? options.count : 1;
  if (!options.json) {
    fmt::print("GPU {}: {} (via {})\n  {}\n", info.index, info.name, gpu::to_string(source->kind()),
               gpu::describe_info(info));
  }
  for (int i = 0; readings == 0 || i < readings; ++i) {
    if (i > 0) {
      std::this_thread::sleep_for(std::chrono::duration<double>(options.interval_s));
    }
    const gpu::GpuSample sample = value_or_fatal(source->sample());
    if (options.json) {
      nlohmann::json j = sample_json(sample);
      j["index"] = info.index;
      j["name"] = info.name;
      j["source"] = gpu::to_string(source->kind());
      j["driver_version"] = info.driver_version;
      j["cuda_version"] = info.cuda_version;
      j["compute_capability"] = info.compute_capability;
      fmt::print("{}\n", util::json_text(j));
    } else if (options.watch) {
      fmt::print("{}  {}\n", clock_time(), gpu::describe_sample(sample));
    } else {
      fmt::print("  {}\n", gpu::describe_sample(sample));
    }
    std::fflush(stdout);
  }
  return static_cast<int>(ExitCode::success);
}

} // namespace

CommandMain setup_gpu(CLI::App& sub) {
  auto options = std::make_shared<GpuOptions>();
  sub.add_flag("-w,--watch", options->watch, "Keep reading until interrupted (or --count readings)");
  sub.add_option("--interval", options->interval_s, "Seconds between readings with --watch")
      ->check(CLI::Range(0.05, 3600.0))
      ->capture_default_str();
  sub.add_option("--count", options->count, "Stop after this many readings with --watch")
      ->check(CLI::NonNegativeNumber);
  sub.add_flag("--json", options->json, "One JSON object per reading");
  return [options] { return run_gpu(*options); };
}

} // namespace zkbench::cli
