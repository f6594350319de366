#pragma once
// Function-name normalisation for matching functions across profiles, versions and compilers.

#include <string>
#include <string_view>

namespace zkbench::profile {

/// A name reduced to what survives recompilation and --compact-names truncation: Rust hash suffixes
/// ("::h1a2b3c4d5e6f7a8b") removed; generic arguments after an identifier ("Vec<u8>" -> "Vec",
/// "swap::<1, X>" -> "swap::") removed, including an unterminated one cut by truncation; a trailing
/// "…" or ".." removed; a leading qualified-path '<' ("<T as Trait>::f") kept as is.
std::string normalize_function_name(std::string_view name);

/// True when `shorter` looks like `longer` cut at a --compact-names width: `longer` starts with it and
/// it is at least `min_length` characters (short names like "main" are never treated as truncations).
bool is_truncation_of(std::string_view shorter, std::string_view longer, std::size_t min_length = 16);

} // namespace zkbench::profile
