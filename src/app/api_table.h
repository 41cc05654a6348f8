// api_table.h: window.attn's one dispatch table: every method the page (web_exports.cpp, through
// main.cpp) and attn_cli answer, by name, each a handler of one signature. The engine's answers
// (api.h), the app's, each view's (the views table, view_table.h), the page's (page.h) and, in the
// page, the GPU's (gpu/gpu_api.h). "api.methods" lists it; tests check README's table against the page.
// Not the answers themselves. Test: tests/e2e/api_table.test.mjs.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace attn::app {

struct App;

// What a handler may use: the running app, or nullptr in attn_cli (which answers the engine's methods).
struct ApiContext {
    App* app = nullptr;
};

struct ApiMethod {
    std::string name;  // "ui.state"
    std::function<nlohmann::json(ApiContext& ctx, const nlohmann::json& args)> handler;
    bool needs_app;    // answered by the running page only
};

const std::vector<ApiMethod>& api_table();

// Calls `method` with args_json (a JSON object; "" means {}). Returns JSON text; on any failure
// {"error": "<method>: <why>"}.
std::string api_call(ApiContext& ctx, const std::string& method, const std::string& args_json);

// A model file the visitor gave the page (web_exports.cpp's attn_load_model_file: dropped, picked or
// attn.loadModel): loaded into the store and shown, {"model", "file", "architecture", "parameter_count"};
// or refused, {"error": the loader's reason}, with everything as it was. A notice says which.
// Test: tests/e2e/model_file.test.mjs.
nlohmann::json load_model_file(App& app, const std::string& file_name, const uint8_t* data, size_t size);
// A loaded model as a .safetensors file (web_exports.cpp's attn_model_file: "Download model",
// attn.saveModel): its bytes into *bytes, {"model", "file": "<name>.safetensors", "size"}; or {"error"}
// when the model is not loaded. The file is what the model was loaded from, written again: its tensors
// bit for bit and the metadata the loader reads (model_file.h's keys).
nlohmann::json save_model_file(App& app, const std::string& name, std::vector<uint8_t>* bytes);

}  // namespace attn::app
