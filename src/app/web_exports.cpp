// web_exports.cpp: the single entry point window.attn calls (web/attn.js): attn_api(method, args).
// Engine questions go to api::handle_request; "ui.*" questions to the running app; "gpu.*" to the
// WebGPU backend (gpu/gpu_api.cpp). The returned
// pointer stays valid until the next call (JS copies it at once).
#include "app/api.h"
#include "gpu/gpu_api.h"

#include <emscripten.h>

#include <string>

std::string attn_app_request(const std::string& method, const std::string& args);  // main.cpp

extern "C" EMSCRIPTEN_KEEPALIVE const char* attn_api(const char* method, const char* args) {
    static std::string result;
    const std::string m = method ? method : "";
    const std::string a = args ? args : "{}";
    result = m.rfind("ui.", 0) == 0    ? attn_app_request(m, a)
             : m.rfind("gpu.", 0) == 0 ? attn::gpu::handle_gpu_request(m, a)
                                       : attn::api::handle_request(m, a);
    return result.c_str();
}
