#pragma once
// End-to-end helpers for a zkbench that keeps running (`zkbench serve`, a worker): started in the
// background with its output in a file, the port `serve --port 0` printed, and JSON over real HTTP.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/fixtures.hpp"

namespace zkbench::test {

/// A zkbench started in the background with its output in a file; SIGTERM and reaped when it goes.
class Background {
public:
  Background(const std::filesystem::path& cwd, const std::string& args, const std::filesystem::path& log) : m_log(log) {
    m_pid = ::fork();
    if (m_pid == 0) {
      const std::string command = "exec '" + std::string(ZKBENCH_BINARY) + "' " + args + " >'" + log.string() + "' 2>&1";
      if (::chdir(cwd.c_str()) == 0) {
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      }
      ::_exit(127);
    }
  }
  ~Background() {
    if (m_pid > 0 && !m_reaped) {
      ::kill(m_pid, SIGTERM);
      ::waitpid(m_pid, nullptr, 0);
    }
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  bool running() {
    if (m_reaped) {
      return false;
    }
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_reaped = true;
      m_exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return false;
    }
    return true;
  }
  int wait() {
    while (running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return m_exit;
  }
  std::string output() const { return read_file(m_log); }

private:
  std::filesystem::path m_log;
  pid_t m_pid = -1;
  bool m_reaped = false;
  int m_exit = -1;
};

/// The port `zkbench serve --port 0` printed, waiting up to 20 s for it.
inline int served_port(Background& server) {
  const std::regex address(R"(http://127\.0\.0\.1:(\d+)/)");
  for (int i = 0; i < 400 && server.running(); ++i) {
    std::smatch match;
    const std::string out = server.output();
    if (std::regex_search(out, match, address)) {
      return std::stoi(match[1]);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

/// A socket connected to 127.0.0.1:`port`; -1 when the connection fails.
inline int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline nlohmann::json get_json(httplib::Client& client, const std::string& path, int expected_status = 200) {
  const auto response = client.Get(path);
  EXPECT_TRUE(response) << path;
  if (!response) {
    return nullptr;
  }
  EXPECT_EQ(response->status, expected_status) << path << ": " << response->body;
  return nlohmann::json::parse(response->body, nullptr, false);
}

} // namespace zkbench::test
