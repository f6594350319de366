#include "notify/http_post.hpp"

#include <memory>
#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>

#include "notify/secrets.hpp"

namespace zkbench::notify {

namespace {

void global_init_once() {
  // curl_global_init is not thread-safe; do it once, before the first handle, from whichever thread.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t discard_body(char* /*data*/, size_t size, size_t count, void* /*user*/) {
  return size * count;
}

// Called by curl about once a second and on progress: a non-zero return aborts the transfer, which
// is how a shutdown interrupts a hanging webhook without waiting for its timeout.
int check_stop(void* user, curl_off_t /*dltotal*/, curl_off_t /*dlnow*/, curl_off_t /*ultotal*/,
               curl_off_t /*ulnow*/) {
  const auto* stop = static_cast<const std::stop_token*>(user);
  return stop->stop_requested() ? 1 : 0;
}

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

} // namespace

Result<long> post_json(const std::string& what, const std::string& url, const std::string& body,
                       const PostLimits& limits, std::stop_token stop) {
  global_init_once();
  std::unique_ptr<CURL, CurlDeleter> handle(curl_easy_init());
  if (!handle) {
    return make_error(fmt::format("{}: cannot create a libcurl handle", what));
  }
  std::unique_ptr<curl_slist, SlistDeleter> headers(
      curl_slist_append(nullptr, "Content-Type: application/json; charset=utf-8"));

  CURL* h = handle.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); // we run on a worker thread: no SIGALRM for timeouts
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_USERAGENT, "zkbench/" ZKBENCH_VERSION);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(limits.total_timeout.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &discard_body);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &check_stop);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &stop);

  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    // curl_easy_strerror gives a generic text ("Timeout was reached") that holds no part of the URL;
    // redact anyway in case a future libcurl adds it.
    const char* reason = code == CURLE_ABORTED_BY_CALLBACK ? "cancelled" : curl_easy_strerror(code);
    return make_error(redact(fmt::format("{}: request failed: {}", what, reason), url));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

} // namespace zkbench::notify
