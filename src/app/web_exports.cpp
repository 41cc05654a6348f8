// web_exports.cpp: the entry points window.attn calls (web/loader.js): attn_api(method, args),
// answered through the API table (app/api_table.h, via main.cpp, which knows the running app). The
// returned pointer stays valid until the next call (JS copies it at once); and attn_load_model_file, for
// the bytes of a model file the visitor gave the page (JSON cannot carry them), and attn_model_file, for
// a loaded model's file. Test:
// tests/e2e/page.test.mjs, tests/e2e/model_file.test.mjs.
#include <emscripten.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

std::string attn_app_request(const std::string& method, const std::string& args);  // main.cpp
std::string attn_app_load_model_file(const std::string& file_name, const uint8_t* data, size_t size);  // main.cpp
std::string attn_app_model_file(const std::string& name, std::vector<uint8_t>* bytes);                   // main.cpp

extern "C" EMSCRIPTEN_KEEPALIVE const char* attn_api(const char* method, const char* args) {
    static std::string result;
    result = attn_app_request(method ? method : "", args ? args : "{}");
    return result.c_str();
}

// The bytes are the page's copy (malloc'd by loader.js, freed by it after the call); the answer as attn_api's.
extern "C" EMSCRIPTEN_KEEPALIVE const char* attn_load_model_file(const char* file_name, const uint8_t* data, size_t size) {
    static std::string result;
    result = attn_app_load_model_file(file_name ? file_name : "", data, size);
    return result.c_str();
}

// A loaded model's .safetensors file: {"model", "file", "size", "address"} (the bytes stay there until the
// next call; page.js copies them at once), or {"error"}.
extern "C" EMSCRIPTEN_KEEPALIVE const char* attn_model_file(const char* name) {
    static std::vector<uint8_t> bytes;
    static std::string result;
    result = attn_app_model_file(name ? name : "", &bytes);
    return result.c_str();
}
