#pragma once
// The registry of profile formats and the one entry point that reads a profile file.
//
// Each format is one row of the table in parse.cpp: its name, a content sniffer and a parser. The
// parsers themselves live one file each (ziskemu_parser.cpp, pprof_parser.cpp, …) and know nothing of
// the registry.

#include <filesystem>
#include <istream>
#include <span>
#include <string_view>

#include "profile/profile.hpp"
#include "util/error.hpp"

namespace zkbench::profile {

/// One profile format.
struct ProfileFormat {
  /// Name used by `--format` ("ziskemu", "pprof", "gecko", "callgrind").
  std::string_view name;
  /// One line for `--help` and error messages.
  std::string_view description;
  /// True when `head` (the first bytes of a file, up to k_sniff_bytes, possibly binary or gzip)
  /// looks like this format. Must not throw; must be cheap.
  bool (*sniff)(std::string_view head);
  /// Parses the whole stream. `origin` names the input in error messages and in Profile::source.origin.
  /// Errors say what and where (origin and line/offset).
  Result<Profile> (*parse)(std::istream& in, std::string_view origin);
};

/// How many leading bytes of a file auto-detection reads for `sniff`.
inline constexpr std::size_t k_sniff_bytes = 64 * 1024;

/// Every known format, in the order auto-detection tries them.
std::span<const ProfileFormat> profile_formats();

/// The format called `name`, nullptr when unknown.
const ProfileFormat* find_profile_format(std::string_view name);

/// The first format whose sniffer accepts `head`, nullptr when none does.
const ProfileFormat* detect_profile_format(std::string_view head);

/// Reads and parses `path`. `format` is a name from profile_formats() or "auto" (detect by content).
/// Errors: the file cannot be opened; unknown format name; auto-detection found no format (the
/// message lists the known ones); the parser's own error.
Result<Profile> parse_profile_file(const std::filesystem::path& path, std::string_view format = "auto");

/// Parses a whole profile held in memory (`bytes`, e.g. read back from the store); `origin` names it in
/// messages. `format` and the errors as parse_profile_file's (without the open).
Result<Profile> parse_profile_bytes(std::string_view bytes, std::string_view origin, std::string_view format = "auto");

} // namespace zkbench::profile
