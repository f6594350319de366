#pragma once
// Decoder of pprof profiles (google/pprof proto/profile.proto), as RISC Zero's RISC0_PPROF_OUT writes them
// (sample type "cycles", not compressed) and Go's runtime/pprof writes them (gzip).
//
// Figures per function follow `go tool pprof -top`: flat = value of the samples whose leaf frame is the
// function; cum = value of the samples in which the function appears anywhere, once per sample. Inlined
// frames count as functions: a location with several lines expands to several frames, its first line being
// the innermost (leaf). Functions are identified by name.

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "profile/stack_totals.hpp"
#include "util/error.hpp"

namespace zkbench::profile {

/// The decoded figures of one sample type.
struct PprofProfile {
  std::string sample_type; // e.g. "cycles", "cpu", "samples"
  std::string unit;        // e.g. "cycles", "nanoseconds", "count"
  std::vector<std::string> sample_types; // every type offered, "type/unit", in file order
  std::int64_t total = 0;                 // sum of the chosen value over all samples
  std::int64_t sample_count = 0;          // number of Sample messages
  std::int64_t duration_nanos = 0;        // 0 when absent
  std::vector<FunctionTotals> functions;  // flat = exclusive, cum = inclusive, in the chosen unit
};

/// Which sample type the figures use: `cycles` when the profile has it (RISC Zero), else the profile's
/// default_sample_type, else the last one (what `go tool pprof` shows by default, e.g. cpu/nanoseconds
/// rather than samples/count in Go CPU profiles).
///
/// Parses `data`, raw or gzip-compressed. Errors (with the byte offset): malformed protobuf, a string index
/// outside string_table, a sample referencing an unknown location or function, a sample whose value count
/// differs from sample_type's, no sample types at all.
Result<PprofProfile> parse_pprof(std::string_view data);

/// True when `head` is gzip data or starts like a pprof Profile message (field 1, sample_type, as a
/// length-delimited ValueType whose first field is a varint).
bool sniff_pprof(std::string_view head);

/// Parses a pprof profile into the model. Sample type "cycles" (RISC Zero) maps to Metric::cycles; any
/// other type (e.g. Go's cpu/nanoseconds) maps to Metric::steps holding the value in the profile's own
/// unit, with a note naming the unit. flat -> exclusive, cum -> inclusive; no call counts (pprof has none).
/// Source.version is "type/unit" of the chosen sample type. Errors name `origin`.
Result<Profile> parse_pprof_stream(std::istream& in, std::string_view origin);

} // namespace zkbench::profile
