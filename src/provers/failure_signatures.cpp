#include "provers/failure_signatures.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "util/strings.hpp"

namespace zkbench::provers {

namespace {

struct Signature {
  const char* id;
  std::vector<std::string_view> needles; // any of them (case-insensitive)
  std::vector<std::string_view> also;    // and, when non-empty, one of these on the same line
  const char* title;
  const char* fix;                       // {sm} is replaced by the GPU's architecture
};

const std::vector<Signature>& signatures() {
  static const std::vector<Signature> list = {
      {"cuda-arch",
       {"no kernel image is available for execution"},
       {},
       "the prover's CUDA kernels were not built for this GPU's architecture",
       "rebuild the prover for this GPU: export CUDA_ARCH={sm}, then rebuild ZisK (or the GPU "
       "prover) from source"},
      {"cuda-oom",
       {"out of memory"},
       {"cuda", "gpu", "cudamalloc", "device"},
       "the GPU ran out of memory",
       "close other GPU processes (nvidia-smi shows them), prove a smaller input, or use a GPU with "
       "more memory; ZisK: fewer parallel instances"},
      {"cuda-driver",
       {"cuda driver version is insufficient", "forward compatibility was attempted",
        "cuda_error_no_device", "no cuda-capable device is detected"},
       {},
       "the CUDA runtime cannot use the GPU (driver too old or no device visible)",
       "update the NVIDIA driver to one that supports the prover's CUDA version (zkbench doctor shows "
       "both), and check CUDA_VISIBLE_DEVICES"},
      {"sp1-gas-mismatch",
       {"gasmismatch", "gas mismatch"},
       {},
       "SP1: block execution disagrees on gas (the substrate-bn ECADD bug)",
       "use ark_bn254 instead of the substrate-bn patch (slower but correct)"},
      {"risc0-unstable",
       {"unstable"},
       {"feature", "risc0"},
       "RISC Zero: the keccak/BLS12-381 accelerators need the \"unstable\" feature",
       "enable it with --features unstable (not production-ready)"},
      {"process-killed",
       {"signal: 9, sigkill", "killed process", "out of memory: killed"},
       {},
       "the process was killed, most likely by the kernel's out-of-memory killer",
       "give the prover more RAM or swap, or prove a smaller input"},
  };
  return list;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

} // namespace

std::vector<FailureMatch> scan_failure_signatures(std::string_view log,
                                                  const std::string& sm_architecture) {
  const std::string& sm = sm_architecture;
  std::vector<FailureMatch> found;
  int line_number = 0;
  for (const std::string& raw : util::split(log, '\n')) {
    ++line_number;
    const std::string line = lower(raw);
    for (const Signature& signature : signatures()) {
      const bool seen = std::any_of(found.begin(), found.end(),
                                    [&](const FailureMatch& m) { return m.id == signature.id; });
      if (seen) {
        continue;
      }
      const bool needle = std::any_of(signature.needles.begin(), signature.needles.end(),
                                      [&](std::string_view n) { return line.find(n) != std::string::npos; });
      const bool context =
          signature.also.empty() ||
          std::any_of(signature.also.begin(), signature.also.end(),
                      [&](std::string_view n) { return line.find(n) != std::string::npos; });
      if (!needle || !context) {
        continue;
      }
      FailureMatch match;
      match.id = signature.id;
      match.title = signature.title;
      match.fix = signature.fix;
      const std::size_t at = match.fix.find("{sm}");
      if (at != std::string::npos) {
        match.fix.replace(at, 4, sm.empty() ? "sm_XX (your GPU's compute capability)" : sm);
      }
      match.line = line_number;
      match.excerpt = std::string(util::trim(raw)).substr(0, 200);
      found.push_back(std::move(match));
    }
  }
  return found;
}

} // namespace zkbench::provers
