#include "http/api_server.hpp"

#include "http/api_context.hpp"
#include "http/reply.hpp"
#include "http/request.hpp"
#include "http/routes.hpp"
#include "http/stream_channel.hpp"
#include "http/worker_pool.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <caf/sec.hpp>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

// One I/O thread runs every socket (accept, parse, write): it never blocks
// and never runs a handler. Handlers run on three worker pools, one per
// lane (routes.hpp), each with its own bound. All state of a connection is
// touched only on the I/O thread, except the request a worker reads while
// the connection waits for its answer.

namespace sb::app::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http; // `http` is our own namespace
using tcp = asio::ip::tcp;
using request_t = bhttp::request<bhttp::string_body>;
using response_t = bhttp::response<bhttp::string_body>;
using parser_t = bhttp::request_parser<bhttp::string_body>;
using steady = std::chrono::steady_clock;

/// After the last answer on a connection we shut down our side and read
/// (and discard) what the client still sends for at most this long before
/// closing: closing with unread bytes would send a reset, and the client
/// would lose the answer (a 413 sent before a large body, say).
constexpr auto linger_time = std::chrono::seconds{5};

/// How long stop() lets answers in progress reach their clients.
constexpr auto stop_grace = std::chrono::seconds{5};

/// Beast's limit for the request line and the headers together; within it
/// we check the target and each header ourselves, to answer 414 or 431.
constexpr std::uint32_t header_limit
  = max_target_bytes + max_header_bytes + 1024;

/// Requests waiting for the health thread.
constexpr std::size_t control_queue = 16;

std::string_view sv(beast::string_view s) {
  return {s.data(), s.size()};
}

/// The path for the log: no query (its values may be secrets), not too long.
std::string loggable_path(std::string_view target) {
  auto path = target.substr(0, target.find('?'));
  if (path.size() > 200)
    return std::string{path.substr(0, 200)} + "...";
  return std::string{path};
}

