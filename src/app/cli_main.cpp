// cli_main.cpp: attn_cli METHOD [ARGS_JSON] prints what window.attn answers for the same call,
// computed natively. Used by the end-to-end tests to check the page against the native engine.
#include "app/api.h"
#include "app/model_store.h"
#include "app/sensor_store.h"
#include "models/decode_workload.h"

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: attn_cli METHOD [ARGS_JSON]   e.g. attn_cli seed001 '{\"backend\":\"simd\"}'\n");
        return 2;
    }
    static attn::app::ModelStore store(ATTN_MODELS_DIR);  // decode workloads read assets/models
    attn::set_translator_source([](const std::string& model, std::string* status) {
        const attn::Translator* t = store.get(model);
        if (!t) *status = store.error(model);  // loading is synchronous natively
        return t;
    });
    static attn::app::SensorStore sensor;
    attn::set_sensor_source([](std::string* status) {
        const attn::SensorModel* m = sensor.get(ATTN_MODELS_DIR);
        if (!m) *status = sensor.error();
        return m;
    });
    const std::string out = attn::api::handle_request(argv[1], argc > 2 ? argv[2] : "{}");
    std::puts(out.c_str());
    return out.rfind("{\"error\"", 0) == 0 ? 1 : 0;
}
