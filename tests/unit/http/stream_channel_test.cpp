#include "http/stream_channel.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using namespace sb::app::http;
using next = stream_channel::next;

TEST_CASE("a stream channel hands chunks over in order, then the end") {
  int wakes = 0;
  stream_channel ch{1024, [&] { ++wakes; }};
  CHECK(ch.write("a"));
  CHECK(ch.write("b"));
  CHECK(wakes == 0); // the header is still on its way: no wake yet
  std::string out;
  CHECK(ch.take(out) == next::chunk);
  CHECK(out == "a");
  CHECK(ch.take(out) == next::chunk);
  CHECK(out == "b");
  CHECK(ch.take(out) == next::wait);
  CHECK(ch.write("c"));
  CHECK(wakes == 1);
  CHECK(ch.write("d"));
  CHECK(wakes == 1); // one wake until the next wait
  ch.finish(true);
  CHECK(ch.take(out) == next::chunk);
  CHECK(ch.take(out) == next::chunk);
  CHECK(out == "d");
  CHECK(ch.take(out) == next::complete);
  CHECK_FALSE(ch.write("late"));
}

TEST_CASE("a producer faster than its client waits: memory stays bounded") {
  stream_channel ch{100, [] {}};
  std::atomic<int> written{0};
  std::thread producer([&] {
    for (int i = 0; i < 50; ++i) {
      if (!ch.write(std::string(40, 'x')))
        return;
      ++written;
    }
    ch.finish(true);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // 40-byte chunks under a 100-byte bound: three fit, the fourth waits.
  CHECK(written.load() == 3);
  std::string out;
  std::size_t taken = 0;
  for (;;) {
    auto n = ch.take(out);
    if (n == next::complete)
      break;
    if (n == next::chunk)
      ++taken;
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  producer.join();
  CHECK(taken == 50);
}

TEST_CASE("closing a channel releases a waiting producer and cuts it off") {
  stream_channel ch{10, [] {}};
  CHECK(ch.write(std::string(20, 'x'))); // over the bound: the next waits
  std::atomic<bool> refused{false};
  std::thread producer([&] { refused = !ch.write("more"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(refused.load());
  ch.close();
  producer.join();
  CHECK(refused.load());
  CHECK_FALSE(ch.open());
  ch.finish(false);
  std::string out;
  CHECK(ch.take(out) == next::cut_off);
}
