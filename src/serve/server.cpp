#include "serve/server.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <sys/socket.h>

#include <fmt/format.h>
#include <httplib.h>

#include "serve/paths.hpp"
#include "util/text.hpp"

namespace zkbench::serve {

namespace {

// Connection threads: a connection holds its thread while it is open (httplib 0.11 has no event loop
// and no per-request deadline), so idle or slow sockets must not take every thread. The pool grows, one
// thread per waiting connection, up to k_max_threads; beyond that connections wait in the queue (and
// the kernel's backlog). 256 was too few: 300 idle sockets kept a normal client waiting 4.5 s, and 300
// slowloris clients (a header line every 2 s, under the read timeout) timed it out. A thread that
// waits costs a few pages; the descriptor limit is raised to match (raise_descriptor_limit).
constexpr std::size_t k_min_threads = 8;
constexpr std::size_t k_max_threads = 4096;
// A connection that sends nothing for this long (mid-request or between keep-alive requests) is
// closed; a reader that takes nothing for this long too.
constexpr time_t k_read_timeout_s = 5;
constexpr time_t k_write_timeout_s = 10;
constexpr time_t k_keep_alive_timeout_s = 5;
constexpr std::size_t k_keep_alive_max_requests = 100;
// httplib listens with a backlog of 5 (compiled into the library): listen() again with this one.
constexpr int k_listen_backlog = 1024;

/// httplib's TaskQueue with threads started on demand (never more than k_max_threads) instead of a
/// fixed pool of eight; idle threads wait on a condition variable until shutdown().
class ElasticPool : public httplib::TaskQueue {
public:
  ElasticPool() {
    std::lock_guard lock(m_mutex);
    while (m_threads.size() < k_min_threads) {
      start_thread();
    }
  }
  ElasticPool(const ElasticPool&) = delete;
  ElasticPool& operator=(const ElasticPool&) = delete;
  ~ElasticPool() override = default;

  void enqueue(std::function<void()> task) override {
    {
      std::lock_guard lock(m_mutex);
      m_tasks.push_back(std::move(task));
      if (m_idle < m_tasks.size() && m_threads.size() < k_max_threads) {
        start_thread();
      }
    }
    m_wake.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard lock(m_mutex);
      m_shutdown = true;
    }
    m_wake.notify_all();
    for (std::thread& thread : m_threads) { // no thread starts after m_shutdown
      thread.join();
    }
  }

private:
  void start_thread() { // m_mutex held
    ++m_idle;
    m_threads.emplace_back([this] { work(); });
  }

  void work() {
    std::unique_lock lock(m_mutex);
    for (;;) {
      m_wake.wait(lock, [this] { return m_shutdown || !m_tasks.empty(); });
      if (m_tasks.empty()) {
        return; // shutdown, and nothing left to serve
      }
      std::function<void()> task = std::move(m_tasks.front());
      m_tasks.pop_front();
      --m_idle;
      lock.unlock();
      task();
      lock.lock();
      ++m_idle;
    }
  }

  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<std::function<void()>> m_tasks;
  std::vector<std::thread> m_threads;
  std::size_t m_idle = 0;
  bool m_shutdown = false;
};


/// Raises the soft limit of open descriptors towards the hard one (Debian's soft default is 1024), so
/// accept() keeps up with k_max_threads connections instead of failing with EMFILE.
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, k_max_threads + 1024);
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void set_common_headers(httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Cache-Control", "no-cache");
  res.set_header("Referrer-Policy", "no-referrer");
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(util::json_text(body), "application/json");
  set_common_headers(res);
}

void send_text(httplib::Response& res, int status, const std::string& text) {
  res.status = status;
  res.set_content(text, "text/plain; charset=utf-8");
  set_common_headers(res);
}

class HttplibServer final : public ReportServer {
public:
  explicit HttplibServer(std::filesystem::path root) : ReportServer(std::move(root)) {}
  void add_api_route(const std::string& pattern, ApiHandler handler) override;
  Result<int> bind(const std::string& host, int port) override;
  void run() override;
  void stop() override;

private:
  httplib::Server m_http;
  // Binds host:port (0: a free port) and raises the backlog of the socket it listens on. Returns the
  // port, -1 when binding failed.
  int bind_listening(const std::string& host, int port);

  socket_t m_listening = INVALID_SOCKET; // the listening socket, to raise httplib's backlog of 5
  std::string m_host;                    // where bind() bound it: run() binds there again after a failure
  int m_port = 0;
  std::mutex m_mutex;
  bool m_stop_requested = false;
  bool m_running = false;
};

} // namespace

void HttplibServer::add_api_route(const std::string& pattern, ApiHandler handler) {
  m_http.Get(pattern, [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    ApiRequest request;
    for (const auto& match : req.matches) {
      request.captures.push_back(match.str());
    }
    for (const auto& [key, value] : req.params) {
      request.query.emplace(key, value);
    }
    try {
      const ApiResponse response = handler(request);
      send_json(res, response.status, response.body);
    } catch (const std::exception&) {
      send_json(res, 500, {{"error", "internal error"}});
    }
  });
}

