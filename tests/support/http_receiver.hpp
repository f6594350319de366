#pragma once
// A real HTTP receiver on 127.0.0.1 (cpp-httplib server on an ephemeral port, in a thread) for the
// notification tests: records every POST body, answers a chosen status, or hangs until released.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

namespace zkbench::test {

class HttpReceiver {
public:
  /// Starts serving at once; every POST to any path is recorded and answered with `status`.
  explicit HttpReceiver(int status = 200) : m_status(status) {
    m_server.Post(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::unique_lock lock(m_mutex);
      m_bodies.push_back(req.body);
      m_paths.push_back(req.path);
      m_content_types.push_back(req.get_header_value("Content-Type"));
      m_changed.notify_all();
      // Hang (bounded, so a broken test cannot hang forever) until release() or destruction.
      m_changed.wait_for(lock, std::chrono::seconds(60), [this] { return !m_hang; });
      res.status = m_status;
      res.set_content("ok", "text/plain");
    });
    m_port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    // bind_to_any_port already listens, so early requests queue; stop() needs the loop running.
    while (!m_server.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  ~HttpReceiver() {
    release();
    m_server.stop();
    m_thread.join();
  }
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  /// From now on, requests wait inside the handler until release().
  void hang() {
    std::lock_guard lock(m_mutex);
    m_hang = true;
  }
  void release() {
    {
      std::lock_guard lock(m_mutex);
      m_hang = false;
    }
    m_changed.notify_all();
  }

  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
  }
  int port() const { return m_port; }

  /// Waits (up to `timeout`) until at least `count` requests have arrived; returns how many did.
  std::size_t wait_for_requests(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, timeout, [&] { return m_bodies.size() >= count; });
    return m_bodies.size();
  }

  std::vector<std::string> bodies() const {
    std::lock_guard lock(m_mutex);
    return m_bodies;
  }
  std::vector<std::string> content_types() const {
    std::lock_guard lock(m_mutex);
    return m_content_types;
  }

private:
  httplib::Server m_server;
  int m_status;
  int m_port = -1;
  bool m_hang = false;
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  std::vector<std::string> m_bodies;
  std::vector<std::string> m_paths;
  std::vector<std::string> m_content_types;
  std::thread m_thread;
};

} // namespace zkbench::test
