#pragma once
// Text from outside (names, command lines, command output, metric values, paths) is bytes: these make
// it valid UTF-8 where it is stored or shown. nlohmann::json throws on invalid UTF-8 when it dumps, far
// from where the byte came in; the store (PostgreSQL refuses invalid UTF-8) and every JSON document
// zkbench writes pass through here.

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace zkbench::util {

/// True when `text` is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// `text` with each byte that is not part of a valid UTF-8 sequence replaced by U+FFFD (the
/// replacement character); valid text comes back unchanged.
std::string valid_utf8(std::string_view text);

/// The JSON text of `document` (`indent` as nlohmann's dump: -1 compact); invalid UTF-8 in its strings
/// is replaced by U+FFFD instead of throwing (a store written before the boundaries above, or a value
/// that did not pass through them).
std::string json_text(const nlohmann::json& document, int indent = -1);
std::string json_text(const nlohmann::ordered_json& document, int indent = -1);

} // namespace zkbench::util
