// ReportServer::create: checks the folder, then asks the HTTP module (zkbench-http.so, server.cpp)
// for the server, so cpp-httplib and OpenSSL load only when something is served.
#include <system_error>

#include <fmt/format.h>

#include "serve/server.hpp"
#include "util/shared_library.hpp"

namespace zkbench::serve {

Result<std::unique_ptr<ReportServer>> ReportServer::create(const std::filesystem::path& root) {
  std::error_code ec;
  const std::filesystem::path canonical = std::filesystem::canonical(root, ec);
  if (ec) {
    return make_error(fmt::format("cannot serve '{}': {}", root.string(), ec.message()));
  }
  if (!std::filesystem::is_directory(canonical, ec)) {
    return make_error(fmt::format("cannot serve '{}': not a folder", root.string()));
  }
  ZKBENCH_TRY_ASSIGN(
      entry, with_context(util::module_symbol("zkbench-http.so", "zkbench_http_create_server"),
                          fmt::format("cannot serve '{}': HTTP support is not available", root.string())));
  std::unique_ptr<ReportServer> server;
  reinterpret_cast<decltype(&zkbench_http_create_server)>(*entry)(&canonical, &server);
  return server;
}

} // namespace zkbench::serve
