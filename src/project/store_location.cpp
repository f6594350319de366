#include "project/store_location.hpp"

#include <cstdlib>

#include "project/config.hpp"
#include "store/store.hpp"

namespace zkbench::project {

std::string store_location(const std::string& option, const std::optional<std::string>& configured,
                           const std::filesystem::path& project_dir) {
  if (!option.empty()) {
    return option;
  }
  if (const char* env = std::getenv("ZKBENCH_STORE"); env != nullptr && *env != '\0') {
    return env;
  }
  if (configured && !configured->empty()) {
    if (store::is_postgresql_url(*configured) || std::filesystem::path(*configured).is_absolute()) {
      return *configured;
    }
    return (project_dir / *configured).lexically_normal().string();
  }
  return store::default_store_path(project_dir).string();
}

Result<std::string> find_store_location(const std::string& option, const std::filesystem::path& config_path) {
  const std::filesystem::path absolute = std::filesystem::absolute(config_path).lexically_normal();
  std::error_code ec;
  if (!option.empty() || !std::filesystem::exists(absolute, ec)) {
    return store_location(option, std::nullopt, absolute.parent_path());
  }
  ZKBENCH_TRY_ASSIGN(config, load_config(absolute, config_path.filename().string()));
  return store_location(option, config->store, config->root);
}

} // namespace zkbench::project
