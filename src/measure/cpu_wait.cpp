#include "measure/cpu_wait.hpp"

#include <charconv>
#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

namespace zkbench::measure {

namespace {

// The next unsigned decimal of `text` from `pos` (after one separating space), advancing `pos`.
std::optional<std::uint64_t> next_number(std::string_view text, std::size_t& pos) {
  while (pos < text.size() && text[pos] == ' ') {
    ++pos;
  }
  std::uint64_t value = 0;
  const char* first = text.data() + pos;
  const auto [end, ec] = std::from_chars(first, text.data() + text.size(), value);
  if (ec != std::errc() || end == first) {
    return std::nullopt;
  }
  pos += static_cast<std::size_t>(end - first);
  return value;
}

} // namespace

std::optional<SchedStat> parse_schedstat(std::string_view text) {
  std::size_t pos = 0;
  const auto on_cpu = next_number(text, pos);
  const auto waiting = next_number(text, pos);
  const auto slices = next_number(text, pos);
  if (!on_cpu || !waiting || !slices) {
    return std::nullopt;
  }
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n')) {
    ++pos;
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  return SchedStat{*on_cpu, *waiting, *slices};
}

std::optional<SchedStat> read_schedstat(pid_t pid) {
  char path[48];
  std::snprintf(path, sizeof(path), "/proc/%d/schedstat", static_cast<int>(pid));
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  char buffer[96];
  const ssize_t n = ::read(fd, buffer, sizeof(buffer));
  ::close(fd);
  if (n <= 0 || static_cast<std::size_t>(n) == sizeof(buffer)) {
    return std::nullopt;
  }
  return parse_schedstat(std::string_view(buffer, static_cast<std::size_t>(n)));
}

std::optional<double> cpu_wait_s(const SchedStat& at_start, const SchedStat& at_end, double tree_cpu_s) {
  if (at_end.waiting_ns < at_start.waiting_ns || at_end.on_cpu_ns < at_start.on_cpu_ns) {
    return std::nullopt;
  }
  const double own_cpu_s = static_cast<double>(at_end.on_cpu_ns - at_start.on_cpu_ns) * 1e-9;
  if (!(tree_cpu_s > 0) || own_cpu_s < k_own_cpu_share * tree_cpu_s) {
    return std::nullopt;
  }
  return static_cast<double>(at_end.waiting_ns - at_start.waiting_ns) * 1e-9;
}

} // namespace zkbench::measure
