// api.h: the engine's question-and-answer surface, JSON in and JSON out. The page's window.attn
// (web/attn.js) and the native attn_cli both call handle_request, so tests can compare the two.
// Not UI: no ImGui, no SDL. Test: tests/e2e/page.test.mjs (page vs attn_cli).
#pragma once

#include <string>

namespace attn::api {

// method: "version", "seed001" ...; args_json: a JSON object (may be "{}").
// Returns a JSON text; on bad input {"error": "..."} naming what was wrong.
std::string handle_request(const std::string& method, const std::string& args_json);

}  // namespace attn::api
