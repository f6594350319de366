#include "notify/http_post.hpp"

#include <memory>

#include <curl/curl.h>
#include <fmt/format.h>

#include "notify/secrets.hpp"
#include "util/shared_library.hpp"

namespace zkbench::notify {

namespace {

// libcurl is loaded on the first request, not linked: it brings OpenSSL, Kerberos and LDAP, which
// every start of zkbench would otherwise pay for. <curl/curl.h> gives the types and constants only.
struct Curl {
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  void (*easy_cleanup)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

template <typename Fn>
Result<void> resolve(const util::SharedLibrary& library, const char* name, Fn& fn) {
  ZKBENCH_TRY_ASSIGN(address, library.symbol(name));
  fn = reinterpret_cast<Fn>(*address);
  return {};
}

Result<Curl> load_curl() {
  auto library = util::SharedLibrary::open("libcurl.so.4");
  if (!library) {
    return make_error(library.error().message + " (webhooks need libcurl: apt-get install libcurl4)");
  }
  Curl curl{};
  ZKBENCH_TRY(resolve(*library, "curl_global_init", curl.global_init));
  ZKBENCH_TRY(resolve(*library, "curl_easy_init", curl.easy_init));
  ZKBENCH_TRY(resolve(*library, "curl_easy_setopt", curl.easy_setopt));
  ZKBENCH_TRY(resolve(*library, "curl_easy_perform", curl.easy_perform));
  ZKBENCH_TRY(resolve(*library, "curl_easy_getinfo", curl.easy_getinfo));
  ZKBENCH_TRY(resolve(*library, "curl_easy_cleanup", curl.easy_cleanup));
  ZKBENCH_TRY(resolve(*library, "curl_easy_strerror", curl.easy_strerror));
  ZKBENCH_TRY(resolve(*library, "curl_slist_append", curl.slist_append));
  ZKBENCH_TRY(resolve(*library, "curl_slist_free_all", curl.slist_free_all));
  // curl_global_init is not thread-safe: it runs here, once, under the static's initialization guard.
  curl.global_init(CURL_GLOBAL_DEFAULT);
  return curl;
}

const Result<Curl>& curl_api() {
  static const Result<Curl> curl = load_curl();
  return curl;
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

} // namespace

Result<long> post_json(const std::string& what, const std::string& url, const std::string& body,
                       const PostLimits& limits, std::stop_token stop) {
  const Result<Curl>& loaded = curl_api();
  if (!loaded) {
    return make_error(fmt::format("{}: {}", what, loaded.error().message));
  }
  const Curl& curl = *loaded;
  std::unique_ptr<CURL, void (*)(CURL*)> handle(curl.easy_init(), curl.easy_cleanup);
  if (!handle) {
    return make_error(fmt::format("{}: cannot create a libcurl handle", what));
  }
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(
      curl.slist_append(nullptr, "Content-Type: application/json; charset=utf-8"), curl.slist_free_all);

  CURL* h = handle.get();
  curl.easy_setopt(h, CURLOPT_URL, url.c_str());
  curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L); // we run on a worker thread: no SIGALRM for timeouts
  curl.easy_setopt(h, CURLOPT_POST, 1L);
  curl.easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl.easy_setopt(h, CURLOPT_USERAGENT, "zkbench/" ZKBENCH_VERSION);
  curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.connect_timeout.count()));
  curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(limits.total_timeout.count()));
  curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, &discard_body);
  curl.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &check_stop);
  curl.easy_setopt(h, CURLOPT_XFERINFODATA, &stop);

  const CURLcode code = curl.easy_perform(h);
  if (code != CURLE_OK) {
    // curl_easy_strerror gives a generic text ("Timeout was reached") that holds no part of the URL;
    // redact anyway in case a future libcurl adds it.
    const char* reason = code == CURLE_ABORTED_BY_CALLBACK ? "cancelled" : curl.easy_strerror(code);
    return make_error(redact(fmt::format("{}: request failed: {}", what, reason), url));
  }
  long status = 0;
  curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

} // namespace zkbench::notify
