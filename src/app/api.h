// api.h: the engine's question-and-answer surface, JSON in and JSON out. The page's window.attn
// (web/attn.js) and the native attn_cli both call handle_request, so tests can compare the two.
// Not UI: no ImGui, no SDL. Test: tests/e2e/page.test.mjs (page vs attn_cli).
#pragma once

#include <string>

namespace attn {
struct Gallery;
struct GalleryOptions;
}  // namespace attn

namespace attn::api {

// method: "version", "seed001", "gallery" ...; args_json: a JSON object (may be "{}").
// Returns a JSON text; on bad input {"error": "..."} naming what was wrong.
std::string handle_request(const std::string& method, const std::string& args_json);

// The gallery (models/attention_gallery.h) as the "gallery" method and the page's attn.gallery() give it.
std::string gallery_json(const Gallery& g);
// The keys query_word, temperature, window, backend of args_json applied onto o (the others are kept);
// throws std::invalid_argument naming a key of the wrong type or value.
GalleryOptions gallery_options_from_json(const std::string& args_json, const GalleryOptions& o);

}  // namespace attn::api
