#pragma once
// Patch status of a zkVM guest, read from its Cargo.toml and Cargo.lock (there is no
// `cargo-zisk check-patches`, FORMATS.md). Accelerated crates (sha2, tiny-keccak, k256, bn, …) are
// swapped in through `[patch.crates-io]`; Cargo.lock says what was resolved, and lists patches that
// matched nothing under `[[patch.unused]]`, the usual sign of a version mismatch.
//
// The TOML reading is minimal but correct for these sections: tables and arrays of tables, dotted and
// quoted keys, basic and literal strings, inline tables, multi-line arrays, comments.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace zkbench::provers {

/// One `[patch.<registry>]` entry: `sha2 = { git = "…", tag = "…" }` or `[patch.crates-io.sha2]`.
struct CratePatch {
  std::string registry;                   // "crates-io" or the URL of `[patch."https://…"]`
  std::string name;                       // the key ("sha2-v0-10-8" when `package = "sha2"` renames)
  std::string package;                    // the crate patched (package = … or the key)
  std::map<std::string, std::string> spec; // git, tag, branch, rev, path, version, package
  /// "git https://github.com/sp1-patches/RustCrypto-hashes tag patch-sha2-0.10.8-sp1-4.0.0".
  std::string describe() const;
};

/// One `[[package]]` (or `[[patch.unused]]`) entry of Cargo.lock.
struct LockedPackage {
  std::string name;
  std::string version;
  std::string source; // "registry+https://…", "git+https://…?tag=…#sha"; "" for path crates
};

struct LockFile {
  std::vector<LockedPackage> packages;
  std::vector<LockedPackage> unused_patches;
};

/// The patches of a Cargo.toml. Errors: a line that is not TOML this reader understands, with its
/// line number ("Cargo.toml:12: expected '=' after key").
Result<std::vector<CratePatch>> parse_cargo_patches(std::string_view cargo_toml);
/// The packages of a Cargo.lock. Errors as above.
Result<LockFile> parse_cargo_lock(std::string_view cargo_lock);

enum class PatchState {
  applied,    // Cargo.lock resolved the crate from the patch's git URL or path
  unused,     // listed under [[patch.unused]]: the patch matched no dependency
  not_used,   // the crate is not in the lock at all (no dependency needs it)
  overridden, // the crate resolved, but only from the registry: the patch did not take
};
const char* to_string(PatchState state);

struct PatchStatus {
  CratePatch patch;
  PatchState state = PatchState::not_used;
  std::vector<LockedPackage> resolved; // the lock entries with the patched crate's name
};

/// Matches each patch with what the lock resolved.
std::vector<PatchStatus> patch_status(const std::vector<CratePatch>& patches, const LockFile& lock);

} // namespace zkbench::provers
