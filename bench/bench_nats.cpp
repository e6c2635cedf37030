#include "bench_nats.hpp"

#include "bench_util.hpp"

#include <nats/nats.h>

#include <atomic>
#include <stdexcept>

namespace sb::bench {

namespace {

std::atomic<std::uint64_t> async_errors{0};

void on_publish_error(jsCtx*, jsPubAckErr* pae, void*) {
  ++async_errors;
  // Drop the message (no resend): the ceiling counts only what succeeded.
  (void)pae;
}

void check(natsStatus s, const char* what) {
  if (s != NATS_OK)
    throw std::runtime_error(std::string{what} + ": "
                             + natsStatus_GetText(s) + " "
                             + nats_GetLastError(nullptr));
}

} // namespace

bare_publisher::bare_publisher(const std::string& url, int max_pending) {
  natsConnection* nc = nullptr;
  check(natsConnection_ConnectTo(&nc, url.c_str()), "connect");
  nc_ = nc;
  jsOptions o;
  jsOptions_Init(&o);
  o.PublishAsync.MaxPending = max_pending;
  o.PublishAsync.ErrHandler = on_publish_error;
  jsCtx* js = nullptr;
  check(natsConnection_JetStream(&js, nc, &o), "jetstream");
  js_ = js;
}

bare_publisher::~bare_publisher() {
  jsCtx_Destroy(static_cast<jsCtx*>(js_));
  natsConnection_Destroy(static_cast<natsConnection*>(nc_));
}

void bare_publisher::create_stream(const std::string& name,
                                   const std::vector<std::string>& subjects,
                                   std::int64_t dedupe_s) {
  delete_stream(name);
  std::vector<const char*> subs;
  for (const auto& s : subjects)
    subs.push_back(s.c_str());
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = name.c_str();
  cfg.Subjects = subs.data();
  cfg.SubjectsLen = static_cast<int>(subs.size());
  cfg.Storage = js_FileStorage;
  cfg.Retention = js_LimitsPolicy;
  cfg.Duplicates = dedupe_s * 1000 * 1000 * 1000;
  jsErrCode code{};
  jsStreamInfo* info = nullptr;
  check(js_AddStream(&info, static_cast<jsCtx*>(js_), &cfg, nullptr, &code),
        "add stream");
  jsStreamInfo_Destroy(info);
}

void bare_publisher::delete_stream(const std::string& name) {
  jsErrCode code{};
  (void)js_DeleteStream(static_cast<jsCtx*>(js_), name.c_str(), nullptr,
                        &code);
}

publish_stats bare_publisher::publish(
  std::uint64_t from, std::uint64_t to,
  const std::function<std::string(std::uint64_t)>& subject,
  const std::function<std::string(std::uint64_t)>& msg_id,
  std::size_t payload_bytes) {
  auto* js = static_cast<jsCtx*>(js_);
  std::string payload(payload_bytes, 'x');
  publish_stats st;
  auto errors0 = async_errors.load();
  auto t0 = now_s();
  for (auto i = from; i < to; ++i) {
    auto subj = subject(i);
    auto id = msg_id ? msg_id(i) : std::string{};
    natsStatus s;
    if (id.empty()) {
      s = js_PublishAsync(js, subj.c_str(), payload.data(),
                          static_cast<int>(payload.size()), nullptr);
    } else {
      natsMsg* m = nullptr;
      s = natsMsg_Create(&m, subj.c_str(), nullptr, payload.data(),
                         static_cast<int>(payload.size()));
      if (s == NATS_OK)
        s = natsMsgHeader_Set(m, "Nats-Msg-Id", id.c_str());
      if (s == NATS_OK)
        s = js_PublishMsgAsync(js, &m, nullptr);
      natsMsg_Destroy(m); // null when the library took it
    }
    if (s != NATS_OK)
      ++st.errors;
    else
      ++st.sent;
  }
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = 120'000;
  check(js_PublishAsyncComplete(js, &po), "publish complete");
  st.seconds = now_s() - t0;
  st.errors += async_errors.load() - errors0;
  return st;
}

} // namespace sb::bench
