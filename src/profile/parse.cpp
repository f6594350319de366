#include "profile/parse.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "profile/callgrind_parser.hpp"
#include "profile/gecko_parser.hpp"
#include "profile/pprof_parser.hpp"
#include "profile/ziskemu_parser.hpp"

namespace zkbench::profile {

namespace {

// The formats, one line each, in the order auto-detection tries them. Binary formats with a magic
// number (pprof, gzip) should come before text formats whose sniffers look for words.
const std::array k_formats = {
    ProfileFormat{"pprof", "pprof protobuf, raw or gzip (RISC Zero RISC0_PPROF_OUT, Go)", &sniff_pprof, &parse_pprof_stream},
    ProfileFormat{"gecko", "Gecko/Firefox Profiler JSON, raw or processed (SP1 TRACE_FILE)", &sniff_gecko, &parse_gecko_stream},
    ProfileFormat{"callgrind", "valgrind --tool=callgrind output (Ir as steps)", &sniff_callgrind, &parse_callgrind_stream},
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

namespace {

/// The format named `format`, or ("auto") the one `head` looks like. Errors name `origin`.
Result<const ProfileFormat*> choose_format(std::string_view format, std::string_view head, std::string_view origin) {
  if (format == "auto") {
    const ProfileFormat* chosen = detect_profile_format(head);
    if (chosen == nullptr) {
      return make_error(fmt::format("'{}' is not a profile zkbench knows (formats: {}); use --format", origin,
                                    known_format_names()));
    }
    return chosen;
  }
  const ProfileFormat* chosen = find_profile_format(format);
  if (chosen == nullptr) {
    return make_error(fmt::format("unknown profile format '{}' (formats: auto, {})", format, known_format_names()));
  }
  return chosen;
}

} // namespace

Result<Profile> parse_profile_file(const std::filesystem::path& path, std::string_view format) {
  const std::string origin = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(fmt::format("cannot open profile '{}': {}", origin, std::strerror(errno)));
  }
  std::string head;
  if (format == "auto") {
    head.resize(k_sniff_bytes);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    in.clear();
    in.seekg(0);
  }
  ZKBENCH_TRY_ASSIGN(chosen, choose_format(format, head, origin));
  return (*chosen)->parse(in, origin);
}

Result<Profile> parse_profile_bytes(std::string_view bytes, std::string_view origin, std::string_view format) {
  ZKBENCH_TRY_ASSIGN(chosen, choose_format(format, bytes.substr(0, k_sniff_bytes), origin));
  std::istringstream in{std::string(bytes)};
  return (*chosen)->parse(in, origin);
}

} // namespace zkbench::profile
