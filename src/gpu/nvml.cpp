#include "gpu/nvml.hpp"

#include <array>

#include <dlfcn.h>

#include <fmt/format.h>

namespace zkbench::gpu {

namespace {

// --- the subset of nvml.h zkbench uses (ABI of NVML API version 13) ------------------------------
using nvmlReturn_t = int;
struct nvmlDevice_st;
using nvmlDevice_t = nvmlDevice_st*;
struct nvmlUtilization_t {
  unsigned int gpu;
  unsigned int memory;
};
struct nvmlMemory_t { // v1 layout, what nvmlDeviceGetMemoryInfo fills
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};
constexpr nvmlReturn_t k_nvml_success = 0;
constexpr int k_nvml_temperature_gpu = 0; // NVML_TEMPERATURE_GPU
constexpr int k_nvml_clock_sm = 1;        // NVML_CLOCK_SM
constexpr unsigned int k_name_buffer = 96;   // NVML_DEVICE_NAME_V2_BUFFER_SIZE
constexpr unsigned int k_driver_buffer = 80; // NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE

using InitFn = nvmlReturn_t (*)();
using ShutdownFn = nvmlReturn_t (*)();
using CountFn = nvmlReturn_t (*)(unsigned int*);
using HandleFn = nvmlReturn_t (*)(unsigned int, nvmlDevice_t*);
using NameFn = nvmlReturn_t (*)(nvmlDevice_t, char*, unsigned int);
using TemperatureFn = nvmlReturn_t (*)(nvmlDevice_t, int, unsigned int*);
using UtilizationFn = nvmlReturn_t (*)(nvmlDevice_t, nvmlUtilization_t*);
using MemoryFn = nvmlReturn_t (*)(nvmlDevice_t, nvmlMemory_t*);
using UintFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int*);
using Ull64Fn = nvmlReturn_t (*)(nvmlDevice_t, unsigned long long*);
using ClockFn = nvmlReturn_t (*)(nvmlDevice_t, int, unsigned int*);
using StringFn = nvmlReturn_t (*)(char*, unsigned int);
using IntFn = nvmlReturn_t (*)(int*);
using CapabilityFn = nvmlReturn_t (*)(nvmlDevice_t, int*, int*);
using ErrorStringFn = const char* (*)(nvmlReturn_t);
struct nvmlProcessInfo_t { // v2/v3 layout (nvmlDeviceGetComputeRunningProcesses_v2/_v3)
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
};
using ProcessesFn = nvmlReturn_t (*)(nvmlDevice_t, unsigned int*, nvmlProcessInfo_t*);
constexpr unsigned int k_max_processes = 64;

// The entry points, resolved once. Optional ones stay null when an older driver lacks them.
struct Api {
  InitFn init = nullptr;
  ShutdownFn shutdown = nullptr;
  CountFn device_count = nullptr;
  HandleFn handle_by_index = nullptr;
  NameFn name = nullptr;
  TemperatureFn temperature = nullptr;
  UtilizationFn utilization = nullptr;
  MemoryFn memory = nullptr;
  UintFn power_usage = nullptr;
  Ull64Fn total_energy = nullptr;
  ClockFn clock_info = nullptr;
  Ull64Fn clock_event_reasons = nullptr;
  StringFn driver_version = nullptr;
  IntFn cuda_driver_version = nullptr;
  CapabilityFn compute_capability = nullptr;
  ErrorStringFn error_string = nullptr;
  ProcessesFn compute_processes = nullptr;
};

template <typename Fn>
Fn symbol(void* handle, std::initializer_list<const char*> names) {
  // The versioned name first (_v2 fixes ABI issues of the original), then the older ones.
  for (const char* name : names) {
    if (void* address = ::dlsym(handle, name)) {
      return reinterpret_cast<Fn>(address);
    }
  }
  return nullptr;
}

Api resolve(void* handle) {
  Api api;
  api.init = symbol<InitFn>(handle, {"nvmlInit_v2", "nvmlInit"});
  api.shutdown = symbol<ShutdownFn>(handle, {"nvmlShutdown"});
  api.device_count = symbol<CountFn>(handle, {"nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"});
  api.handle_by_index =
      symbol<HandleFn>(handle, {"nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"});
  api.name = symbol<NameFn>(handle, {"nvmlDeviceGetName"});
  api.temperature = symbol<TemperatureFn>(handle, {"nvmlDeviceGetTemperature"});
  api.utilization = symbol<UtilizationFn>(handle, {"nvmlDeviceGetUtilizationRates"});
  api.memory = symbol<MemoryFn>(handle, {"nvmlDeviceGetMemoryInfo"});
  api.power_usage = symbol<UintFn>(handle, {"nvmlDeviceGetPowerUsage"});
  api.total_energy = symbol<Ull64Fn>(handle, {"nvmlDeviceGetTotalEnergyConsumption"});
  api.clock_info = symbol<ClockFn>(handle, {"nvmlDeviceGetClockInfo"});
  // Renamed in driver 535 (CUDA 12.2); both names stay exported in 590, older drivers have only one.
  api.clock_event_reasons = symbol<Ull64Fn>(
      handle, {"nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetCurrentClocksThrottleReasons"});
  api.driver_version = symbol<StringFn>(handle, {"nvmlSystemGetDriverVersion"});
  api.cuda_driver_version =
      symbol<IntFn>(handle, {"nvmlSystemGetCudaDriverVersion_v2", "nvmlSystemGetCudaDriverVersion"});
  api.compute_capability = symbol<CapabilityFn>(handle, {"nvmlDeviceGetCudaComputeCapability"});
  api.error_string = symbol<ErrorStringFn>(handle, {"nvmlErrorString"});
  // The v1 entry point has a shorter struct: only the versions with this layout are used.
  api.compute_processes = symbol<ProcessesFn>(
      handle, {"nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetComputeRunningProcesses_v2"});
  return api;
}

class NvmlSource final : public TelemetrySource {
public:
  NvmlSource(void* library, Api api, nvmlDevice_t device, int index)
      : m_library(library), m_api(api), m_device(device), m_index(index) {}
  ~NvmlSource() override {
    m_api.shutdown();
    ::dlclose(m_library);
  }
  NvmlSource(const NvmlSource&) = delete;
  NvmlSource& operator=(const NvmlSource&) = delete;

