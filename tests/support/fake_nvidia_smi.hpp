#pragma once
// A fake `nvidia-smi` for end-to-end tests: replays the H100 capture (fixtures nvidia/).

#include <filesystem>
#include <string>

#include "support/env.hpp"
#include "support/fixtures.hpp"
#include "support/nvidia_capture.hpp"

namespace zkbench::test {

// A folder with an executable `nvidia-smi` that prints the capture's load-time `--query-gpu` CSV or its
// `-q` report, logs its arguments to calls.txt, and fails on anything else. PATH is set to that folder
// and the system folders only; NVML is pointed at a path that does not exist.
class FakeNvidiaSmi {
public:
  explicit FakeNvidiaSmi(const std::string& phase = "load") {
    write_file(m_dir / "csv.txt", h100_section(phase + " :: query-gpu (csv, what the exporter parses)"));
    write_file(m_dir / "q.txt", h100_section(phase + " :: query (-q)"));
    const std::string d = m_dir.path().string();
    write_file(m_dir / "nvidia-smi",
               "#!/bin/sh\n"
               "echo \"$*\" >> '" + d + "/calls.txt'\n"
               "for arg in \"$@\"; do\n"
               "  case \"$arg\" in\n"
               "    -q) cat '" + d + "/q.txt'; exit 0;;\n"
               "    --query-gpu=*) cat '" + d + "/csv.txt'; exit 0;;\n"
               "  esac\n"
               "done\n"
               "echo \"fake nvidia-smi: unsupported arguments: $*\"; exit 2\n");
    std::filesystem::permissions(m_dir / "nvidia-smi", std::filesystem::perms::owner_all);
    m_env.set("PATH", d + ":/usr/bin:/bin");
    m_env.set("ZKBENCH_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1");
  }
  std::string calls() const { return read_file(m_dir / "calls.txt"); }
  const TempDir& dir() const { return m_dir; }

private:
  TempDir m_dir;
  ScopedEnv m_env;
};


/// No GPU telemetry at all: PATH is `dir` plus the system folders (no nvidia-smi), NVML is pointed at
/// `nvml` (by default a path that does not exist).
class GpuEnv {
public:
  explicit GpuEnv(const TempDir& dir, const std::string& nvml = "/nonexistent/libnvidia-ml.so.1") {
    m_env.set("PATH", dir.path().string() + ":/usr/bin:/bin");
    m_env.set("ZKBENCH_NVML_LIBRARY", nvml);
  }

private:
  ScopedEnv m_env;
};

} // namespace zkbench::test
