#pragma once
// Parser of `valgrind --tool=callgrind` output files (callgrind format version 1), so native programs get
// deterministic "steps" (instructions executed, event Ir) on a CPU-only machine.
//
// Read: header lines (`events:`, `positions:`, `summary:`, `totals:`, others skipped), `ob=/fl=/fi=/fe=/
// fn=` and `cob=/cfi=/cfl=/cfn=` with name compression (`(id) name` defines, `(id)` refers), `calls=`
// lines, cost lines with positions `line`, `instr` or both, absolute, hex (`0x..`) or with subposition
// compression (`+N`, `-N`, `*`); `jump=`/`jcnd=` lines are ignored; several `part:`s add up.
//
// Figures (Metric::steps, from the event Ir, else the first event, with a note):
// - exclusive = the function's self cost (its cost lines);
// - inclusive = self + the costs recorded after its `calls=` lines (callees' inclusive cost), except calls
//   to itself, whose cost its self cost already holds (direct recursion is thus exact; mutual recursion
//   f -> g -> f still counts twice, as in callgrind_annotate);
// - calls = the sum of `calls=` counts into the function; callers = the calling functions with their
//   calls and the inclusive steps of those calls.
// Functions are identified by name (the same name in two files or objects is one function), and
// callgrind's recursion levels "f'2", "f'3" are folded into f, so its self-calls are recursion.

#include <istream>
#include <string_view>

#include "profile/profile.hpp"
#include "util/error.hpp"

namespace zkbench::profile {

/// True when `head` starts with "# callgrind format" or has an `events:` line and `fn=` lines.
bool sniff_callgrind(std::string_view head);

/// Parses a callgrind output file. Errors (naming `origin` and the line number): no `events:` line before
/// the first cost line, a cost line outside a function, a malformed number or position, an undefined
/// compressed name `(id)`, a `calls=` line not followed by a cost line.
Result<Profile> parse_callgrind_stream(std::istream& in, std::string_view origin);

} // namespace zkbench::profile