reply unavailable(std::string message) {
  auto r = error_reply(503, "unavailable", std::move(message));
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

/// The answer to a request Beast could not parse.
reply parse_error_reply(const beast::error_code& ec) {
  using e = bhttp::error;
  if (ec == e::body_limit)
    return error_reply(413, "payload_too_large",
                       "the body is larger than the limit");
  if (ec == e::bad_target)
    return error_reply(400, "invalid_path", "a malformed request target");
  if (ec == e::bad_field || ec == e::bad_value || ec == e::bad_content_length
      || ec == e::bad_transfer_encoding || ec == e::bad_obs_fold)
    return error_reply(400, "invalid_header",
                       "a malformed header: " + ec.message());
  if (ec == e::bad_chunk || ec == e::bad_chunk_extension)
    return error_reply(400, "invalid_body",
                       "a malformed chunked body: " + ec.message());
  return error_reply(400, "bad_request",
                     "a malformed request: " + ec.message());
}

/// Whether Beast's error means a malformed request (which we answer),
/// rather than a closed, reset or timed-out connection (which we close).
bool is_parse_error(const beast::error_code& ec) {
  return ec.category()
           == bhttp::make_error_code(bhttp::error::bad_target).category()
         && ec != bhttp::error::end_of_stream
         && ec != bhttp::error::partial_message;
}

/// 431 if one header or all of them are too large.
std::optional<reply> check_headers(const request_t& req) {
  std::size_t total = 0;
  for (const auto& field : req) {
    auto size = field.name_string().size() + field.value().size();
    if (size > max_field_bytes) {
      auto name = sv(field.name_string()).substr(0, 64);
      return error_reply(431, "header_too_large",
                         "the header '" + std::string{name}
                           + "' is larger than "
                           + std::to_string(max_field_bytes) + " bytes");
    }
    total += size + 4; // ": " and CRLF
  }
  if (total > max_header_bytes)
    return error_reply(431, "header_too_large",
                       "the headers are larger than "
                         + std::to_string(max_header_bytes) + " bytes");
  return std::nullopt;
}

/// What a worker runs: the handler on a view of `req`; exceptions are 500.
reply run_handler(api_context& ctx, handler_fn handler, const request_t& req,
                  std::string id) {
  request_view v;
  v.method = sv(req.method_string());
  auto target = sv(req.target());
  auto q = target.find('?');
  v.path = target.substr(0, q);
  if (q != std::string_view::npos)
    v.query = target.substr(q + 1);
  if (auto auth = req.find(bhttp::field::authorization); auth != req.end())
    v.authorization = sv(auth->value());
  if (auto last = req.find("Last-Event-ID"); last != req.end())
    v.last_event_id = sv(last->value());
  v.body = req.body();
  v.id = std::move(id);
  try {
    return handler(ctx, v);
  } catch (const std::exception& e) {
    spdlog::error("api: {} {} failed: {}", v.method, loggable_path(target),
                  e.what());
  } catch (...) {
    spdlog::error("api: {} {} failed", v.method, loggable_path(target));
  }
  return error_reply(500, "internal", "internal error");
}

/// `r` as an HTTP answer (JSON). For HEAD, the headers only.
response_t make_response(const reply& r, unsigned version, bool head) {
  response_t res;
  res.version(version);
  res.result(static_cast<unsigned>(r.status));
  res.reason(reason_phrase(r.status));
  res.set(bhttp::field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers)
    res.insert(name, value);
  if (!r.stream) // HEAD of a streamed answer: its headers only
    res.body() = r.serialized ? *r.serialized : to_body(r.body);
  res.prepare_payload();
  if (head)
    res.body().clear(); // Content-Length still says what GET would send
  return res;
}

/// The threads of streamed answers (exports, event streams), one each, at
/// most `max` at once: a stream may last minutes, so it holds no worker
/// of a lane.
class stream_threads {
public:
  explicit stream_threads(std::size_t max) : max_(max) {}

  /// Runs `fn` on a new thread; false if `max` streams run already.
  bool spawn(std::function<void()> fn) {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (running_ >= max_)
        return false;
      ++running_;
    }
    std::thread([this, fn = std::move(fn)] {
      pthread_setname_np(pthread_self(), "sb-http-stream");
      fn();
      std::lock_guard<std::mutex> guard{mtx_};
      --running_;
      idle_.notify_all();
    }).detach();
    return true;
  }

  /// Waits up to `grace` for every stream's thread to end; true if they
  /// did.
  bool wait_idle(std::chrono::milliseconds grace) {
    std::unique_lock<std::mutex> guard{mtx_};
    return idle_.wait_for(guard, grace, [this] { return running_ == 0; });
  }

private:
  const std::size_t max_;
  std::mutex mtx_;
  std::condition_variable idle_;
  std::size_t running_ = 0;
};

/// Bytes of a streamed answer waiting for a slow client, at most.
constexpr std::size_t stream_buffer_bytes = 256 * 1024;

class connection;

/// The acceptor, the I/O thread and the worker pools. Outlives every
/// connection: the io_context (which holds them) is destroyed first.
class beast_server {
public:
  explicit beast_server(api_config cfg);
  ~beast_server() { stop(); }
  beast_server(const beast_server&) = delete;
  beast_server& operator=(const beast_server&) = delete;

  caf::expected<std::uint16_t> start();
  void stop();

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] api_context& ctx() noexcept { return *ctx_; }
  [[nodiscard]] const api_config& config() const noexcept {
    return ctx_->config;
  }
  [[nodiscard]] bool stopping() const noexcept { return stopping_; }

  [[nodiscard]] stream_threads& streams() noexcept { return streams_; }

  [[nodiscard]] worker_pool& pool(lane l) noexcept {
    if (l == lane::control)
      return control_;
    return l == lane::ingest ? ingest_ : reads_;
  }

private:
  void accept();
  void run_io();

  std::shared_ptr<api_context> ctx_;
  // Declared before the io_context, so destroyed after it: connections it
  // destroys still give their places back.
  worker_pool control_;
  worker_pool reads_;
  worker_pool ingest_;
  stream_threads streams_;
  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  asio::steady_timer accept_retry_{io_};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
    work_;
  std::thread io_thread_;
  std::mutex io_mtx_;
  std::condition_variable io_cv_;
  bool io_done_ = false;
  std::atomic<bool> stopping_{false};
  std::vector<std::weak_ptr<connection>> live_; ///< I/O thread only
  std::size_t compact_at_ = 64;
  std::uint16_t port_ = 0;
};

