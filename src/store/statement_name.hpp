#pragma once
// Store errors name the statement that failed instead of printing its whole SQL text.

#include <string>
#include <string_view>

namespace zkbench::store {

/// A statement named by its verb and first table ("INSERT INTO runs", "SELECT FROM experiments",
/// "UPDATE jobs", "CREATE TABLE sessions").
std::string statement_name(std::string_view sql);

} // namespace zkbench::store