Result<int> HttplibServer::bind(const std::string& host, int port) {
  httplib::Server& http = m_http;
  http.Get(R"(/api/.*)", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 404, {{"error", "no such API route"}});
  });
  // The catch-all for files, registered last so API routes win. req.path arrives percent-decoded
  // once; resolve_under never decodes again, so double-encoded traversal stays a literal name.
  http.Get(R"(/.*)", [root = root()](const httplib::Request& req, httplib::Response& res) {
    const auto file = resolve_under(root, req.path);
    if (!file) {
      const bool forbidden = file.error() == PathRefusal::forbidden;
      send_text(res, forbidden ? 403 : 404, forbidden ? "forbidden\n" : "not found\n");
      return;
    }
    std::ifstream in(*file, std::ios::binary);
    if (!in) {
      send_text(res, 404, "not found\n");
      return;
    }
    std::ostringstream content;
    content << in.rdbuf();
    res.status = 200;
    res.set_content(content.str(), content_type_for(*file));
    set_common_headers(res);
  });
  const auto refuse = [](const httplib::Request&, httplib::Response& res) { send_text(res, 405, "read-only\n"); };
  http.Post(R"(/.*)", refuse);
  http.Put(R"(/.*)", refuse);
  http.Delete(R"(/.*)", refuse);
  http.Patch(R"(/.*)", refuse);

  // httplib's default sets SO_REUSEPORT, which lets a second server bind the same port silently and
  // share its traffic; SO_REUSEADDR alone allows a quick restart but refuses a port in use.
  http.set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    m_listening = sock;
  });
  // Slow or idle clients cannot hold the server (a dashboard on --bind 0.0.0.0 faces the network).
  http.new_task_queue = [] { return new ElasticPool(); };
  raise_descriptor_limit();
  http.set_read_timeout(k_read_timeout_s, 0);
  http.set_write_timeout(k_write_timeout_s, 0);
  http.set_keep_alive_timeout(k_keep_alive_timeout_s);
  http.set_keep_alive_max_count(k_keep_alive_max_requests);
  // Small answers (the JSON API) go out as headers then body; with Nagle's algorithm the body waits for
  // the client's delayed ACK (~40 ms each), which capped /api/* at ~40 requests/s per connection.
  http.set_tcp_nodelay(true);
  const int bound = bind_listening(host, port);
  if (bound < 0) {
    return make_error(fmt::format("cannot listen on {}:{} (address in use, or not an address of this machine)",
                                  host, port));
  }
  m_host = host;
  m_port = bound;
  return bound;
}

int HttplibServer::bind_listening(const std::string& host, int port) {
  const int bound = port == 0 ? m_http.bind_to_any_port(host) : (m_http.bind_to_port(host, port) ? port : -1);
  if (bound >= 0 && m_listening != INVALID_SOCKET && ::listen(m_listening, k_listen_backlog) != 0) {
    // ignored: the socket keeps listening with httplib's backlog of 5
  }
  return bound;
}

void HttplibServer::run() {
  for (;;) {
    {
      std::lock_guard lock(m_mutex);
      if (m_stop_requested) {
        return;
      }
      m_running = true;
    }
    // True once stop() closed the socket. False when accept() failed with an error httplib 0.11 does
    // not retry (anything but EMFILE: ECONNABORTED, EINTR, ENOBUFS, EPROTO): it has closed the socket
    // and returned, and `zkbench serve` would live on answering nothing (connections refused).
    const bool stopped = m_http.listen_after_bind();
    const int error = errno;
    {
      std::lock_guard lock(m_mutex);
      m_running = false;
      if (stopped || m_stop_requested) {
        return;
      }
    }
    fmt::print(stderr, "warning: the server stopped accepting connections ({}); listening again on {}:{}\n",
               std::strerror(error), m_host, m_port);
    std::fflush(stderr);
    // The same port (SO_REUSEADDR): the dashboard's address stays the one printed. Retried while
    // another process holds it for a moment, until stop().
    for (int attempt = 0; bind_listening(m_host, m_port) < 0; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1000, 50 << std::min(attempt, 5))));
      std::lock_guard lock(m_mutex);
      if (m_stop_requested) {
        return;
      }
    }
  }
}

void HttplibServer::stop() {
  bool running = false;
  {
    std::lock_guard lock(m_mutex);
    m_stop_requested = true;
    running = m_running;
  }
  if (!running) {
    return; // run() will see stop_requested and return at once
  }
  // httplib's stop() does nothing until listen_after_bind() has marked itself running, and run()
  // may be a moment away from that: wait for it (briefly) so that the stop is not lost.
  for (int i = 0; i < 2000 && !m_http.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  m_http.stop();
}

} // namespace zkbench::serve

// The module's entry point (server_module.cpp's ReportServer::create): a server for the canonical
// folder `*root`.
extern "C" void zkbench_http_create_server(const std::filesystem::path* root,
                                           std::unique_ptr<zkbench::serve::ReportServer>* out) {
  *out = std::make_unique<zkbench::serve::HttplibServer>(*root);
}