/// One client connection: reads a request, answers it, reads the next
/// (keep-alive; pipelined requests wait in the buffer and are answered in
/// order). Each step is one phase; an answer is written by `write`, and the
/// next request is read only once the answer is out. A streamed answer
/// (an export, an event stream) is the phase `streaming`: its header is
/// written, then the chunks its producer (on a thread of its own) queues
/// in a stream_channel, then the last chunk.
class connection : public std::enable_shared_from_this<connection> {
public:
  connection(beast_server& server, tcp::socket socket)
    : server_(server), executor_(socket.get_executor()),
      stream_(std::move(socket)) {
    // nop
  }

  void start() { read_header(); }

  /// The server is stopping: drop what waits for the client; let handlers
  /// in progress answer (then close). I/O thread.
  void on_server_stop() {
    if (phase_ == phase::header || phase_ == phase::body
        || phase_ == phase::lingering)
      stream_.close();
    if (phase_ == phase::streaming && channel_) {
      channel_->close(); // the producer stops at its next write
      stream_.close();
    }
  }

private:
  enum class phase { header, body, handling, writing, streaming, lingering };

  std::chrono::milliseconds idle() const {
    return server_.config().idle_timeout;
  }

  void read_header() {
    phase_ = phase::header;
    parser_.emplace();
    parser_->header_limit(header_limit);
    // Checked once the header is in. (Not boost::none: Beast 1.74 compares
    // the Content-Length against the optional, and any number > none.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    route_ = route_match{};
    must_close_ = false;
    method_ = "-";
    path_ = "-";
    version_ = 11;
    head_ = false;
    stream_.expires_after(idle());
    bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->on_header(ec);
      });
  }

  void on_header(beast::error_code ec) {
    began_ = steady::now();
    const auto& req = parser_->get(); // what has been parsed so far
    auto target = sv(req.target());
    if (!target.empty()) {
      method_ = std::string{sv(req.method_string())};
      path_ = loggable_path(target);
      version_ = req.version();
      head_ = req.method() == bhttp::verb::head;
    }
    if (ec == bhttp::error::header_limit) {
      // The request line is parsed as soon as it is complete; if it is
      // not, the line alone is over the limit.
      if (target.empty() || target.size() > max_target_bytes)
        return refuse(uri_too_long(), true);
      return refuse(error_reply(431, "header_too_large",
                                "the headers are larger than "
                                  + std::to_string(max_header_bytes)
                                  + " bytes"),
                    true);
    }
    if (ec)
      return on_read_error(ec);
    if (target.size() > max_target_bytes)
      return refuse(uri_too_long(), true);
    if (auto bad = check_headers(req))
      return refuse(std::move(*bad), true);
    const auto limit = server_.config().max_body_bytes;
    if (auto length = parser_->content_length(); length && *length > limit)
      return refuse(too_large(), true);
    parser_->body_limit(limit); // for chunked bodies
    route_ = match_route(method_, target.substr(0, target.find('?')));
    if (!route_.refusal) {
      if (server_.stopping())
        return refuse(unavailable("the server is stopping"),
                      !parser_->is_done());
      ticket_ = server_.pool(route_.where).try_admit();
      if (!ticket_)
        return refuse(unavailable(route_.where == lane::ingest
                                    ? "too many ingest requests in "
                                      "progress, retry later"
                                    : "too many requests in progress, "
                                      "retry later"),
                      !parser_->is_done());
    }
    if (parser_->is_done())
      return dispatch();
    phase_ = phase::body;
    if (expects_continue(req))
      return send_continue();
    read_body();
  }

  static bool expects_continue(const request_t& req) {
    auto expect = req.find(bhttp::field::expect);
    return req.version() >= 11 && expect != req.end()
           && beast::iequals(expect->value(), "100-continue");
  }

  void send_continue() {
    static constexpr std::string_view line = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(idle());
    asio::async_write(
      stream_, asio::buffer(line.data(), line.size()),
      [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec)
          return self->stream_.close();
        self->read_body();
      });
  }

  /// Reads the body piece by piece: the timeout is for no progress, not
  /// for the whole body.
  void read_body() {
    stream_.expires_after(idle());
    bhttp::async_read_some(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (!ec && !self->parser_->is_done())
          return self->read_body();
        self->on_body(ec);
      });
  }

  void on_body(beast::error_code ec) {
    if (ec)
      return on_read_error(ec);
    dispatch();
  }

  /// A read failed: answer a malformed request, else close.
  void on_read_error(const beast::error_code& ec) {
    if (is_parse_error(ec))
      return refuse(parse_error_reply(ec), true);
    stream_.close(); // gone, reset, timed out, or the server stops
  }

  /// The request is in: answer a refusal here, or hand it to its lane.
  void dispatch() {
    if (route_.refusal)
      return answer(std::move(*route_.refusal));
    phase_ = phase::handling;
    auto req = std::make_shared<request_t>(parser_->release());
    auto& pool = server_.pool(route_.where);
    pool.post(std::move(ticket_), [self = shared_from_this(), req,
                                   handler = route_.handler,
                                   id = std::move(route_.id)]() mutable {
      auto r = run_handler(self->server_.ctx(), handler, *req, std::move(id));
      auto head = req->method() == bhttp::verb::head;
      auto keep = req->keep_alive();
      if (r.stream && !head) {
        auto version = req->version();
        req.reset();
        auto ex = self->executor_;
        asio::post(ex, [self = std::move(self), r = std::move(r), version,
                        keep]() mutable {
          self->start_stream(std::move(r), version, !keep);
        });
        return;
      }
      auto res = make_response(r, req->version(), head);
      req.reset();
      // The I/O thread gets our reference, so the connection is not
      // destroyed on a worker.
      auto ex = self->executor_;
      asio::post(
        ex, [self = std::move(self), res = std::move(res), status = r.status,
             keep]() mutable { self->write(std::move(res), status, !keep); });
    });
  }

  /// Answers without a handler, keeping the connection if it can be.
  void answer(reply r) {
    bool close = must_close_ || !parser_ || !parser_->get().keep_alive();
    write(make_response(r, version_, head_), r.status, close);
  }

  /// Answers and, if `close`, closes after it (the rest of the request is
  /// not read).
  void refuse(reply r, bool close) {
    must_close_ = must_close_ || close;
    ticket_ = worker_pool::ticket{};
    answer(std::move(r));
  }

  void write(response_t res, int status, bool close) {
    close = close || must_close_ || server_.stopping();
    res.keep_alive(!close);
    phase_ = phase::writing;
    auto ms = std::chrono::duration<double, std::milli>(steady::now() - began_)
                .count();
    spdlog::debug("api: {} {} -> {} ({:.1f} ms)", method_, path_, status, ms);
    out_.emplace(std::move(res));
    stream_.expires_after(idle());
    bhttp::async_write(
      stream_, *out_,
      [self = shared_from_this(), close](beast::error_code ec, std::size_t) {
        self->out_.reset();
        if (ec)
          return self->stream_.close();
        if (close)
          return self->close_gracefully();
        self->read_header();
      });
  }

  /// Starts a streamed answer: its producer on a stream thread, its
  /// header on the wire, then pump() writes what the producer queues.
  void start_stream(reply r, unsigned version, bool close) {
    close = close || must_close_ || server_.stopping();
    // While the producer works no write is pending, so nothing else keeps
    // this connection alive: the channel does, until end_stream() drops it.
    auto ex = executor_;
    channel_ = std::make_shared<stream_channel>(
      stream_buffer_bytes, [self = shared_from_this(), ex] {
        asio::post(ex, [self] { self->pump(); });
      });
    auto spawned = server_.streams().spawn(
      [channel = channel_, produce = std::move(r.stream),
       what = method_ + " " + path_] {
        bool complete = false;
        try {
          complete = produce(*channel);
        } catch (const std::exception& e) {
          spdlog::error("api: streaming {} failed: {}", what, e.what());
        }
        channel->finish(complete);
      });
    if (!spawned) {
      channel_.reset();
      return write(make_response(unavailable("too many streams in progress, "
                                             "retry later"),
                                 version, false),
                   503, close);
    }
    phase_ = phase::streaming;
    stream_close_ = close;
    stream_head_.emplace();
    stream_head_->version(version);
    stream_head_->result(static_cast<unsigned>(r.status));
    stream_head_->reason(reason_phrase(r.status));
    stream_head_->set(bhttp::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers)
      stream_head_->insert(name, value);
    stream_head_->chunked(true);
    stream_head_->keep_alive(!close);
    head_writer_.emplace(*stream_head_);
    spdlog::debug("api: {} {} -> {} (streaming)", method_, path_, r.status);
    stream_.expires_after(idle());
    bhttp::async_write_header(
      stream_, *head_writer_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec)
          return self->abort_stream();
        self->pump();
      });
  }

  /// Writes the next chunk the producer queued, or the end of the body.
  void pump() {
    if (phase_ != phase::streaming || !channel_)
      return;
    switch (channel_->take(chunk_)) {
      case stream_channel::next::wait:
        stream_.expires_never(); // the producer may take its time (SSE)
        return;
      case stream_channel::next::cut_off:
        return abort_stream(); // no last chunk: the client sees a cut
      case stream_channel::next::chunk:
        stream_.expires_after(idle());
        asio::async_write(
          stream_, bhttp::make_chunk(asio::buffer(chunk_)),
          [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec)
              return self->abort_stream();
            self->pump();
          });
        return;
      case stream_channel::next::complete:
        stream_.expires_after(idle());
        asio::async_write(
          stream_, bhttp::make_chunk_last(),
          [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->end_stream();
            if (ec)
              return self->stream_.close();
            if (self->stream_close_)
              return self->close_gracefully();
            self->read_header();
          });
        return;
    }
  }

  void end_stream() {
    channel_.reset();
    head_writer_.reset();
    stream_head_.reset();
    chunk_.clear();
    chunk_.shrink_to_fit();
  }

  /// The client is gone, or the body was cut off: stop the producer, close.
  void abort_stream() {
    if (channel_)
      channel_->close();
    end_stream();
    stream_.close();
  }

  /// Shuts down our side, then reads until the client closes (or
  /// linger_time passes): the client reads our answer, not a reset.
  void close_gracefully() {
    phase_ = phase::lingering;
    parser_.reset();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec || server_.stopping())
      return stream_.close();
    linger_until_
      = steady::now() + std::min<steady::duration>(linger_time, idle());
    drain();
  }

  void drain() {
    stream_.expires_at(linger_until_);
    buffer_.clear();
    stream_.async_read_some(
      buffer_.prepare(16 * 1024),
      [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec)
          return self->stream_.close();
        self->drain();
      });
  }

  static reply uri_too_long() {
    return error_reply(414, "uri_too_long",
                       "the request target is longer than "
                         + std::to_string(max_target_bytes) + " bytes");
  }

  reply too_large() const {
    return error_reply(413, "payload_too_large",
                       "the body is larger than "
                         + std::to_string(server_.config().max_body_bytes)
                         + " bytes");
  }

  beast_server& server_;
  const asio::any_io_executor executor_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  phase phase_ = phase::header;
  // The request in progress.
  std::optional<parser_t> parser_;
  route_match route_;
  worker_pool::ticket ticket_; ///< its place in its lane
  steady::time_point began_;
  std::string method_ = "-";
  std::string path_ = "-";
  unsigned version_ = 11;
  bool head_ = false;
  bool must_close_ = false; ///< part of the request is left unread
  // The answer being written.
  std::optional<response_t> out_;
  // A streamed answer: its header, the chunks on their way, the one being
  // written.
  std::optional<bhttp::response<bhttp::empty_body>> stream_head_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> head_writer_;
  std::shared_ptr<stream_channel> channel_;
  std::string chunk_;
  bool stream_close_ = false;
  steady::time_point linger_until_;
};

