#include "util/files.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include <fmt/format.h>

namespace zkbench {

Result<std::string> read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return make_error("cannot read '" + path.string() + "': Is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error("cannot read '" + path.string() + "': " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return make_error("cannot read '" + path.string() + "': read error");
  }
  return text.str();
}

Result<void> write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  const std::filesystem::path temp = path.string() + fmt::format(".tmp.{}", ::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::filesystem::remove(temp, ec);
      return make_error(fmt::format("cannot write '{}'", path.string()));
    }
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    return make_error(fmt::format("cannot write '{}': {}", path.string(), ec.message()));
  }
  return {};
}

} // namespace zkbench
