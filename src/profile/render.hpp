#pragma once
// Text and JSON renderings of profiles, diffs and projections for `zkbench profile` and `zkbench
// project`. Pure: they return strings / JSON values; the cli prints them.

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "profile/diff.hpp"
#include "profile/profile.hpp"
#include "profile/projection.hpp"
#include "profile/targets.hpp"

namespace zkbench::profile {

/// `profile show`: totals, cost distribution, top `top` functions by each metric present (with calls and
/// per-call figures; inclusive and exclusive columns where the source has them), opcode costs, flagged
/// targets and notes.
std::string render_profile(const Profile& profile, const std::vector<TargetFinding>& targets, std::size_t top);

/// `profile diff`: totals, categories, the `top` largest function changes, memcpy, notes, closing line.
std::string render_diff(const ProfileDiff& diff, std::string_view base_label, std::string_view current_label,
                        std::size_t top);

/// `project`: per-hypothesis savings, the cumulative projection, target resolution and, when `gaps` is
/// not empty, the projected-versus-measured table.
std::string render_projection(const Projection& projection, const std::vector<GapRow>& gaps);

/// Every function in source order (not only the top ones), figures null where absent.
nlohmann::json to_json(const Profile& profile, const std::vector<TargetFinding>& targets);
/// The `top` largest function changes (0 = all).
nlohmann::json to_json(const ProfileDiff& diff, std::size_t top);
nlohmann::json to_json(const Projection& projection, const std::vector<GapRow>& gaps);

} // namespace zkbench::profile