  SourceKind kind() const override { return SourceKind::nvml; }

  Result<GpuInfo> info() override {
    GpuInfo info;
    info.index = m_index;
    std::array<char, k_name_buffer> name{};
    if (m_api.name && m_api.name(m_device, name.data(), k_name_buffer) == k_nvml_success) {
      info.name = name.data();
    }
    std::array<char, k_driver_buffer> driver{};
    if (m_api.driver_version &&
        m_api.driver_version(driver.data(), k_driver_buffer) == k_nvml_success) {
      info.driver_version = driver.data();
    }
    int cuda = 0;
    if (m_api.cuda_driver_version && m_api.cuda_driver_version(&cuda) == k_nvml_success) {
      info.cuda_version = format_cuda_driver_version(cuda);
    }
    int major = 0;
    int minor = 0;
    if (m_api.compute_capability &&
        m_api.compute_capability(m_device, &major, &minor) == k_nvml_success) {
      info.compute_capability = fmt::format("{}.{}", major, minor);
    }
    nvmlMemory_t memory{};
    if (m_api.memory && m_api.memory(m_device, &memory) == k_nvml_success) {
      info.memory_total_bytes = static_cast<double>(memory.total);
    }
    return info;
  }

  Result<std::vector<measure::GpuProcess>> compute_processes() override {
    std::vector<measure::GpuProcess> processes;
    if (!m_api.compute_processes) {
      return processes;
    }
    std::array<nvmlProcessInfo_t, k_max_processes> infos{};
    unsigned int count = k_max_processes;
    if (const nvmlReturn_t rc = m_api.compute_processes(m_device, &count, infos.data()); rc != k_nvml_success) {
      return make_error(fmt::format("NVML: listing compute processes failed ({})",
                                    m_api.error_string ? m_api.error_string(rc) : std::to_string(rc)));
    }
    for (unsigned int i = 0; i < count && i < k_max_processes; ++i) {
      processes.push_back(measure::GpuProcess{static_cast<int>(infos[i].pid), {}});
    }
    return processes;
  }

