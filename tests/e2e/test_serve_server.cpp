// The report server over real HTTP on an ephemeral loopback port: files served with their types,
// traversal refused in every spelling, API routes registered by callers, slow and silent clients
// that cannot stall it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "serve/server.hpp"
#include "support/fixtures.hpp"
#include "support/serve_client.hpp"

namespace zkbench::serve {
namespace {

using test::connect_loopback;

void send_text(int fd, const std::string& text) {
  (void)::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
}

/// Sends `request` as raw bytes (no client-side normalisation) and returns the status code.
int raw_status(int port, const std::string& request) {
  const int fd = connect_loopback(port);
  if (fd < 0) {
    return -1;
  }
  send_text(fd, request);
  std::string response(512, '\0');
  const ssize_t n = ::read(fd, response.data(), response.size());
  ::close(fd);
  if (n < 12) {
    return -1;
  }
  return std::stoi(response.substr(9, 3)); // "HTTP/1.1 403 ..."
}

class ServeServer : public ::testing::Test {
protected:
  void SetUp() override {
    std::filesystem::create_directories(m_dir / "report" / "charts");
    test::write_file(m_dir / "report" / "index.html", "<!doctype html><title>r</title>");
    test::write_file(m_dir / "report" / "style.css", "body{}");
    test::write_file(m_dir / "report" / "data.json", "{}");
    test::write_file(m_dir / "report" / "charts" / "trend.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
    test::write_file(m_dir / "secret.txt", "TOP-SECRET");
    std::filesystem::create_symlink(m_dir / "secret.txt", m_dir / "report" / "leak.txt");
    std::filesystem::create_directory_symlink(m_dir.path(), m_dir / "report" / "up");

    auto server = ReportServer::create(m_dir / "report");
    ASSERT_TRUE(server) << server.error().message;
    m_server = std::move(*server);
    m_server->add_api_route(R"(/api/experiments/(\d+))", [](const ApiRequest& request) {
      return ApiResponse{200, {{"id", request.captures.at(1)}, {"q", request.query.count("q") ? request.query.at("q") : ""}}};
    });
    m_server->add_api_route(R"(/api/boom)", [](const ApiRequest&) -> ApiResponse { throw std::runtime_error("x"); });
    const auto port = m_server->bind("127.0.0.1", 0);
    ASSERT_TRUE(port) << port.error().message;
    m_port = *port;
    m_thread = std::thread([this] { m_server->run(); });
  }
  void TearDown() override {
    if (m_server) {
      m_server->stop();
    }
    if (m_thread.joinable()) {
      m_thread.join();
    }
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", m_port);
    c.set_url_encode(false); // send paths exactly as written
    c.set_read_timeout(10, 0);
    return c;
  }

  test::TempDir m_dir;
  std::unique_ptr<ReportServer> m_server;
  std::thread m_thread;
  int m_port = 0;
};

TEST_F(ServeServer, serves_files_with_their_content_types) {
  auto c = client();
  const auto index = c.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->body, "<!doctype html><title>r</title>");
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index->get_header_value("X-Content-Type-Options"), "nosniff");
  const auto svg = c.Get("/charts/trend.svg");
  ASSERT_TRUE(svg);
  EXPECT_EQ(svg->status, 200);
  EXPECT_EQ(svg->get_header_value("Content-Type"), "image/svg+xml");
  EXPECT_EQ(c.Get("/style.css")->get_header_value("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(c.Get("/data.json")->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(c.Get("/charts/")->status, 404); // a folder without index.html
  EXPECT_EQ(c.Get("/absent.html")->status, 404);
}

TEST_F(ServeServer, refuses_every_traversal_spelling) {
  auto c = client();
  for (const char* path : {"/../secret.txt", "/charts/../../secret.txt", "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt",
                           "/charts/%2E%2E/%2E%2E/secret.txt", "/%252e%252e%252fsecret.txt", "/..%2fsecret.txt",
                           "/..%5csecret.txt", "/leak.txt", "/up/secret.txt", "//etc/passwd", "/etc/passwd",
                           "/%2fetc%2fpasswd"}) {
    const auto response = c.Get(path);
    ASSERT_TRUE(response) << path;
    EXPECT_TRUE(response->status == 403 || response->status == 404) << path << " -> " << response->status;
    EXPECT_EQ(response->body.find("TOP-SECRET"), std::string::npos) << path;
  }
}

TEST_F(ServeServer, refuses_raw_traversal_requests) {
  for (const char* target : {"/../secret.txt", "/../../../../etc/passwd", "/%2e%2e/secret.txt"}) {
    const int status = raw_status(m_port, std::string("GET ") + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_TRUE(status == 400 || status == 403 || status == 404) << target << " -> " << status;
  }
  const int absolute = raw_status(m_port, "GET http://127.0.0.1/../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(absolute, 200);
}

TEST_F(ServeServer, api_routes_answer_json) {
  auto c = client();
  const auto experiment = c.Get("/api/experiments/007?q=x");
  ASSERT_TRUE(experiment);
  EXPECT_EQ(experiment->status, 200);
  EXPECT_EQ(experiment->get_header_value("Content-Type"), "application/json");
  const auto body = nlohmann::json::parse(experiment->body);
  EXPECT_EQ(body.at("id"), "007");
  EXPECT_EQ(body.at("q"), "x");
  const auto unknown = c.Get("/api/nothing");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(nlohmann::json::parse(unknown->body).at("error"), "no such API route");
  const auto boom = c.Get("/api/boom");
  ASSERT_TRUE(boom);
  EXPECT_EQ(boom->status, 500);
}

TEST_F(ServeServer, is_read_only) {
  auto c = client();
  const auto posted = c.Post("/index.html", "x", "text/plain");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 405);
  EXPECT_EQ(test::read_file(m_dir / "report" / "index.html"), "<!doctype html><title>r</title>");
}

// 50 clients that send half a request and then one more header line every 2 s (under the read
// timeout, so each keeps its connection) must not stall a normal client: every probe is answered.
TEST_F(ServeServer, fifty_slow_clients_do_not_stall_a_normal_one) {
  constexpr int k_slow = 50;
  constexpr int k_probes = 12;
  std::vector<int> slow;
  for (int i = 0; i < k_slow; ++i) {
    const int fd = connect_loopback(m_port);
    ASSERT_GE(fd, 0) << "slow client " << i << " could not connect";
    send_text(fd, "GET /index.html HTTP/1.1\r\nHost: slow\r\n");
    slow.push_back(fd);
  }
  std::atomic<bool> done{false};
  std::thread drip([&] {
    for (int line = 0; !done; ++line) {
      for (const int fd : slow) {
        send_text(fd, "X-Drip-" + std::to_string(line) + ": x\r\n");
      }
      for (int i = 0; i < 20 && !done; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  });
  int answered = 0;
  for (int probe = 0; probe < k_probes; ++probe) {
    auto c = client();
    c.set_connection_timeout(5, 0);
    c.set_read_timeout(5, 0); // the bound on an answer; an unanswered probe fails after it
    const auto response = c.Get("/data.json");
    answered += response && response->status == 200 ? 1 : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  done = true;
  drip.join();
  for (const int fd : slow) {
    ::close(fd);
  }
  RecordProperty("answered_probes", answered);
  std::printf("slow clients: %d; probes answered: %d of %d\n", k_slow, answered, k_probes);
  EXPECT_EQ(answered, k_probes);
}

// A client that sends half a request and then nothing is disconnected (the read timeout), so an idle
// socket does not keep a thread for good.
TEST_F(ServeServer, a_silent_half_request_is_disconnected) {
  const int fd = connect_loopback(m_port);
  ASSERT_GE(fd, 0);
  send_text(fd, "GET /index.html HTTP/1.1\r\nHost: silent\r\n");
  pollfd polled{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&polled, 1, 60'000), 1) << "the server kept a silent connection open for 60 s";
  char buffer[512];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
  }
  EXPECT_LE(n, 0); // end of file (or reset): the server closed it
  ::close(fd);
}

// The descriptor of this process's socket listening on `port` (127.0.0.1); -1 when there is none.
int listening_socket(int port) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::atoi(entry.path().filename().c_str());
    int accepting = 0;
    socklen_t length = sizeof accepting;
    sockaddr_in address{};
    socklen_t address_length = sizeof address;
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 && accepting == 1 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &address_length) == 0 &&
        address.sin_family == AF_INET && ntohs(address.sin_port) == port) {
      return fd;
    }
  }
  return -1;
}

// An accept() error that httplib does not retry (here EINVAL: the listening socket shut down under
// it; in use ECONNABORTED or ENOBUFS) made it close the socket and return, and the server process
// lived on refusing every connection. The server listens again on the same port.
TEST_F(ServeServer, listens_again_on_the_same_port_when_its_socket_fails) {
  auto c = client();
  const auto before = c.Get("/data.json");
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 200);
  const int fd = listening_socket(m_port);
  ASSERT_GE(fd, 0) << "no socket of this process listens on port " << m_port;
  ASSERT_EQ(::shutdown(fd, SHUT_RDWR), 0) << std::strerror(errno);
  bool answered = false;
  for (int i = 0; i < 100 && !answered; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto again = client();
    again.set_connection_timeout(1, 0);
    const auto response = again.Get("/data.json");
    answered = response && response->status == 200;
  }
  EXPECT_TRUE(answered) << "the server no longer answers on port " << m_port;
  EXPECT_GE(listening_socket(m_port), 0);
}

TEST(ServeServerSetup, refuses_a_missing_folder_and_a_taken_port) {
  test::TempDir dir;
  EXPECT_FALSE(ReportServer::create(dir / "absent"));
  auto first = ReportServer::create(dir.path());
  auto second = ReportServer::create(dir.path());
  ASSERT_TRUE(first && second);
  const auto port = (*first)->bind("127.0.0.1", 0);
  ASSERT_TRUE(port);
  const auto taken = (*second)->bind("127.0.0.1", *port);
  ASSERT_FALSE(taken);
  EXPECT_NE(taken.error().message.find(std::to_string(*port)), std::string::npos);
  (*first)->stop(); // before run(): run() must then return at once
  (*first)->run();
}

} // namespace
} // namespace zkbench::serve
