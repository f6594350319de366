#include <gtest/gtest.h>

#include <csignal>

#include "measure/interrupt.hpp"

using namespace zkbench::measure;

// A hang-up (the terminal or the ssh connection closed) interrupts as SIGTERM does instead of killing
// zkbench with its session left "running" (issue 20); the signal is kept for the exit status (129).
TEST(MeasureInterrupt, sighup_sigterm_and_sigint_each_request_an_interrupt_and_are_told_apart) {
  install_interrupt_handlers();
  for (const int signal : {SIGHUP, SIGTERM, SIGINT}) {
    clear_interrupt();
    ASSERT_FALSE(interrupt_requested());
    ASSERT_EQ(::raise(signal), 0);
    EXPECT_TRUE(interrupt_requested()) << signal;
    EXPECT_EQ(interrupt_signal(), signal);
  }
  clear_interrupt();
  EXPECT_EQ(interrupt_signal(), 0);
  request_interrupt(); // a test's simulated Ctrl-C has no signal
  EXPECT_TRUE(interrupt_requested());
  EXPECT_EQ(interrupt_signal(), 0);
  clear_interrupt();
}
