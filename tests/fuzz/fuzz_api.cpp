// fuzz_api.cpp: the JSON API through its one dispatch table (app::api_call, what window.attn.call and
// attn_cli reach) with any method name and any argument text: input = method, a newline, the arguments.
// The answer is always JSON (an object, or an array for a listing: api.methods); an error is an object
// whose "error" is in the project's words (never the JSON library's internals, e.g.
// "[json.exception.type_error.302]"). Calls that would only be slow are skipped: timing loops
// (workload.bench on a real workload), workloads above 2e7 FLOPs or 1 MB, and the sensor's on more
// than 8 series (their names are covered by fuzz_workload_name). No app runs here (as in attn_cli): the ui.*
// rows answer that they need the running page, and their handlers are not reached.
// Test: scripts/fuzz.mjs (make fuzz; corpus: tests/fuzz/corpus/api).
#include "fuzz_check.h"

#include "app/api_table.h"
#include "views/model_store.h"
#include "views/sensor_store.h"
#include "models/decode_workload.h"
#include "models/workloads.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

using namespace attn;
using nlohmann::json;

namespace {

void set_up_model_sources() {
    static views::ModelStore store(ATTN_MODELS_DIR);
    set_translator_source([](const std::string& model, std::string* status) {
        const Translator* t = store.get(model);
        if (!t) *status = store.error(model);
        return t;
    });
    static views::SensorStore sensor;
    set_sensor_source([](std::string* status) {
        const SensorModel* m = sensor.get(ATTN_MODELS_DIR);
        if (!m) *status = sensor.error();
        return m;
    });
}

bool slow(const std::string& method, const std::string& args_text) {
    const json args = json::parse(args_text.empty() ? "{}" : args_text, nullptr, false);
    if (!args.is_object() || !args.contains("workload") || !args["workload"].is_string()) return false;
    const std::string name = args["workload"].get<std::string>();
    if (method == "workload.bench") {
        try {
            if (is_decode_workload(name)) return parse_decode_workload(name), true;
            if (is_sensor_workload(name)) return parse_sensor_workload(name), true;
            return parse_workload(name), true;
        } catch (const std::exception&) {
            return false;  // refused before timing anything
        }
    }
    try {
        // the sensor model on 8 series takes a fraction of a second under the sanitizers; 48 took 1.8 s
        // alone and 21 to 24 s beside a build and a browser test, past libFuzzer's -timeout
        if (is_sensor_workload(name)) return parse_sensor_workload(name) > 8;
        // workload.inputs writes every input as JSON: lstm_step_h426's 1.45 M floats took 9 s alone
        const Workload w = parse_workload(name);
        return w.flops() > 2e7 || w.memory_bytes() > 1e6;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const bool ready = (set_up_model_sources(), true);
    (void)ready;
    const std::string input(reinterpret_cast<const char*>(data), size);
    const size_t nl = input.find('\n');
    const std::string method = input.substr(0, nl);
    const std::string args = nl == std::string::npos ? "" : input.substr(nl + 1);
    if (slow(method, args)) return -1;  // not added to the corpus
    app::ApiContext ctx;  // no running app, as in attn_cli
    const std::string out = app::api_call(ctx, method, args);
    const json answer = json::parse(out, nullptr, false);
    FUZZ_CHECK(!answer.is_discarded() && (answer.is_object() || (answer.is_array() && method == "api.methods")));
    if (answer.is_object() && answer.contains("error")) {
        FUZZ_CHECK(answer["error"].is_string());
        // (an error may quote the method name or a value given, which may hold those words themselves)
        if (input.find("json.exception") == std::string::npos)
            FUZZ_CHECK(answer["error"].get<std::string>().find("json.exception") == std::string::npos);
    }
    return 0;
}
