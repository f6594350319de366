#pragma once
// Parser of ziskemu's text reports (`ziskemu -X`, `-X -S`, `-X -S -D`, `--sdk` boxes, `-H`, `-m`),
// every format from v0.13 to v0.18 (see ../shared/fixtures/zisk/FORMATS.md).
//
// What it reads: the REPORT (STEPS), COST DISTRIBUTION (with or without TOTAL/VARIABLE), FROPS and
// RAM USAGE rows, COST BY OPCODE, FROPS BY OPCODE, TOP STEP / TOP COST FUNCTIONS (with or without
// STEPS/CALL, COST/CALL columns; recorded as INCLUSIVE figures), DETAIL FUNCTION blocks (`|    `
// prefixed opcode tables and TOP STEP CALLERS), PROFILE TAGS, the `--sdk` box report, and the
// `process_rom() steps=N` line of `-m`. Numbers with or without thousands separators.
// Guest output before the report and `Loading symbols…` lines are ignored; 8-hex-digit words after
// the report become public_outputs. Unknown sections are skipped with a note.

#include <istream>
#include <string_view>

#include "profile/profile.hpp"
#include "util/error.hpp"

namespace zkbench::profile {

/// True when `head` contains a ziskemu report heading (REPORT / COST DISTRIBUTION / TOP … FUNCTIONS /
/// DETAIL FUNCTION / COST BY OPCODE / PROFILE TAGS / the --sdk "◆ REPORT SUMMARY" box / process_rom()).
bool sniff_ziskemu(std::string_view head);

/// Parses a ziskemu report from `text`. Error (naming `origin` and the line) when the text holds no
/// ziskemu report section at all, or only legacy `-x` statistics. Malformed rows inside a known section
/// become notes (at most 20 listed, then a count); they never fail the parse.
Result<Profile> parse_ziskemu(std::string_view text, std::string_view origin);

/// Same, reading the whole stream.
Result<Profile> parse_ziskemu_stream(std::istream& in, std::string_view origin);

} // namespace zkbench::profile
