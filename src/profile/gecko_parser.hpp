#pragma once
// Streaming parser of Gecko-format profiles (Firefox Profiler), as SP1 writes them with TRACE_FILE: one
// sample per cycle, files of hundreds of MB.
//
// Memory stays bounded by the tables, not the samples: the JSON is read with a SAX handler (never a DOM),
// samples only increment a per-stack counter while they stream by, and the stack/frame/string tables are
// kept until their thread ends. Per function: exclusive = samples whose leaf frame is the function;
// inclusive = samples with the function anywhere on the stack, once per sample (recursion counted once).
//
// Both layouts are read:
// - the raw Gecko format (meta.version N): threads[] (also processes[].threads[]) with samples/stackTable/
//   frameTable {schema, data} and stringTable; sample weights from a "weight" column when present;
// - the processed format (meta.preprocessedProfileVersion): threads[] with column arrays samples.stack
//   (and samples.weight), stackTable.prefix/frame, frameTable.func, funcTable.name, and stringArray
//   (or shared.stringArray).
// Functions are identified by name and merged across threads.

#include <istream>
#include <string_view>

#include "profile/profile.hpp"
#include "util/error.hpp"

namespace zkbench::profile {

/// True when `head` starts (after white space) with a JSON object whose first bytes mention "meta",
/// "threads" or "stackTable".
bool sniff_gecko(std::string_view head);

/// Parses a Gecko profile. Samples map to Metric::steps (SP1 takes one sample per cycle); Source.version
/// is "gecko meta N" or "gecko processed N". A note says how many threads were merged.
/// Errors (naming `origin` and the byte offset for JSON errors): malformed JSON, no threads, a stack
/// index outside the stack table, a prefix cycle, a frame or string index out of range.
Result<Profile> parse_gecko_stream(std::istream& in, std::string_view origin);

} // namespace zkbench::profile
