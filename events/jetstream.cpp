#include "switchboard/events/jetstream.hpp"

#include "switchboard/events/partitions.hpp"

#include <nats/nats.h>

#include <chrono>
#include <thread>
#include <vector>

namespace sb {

namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;

void on_ack(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae,
            void* closure) {
  auto* self = static_cast<jetstream*>(closure);
  const char* id = nullptr;
  natsMsgHeader_Get(msg, "Nats-Msg-Id", &id);
  publish_result result;
  if (pa != nullptr) {
    result.ok = true;
    result.seq = pa->Sequence;
    result.duplicate = pa->Duplicate;
  } else if (pae != nullptr) {
    result.error
      = pae->ErrText != nullptr ? pae->ErrText : natsStatus_GetText(pae->Err);
  }
  if (id != nullptr)
    self->complete(id, result);
  natsMsg_Destroy(msg);
}

bool add_stream_if_missing(jsCtx* js, jsStreamConfig& cfg, std::string& error) {
  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  auto s = js_GetStreamInfo(&info, js, cfg.Name, nullptr, &code);
  if (s == NATS_OK) {
    jsStreamInfo_Destroy(info);
    return true;
  }
  s = js_AddStream(&info, js, &cfg, nullptr, &code);
  if (s != NATS_OK) {
    error = std::string{"cannot create stream "} + cfg.Name + ": "
            + nats_error_text(s);
    return false;
  }
  jsStreamInfo_Destroy(info);
  return true;
}

} // namespace

std::string nats_error_text(int status) {
  std::string text = natsStatus_GetText(static_cast<natsStatus>(status));
  const char* last = nats_GetLastError(nullptr);
  if (last != nullptr && *last != '\0') {
    text += ": ";
    text += last;
  }
  return "nats: " + text;
}

