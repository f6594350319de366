#pragma once
// Where notifications go. `Notifier` is the seam: the dispatcher (dispatcher.hpp) delivers through it,
// unit tests put a fake behind it. The two real ones POST to a webhook with libcurl.

#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "notify/event.hpp"
#include "notify/http_post.hpp"
#include "util/error.hpp"

namespace zkbench::notify {

/// Delivers one event, once (no retries: the dispatcher retries). Implementations must be callable
/// from the dispatcher's worker thread and must give up promptly once `stop` is requested.
class Notifier {
public:
  virtual ~Notifier() = default;
  /// A name for messages: "Slack webhook", "JSON webhook". Never the URL.
  virtual std::string name() const = 0;
  /// Fails with a message (no URL in it) when the event was not accepted: transport error or a
  /// non-2xx HTTP status.
  virtual Result<void> send(const Event& event, std::stop_token stop) = 0;
};

/// A Slack incoming webhook: POSTs {"text": format_text(event)}.
class SlackWebhook : public Notifier {
public:
  explicit SlackWebhook(std::string url, PostLimits limits = {});
  std::string name() const override { return "Slack webhook"; }
  Result<void> send(const Event& event, std::stop_token stop) override;

private:
  std::string m_url;
  PostLimits m_limits;
};

/// A generic JSON webhook: POSTs to_json(event) ({"event": "...", "title", "text", fields...}).
class JsonWebhook : public Notifier {
public:
  explicit JsonWebhook(std::string url, PostLimits limits = {});
  std::string name() const override { return "JSON webhook"; }
  Result<void> send(const Event& event, std::stop_token stop) override;

private:
  std::string m_url;
  PostLimits m_limits;
};

/// The notifiers a secrets file configures: SLACK_WEBHOOK -> SlackWebhook, WEBHOOK_URL -> JsonWebhook
/// (either, both or none; empty values are ignored).
std::vector<std::unique_ptr<Notifier>> notifiers_from_secrets(const std::map<std::string, std::string>& secrets,
                                                              const PostLimits& limits = {});

/// What to do when the secrets file does not exist.
enum class MissingSecrets { allowed, error };

/// Reads secrets_path() and builds its notifiers. A missing file gives no notifiers when `missing` is
/// `allowed` (notifications are optional), an error otherwise. A file with a loose mode or a bad line
/// is always an error (see read_secrets).
Result<std::vector<std::unique_ptr<Notifier>>> load_notifiers(MissingSecrets missing, const PostLimits& limits = {});

} // namespace zkbench::notify
