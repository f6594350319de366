#pragma once
// Reading and writing whole files.

#include <filesystem>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace zkbench::util {

/// The bytes of `path`. Error: "cannot read '<path>': <reason>" when it cannot be opened or read.
Result<std::string> read_text_file(const std::filesystem::path& path);

/// Writes `text` to `path` through a temporary file in the same folder and a rename, so a reader (or a
/// zkbench killed midway) never sees a half-written file. Creates the folder. The temporary file is
/// created new (util/new_files.hpp's open_new_file), and the rename replaces a symlink at `path` rather
/// than writing through it. Error names the path and the reason ("No space left on device").
Result<void> write_file_atomically(const std::filesystem::path& path, const std::string& text);

/// The subfolders of `dir` named by `digits` decimal digits ("001" for 3), sorted; none when `dir` cannot be
/// read (missing).
std::vector<std::filesystem::path> numbered_subfolders(const std::filesystem::path& dir, std::size_t digits);

} // namespace zkbench::util
