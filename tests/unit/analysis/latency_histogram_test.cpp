#include "switchboard/analysis/latency_histogram.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace sb::analysis;

TEST_CASE("values go to the first bucket whose bound holds them") {
  CHECK(bucket_of(0) == 0);
  CHECK(bucket_of(-5) == 0);
  CHECK(bucket_of(50) == 0);
  CHECK(bucket_of(50.001) == 1);
  CHECK(bucket_of(999.9) == 10);
  CHECK(bucket_of(1000) == 10);
  CHECK(bucket_of(10000) == 19);
  CHECK(bucket_of(10000.5) == 20);
  CHECK(bucket_of(1e9) == 20);
  // The bounds are part of stored tables.
  CHECK(bucket_bounds_ms.front() == 50);
  CHECK(bucket_bounds_ms[10] == 1000);
  CHECK(bucket_bounds_ms.back() == 10000);
  for (std::size_t i = 1; i < bucket_bounds_ms.size(); ++i)
    CHECK(bucket_bounds_ms[i] > bucket_bounds_ms[i - 1]);
}

TEST_CASE("a histogram counts values and sums them in microseconds") {
  histogram h;
  h.add(120.4);
  h.add(120.0004);
  h.add(800);
  h.add(-1);           // not measured
  h.add(std::nan("")); // not a latency
  CHECK(h.count == 3);
  CHECK(h.sum_us == 120400 + 120000 + 800000);
  CHECK(h.counts[bucket_of(120)] == 2);
  CHECK(h.counts[bucket_of(800)] == 1);

  histogram other;
  other.add(5000);
  h.merge(other);
  CHECK(h.count == 4);
  CHECK(h.counts[bucket_of(5000)] == 1);
  h.subtract(other);
  CHECK(h.count == 3);
  CHECK(h.counts[bucket_of(5000)] == 0);
  CHECK(h.sum_us == 1040400);
}

TEST_CASE("quantiles interpolate inside the bucket") {
  std::array<std::int64_t, bucket_count> counts{};
  CHECK_FALSE(quantile(counts, 0.5));
  // 10 values in (100, 150], 10 in (150, 200].
  counts[2] = 10;
  counts[3] = 10;
  CHECK(quantile(counts, 0.5) == Approx(150));
  CHECK(quantile(counts, 0.25) == Approx(125));
  CHECK(quantile(counts, 0.75) == Approx(175));
  CHECK(quantile(counts, 1.0) == Approx(200));
  CHECK(quantile(counts, 0.0) == Approx(100));
  CHECK(quantile(counts, 7.0) == Approx(200)); // clamped
  // The unbounded last bucket answers its lower bound.
  counts[20] = 20;
  CHECK(quantile(counts, 0.99) == Approx(10000));
  // The first bucket starts at 0.
  std::array<std::int64_t, bucket_count> fast{};
  fast[0] = 4;
  CHECK(quantile(fast, 0.5) == Approx(25));
}

TEST_CASE("quantiles from a histogram land near the exact ones") {
  histogram h;
  std::vector<double> samples;
  for (int i = 1; i <= 1000; ++i) {
    double ms = 100 + i * 0.9; // 100.9 .. 1000
    h.add(ms);
    samples.push_back(ms);
  }
  auto exact = exact_quantile(samples, 0.95);
  REQUIRE(exact);
  CHECK(*exact == Approx(955));
  auto estimate = quantile(h.counts, 0.95);
  REQUIRE(estimate);
  CHECK(std::abs(*estimate - *exact) < 50);
}

TEST_CASE("exact quantiles use the nearest rank") {
  CHECK_FALSE(exact_quantile({}, 0.5));
  std::vector<double> s{500, 100, 400, 200, 300, 600, 700, 800, 900, 1000};
  CHECK(exact_quantile(s, 0.5) == 500);
  CHECK(exact_quantile(s, 0.9) == 900);
  CHECK(exact_quantile(s, 0.95) == 1000);
  CHECK(exact_quantile(s, 0.0) == 100);
  CHECK(exact_quantile(s, 1.0) == 1000);
  CHECK(exact_quantile({42}, 0.99) == 42);
  CHECK(exact_quantile({std::nan(""), 7}, 0.5) == 7);
}
