#pragma once
// Reads one section of the nvidia_gpu_exporter capture (fixtures nvidia/linux-…h100….txt): the text
// between a "# <label>" banner (with its "# $ command" line and ### rules) and the next ### rule.

#include <sstream>
#include <string>

#include "support/fixtures.hpp"

namespace zkbench::test {

inline const char* k_h100_capture = "nvidia/linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.txt";

inline std::string capture_section(const std::string& capture_text, const std::string& label) {
  std::istringstream in(capture_text);
  std::string line;
  bool in_banner = false;
  bool in_body = false;
  std::string body;
  while (std::getline(in, line)) {
    const bool rule = line.rfind("#####", 0) == 0;
    if (in_body) {
      if (rule) {
        break;
      }
      body += line + "\n";
    } else if (line == "# " + label) {
      in_banner = true;
    } else if (in_banner && rule) {
      in_body = true;
    }
  }
  return body;
}

inline std::string h100_section(const std::string& label) {
  return capture_section(read_file(fixture_path(k_h100_capture)), label);
}

} // namespace zkbench::test
