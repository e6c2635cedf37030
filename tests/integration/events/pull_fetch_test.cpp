// Reading streams with fetches that time out while the server is still
// sending: the messages that arrive late wait in the subscription, and the
// next fetch must hand them over once each, in order, without corrupting
// memory (nats.c 3.4.1 overruns its batch there; events/pull_fetch.hpp).

#include "support/servers.hpp"

#include "switchboard/events/jetstream.hpp"
#include "switchboard/events/partition_consumer.hpp"
#include "switchboard/events/partitions.hpp"
#include "switchboard/events/stream_reader.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

constexpr int message_count = 6000;

std::unique_ptr<sb::jetstream> connect_with_streams(const std::string& url) {
  std::string error;
  auto js = sb::jetstream::connect(url, "pull-fetch-test", error);
  REQUIRE(js);
  REQUIRE(js->ensure_streams(sb::stream_settings{}, error));
  return js;
}

void publish_many(sb::jetstream& js, const std::string& subject) {
  std::string body(300, 'x'); // about a signal's size
  for (int i = 1; i <= message_count; ++i) {
    auto r = js.publish(subject, body, subject + "-" + std::to_string(i));
    REQUIRE(r.ok);
  }
}

} // namespace

TEST_CASE("a stream reader whose fetches time out still reads every message "
          "once, in order") {
  sb::test::nats_server nats;
  auto js = connect_with_streams(nats.url());
  publish_many(*js, sb::event_subject(3));
  std::string error;
  auto reader
    = sb::stream_reader::open(*js, sb::events_stream, "sb.evt.*", 1, error);
  REQUIRE(reader);
  std::vector<sb::stream_message> read;
  auto deadline = clock_type::now() + std::chrono::seconds(60);
  while (read.size() < message_count && clock_type::now() < deadline) {
    // 1 ms: most fetches end before the server has sent their batch.
    REQUIRE(reader->fetch(read, 2000, 1, error));
  }
  REQUIRE(read.size() == message_count);
  for (std::size_t i = 0; i < read.size(); ++i)
    REQUIRE(read[i].seq == i + 1);
  CHECK(read.back().pending == 0);
  CHECK(read.front().pending == message_count - 1);
  // Nothing is left over to be read twice.
  std::vector<sb::stream_message> more;
  REQUIRE(reader->fetch(more, 2000, 200, error));
  CHECK(more.empty());
}

TEST_CASE("a partition consumer whose fetches time out still delivers every "
          "signal once") {
  sb::test::nats_server nats;
  auto js = connect_with_streams(nats.url());
  publish_many(*js, sb::signal_subject(5));
  std::string error;
  auto consumer = sb::partition_consumer::open(*js, 5, error);
  REQUIRE(consumer);
  std::map<std::uint64_t, int> deliveries;
  std::size_t fetched = 0;
  auto deadline = clock_type::now() + std::chrono::seconds(60);
  while (deliveries.size() < message_count && clock_type::now() < deadline) {
    std::vector<sb::signal_delivery> batch;
    REQUIRE(consumer->fetch(batch, 256, 1, error));
    for (const auto& d : batch) {
      ++deliveries[d.stream_seq()];
      CHECK(d.ack());
    }
    fetched += batch.size();
  }
  REQUIRE(deliveries.size() == message_count);
  CHECK(fetched == message_count);
  CHECK(deliveries.begin()->first == 1);
  CHECK(deliveries.rbegin()->first == message_count);
}
