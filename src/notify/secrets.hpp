#pragma once
// The secrets file that holds webhook URLs (seed 002 §7.1), `KEY=value` lines:
//   SLACK_WEBHOOK=https://hooks.slack.com/services/...
//   WEBHOOK_URL=https://example.org/hook
// Blank lines and `#` comments are skipped; an `export ` prefix and matching quotes around the value
// are accepted, as a shell would. The file must be owner-only (mode 0600 or stricter): a webhook URL is
// a credential, so zkbench refuses a file that other users can read.

#include <filesystem>
#include <map>
#include <string>

#include "util/error.hpp"

namespace zkbench::notify {

/// Environment variable that overrides where the secrets file is (tests, unusual setups).
inline constexpr const char* k_secrets_file_env = "ZKBENCH_SECRETS_FILE";

/// Where the secrets file is: $ZKBENCH_SECRETS_FILE if set and non-empty, else
/// $XDG_CONFIG_HOME/zkbench/secrets.env, else $HOME/.config/zkbench/secrets.env.
std::filesystem::path secrets_path();

/// The file's keys and values. Fails with a message naming the file when it is missing, is not a
/// regular file, belongs to another user, is readable or writable by group or others (the message says
/// `chmod 600 <path>`), or has a line that is not `KEY=value` (the message names the line number; the
/// line's content is never quoted, as it may hold a secret).
Result<std::map<std::string, std::string>> read_secrets(const std::filesystem::path& path);

/// `text` with every occurrence of `secret` replaced by "<redacted>" (no-op for an empty secret).
std::string redact(std::string text, const std::string& secret);

} // namespace zkbench::notify
