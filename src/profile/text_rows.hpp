#pragma once
// Tokenizing helpers for the rows of text profile reports (ziskemu tables; reusable by other text
// formats). Pure; never throw.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "profile/profile.hpp"

namespace zkbench::profile {

/// A whitespace-separated token and its byte offset in the row.
struct Token {
  std::string_view text;
  std::size_t offset = 0;
};

/// Whitespace-separated tokens of `text` with their offsets.
std::vector<Token> tokenize(std::string_view text);

/// Whitespace-separated words of `text`, copied.
std::vector<std::string> split_ws(std::string_view text);

/// A non-negative integer with or without thousands separators ("498,004,423", "4450270"); nullopt when
/// `text` is anything else or overflows 64 bits.
std::optional<std::uint64_t> parse_count(std::string_view text);

/// "59.04%" -> 0.5904; nullopt unless `text` is a decimal number followed by '%'.
std::optional<double> parse_percent(std::string_view text);

/// "LABEL WORDS  1,234  5.6%": the label (words before the first count, single-spaced) and that count.
struct LabelRow {
  std::string label;
  std::uint64_t value = 0;
};
std::optional<LabelRow> parse_label_row(std::string_view text);

/// A row of figures followed by a name: "  54,831,894  59.04%   1   54,831,894 <reth_evm::…".
/// value = first count; calls = second count when `has_calls` (nullopt = guess: present when there are
/// at least two counts). The name is the rest of the row (it may contain spaces), never empty.
struct NamedRow {
  std::string name;
  std::uint64_t value = 0;
  std::optional<std::uint64_t> calls;
};
std::optional<NamedRow> parse_function_row(std::string_view text, std::optional<bool> has_calls);

/// A --sdk box function row: "0 sha2::sha256::compress256  473,976,966  60.2%" (index, name, value, %).
std::optional<NamedRow> parse_box_function_row(std::string_view text);

/// A caller row "3,974  9,749,694  71.09% <name>": calls first, then steps.
std::optional<NamedRow> parse_caller_row(std::string_view text);

/// "OP add 7,086,411 7.63% 177,160,275 1.55% #4" (count-% column optional) or
/// "FROP ltu 942,288 34.78% 56,537,280 0.49% #4" (`frop`: the percent after the count is HIT).
std::optional<OpcodeCost> parse_opcode_row(std::string_view text, bool frop);

/// A --sdk box opcode row "xor 41,398,920 5.3%" (no count); the "Total" row is not an opcode.
std::optional<OpcodeCost> parse_box_opcode_row(std::string_view text);

} // namespace zkbench::profile
