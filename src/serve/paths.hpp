#pragma once
// Mapping a request path to a file inside the served folder, refusing everything that would leave it.
// Pure apart from resolving symlinks (weakly_canonical reads the file system).

#include <filesystem>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace zkbench::serve {

/// Why a path was not mapped to a file.
enum class PathRefusal {
  forbidden, // leaves the folder: `..` segment, NUL, backslash, a symlink pointing outside -> HTTP 403
  not_found, // inside the folder but nothing there -> HTTP 404
};

/// The file that `request_path` (already percent-decoded once, as the HTTP server hands it; it is
/// not decoded again, so "%2e%2e" stays a literal file name) names under `root`, which must be
/// canonical (see std::filesystem::canonical). A folder maps to its index.html. Refuses with
/// `forbidden` any path with a `..` segment, a NUL or a backslash, and any path whose resolved form
/// (symlinks followed) is not under `root`; `not_found` when the resolved file does not exist or is
/// not a regular file.
tl::expected<std::filesystem::path, PathRefusal> resolve_under(const std::filesystem::path& root,
                                                               std::string_view request_path);

/// The Content-Type for a file name by its extension ("text/html; charset=utf-8", "image/svg+xml",
/// ...); "application/octet-stream" for unknown ones.
std::string content_type_for(const std::filesystem::path& file);

} // namespace zkbench::serve
