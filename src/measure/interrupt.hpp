#pragma once
// Ctrl-C, SIGTERM and SIGHUP (a closed terminal, an ssh disconnect) while measuring: the handlers only
// note the request (async-signal-safe); the executor's wait loop sees it, stops the running command's
// process group and returns a result marked `interrupted`; the run loop then stops and keeps the runs
// already finished.
//
// The measured command runs in its own process group, so a Ctrl-C on the terminal reaches zkbench only;
// stopping the command is zkbench's job.

namespace zkbench::measure {

/// Installs handlers for SIGINT, SIGTERM and SIGHUP that call request_interrupt(). Idempotent. Also
/// creates the self-pipe behind interrupt_wakeup_fd(). Call once from the CLI before running commands.
void install_interrupt_handlers();

/// Notes an interrupt: sets the flag and wakes a waiting executor. Async-signal-safe; callable from any
/// thread (tests use it to simulate Ctrl-C).
void request_interrupt();

/// True once SIGINT/SIGTERM/SIGHUP arrived (or request_interrupt() was called) since the last
/// clear_interrupt().
bool interrupt_requested();

/// The signal behind the interrupt (SIGINT, SIGTERM, SIGHUP; the last one to arrive), 0 when there was
/// none or request_interrupt() was called directly. The CLI exits 129 (128 + SIGHUP) after a hang-up.
int interrupt_signal();

/// Clears the flag (and the signal) and drains the wake-up pipe (tests; a CLI that continues after an
/// interrupt).
void clear_interrupt();

/// The read end of the self-pipe that becomes readable on request_interrupt(), for poll(); -1 before
/// install_interrupt_handlers(), in which case waiters must poll the flag (at most every 50 ms).
int interrupt_wakeup_fd();

} // namespace zkbench::measure
