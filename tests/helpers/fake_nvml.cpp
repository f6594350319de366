// A stand-in for libnvidia-ml.so.1, built as a shared library for tests only, so the real dlopen path
// of gpu/nvml.cpp runs on machines without a GPU. It answers with the H100 capture's load-time figures
// (fixtures nvidia/…h100…txt: 59 C, 100 %, 19818 MiB of 81559 MiB, 631.95 W, SM 1980 MHz, driver
// 590.48.01, CUDA 13.1, compute capability 9.0). The energy counter advances 631,950 mJ per read
// (one second at 631.95 W). FAKE_NVML_INIT_ERROR=<code> makes nvmlInit fail with that code.
// FAKE_NVML_COMPUTE_PIDS="123,456" lists those pids as the GPU's compute processes (none by default).
#include <cstdlib>
#include <cstring>

namespace {
unsigned long long g_energy_mj = 1'000'000'000ULL;
int g_device = 0; // the handle points here
} // namespace

extern "C" {

using nvmlReturn_t = int;
struct nvmlUtilization_t {
  unsigned int gpu;
  unsigned int memory;
};
struct nvmlProcessInfo_t {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
};
struct nvmlMemory_t {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};

nvmlReturn_t nvmlInit_v2() {
  const char* code = std::getenv("FAKE_NVML_INIT_ERROR");
  return code != nullptr ? std::atoi(code) : 0;
}
nvmlReturn_t nvmlShutdown() { return 0; }
const char* nvmlErrorString(nvmlReturn_t code) { return code == 9 ? "Driver Not Loaded" : "Unknown Error"; }
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* count) {
  *count = 1;
  return 0;
}
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, void** device) {
  if (index != 0) {
    return 2; // NVML_ERROR_INVALID_ARGUMENT
  }
  *device = &g_device;
  return 0;
}
nvmlReturn_t nvmlDeviceGetName(void*, char* name, unsigned int length) {
  std::strncpy(name, "NVIDIA H100 80GB HBM3", length);
  return 0;
}
nvmlReturn_t nvmlDeviceGetTemperature(void*, int sensor, unsigned int* value) {
  if (sensor != 0) {
    return 3; // NVML_ERROR_NOT_SUPPORTED
  }
  *value = 59;
  return 0;
}
nvmlReturn_t nvmlDeviceGetUtilizationRates(void*, nvmlUtilization_t* utilization) {
  utilization->gpu = 100;
  utilization->memory = 37;
  return 0;
}
nvmlReturn_t nvmlDeviceGetMemoryInfo(void*, nvmlMemory_t* memory) {
  memory->total = 81559ULL << 20;
  memory->used = 19818ULL << 20;
  memory->free = memory->total - memory->used;
  return 0;
}
nvmlReturn_t nvmlDeviceGetPowerUsage(void*, unsigned int* milliwatts) {
  *milliwatts = 631950;
  return 0;
}
nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(void*, unsigned long long* millijoules) {
  g_energy_mj += 631950;
  *millijoules = g_energy_mj;
  return 0;
}
nvmlReturn_t nvmlDeviceGetClockInfo(void*, int type, unsigned int* mhz) {
  *mhz = type == 1 ? 1980 : 2619;
  return 0;
}
nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(void*, unsigned long long* reasons) {
  *reasons = 0x4; // sw_power_cap, so the decoding path is visible
  return 0;
}
nvmlReturn_t nvmlSystemGetDriverVersion(char* version, unsigned int length) {
  std::strncpy(version, "590.48.01", length);
  return 0;
}
nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int* version) {
  *version = 13010;
  return 0;
}
nvmlReturn_t nvmlDeviceGetCudaComputeCapability(void*, int* major, int* minor) {
  *major = 9;
  *minor = 0;
  return 0;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(void*, unsigned int* count, nvmlProcessInfo_t* infos) {
  const char* pids = std::getenv("FAKE_NVML_COMPUTE_PIDS");
  unsigned int n = 0;
  for (const char* at = pids; at != nullptr && *at != '\0' && n < *count;) {
    char* end = nullptr;
    const long pid = std::strtol(at, &end, 10);
    if (end == at) {
      break;
    }
    infos[n] = nvmlProcessInfo_t{static_cast<unsigned int>(pid), 1ULL << 30, 0, 0};
    ++n;
    at = *end == ',' ? end + 1 : end;
  }
  *count = n;
  return 0;
}

} // extern "C"
