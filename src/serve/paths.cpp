#include "serve/paths.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "util/strings.hpp"

namespace zkbench::serve {

namespace {

bool is_under(const std::filesystem::path& root, const std::filesystem::path& candidate) {
  // Compare whole components, so that /srv/report-old is not "under" /srv/report.
  auto r = root.begin();
  auto c = candidate.begin();
  for (; r != root.end(); ++r, ++c) {
    if (c == candidate.end() || *r != *c) {
      return false;
    }
  }
  return true;
}

} // namespace

tl::expected<std::filesystem::path, PathRefusal> resolve_under(const std::filesystem::path& root,
                                                               std::string_view request_path) {
  if (request_path.find('\0') != std::string_view::npos || request_path.find('\\') != std::string_view::npos) {
    return tl::unexpected(PathRefusal::forbidden);
  }
  std::filesystem::path relative;
  for (const std::string& segment : util::split(request_path, '/')) {
    if (segment == "..") {
      return tl::unexpected(PathRefusal::forbidden);
    }
    if (segment.empty() || segment == ".") {
      continue; // "//" and "/./" add nothing; a leading "/" never makes the path absolute
    }
    relative /= segment;
  }

  std::error_code ec;
  std::filesystem::path resolved = std::filesystem::weakly_canonical(root / relative, ec);
  if (ec) {
    return tl::unexpected(PathRefusal::not_found);
  }
  if (!is_under(root, resolved)) {
    return tl::unexpected(PathRefusal::forbidden);
  }
  if (std::filesystem::is_directory(resolved, ec)) {
    resolved = std::filesystem::weakly_canonical(resolved / "index.html", ec);
    if (ec || !is_under(root, resolved)) {
      return tl::unexpected(ec ? PathRefusal::not_found : PathRefusal::forbidden);
    }
  }
  if (!std::filesystem::is_regular_file(resolved, ec)) {
    return tl::unexpected(PathRefusal::not_found);
  }
  return resolved;
}

std::string content_type_for(const std::filesystem::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> k_types = {{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".md", "text/markdown; charset=utf-8"},
      {".csv", "text/csv; charset=utf-8"},
  }};
  std::string extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  for (const auto& [suffix, type] : k_types) {
    if (extension == suffix) {
      return std::string(type);
    }
  }
  return "application/octet-stream";
}

} // namespace zkbench::serve