beast_server::beast_server(api_config cfg)
  : ctx_(std::make_shared<api_context>(std::move(cfg))),
    control_("sb-http-health", 1, control_queue),
    reads_("sb-http-read", ctx_->config.threads, ctx_->config.read_queue),
    ingest_("sb-http-ingest", ctx_->config.ingest_threads,
            ctx_->config.ingest_queue),
    streams_(ctx_->config.max_streams) {
  // nop
}

caf::expected<std::uint16_t> beast_server::start() {
  const auto& cfg = config();
  auto fail = [&cfg](const std::string& what) {
    return caf::make_error(caf::sec::runtime_error,
                           "cannot start the HTTP API on " + cfg.address + ":"
                             + std::to_string(cfg.port) + ": " + what);
  };
  beast::error_code ec;
  tcp::resolver resolver{io_};
  auto found = resolver.resolve(
    cfg.address, std::to_string(cfg.port),
    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || found.empty())
    return fail(ec ? ec.message() : "no address");
  auto endpoint = found.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec)
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor_.bind(endpoint, ec);
  if (!ec)
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return fail(ec.message());
  port_ = acceptor_.local_endpoint(ec).port();
  work_.emplace(asio::make_work_guard(io_));
  accept();
  io_thread_ = std::thread([this] { run_io(); });
  return port_;
}

