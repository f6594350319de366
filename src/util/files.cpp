#include "util/files.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

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

} // namespace zkbench
