#include "queue/job_payload.hpp"

#include "util/strings.hpp"
#include "util/text.hpp"

namespace zkbench::queue {

namespace {

constexpr char k_hex_digits[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

} // namespace

nlohmann::json argv_json(const std::vector<std::string>& argv) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& arg : argv) {
    if (util::is_valid_utf8(arg)) {
      out.push_back(arg);
      continue;
    }
    std::string hex;
    hex.reserve(arg.size() * 2);
    for (const char c : arg) {
      const auto byte = static_cast<unsigned char>(c);
      hex += k_hex_digits[byte >> 4];
      hex += k_hex_digits[byte & 0xf];
    }
    out.push_back({{"hex", hex}});
  }
  return out;
}

Result<std::vector<std::string>> argv_from_json(const nlohmann::json& argv) {
  if (!argv.is_array()) {
    return make_error("\"argv\" is not an array");
  }
  std::vector<std::string> out;
  for (const nlohmann::json& arg : argv) {
    if (arg.is_string()) {
      out.push_back(arg.get<std::string>());
      continue;
    }
    const auto hex = arg.is_object() ? arg.find("hex") : arg.end();
    if (hex == arg.end() || !hex->is_string() || hex->get<std::string>().size() % 2 != 0) {
      return make_error("\"argv\" holds " + util::json_text(arg) + ", neither a string nor {\"hex\": <bytes>}");
    }
    const std::string digits = hex->get<std::string>();
    std::string bytes;
    for (std::size_t i = 0; i < digits.size(); i += 2) {
      const int hi = hex_value(digits[i]);
      const int lo = hex_value(digits[i + 1]);
      if (hi < 0 || lo < 0) {
        return make_error("\"argv\" holds a hex argument with '" + util::valid_utf8(digits.substr(i, 2)) +
                          "', not lowercase hex digits");
      }
      bytes += static_cast<char>(hi * 16 + lo);
    }
    out.push_back(std::move(bytes));
  }
  return out;
}

std::string argv_text(const nlohmann::json& argv) {
  const auto decoded = argv_from_json(argv);
  if (!decoded) {
    return util::json_text(argv);
  }
  std::vector<std::string> shown;
  for (const std::string& arg : *decoded) {
    shown.push_back(util::valid_utf8(arg));
  }
  return util::join(shown, " ");
}

} // namespace zkbench::queue