void beast_server::run_io() {
  pthread_setname_np(pthread_self(), "sb-http-io");
  for (;;) {
    try {
      io_.run();
      break;
    } catch (const std::exception& e) {
      spdlog::error("api: the I/O thread caught: {}", e.what());
    }
  }
  std::lock_guard<std::mutex> guard{io_mtx_};
  io_done_ = true;
  io_cv_.notify_all();
}

void beast_server::accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open())
      return;
    if (ec) {
      // E.g. out of file descriptors: try again soon, do not spin.
      spdlog::warn("api: accept failed: {}", ec.message());
      accept_retry_.expires_after(std::chrono::milliseconds{100});
      accept_retry_.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec)
          accept();
      });
      return;
    }
    if (stopping_)
      return;
    socket.set_option(tcp::no_delay(true), ec);
    auto c = std::make_shared<connection>(*this, std::move(socket));
    if (live_.size() >= compact_at_) {
      live_.erase(std::remove_if(live_.begin(), live_.end(),
                                 [](const auto& w) { return w.expired(); }),
                  live_.end());
      compact_at_ = std::max<std::size_t>(64, live_.size() * 2);
    }
    live_.push_back(c);
    c->start();
    accept();
  });
}

void beast_server::stop() {
  if (!io_thread_.joinable())
    return;
  stopping_ = true;
  asio::post(io_, [this] {
    beast::error_code ec;
    acceptor_.close(ec);
    accept_retry_.cancel();
    for (auto& w : live_)
      if (auto c = w.lock())
        c->on_server_stop();
  });
  // Handlers in progress and queued finish; their answers go out.
  ingest_.stop();
  reads_.stop();
  control_.stop();
  // Their channels are closed: each producer ends at its next write.
  if (!streams_.wait_idle(stop_grace))
    spdlog::warn("api: a streamed answer's producer is still running");
  work_.reset();
  {
    std::unique_lock<std::mutex> guard{io_mtx_};
    if (!io_cv_.wait_for(guard, stop_grace, [this] { return io_done_; }))
      io_.stop(); // a client that does not read its answer
  }
  io_thread_.join();
}

} // namespace

