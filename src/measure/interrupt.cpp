#include "measure/interrupt.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <mutex>

#include <fcntl.h>
#include <unistd.h>

namespace zkbench::measure {
namespace {

// Lock-free atomics only: they are read and written from a signal handler.
std::atomic<bool> g_requested{false};
std::atomic<int> g_signal{0};
std::atomic<int> g_read_fd{-1};
std::atomic<int> g_write_fd{-1};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void on_interrupt_signal(int signal) {
  g_signal.store(signal);
  request_interrupt();
}

} // namespace

void install_interrupt_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    int fds[2] = {-1, -1};
    // Non-blocking: the handler must never block on a full pipe (one pending byte is enough to wake).
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
      g_read_fd.store(fds[0]);
      g_write_fd.store(fds[1]);
    }
    struct sigaction action {};
    action.sa_handler = on_interrupt_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART; // other code's blocking calls go on; our poll() loop checks the flag
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    // A hang-up (ssh disconnect) ends the command the same way: the session is closed as interrupted
    // instead of the default disposition killing zkbench with its session left "running".
    ::sigaction(SIGHUP, &action, nullptr);
  });
}

void request_interrupt() {
  g_requested.store(true);
  const int fd = g_write_fd.load();
  if (fd >= 0) {
    const int saved_errno = errno; // a handler must leave errno as it found it
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(fd, &byte, 1);
    errno = saved_errno;
  }
}

bool interrupt_requested() { return g_requested.load(); }

int interrupt_signal() { return g_signal.load(); }

void clear_interrupt() {
  g_requested.store(false);
  g_signal.store(0);
  const int fd = g_read_fd.load();
  if (fd >= 0) {
    char buffer[64];
    while (::read(fd, buffer, sizeof buffer) > 0) {
    }
  }
}

int interrupt_wakeup_fd() { return g_read_fd.load(); }

} // namespace zkbench::measure
