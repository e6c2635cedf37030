#include "switchboard/db/api_keys.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace sb::db;

TEST_CASE("api keys: fresh keys are well-formed and distinct") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto key = generate_api_key();
    REQUIRE(key);
    CHECK(key->plain.size() == 3 + 8 + 1 + 32);
    CHECK(key->plain.rfind("sb_" + key->prefix + "_", 0) == 0);
    CHECK(key->hash == sha256_hex(key->plain));
    CHECK(parse_api_key_prefix(key->plain) == key->prefix);
    CHECK(seen.insert(key->plain).second);
  }
}

TEST_CASE("api keys: SHA-256 is the standard one, in lowercase hex") {
  CHECK(sha256_hex("abc")
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("")
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("api keys: only well-formed keys have a prefix") {
  const std::string secret(32, 'x');
  CHECK(parse_api_key_prefix("sb_abcd1234_" + secret) == "abcd1234");
  CHECK(parse_api_key_prefix("sb_abcd1234_" + secret + "yz") == "abcd1234");
  CHECK_FALSE(parse_api_key_prefix("sb_abcd1234_" + secret.substr(1)));
  CHECK_FALSE(parse_api_key_prefix("xx_abcd1234_" + secret));
  CHECK_FALSE(parse_api_key_prefix("sb_abcd123_-" + secret));
  CHECK_FALSE(parse_api_key_prefix("sb_abcd-234_" + secret));
  CHECK_FALSE(parse_api_key_prefix("sb_abcd1234_" + secret + "!"));
  CHECK_FALSE(parse_api_key_prefix(""));
}

TEST_CASE("api keys: a key matches its own hash only") {
  auto key = generate_api_key();
  REQUIRE(key);
  CHECK(api_key_matches(key->plain, key->hash));
  CHECK_FALSE(api_key_matches(key->plain + "x", key->hash));
  CHECK_FALSE(api_key_matches(key->plain, key->hash.substr(1)));
  CHECK_FALSE(api_key_matches(key->plain, ""));
  CHECK(valid_role("admin"));
  CHECK(valid_role("viewer"));
  CHECK_FALSE(valid_role("Admin"));
}
