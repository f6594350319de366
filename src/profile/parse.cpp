#include "profile/parse.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "profile/ziskemu_parser.hpp"

namespace zkbench::profile {

namespace {

// The formats, one line each, in the order auto-detection tries them. Binary formats with a magic
// number (pprof, gzip) should come before text formats whose sniffers look for words.
const std::array k_formats = {
    ProfileFormat{"ziskemu", "ziskemu -X/-S/-D text report (ZisK)", &sniff_ziskemu, &parse_ziskemu_stream},
};

std::string known_format_names() {
  std::string names;
  for (const ProfileFormat& format : k_formats) {
    names += names.empty() ? "" : ", ";
    names += format.name;
  }
  return names;
}

} // namespace

std::span<const ProfileFormat> profile_formats() {
  return k_formats;
}

const ProfileFormat* find_profile_format(std::string_view name) {
  for (const ProfileFormat& format : k_formats) {
    if (format.name == name) {
      return &format;
    }
  }
  return nullptr;
}

const ProfileFormat* detect_profile_format(std::string_view head) {
  for (const ProfileFormat& format : k_formats) {
    if (format.sniff(head)) {
      return &format;
    }
  }
  return nullptr;
}

Result<Profile> parse_profile_file(const std::filesystem::path& path, std::string_view format) {
  const std::string origin = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(fmt::format("cannot open profile '{}': {}", origin, std::strerror(errno)));
  }
  const ProfileFormat* chosen = nullptr;
  if (format == "auto") {
    std::string head(k_sniff_bytes, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    chosen = detect_profile_format(head);
    if (chosen == nullptr) {
      return make_error(fmt::format("'{}' is not a profile zkbench knows (formats: {}); use --format",
                                    origin, known_format_names()));
    }
    in.clear();
    in.seekg(0);
  } else {
    chosen = find_profile_format(format);
    if (chosen == nullptr) {
      return make_error(
          fmt::format("unknown profile format '{}' (formats: auto, {})", format, known_format_names()));
    }
  }
  return chosen->parse(in, origin);
}

} // namespace zkbench::profile
