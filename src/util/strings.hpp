#pragma once
// Small string helpers with no zkbench-specific knowledge.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zkbench::util {

/// Removes leading and trailing ASCII white space.
std::string_view trim(std::string_view text);

/// Splits on every occurrence of `separator`; empty fields are kept ("a,,b" -> "a", "", "b").
std::vector<std::string> split(std::string_view text, char separator);

/// Joins with `separator` between the parts.
std::string join(const std::vector<std::string>& parts, std::string_view separator);

/// The last `count` lines of `text` (a final newline ends the last line, it starts no empty one).
std::vector<std::string> last_lines(std::string_view text, std::size_t count);

bool starts_with(std::string_view text, std::string_view prefix);
bool ends_with(std::string_view text, std::string_view suffix);

/// Parses a decimal number, accepting thousands separators ("1,234,567", "1_234", "0.5", "-3e2").
/// Returns nullopt when `text` (after trimming) is not entirely a number.
std::optional<double> parse_number(std::string_view text);

/// parse_number for counts: a whole, non-negative number that fits in 64 bits ("1,234" -> 1234);
/// nullopt for fractions, negatives, and values too large to count ("6e117").
std::optional<std::uint64_t> parse_count(std::string_view text);

/// parse_number for small whole numbers (process ids, GPU counts): nullopt unless it fits in an int.
std::optional<int> parse_int(std::string_view text);

/// Formats a byte count for people: "512 B", "3.2 KiB", "301.4 MiB", "1.05 GiB".
std::string format_bytes(double bytes);

/// `text` (a URL, a command line, any text) with every credential replaced by "***": the password of
/// each `scheme://user:password@host` and the value of each `password=` key (libpq's `?password=…` or
/// keyword form). Everything else is unchanged, so the text still lines up around the "***".
std::string redact_credentials(std::string_view text);

/// This process's command line, words joined by spaces (a word holding spaces or shell characters
/// between single quotes), credentials redacted (redact_credentials): what is stored or shown as
/// "the command line". Read from /proc/self/cmdline; empty when it cannot be read.
std::string own_command_line();

/// Lower-case, words joined by '-', only [a-z0-9-]: "MPT hash cache!" -> "mpt-hash-cache".
std::string slugify(std::string_view text);

} // namespace zkbench::util