std::unique_ptr<jetstream> jetstream::connect(const std::string& url,
                                              const std::string& client_name,
                                              std::string& error) {
  std::unique_ptr<jetstream> self{new jetstream};
  natsOptions* opts = nullptr;
  natsOptions_Create(&opts);
  natsOptions_SetURL(opts, url.c_str());
  natsOptions_SetName(opts, client_name.c_str());
  natsOptions_SetMaxReconnect(opts, -1); // ride out server restarts
  natsOptions_SetReconnectWait(opts, 250);
  natsOptions_SetTimeout(opts, 2000);
  natsOptions_SetRetryOnFailedConnect(opts, false, nullptr, nullptr);
  // While reconnecting, a publish fails at once instead of waiting in a
  // buffer: the caller retries or answers 503, and nothing decided before
  // an outage reaches the stream long after it (a partition may have a new
  // owner by then). 1 byte: 0 would mean NATS.c's default of 8 MB.
  natsOptions_SetReconnectBufSize(opts, 1);
  natsStatus s = NATS_ERR;
  for (int attempt = 0; attempt < 40; ++attempt) { // ~10 s
    s = natsConnection_Connect(&self->nc_, opts);
    if (s == NATS_OK)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  natsOptions_Destroy(opts);
  if (s != NATS_OK) {
    error = "cannot connect to NATS at " + url + ": " + nats_error_text(s);
    return nullptr;
  }
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = 10000;
  jo.PublishAsync.MaxPending = 64 * 1024;
  jo.PublishAsync.AckHandler = on_ack;
  jo.PublishAsync.AckHandlerClosure = self.get();
  s = natsConnection_JetStream(&self->js_, self->nc_, &jo);
  if (s != NATS_OK) {
    error = "cannot open JetStream: " + nats_error_text(s);
    return nullptr;
  }
  jsOptions lease_jo;
  jsOptions_Init(&lease_jo);
  lease_jo.Wait = 2000;
  s = natsConnection_JetStream(&self->lease_js_, self->nc_, &lease_jo);
  if (s != NATS_OK) {
    error = "cannot open JetStream: " + nats_error_text(s);
    return nullptr;
  }
  return self;
}

jetstream::~jetstream() {
  if (js_ != nullptr)
    flush_publishes(2000); // let in-flight publishes land
  if (leases_ != nullptr)
    kvStore_Destroy(leases_);
  if (lease_js_ != nullptr)
    jsCtx_Destroy(lease_js_);
  if (js_ != nullptr)
    jsCtx_Destroy(js_);
  if (nc_ != nullptr) {
    natsConnection_Close(nc_);
    natsConnection_Destroy(nc_);
  }
}

bool jetstream::ensure_streams(const stream_settings& settings,
                               std::string& error) {
  // Signals: a work queue. Each partition's consumer removes what it acks.
  std::vector<std::string> names = {"sb.sig.*"};
  std::vector<const char*> subjects = {names[0].c_str()};
  jsStreamConfig sig;
  jsStreamConfig_Init(&sig);
  sig.Name = signals_stream;
  sig.Subjects = subjects.data();
  sig.SubjectsLen = 1;
  sig.Retention = js_WorkQueuePolicy;
  sig.Storage = js_FileStorage;
  sig.MaxAge = settings.signals_max_age_s * ns_per_s;
  sig.Duplicates = settings.dedupe_window_s * ns_per_s;
  sig.MaxMsgSize = 8 * 1024 * 1024;
  if (!add_stream_if_missing(js_, sig, error))
    return false;

  // Events: the source of truth. No max age: kept until an operator says.
  const char* evt_subjects[] = {"sb.evt.*"};
  jsStreamConfig evt;
  jsStreamConfig_Init(&evt);
  evt.Name = events_stream;
  evt.Subjects = evt_subjects;
  evt.SubjectsLen = 1;
  evt.Retention = js_LimitsPolicy;
  evt.Storage = js_FileStorage;
  evt.Duplicates = settings.dedupe_window_s * ns_per_s;
  evt.MaxMsgSize = 8 * 1024 * 1024;
  if (!add_stream_if_missing(js_, evt, error))
    return false;

  const char* dlq_subjects[] = {"sb.dlq.>"};
  jsStreamConfig dlq;
  jsStreamConfig_Init(&dlq);
  dlq.Name = deadletter_stream;
  dlq.Subjects = dlq_subjects;
  dlq.SubjectsLen = 1;
  dlq.Storage = js_FileStorage;
  dlq.MaxAge = settings.deadletter_max_age_s * ns_per_s;
  dlq.Duplicates = settings.dedupe_window_s * ns_per_s;
  if (!add_stream_if_missing(js_, dlq, error))
    return false;

  if (leases_ == nullptr) {
    auto s = js_KeyValue(&leases_, lease_js_, leases_bucket);
    if (s != NATS_OK) {
      kvConfig kc;
      kvConfig_Init(&kc);
      kc.Bucket = leases_bucket;
      kc.History = 1;
      kc.TTL = settings.lease_ttl_ms * 1'000'000; // nanoseconds
      kc.StorageType = js_FileStorage;
      s = js_CreateKeyValue(&leases_, lease_js_, &kc);
      if (s != NATS_OK) {
        error = "cannot create KV bucket sb_leases: " + nats_error_text(s);
        return false;
      }
    }
  }
  return true;
}

publish_result jetstream::publish(const std::string& subject,
                                  std::string_view data,
                                  const std::string& msg_id,
                                  std::int64_t timeout_ms) {
  publish_result result;
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MsgId = msg_id.c_str();
  po.MaxWait = timeout_ms;
  jsPubAck* pa = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  auto s = js_Publish(&pa, js_, subject.c_str(), data.data(),
                      static_cast<int>(data.size()), &po, &code);
  if (s != NATS_OK) {
    result.error = nats_error_text(s);
    return result;
  }
  result.ok = true;
  result.seq = pa->Sequence;
  result.duplicate = pa->Duplicate;
  jsPubAck_Destroy(pa);
  return result;
}

void jetstream::publish_async(const std::string& subject, std::string_view data,
                              const std::string& msg_id, ack_callback done,
                              std::int64_t timeout_ms) {
  natsMsg* msg = nullptr;
  auto s = natsMsg_Create(&msg, subject.c_str(), nullptr, data.data(),
                          static_cast<int>(data.size()));
  if (s == NATS_OK) {
    std::lock_guard<std::mutex> guard{pending_mtx_};
    pending_[msg_id] = std::move(done);
  } else {
    done(publish_result{false, 0, false, nats_error_text(s)});
    return;
  }
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MsgId = msg_id.c_str();
  po.MaxWait = timeout_ms;
  s = js_PublishMsgAsync(js_, &msg, &po);
  if (s != NATS_OK) {
    natsMsg_Destroy(msg);
    complete(msg_id, publish_result{false, 0, false, nats_error_text(s)});
  }
}

void jetstream::complete(const std::string& msg_id,
                         const publish_result& result) {
  ack_callback done;
  {
    std::lock_guard<std::mutex> guard{pending_mtx_};
    auto i = pending_.find(msg_id);
    if (i == pending_.end())
      return;
    done = std::move(i->second);
    pending_.erase(i);
  }
  done(result);
}

bool jetstream::connected() const noexcept {
  return nc_ != nullptr
         && natsConnection_Status(nc_) == NATS_CONN_STATUS_CONNECTED;
}

std::int64_t jetstream::max_payload() const noexcept {
  return nc_ != nullptr ? natsConnection_GetMaxPayload(nc_) : 0;
}

void jetstream::flush_publishes(std::int64_t timeout_ms) {
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = timeout_ms;
  js_PublishAsyncComplete(js_, &po);
}

bool jetstream::state_of(const std::string& stream, stream_state& out,
                         std::string& error) {
  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  auto s = js_GetStreamInfo(&info, js_, stream.c_str(), nullptr, &code);
  if (s != NATS_OK) {
    error = "cannot read stream info of " + stream + ": " + nats_error_text(s);
    return false;
  }
  out.last_seq = info->State.LastSeq;
  out.messages = info->State.Msgs;
  jsStreamInfo_Destroy(info);
  return true;
}

} // namespace sb
