#include "project/status_file.hpp"

#include <fstream>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include <nlohmann/json.hpp>

#include "util/clock.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

namespace zkbench::project {

std::int64_t now_us() {
  return util::unix_now_us();
}

std::filesystem::path status_path(const std::filesystem::path& root) {
  return root / ".zkbench" / "status.json";
}

std::string format_status_json(const StatusInfo& s) {
  nlohmann::ordered_json j = {{"pid", s.pid},           {"command", s.command},
                              {"phase", s.phase},       {"input", s.input},
                              {"input_index", s.input_index}, {"input_count", s.input_count},
                              {"run", s.run},           {"runs", s.runs},
                              {"started_at_us", s.started_at_us}, {"updated_at_us", s.updated_at_us},
                              {"eta_s", s.eta_s ? nlohmann::ordered_json(*s.eta_s) : nlohmann::ordered_json()},
                              {"log", s.log},           {"waiting", s.waiting}};
  return util::json_text(j, 2) + "\n";
}

Result<StatusInfo> parse_status_json(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    StatusInfo s;
    s.pid = j.value("pid", 0);
    s.command = j.value("command", "");
    s.phase = j.value("phase", "");
    s.input = j.value("input", "");
    s.input_index = j.value("input_index", 0);
    s.input_count = j.value("input_count", 0);
    s.run = j.value("run", 0);
    s.runs = j.value("runs", 0);
    s.started_at_us = j.value("started_at_us", std::int64_t{0});
    s.updated_at_us = j.value("updated_at_us", std::int64_t{0});
    if (j.contains("eta_s") && j["eta_s"].is_number()) {
      s.eta_s = j["eta_s"].get<double>();
    }
    s.log = j.value("log", "");
    s.waiting = j.value("waiting", "");
    return s;
  } catch (const nlohmann::json::exception& e) {
    return make_error(std::string("status file is not valid JSON: ") + e.what());
  }
}

StatusFile::StatusFile(std::filesystem::path path, StatusInfo initial)
    : m_path(std::move(path)), m_info(std::move(initial)) {
  m_info.pid = ::getpid();
  m_info.started_at_us = now_us();
  write();
}

StatusFile::~StatusFile() {
  std::error_code ec;
  std::filesystem::remove(m_path, ec);
}

void StatusFile::write() {
  m_info.updated_at_us = now_us();
  (void)util::write_file_atomically(m_path, format_status_json(m_info));
}

bool process_alive(int pid) {
  if (pid <= 0 || (::kill(pid, 0) != 0 && errno != EPERM)) {
    return false;
  }
  // A killed process stays a zombie until its parent reaps it: kill() still finds it, but it runs no more
  // (and its machine lock is already released). /proc/PID/stat: "PID (COMM) STATE ...".
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) {
    return true; // no /proc: trust kill()
  }
  const std::size_t paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() || (line[paren + 2] != 'Z' && line[paren + 2] != 'X');
}

} // namespace zkbench::project
