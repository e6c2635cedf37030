// Recovering the user's turn from the LLM context dump, in every form.

#include "gateway/context_dump.hpp"
#include "gateway_test_support.hpp"

using namespace sb;
using namespace sb::gateway;
using namespace sb::gateway::test;

namespace {

std::vector<signal> dump(const std::string& message) {
  return parse(debug(message)).signals;
}

std::string user_text(const std::string& message) {
  auto signals = dump(message);
  INFO(message);
  REQUIRE(signals.size() == 1);
  CHECK(signals[0].kind == signal_kind::user_context_text);
  return signals[0].text;
}

} // namespace

TEST_CASE("context dumps: Python repr with apostrophes and escapes",
          "[gateway][context]") {
  CHECK(user_text("OpenAILLMService#0: Generating chat from universal "
                  "context [{'role': 'system', 'content': \"You're Ava. "
                  "Don't use lists.\"}, {'role': 'user', 'content': \"I'd "
                  "like to book a cleaning.\"}]")
        == "I'd like to book a cleaning.");
  CHECK(user_text("OpenAILLMService#0: Generating chat from LLM-specific "
                  "context [{'role': 'user', 'content': 'She said \"hi\" "
                  "and it\\'s fine\\nreally \\\\ ok \\xe9t\\xe9 \\u2014 "
                  "\\U0001F600'}]")
        == "She said \"hi\" and it's fine\nreally \\ ok \xC3\xA9t\xC3\xA9 "
           "\xE2\x80\x94 \xF0\x9F\x98\x80");
  CHECK(user_text("AnthropicLLMService#0: Generating chat from context "
                  "[{'role': 'user', 'content': 'Hello'}]")
        == "Hello");
}

TEST_CASE("context dumps: JSON of 0.0.50 and bracketed JSON of 0.0.6x",
          "[gateway][context]") {
  CHECK(user_text("Generating chat: [{\"role\": \"system\", \"content\": "
                  "\"Be brief.\"}, {\"role\": \"user\", \"content\": \"What's "
                  "the weather in Paris?\"}]")
        == "What's the weather in Paris?");
  CHECK(user_text("OpenAILLMService#0: Generating chat [[{\"role\": "
                  "\"system\", \"content\": \"Dr. Patel\\u2019s clinic\"}, "
                  "{\"role\": \"user\", \"content\": \"Thursday? "
                  "\\ud83d\\ude4f \\\"soon\\\"\"}]]")
        == "Thursday? \xF0\x9F\x99\x8F \"soon\"");
  CHECK(user_text("OpenAILLMService#0: Generating chat from OpenAI context "
                  "[{\"role\": \"user\", \"content\": \"Hi\"}]")
        == "Hi");
}

TEST_CASE("context dumps: list content and Gemini parts",
          "[gateway][context]") {
  CHECK(user_text("OpenAILLMService#0: Generating chat from universal "
                  "context [{'role': 'user', 'content': [{'type': 'text', "
                  "'text': \"My router's light\"}, {'type': 'image_url', "
                  "'image_url': {'url': 'data:image/...'}}, {'type': 'text', "
                  "'text': 'is blinking.'}]}]")
        == "My router's light is blinking.");
  CHECK(user_text("GoogleLLMService#0: Generating chat from context "
                  "[{'parts': [{'text': 'Check order 5512'}], 'role': "
                  "'user'}]")
        == "Check order 5512");
  // Gemini with a system instruction in brackets before the messages.
  CHECK(user_text("GoogleLLMService#0: Generating chat from universal "
                  "context [You are a [very] helpful bot.] | [{'role': "
                  "'user', 'parts': [{'text': 'Hi there'}]}]")
        == "Hi there");
  CHECK(user_text("GoogleLLMService#0: Generating chat from LLM-specific "
                  "context [None] | [{'role': 'user', 'parts': [{'text': "
                  "'Hey'}]}]")
        == "Hey");
}

TEST_CASE("context dumps yield nothing unless the last message is the "
          "user's",
          "[gateway][context]") {
  // After a function call the LLM runs again, ending with the tool result.
  CHECK(dump("OpenAILLMService#0: Generating chat from universal context "
             "[{'role': 'user', 'content': 'Book it'}, {'role': 'assistant', "
             "'tool_calls': [{'id': 'call_1', 'function': {'name': 'book', "
             "'arguments': '{}'}, 'type': 'function'}]}, {'role': 'tool', "
             "'content': '{\"ok\": true}', 'tool_call_id': 'call_1'}]")
          .empty());
  CHECK(dump("OpenAILLMService#0: Generating chat from universal context "
             "[{'role': 'system', 'content': 'Greet the caller.'}]")
          .empty());
  // Anthropic tool results are user messages without text.
  CHECK(dump("AnthropicLLMService#0: Generating chat from context [{'role': "
             "'user', 'content': [{'type': 'tool_result', 'tool_use_id': "
             "'t1', 'content': 'ok'}]}]")
          .empty());
  // Gemini function responses, too.
  CHECK(dump("GoogleLLMService#0: Generating chat from context [{'parts': "
             "[{'function_response': {'name': 'f', 'response': {}}}], "
             "'role': 'user'}]")
          .empty());
  CHECK(dump("OpenAILLMService#0: Generating chat from context []").empty());
}

TEST_CASE("context dumps tolerate odd values in the history",
          "[gateway][context]") {
  CHECK(user_text("OpenAILLMService#0: Generating chat from context "
                  "[{'role': 'assistant', 'content': None, 'tool_calls': "
                  "[ChatCompletionMessageToolCall(id='c1', type='function', "
                  "function=Function(name='f', arguments='{}'))], 'audio': "
                  "<pipecat.x object at 0x7f3a>, 'n': -1.5e3, 'ok': True}, "
                  "{'role': 'user', 'content': 'Thanks!'}]")
        == "Thanks!");
}

TEST_CASE("a context dump cut short yields nothing, and is counted so",
          "[gateway][context]") {
  auto r = parse(debug("OpenAILLMService#0: Generating chat from universal "
                       "context [{'role': 'user', 'content': 'Hel")
                 + "\n" + debug("Bot started speaking"));
  REQUIRE(r.signals.size() == 1);
  CHECK(r.signals[0].kind == signal_kind::bot_started_speaking);
  CHECK(r.totals.kept == 1);
  CHECK(r.totals.dropped == 1);
  check_totals(r);
}

TEST_CASE("a context dump whose system instruction spans lines",
          "[gateway][context]") {
  auto r = parse(debug("GoogleLLMService#0: Generating chat from universal "
                       "context [You are a bakery assistant.")
                 + "\nBe brief.] | [{'role': 'user', 'parts': [{'text': "
                   "'When do you open?'}]}]\n"
                 + debug("Bot started speaking"));
  REQUIRE(r.signals.size() == 2);
  CHECK(r.signals[0].kind == signal_kind::user_context_text);
  CHECK(r.signals[0].text == "When do you open?");
  CHECK(r.signals[0].line == 1);
  CHECK(r.totals.kept == 2);
  CHECK(r.totals.dropped == 1);
}

TEST_CASE("string literals decode Python and JSON escapes",
          "[gateway][context]") {
  std::string out;
  std::string_view s = "'a\\'b\\\\c\\x41' tail";
  REQUIRE(read_string_literal(s, out));
  CHECK(out == "a'b\\cA");
  CHECK(s == " tail");
  s = "\"lone \\ud800 surrogate\"";
  REQUIRE(read_string_literal(s, out));
  CHECK(out == "lone \xEF\xBF\xBD surrogate");
  s = "'unterminated";
  CHECK_FALSE(read_string_literal(s, out));
}
