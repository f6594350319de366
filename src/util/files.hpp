#pragma once
// Reading whole files.

#include <filesystem>
#include <string>

#include "util/error.hpp"

namespace zkbench {

/// The bytes of `path`. Error: "cannot read '<path>': <reason>" when it cannot be opened or read.
Result<std::string> read_text_file(const std::filesystem::path& path);

} // namespace zkbench
