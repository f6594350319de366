#include "util/shared_library.hpp"

#include <map>
#include <mutex>
#include <system_error>

#include <dlfcn.h>

#include <fmt/format.h>

namespace zkbench::util {

Result<SharedLibrary> SharedLibrary::open(const std::string& name_or_path) {
  void* handle = ::dlopen(name_or_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return make_error(fmt::format("cannot load {}: {}", name_or_path, why != nullptr ? why : "unknown reason"));
  }
  return SharedLibrary(handle, name_or_path);
}

Result<SharedLibrary> SharedLibrary::open_first(const std::vector<std::filesystem::path>& candidates) {
  std::string tried;
  for (const auto& path : candidates) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      return open(path.string());
    }
    tried += tried.empty() ? "" : ", ";
    tried += path.string();
  }
  return make_error(fmt::format("not found (looked for {})", tried.empty() ? "nothing" : tried));
}

Result<void*> SharedLibrary::symbol(const char* name) const {
  void* address = ::dlsym(m_handle, name);
  if (address == nullptr) {
    return make_error(fmt::format("{}: no symbol {}", m_name, name));
  }
  return address;
}

void* find_own_symbol(const char* name) {
  void* self = ::dlopen(nullptr, RTLD_NOW);
  return self != nullptr ? ::dlsym(self, name) : nullptr;
}

std::filesystem::path executable_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

Result<void*> module_symbol(const std::string& file, const char* symbol) {
  if (void* own = find_own_symbol(symbol)) {
    return own;
  }
  static std::mutex mutex;
  static std::map<std::string, Result<SharedLibrary>> loaded;
  std::lock_guard lock(mutex);
  auto it = loaded.find(file);
  if (it == loaded.end()) {
    const std::filesystem::path dir = executable_dir();
    std::vector<std::filesystem::path> candidates;
    if (!dir.empty()) {
      candidates.push_back(dir / file);
      candidates.push_back((dir / ZKBENCH_MODULE_DIR_FROM_BIN / file).lexically_normal());
    }
    candidates.push_back(std::filesystem::path(ZKBENCH_MODULE_DIR) / file);
    it = loaded.emplace(file, SharedLibrary::open_first(candidates)).first;
  }
  if (!it->second) {
    return make_error(fmt::format("module {}: {}", file, it->second.error().message));
  }
  return it->second->symbol(symbol);
}

} // namespace zkbench::util
