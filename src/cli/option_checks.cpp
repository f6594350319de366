#include "cli/option_checks.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace zkbench::cli {

CLI::Validator whole_number(std::uint64_t max) {
  return CLI::Validator(
      [max](std::string& value) -> std::string {
        std::uint64_t parsed = 0;
        const char* end = value.data() + value.size();
        const auto [ptr, ec] = std::from_chars(value.data(), end, parsed);
        const bool digits = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
        if (digits && ec == std::errc() && ptr == end && parsed <= max) {
          return {};
        }
        return fmt::format("expected a whole number from 0 to {}, got '{}'", max, value);
      },
      "NUM");
}

CLI::Validator finite_seconds(bool allow_zero) {
  return CLI::Validator(
      [allow_zero](std::string& value) -> std::string {
        char* end = nullptr;
        const double parsed = std::strtod(value.c_str(), &end);
        const bool number = !value.empty() && end == value.c_str() + value.size();
        if (number && std::isfinite(parsed) && (allow_zero ? parsed >= 0 : parsed > 0)) {
          return {};
        }
        return fmt::format("expected a finite number of seconds {} 0, got '{}'", allow_zero ? ">=" : ">", value);
      },
      "SECS");
}

} // namespace zkbench::cli
