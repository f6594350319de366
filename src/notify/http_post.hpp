#pragma once
// One HTTP POST of a JSON body with libcurl: the transport under the webhooks.

#include <chrono>
#include <stop_token>
#include <string>

#include "util/error.hpp"

namespace zkbench::notify {

/// Limits of one request.
struct PostLimits {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{10000}; // the whole request, connect included
};

/// POSTs `body` as application/json to `url` (http or https only; redirects are not followed) and
/// returns the HTTP status. Fails on a transport error (cannot connect, timeout, cancelled through
/// `stop`) with a message that names `what` ("Slack webhook") and never contains the URL: webhook URLs
/// are credentials. A non-2xx status is not an error here; callers decide.
Result<long> post_json(const std::string& what, const std::string& url, const std::string& body,
                       const PostLimits& limits, std::stop_token stop = {});

} // namespace zkbench::notify