struct api_server::impl {
  explicit impl(api_config cfg) : server(std::move(cfg)) {}
  beast_server server;
};

api_server::api_server() = default;

api_server::~api_server() {
  stop();
}

caf::expected<std::uint16_t> api_server::start(api_config config) {
  if (impl_ != nullptr)
    return caf::make_error(caf::sec::runtime_error, "already running");
  if (config.ingest == nullptr)
    return caf::make_error(caf::sec::runtime_error, "no ingest service");
  if (!config.stores)
    return caf::make_error(caf::sec::runtime_error, "no store factory");
  config.threads = std::clamp<std::size_t>(config.threads, 1, 64);
  config.ingest_threads = std::clamp<std::size_t>(config.ingest_threads, 1, 64);
  config.read_queue = std::min<std::size_t>(config.read_queue, 100000);
  config.ingest_queue = std::min<std::size_t>(config.ingest_queue, 100000);
  if (config.idle_timeout <= std::chrono::milliseconds::zero())
    config.idle_timeout = std::chrono::seconds{60};
  auto state = std::make_unique<impl>(std::move(config));
  auto bound = state->server.start();
  if (!bound)
    return std::move(bound.error());
  const auto& cfg = state->server.config();
  spdlog::info("api: listening on {}:{} ({} read, {} ingest threads)",
               cfg.address, *bound, cfg.threads, cfg.ingest_threads);
  impl_ = std::move(state);
  return *bound;
}

void api_server::stop() {
  if (impl_ == nullptr)
    return;
  impl_->server.stop();
  spdlog::info("api: stopped");
  impl_.reset();
}

std::uint16_t api_server::port() const noexcept {
  return impl_ != nullptr ? impl_->server.port() : 0;
}

} // namespace sb::app::http
