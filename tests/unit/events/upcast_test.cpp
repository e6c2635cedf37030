// Old entries read as the current structs, independent of the golden
// corpus: the v1 bytes here are written by hand with cereal, the way the
// release before usage_recorded v2 wrote them; entries newer than this
// build, or mislabelled, are refused rather than misread.

#include "switchboard/events/codec.hpp"
#include "switchboard/events/upcasters.hpp"

#include <catch2/catch.hpp>

#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>

#include <sstream>

using namespace sb;

namespace {

envelope some_envelope() {
  envelope env;
  env.tenant_id = "default";
  env.call_id = "c-42";
  env.seq = 12;
  env.epoch = 3;
  env.occurred_at = 1762164005000000;
  env.recorded_at = 1762164005100000;
  env.source_position = 77;
  env.source_index = 4;
  env.source_hash = 0x0123456789abcdefull;
  return env;
}

/// The frame byte and envelope as encode() writes them: an event without
/// payload fields ends with its tag and version.
std::string frame_and_envelope() {
  event bare;
  bare.env = some_envelope();
  bare.payload = call_queued{};
  auto bytes = encode(bare);
  return bytes.substr(0, bytes.size() - 4);
}

/// An entry with the given tag and version and a payload written by
/// `write(archive)`.
template <class Write>
std::string entry(std::uint16_t tag, std::uint16_t version, Write write) {
  std::ostringstream out;
  {
    cereal::BinaryOutputArchive ar{out};
    ar(tag, version);
    write(ar);
  }
  return frame_and_envelope() + std::move(out).str();
}

/// usage_recorded's payload as version 1 wrote it.
std::string usage_v1_entry(std::uint16_t version = 1) {
  return entry(usage_recorded::tag, version, [](auto& ar) {
    std::string service = "OpenAILLMService#0";
    std::int64_t prompt = 1410, completion = 7, characters = 0;
    double seconds = 0;
    ar(service, prompt, completion, characters, seconds);
  });
}

} // namespace

TEST_CASE("usage_recorded v1 upcasts to v2 with nothing cached and no "
          "model") {
  auto v2 = upcast(usage_recorded_v1{"CartesiaTTSService#0", 3, 4, 79, 1.5});
  CHECK(v2.service == "CartesiaTTSService#0");
  CHECK(v2.llm_prompt_tokens == 3);
  CHECK(v2.llm_completion_tokens == 4);
  CHECK(v2.tts_characters == 79);
  CHECK(v2.stt_seconds == 1.5);
  CHECK(v2.llm_cached_tokens == 0);
  CHECK(v2.model.empty());
}

TEST_CASE("a usage_recorded entry written as version 1 decodes as v2") {
  event got;
  std::string error;
  REQUIRE(decode(usage_v1_entry(), got, error));
  CHECK(got.env.call_id == "c-42");
  CHECK(got.env.seq == 12);
  CHECK(got.env.source_hash == 0x0123456789abcdefull);
  REQUIRE(std::holds_alternative<usage_recorded>(got.payload));
  const auto& usage = std::get<usage_recorded>(got.payload);
  CHECK(usage.service == "OpenAILLMService#0");
  CHECK(usage.llm_prompt_tokens == 1410);
  CHECK(usage.llm_completion_tokens == 7);
  CHECK(usage.llm_cached_tokens == 0);
  CHECK(usage.model.empty());
  // Written again, it is a v2 entry that keeps every fact.
  event again;
  REQUIRE(decode(encode(got), again, error));
  CHECK(std::get<usage_recorded>(again.payload).llm_prompt_tokens == 1410);
}

TEST_CASE("a usage_recorded v2 entry keeps its cached tokens and model") {
  event e;
  e.env = some_envelope();
  usage_recorded usage{"OpenAILLMService#0", 1410, 7, 0, 0};
  usage.llm_cached_tokens = 1024;
  usage.model = "gpt-4o";
  e.payload = usage;
  event got;
  std::string error;
  REQUIRE(decode(encode(e), got, error));
  const auto& back = std::get<usage_recorded>(got.payload);
  CHECK(back.llm_prompt_tokens == 1410);
  CHECK(back.llm_cached_tokens == 1024);
  CHECK(back.model == "gpt-4o");
}

TEST_CASE("an entry newer than this build is refused, saying so") {
  auto future
    = entry(usage_recorded::tag, usage_recorded::version + 1, [](auto& ar) {
        std::string service = "OpenAILLMService#0";
        std::int64_t n = 1;
        std::string model = "gpt-5", extra = "v3 field";
        ar(service, n, n, n, 0.0, n, model, extra);
      });
  event got;
  std::string error;
  CHECK_FALSE(decode(future, got, error));
  CHECK(error.find("event type 9 has version 3") != std::string::npos);
  CHECK(error.find("reads up to 2") != std::string::npos);
  error.clear();
  CHECK_FALSE(decode(usage_v1_entry(0), got, error)); // no version 0
  CHECK(error.find("version 0") != std::string::npos);
}

TEST_CASE("a payload under the wrong version is refused, not misread") {
  event got;
  std::string error;
  CHECK_FALSE(decode(usage_v1_entry(2), got, error)); // too short for v2
  CHECK(error.find("truncated or corrupt") != std::string::npos);
  event e;
  e.env = some_envelope();
  e.payload = usage_recorded{"OpenAILLMService#0", 1410, 7, 0, 0, 1024, "x"};
  auto bytes = encode(e);
  auto at = frame_and_envelope().size() + 2; // the version, after the tag
  REQUIRE(bytes[at] == 2);
  bytes[at] = 1; // too long for v1
  error.clear();
  CHECK_FALSE(decode(bytes, got, error));
  CHECK(error.find("bytes after its payload") != std::string::npos);
}

TEST_CASE("a signal batch written before signals had cached tokens still "
          "decodes") {
  // Frame 1, as the gateway wrote SB_SIGNALS before batch frame 2.
  std::ostringstream out;
  {
    cereal::BinaryOutputArchive ar{out};
    std::uint8_t frame = 1;
    std::string tenant = "default", agent = "support-bot", source = "pipecat";
    std::uint64_t n = 1;
    ar(frame, tenant, agent, source, n);
    std::string call_id = "c-1", service = "OpenAILLMService#0", text,
                detail = "cache read input tokens: 1024";
    auto kind = signal_kind::llm_usage;
    std::int64_t at = 123, prompt = 1410, completion = 7, characters = 0;
    double value = 0;
    std::uint32_t line = 9;
    ar(call_id, kind, at, service, text, detail, value, prompt, completion,
       characters, line);
  }
  signal_batch b;
  b.signals.resize(1);
  b.signals[0].cached_tokens = 99; // left over: must not survive decoding
  std::string error;
  REQUIRE(decode(out.str(), b, error));
  REQUIRE(b.signals.size() == 1);
  CHECK(b.signals[0].prompt_tokens == 1410);
  CHECK(b.signals[0].line == 9);
  CHECK(b.signals[0].cached_tokens == 0);
  CHECK(b.signals[0].language.empty());
  auto future = out.str();
  future[0] = 4;
  CHECK_FALSE(decode(future, b, error));
  CHECK(error.find("frame version 4") != std::string::npos);
}