  Result<GpuSample> sample() override {
    // Each figure on its own: one unsupported query (e.g. energy on consumer cards before Volta)
    // must not hide the others.
    GpuSample sample;
    unsigned int value = 0;
    if (m_api.temperature &&
        m_api.temperature(m_device, k_nvml_temperature_gpu, &value) == k_nvml_success) {
      sample.temperature_c = value;
    }
    nvmlUtilization_t utilization{};
    if (m_api.utilization && m_api.utilization(m_device, &utilization) == k_nvml_success) {
      sample.utilization_pct = utilization.gpu;
    }
    nvmlMemory_t memory{};
    if (m_api.memory && m_api.memory(m_device, &memory) == k_nvml_success) {
      sample.memory_used_bytes = static_cast<double>(memory.used);
    }
    if (m_api.power_usage && m_api.power_usage(m_device, &value) == k_nvml_success) {
      sample.power_w = value / 1000.0; // milliwatts
    }
    unsigned long long counter = 0;
    if (m_api.total_energy && m_api.total_energy(m_device, &counter) == k_nvml_success) {
      sample.total_energy_mj = static_cast<double>(counter);
    }
    if (m_api.clock_info && m_api.clock_info(m_device, k_nvml_clock_sm, &value) == k_nvml_success) {
      sample.sm_clock_mhz = value;
    }
    if (m_api.clock_event_reasons &&
        m_api.clock_event_reasons(m_device, &counter) == k_nvml_success) {
      sample.clock_event_reasons = counter;
    }
    if (!sample.temperature_c && !sample.utilization_pct && !sample.memory_used_bytes) {
      return make_error(fmt::format("NVML: device {} answers no query (lost or reset?)", m_index));
    }
    return sample;
  }

private:
  void* m_library;
  Api m_api;
  nvmlDevice_t m_device;
  int m_index;
};

std::string error_text(const Api& api, nvmlReturn_t code) {
  if (api.error_string) {
    if (const char* text = api.error_string(code)) {
      return fmt::format("{} (code {})", text, code);
    }
  }
  return fmt::format("error code {}", code);
}

} // namespace

std::string format_cuda_driver_version(int version) {
  return fmt::format("{}.{}", version / 1000, (version % 1000) / 10);
}

Result<std::unique_ptr<TelemetrySource>> open_nvml(const std::string& library, int device_index) {
  void* handle = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return make_error(fmt::format("NVML: cannot load {}: {}", library, why ? why : "unknown error"));
  }
  const Api api = resolve(handle);
  if (!api.init || !api.shutdown || !api.device_count || !api.handle_by_index) {
    ::dlclose(handle);
    return make_error(fmt::format("NVML: {} lacks nvmlInit/nvmlDeviceGetCount/"
                                  "nvmlDeviceGetHandleByIndex: not an NVML library",
                                  library));
  }
  if (const nvmlReturn_t code = api.init(); code != k_nvml_success) {
    // The message first: nvmlErrorString lives in the library about to be closed.
    std::string message = fmt::format("NVML: nvmlInit failed: {}", error_text(api, code));
    ::dlclose(handle);
    return make_error(std::move(message));
  }
  const auto give_up = [&](std::string message) {
    api.shutdown();
    ::dlclose(handle);
    return make_error(std::move(message));
  };
  unsigned int count = 0;
  if (const nvmlReturn_t code = api.device_count(&count); code != k_nvml_success) {
    return give_up(fmt::format("NVML: nvmlDeviceGetCount failed: {}", error_text(api, code)));
  }
  if (device_index < 0 || static_cast<unsigned int>(device_index) >= count) {
    return give_up(fmt::format("NVML: no GPU with index {} ({} found)", device_index, count));
  }
  nvmlDevice_t device = nullptr;
  if (const nvmlReturn_t code =
          api.handle_by_index(static_cast<unsigned int>(device_index), &device);
      code != k_nvml_success) {
    return give_up(fmt::format("NVML: cannot open GPU {}: {}", device_index, error_text(api, code)));
  }
  return std::make_unique<NvmlSource>(handle, api, device, device_index);
}

} // namespace zkbench::gpu
