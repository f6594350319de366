#include "report/exporter.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include "util/new_files.hpp"

namespace zkbench::report {

std::unique_ptr<Exporter> make_exporter(ExportFormat format, TableOrder order) {
  switch (format) {
  case ExportFormat::json:
    return make_json_exporter();
  case ExportFormat::csv:
    return make_csv_exporter();
  case ExportFormat::markdown:
    return make_markdown_exporter(order);
  case ExportFormat::asciidoc:
    return make_asciidoc_exporter(order);
  case ExportFormat::orgmode:
    return make_orgmode_exporter(order);
  }
  return make_json_exporter();
}

Result<void> check_writable(const std::filesystem::path& path) {
  // Open for append so an existing file is not truncated before the benchmark has produced anything.
  std::ofstream out(path, std::ios::binary | std::ios::app);
  if (!out) {
    return make_error(fmt::format("cannot write '{}': {}", path.string(), std::strerror(errno)));
  }
  return {};
}

Result<void> write_text_file(const std::filesystem::path& path, const std::string& text) {
  return util::write_file(path, text);
}

} // namespace zkbench::report
