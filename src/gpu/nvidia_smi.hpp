#pragma once
// The nvidia-smi fallback: when NVML cannot be loaded but the `nvidia-smi` program works (containers
// that ship the tool, unusual library paths). Parsing is pure and tested on real captures
// (fixtures nvidia/); running the tool goes through util::capture_output with a timeout.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gpu/telemetry.hpp"
#include "util/error.hpp"

namespace zkbench::gpu {

/// The fields zkbench asks for (`--query-gpu=<these joined by ','>`). `clocks_throttle_reasons.*` is
/// the name every driver accepts; 535+ drivers also call it `clocks_event_reasons.*`.
const std::vector<std::string>& query_fields();
/// The same without `compute_cap`, for drivers older than 510 that reject it.
const std::vector<std::string>& legacy_query_fields();

/// A query field name as zkbench keys it: unit suffix dropped ("utilization.gpu [%]" ->
/// "utilization.gpu"), `clocks_throttle_reasons.` spelled `clocks_event_reasons.`, `clocks.sm` spelled
/// `clocks.current.sm` (likewise gr/mem/video).
std::string canonical_field(std::string_view header);

/// One GPU's line: canonical field name -> raw value as printed (trimmed, units kept).
using QueryRow = std::map<std::string, std::string>;

/// Parses `--query-gpu` CSV output. With a header line (plain `--format=csv`), columns are mapped by
/// their names, so any superset of fields works; without one (`noheader`), by `requested` order.
/// Errors: empty output, a line whose field count differs from the header's (line number given),
/// nvidia-smi's own error text (e.g. `Field "x" is not a valid field to query.`).
Result<std::vector<QueryRow>> parse_query_csv(std::string_view text,
                                              const std::vector<std::string>& requested = {});

/// A number from a value: "69.85 W" -> 69.85, "100 %" -> 100, "41" -> 41, "0x…1" -> 1 (hex);
/// "[N/A]", "N/A", "[Not Supported]", "Not Active" and anything else non-numeric -> nullopt.
std::optional<double> parse_value(std::string_view raw);

/// The telemetry in one row. Memory is converted from MiB to bytes. The clock reason mask comes from
/// `clocks_event_reasons.active` (hex), else from the per-reason "Active"/"Not Active" columns.
GpuSample sample_from_row(const QueryRow& row);
/// Name, driver, compute capability, total memory from one row (CUDA version is not a CSV field).
GpuInfo info_from_row(const QueryRow& row);

/// What `nvidia-smi -q` says: header facts, and per GPU every "Section/Sub/Key" -> value.
struct QueryReport {
  std::string driver_version;
  std::string cuda_version;
  int attached_gpus = 0;
  struct Gpu {
    std::string bus_id;                       // from the "GPU 00000000:00:09.0" line
    std::map<std::string, std::string> values; // "Product Name", "Temperature/GPU Current Temp", …
    /// The value at `path`, or "" when absent.
    std::string get(const std::string& path) const;
  };
  std::vector<Gpu> gpus;
};

/// Parses `nvidia-smi -q`. Errors: no "==NVSMI LOG==" banner or no "Driver Version" line (with the
/// first line of the text, which is usually nvidia-smi's own error message).
Result<QueryReport> parse_query_report(std::string_view text);

/// Opens the nvidia-smi source for GPU `device_index`: checks that `program` runs and reports the GPU.
/// Errors: not on PATH, times out, fails (its message quoted), no such GPU index.
Result<std::unique_ptr<TelemetrySource>> open_nvidia_smi(const std::string& program, double timeout_s,
                                                         int device_index = 0);

} // namespace zkbench::gpu
