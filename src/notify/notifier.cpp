#include "notify/notifier.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "notify/message.hpp"
#include "notify/secrets.hpp"
#include "util/text.hpp"

namespace zkbench::notify {

namespace {

Result<void> post_and_check(const std::string& what, const std::string& url, const nlohmann::json& body,
                            const PostLimits& limits, std::stop_token stop) {
  ZKBENCH_TRY_ASSIGN(status, post_json(what, url, util::json_text(body), limits, std::move(stop)));
  if (*status < 200 || *status > 299) {
    return make_error(fmt::format("{}: the server answered HTTP {}", what, *status));
  }
  return {};
}

} // namespace

SlackWebhook::SlackWebhook(std::string url, PostLimits limits) : m_url(std::move(url)), m_limits(limits) {}

Result<void> SlackWebhook::send(const Event& event, std::stop_token stop) {
  return post_and_check(name(), m_url, nlohmann::json{{"text", format_text(event)}}, m_limits, std::move(stop));
}

JsonWebhook::JsonWebhook(std::string url, PostLimits limits) : m_url(std::move(url)), m_limits(limits) {}

Result<void> JsonWebhook::send(const Event& event, std::stop_token stop) {
  return post_and_check(name(), m_url, to_json(event), m_limits, std::move(stop));
}

std::vector<std::unique_ptr<Notifier>> notifiers_from_secrets(const std::map<std::string, std::string>& secrets,
                                                              const PostLimits& limits) {
  std::vector<std::unique_ptr<Notifier>> notifiers;
  if (const auto it = secrets.find("SLACK_WEBHOOK"); it != secrets.end() && !it->second.empty()) {
    notifiers.push_back(std::make_unique<SlackWebhook>(it->second, limits));
  }
  if (const auto it = secrets.find("WEBHOOK_URL"); it != secrets.end() && !it->second.empty()) {
    notifiers.push_back(std::make_unique<JsonWebhook>(it->second, limits));
  }
  return notifiers;
}

Result<std::vector<std::unique_ptr<Notifier>>> load_notifiers(MissingSecrets missing, const PostLimits& limits) {
  const std::filesystem::path path = secrets_path();
  std::error_code ec;
  if (missing == MissingSecrets::allowed && !std::filesystem::exists(path, ec)) {
    return std::vector<std::unique_ptr<Notifier>>{};
  }
  ZKBENCH_TRY_ASSIGN(secrets, read_secrets(path));
  return notifiers_from_secrets(*secrets, limits);
}

} // namespace zkbench::notify
