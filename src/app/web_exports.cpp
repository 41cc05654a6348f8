// web_exports.cpp: the single entry point window.attn calls (web/loader.js): attn_api(method, args),
// answered through the API table (app/api_table.h, via main.cpp, which knows the running app). The
// returned pointer stays valid until the next call (JS copies it at once). Test: tests/e2e/page.test.mjs.
#include <emscripten.h>

#include <string>

std::string attn_app_request(const std::string& method, const std::string& args);  // main.cpp

extern "C" EMSCRIPTEN_KEEPALIVE const char* attn_api(const char* method, const char* args) {
    static std::string result;
    result = attn_app_request(method ? method : "", args ? args : "{}");
    return result.c_str();
}
