#pragma once
// The zkbench arguments a job of kind "command" (or a Slurm job) runs, as its JSON payload holds them:
// {"argv": [...]}. JSON holds only UTF-8 while a command line is bytes (a file name in Latin-1, a byte the
// user typed), and the job must run exactly what was submitted: an argument that is valid UTF-8 is a
// string, any other is {"hex": "<its bytes in hex>"}.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace zkbench::queue {

/// The arguments as the payload's "argv" array.
nlohmann::json argv_json(const std::vector<std::string>& argv);

/// The arguments back, byte for byte. Errors: not an array, an element neither a string nor {"hex"}.
Result<std::vector<std::string>> argv_from_json(const nlohmann::json& argv);

/// The arguments for a table or a page: joined by spaces, bytes that are not UTF-8 shown as U+FFFD.
std::string argv_text(const nlohmann::json& argv);

} // namespace zkbench::queue
