#pragma once
// Error handling used across zkbench (see ARCHITECTURE.md, "Errors").
//
// - Expected failures (I/O, parsing, spawning, the database) return `Result<T>`, a tl::expected that
//   carries an `Error` with a human message saying what and where.
// - A condition that ends the command throws `Fatal`, caught once in main(), which prints
//   `error: <message>` and, when set, `hint: <hint>`, then exits with `exit_code`.

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

/// Returns the error of `expr` (any Result) from the enclosing function, which returns a Result.
#define ZKBENCH_TRY(expr)                                                                            \
  do {                                                                                               \
    if (auto zkbench_try_result = (expr); !zkbench_try_result) {                                     \
      return tl::unexpected(std::move(zkbench_try_result.error()));                                  \
    }                                                                                                \
  } while (false)

/// Declares `name` as the Result of `expr`, returning its error from the enclosing function when it
/// failed; afterwards `name` holds a value (use `*name` or `name->`).
#define ZKBENCH_TRY_ASSIGN(name, expr)                                                               \
  auto name = (expr);                                                                                \
  if (!name) {                                                                                       \
    return tl::unexpected(std::move(name.error()));                                                  \
  }

namespace zkbench::util {

/// An expected failure: what went wrong and where ("cannot open 'x.json': No such file or directory").
struct Error {
  std::string message;
};

template <typename T>
using Result = tl::expected<T, Error>;

/// Shorthand for returning an error: `return fail("cannot parse {}", path);` is spelled
/// `return make_error(fmt::format(...))`.
inline tl::unexpected<Error> make_error(std::string message) {
  return tl::unexpected<Error>(Error{std::move(message)});
}

/// `result` as it is when it holds a value; else its error with `context` in front of the message
/// ("<context>: <message>"), to say what failed where the error passes up:
/// `ZKBENCH_TRY_ASSIGN(out, with_context(run(argv), "cannot run git"));`. `context` is built even on success.
template <typename T>
Result<T> with_context(Result<T> result, std::string_view context) {
  if (!result) {
    result.error().message.insert(0, std::string(context) + ": ");
  }
  return result;
}

/// Exit codes of the zkbench binary (documented in README.md, "Exit status").
enum class ExitCode : int {
  success = 0,
  error = 1,            // a Fatal error: bad input, I/O, the store
  usage = 2,            // invalid command line
  command_failed = 3,   // a benchmarked command failed (non-zero exit, signal, timeout) without -i
  regression = 4,       // compare/ab: the overall verdict is a regression (for CI gates)
  interrupted = 130,    // SIGINT/SIGTERM: the runs already measured are kept
};

/// Ends the current command. Thrown, caught once in main().
class Fatal : public std::exception {
public:
  explicit Fatal(std::string message, std::string hint = {}, ExitCode code = ExitCode::error)
      : m_message(std::move(message)), m_hint(std::move(hint)), m_code(code) {}

  const char* what() const noexcept override { return m_message.c_str(); }
  const std::string& hint() const { return m_hint; }
  ExitCode code() const { return m_code; }

private:
  std::string m_message;
  std::string m_hint;
  ExitCode m_code;
};

/// Returns the value of `result` or throws Fatal with its error message.
template <typename T>
T value_or_fatal(Result<T> result) {
  if (!result) {
    throw Fatal(result.error().message);
  }
  if constexpr (!std::is_void_v<T>) {
    return std::move(*result);
  }
}

} // namespace zkbench::util

namespace zkbench {
// The error vocabulary is every module's: spelled without util:: everywhere, like ZKBENCH_TRY.
using util::Error;
using util::ExitCode;
using util::Fatal;
using util::make_error;
using util::Result;
using util::value_or_fatal;
using util::with_context;
} // namespace zkbench

