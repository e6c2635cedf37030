#include "switchboard/events/upcasters.hpp"

namespace sb {

usage_recorded upcast(const usage_recorded_v1& v1) {
  usage_recorded out;
  out.service = v1.service;
  out.llm_prompt_tokens = v1.llm_prompt_tokens;
  out.llm_completion_tokens = v1.llm_completion_tokens;
  out.tts_characters = v1.tts_characters;
  out.stt_seconds = v1.stt_seconds;
  // What v1 implies for the fields it did not have.
  out.llm_cached_tokens = 0;
  out.model.clear();
  return out;
}

} // namespace sb
