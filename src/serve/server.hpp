#pragma once
// An HTTP server for a report folder (cpp-httplib): static files that cannot escape the folder
// (paths.hpp), plus JSON API routes that the live dashboard registers (/api/status, ...).
// Only GET and HEAD are answered; everything is read-only.

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace zkbench::serve {

/// What an API handler sees: the regex captures of its route (captures[0] is the whole path) and
/// the query parameters.
struct ApiRequest {
  std::vector<std::string> captures;
  std::map<std::string, std::string> query;
};

/// What an API handler returns: an HTTP status and a JSON body.
struct ApiResponse {
  int status = 200;
  nlohmann::json body;
};

/// Handles one API route. Called on a server thread, concurrently with other requests: it must be
/// thread-safe. An exception it throws becomes HTTP 500 {"error": "internal error"}.
using ApiHandler = std::function<ApiResponse(const ApiRequest&)>;

/// The server. cpp-httplib (and OpenSSL, which it initializes when loaded) lives in the module
/// zkbench-http.so (server.cpp), loaded by create() on first use, so only `serve` pays for it.
class ReportServer {
public:
  /// A server for `root` (made canonical). Fails when `root` is not an existing folder, or when the
  /// HTTP module cannot be loaded (util::module_symbol's message).
  static Result<std::unique_ptr<ReportServer>> create(const std::filesystem::path& root);
  virtual ~ReportServer() = default;
  ReportServer(const ReportServer&) = delete;
  ReportServer& operator=(const ReportServer&) = delete;

  /// Adds a JSON route for GET requests whose path fully matches `pattern` (ECMAScript regex; it must
  /// start with "/api/", e.g. R"(/api/experiments/(\d+))"). Earlier routes win. Call before bind().
  /// Unmatched /api/ paths answer 404 {"error": "no such API route"}.
  virtual void add_api_route(const std::string& pattern, ApiHandler handler) = 0;

  /// Binds `host` ("127.0.0.1", "0.0.0.0", "::1") on `port` (0 picks a free one). Returns the port.
  /// Fails with a message naming host and port when binding fails.
  virtual Result<int> bind(const std::string& host, int port) = 0;

  /// Serves until stop() is called (from any thread). Call after a successful bind().
  virtual void run() = 0;

  /// Stops run(); safe from any thread, and before run() starts.
  virtual void stop() = 0;

  const std::filesystem::path& root() const { return m_root; }

protected:
  explicit ReportServer(std::filesystem::path root) : m_root(std::move(root)) {}

private:
  std::filesystem::path m_root;
};

} // namespace zkbench::serve

/// The HTTP module's entry point (server.cpp, C linkage for dlsym): a server for the canonical folder
/// `*root` into `*out`.
extern "C" void zkbench_http_create_server(const std::filesystem::path* root,
                                           std::unique_ptr<zkbench::serve::ReportServer>* out);
