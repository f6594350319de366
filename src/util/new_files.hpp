#pragma once
// Writing files where others may write too (a store in /tmp, its artifacts, logs): created new, never
// through a symlink, and every failure with its reason. Implemented in files.cpp beside
// write_file_atomically, which creates its temporary file with open_new_file.

#include <filesystem>
#include <string>

#include "util/error.hpp"

namespace zkbench::util {

/// Writes `text` to `path` in place (created 0644, or truncated: a path the user named, /dev/stdout
/// included). Error: "cannot write '<path>': <reason>" ("No space left on device").
Result<void> write_file(const std::filesystem::path& path, const std::string& text);

/// Creates `path` as a new file for writing (`mode` before the umask) and returns its descriptor
/// (close-on-exec), never following a symlink: whatever sits at `path` (an old file, a symlink planted
/// in a shared folder) is unlinked first, then the file is created with O_CREAT | O_EXCL | O_NOFOLLOW, so
/// a symlink planted in between makes it fail (EEXIST) instead of writing through it. -1 and errno on
/// failure.
int open_new_file(const std::filesystem::path& path, int mode);

/// Creates `base` (and its parents) as create_directories does, then each folder of `relative` below it,
/// refusing `base` and every folder below it that is a symlink or not a folder: a symlink planted there
/// (in a shared folder such as /tmp) would send zkbench's files elsewhere. Returns base / relative.
Result<std::filesystem::path> create_directories_below(const std::filesystem::path& base,
                                                       const std::filesystem::path& relative);

} // namespace zkbench::util
