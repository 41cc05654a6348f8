// cli_main.cpp: attn_cli METHOD [ARGS_JSON] prints what window.attn answers for the same call,
// computed natively, through the same API table. Used by the end-to-end tests to check the page
// against the native engine. Test: tests/e2e/page.test.mjs.
#include "app/api_table.h"
#include "views/model_store.h"
#include "views/sensor_store.h"
#include "models/decode_workload.h"

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: attn_cli METHOD [ARGS_JSON]   e.g. attn_cli seed001 '{\"backend\":\"simd\"}'\n");
        return 2;
    }
    static attn::views::ModelStore store(ATTN_MODELS_DIR);  // decode workloads read assets/models
    attn::set_translator_source([](const std::string& model, std::string* status) {
        const attn::Translator* t = store.get(model);
        if (!t) *status = store.error(model);  // loading is synchronous natively
        return t;
    });
    static attn::views::SensorStore sensor;
    attn::set_sensor_source([](std::string* status) {
        const attn::SensorModel* m = sensor.get(ATTN_MODELS_DIR);
        if (!m) *status = sensor.error();
        return m;
    });
    attn::app::ApiContext ctx;  // no running app: the engine's methods (api_table.cpp) answer
    const std::string out = attn::app::api_call(ctx, argv[1], argc > 2 ? argv[2] : "{}");
    std::puts(out.c_str());
    return out.rfind("{\"error\"", 0) == 0 ? 1 : 0;
}
