#pragma once
// Libraries loaded at run time (dlopen), so a command that needs neither PostgreSQL nor HTTP does not
// pay for loading libpq, libcurl and what they pull (OpenSSL, Kerberos, LDAP) at every start.

#include <filesystem>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace zkbench::util {

/// One library opened with dlopen(RTLD_NOW | RTLD_LOCAL). Move-only. Never closed: code and data of
/// a loaded library may be referenced until the process ends (atexit handlers, thread-local state).
class SharedLibrary {
public:
  /// Opens `name_or_path` (a soname such as "libcurl.so.4", searched as the dynamic linker does, or a
  /// path). Error: "cannot load <name_or_path>: <dlerror>".
  static Result<SharedLibrary> open(const std::string& name_or_path);

  /// Opens the first of `candidates` that exists; when none does, the error lists every path tried.
  static Result<SharedLibrary> open_first(const std::vector<std::filesystem::path>& candidates);

  /// The address of `name`. Error: "<library>: no symbol <name>".
  Result<void*> symbol(const char* name) const;

  const std::string& name() const { return m_name; }

private:
  SharedLibrary(void* handle, std::string name) : m_handle(handle), m_name(std::move(name)) {}

  void* m_handle = nullptr;
  std::string m_name;
};

/// The address of `name` when the running program itself defines and exports it (a test program that
/// links a module's code statically), else nullptr.
void* find_own_symbol(const char* name);

/// The folder of the running executable (/proc/self/exe), empty when it cannot be read.
std::filesystem::path executable_dir();

/// The address of `symbol` in zkbench's module `file` ("zkbench-postgresql.so"): the running program's
/// own export when it links the module's code itself (the tests), else the module's, loaded once from
/// next to the executable (the build tree), from the install layout relative to the executable (a
/// relocated or DESTDIR install), or from the configured install folder. Thread-safe. Error: the
/// module is missing (every path tried) or cannot be loaded (dlerror), or lacks the symbol.
Result<void*> module_symbol(const std::string& file, const char* symbol);

} // namespace zkbench::util
