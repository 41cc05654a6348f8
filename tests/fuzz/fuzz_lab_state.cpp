// fuzz_lab_state.cpp: the URL-state decoder's native half, lab_state_apply_json (web/page.js decodes the
// hash into a partial state and hands it to ui.set_state, which calls it). Any bytes, read as JSON
// when they are JSON (else as a JSON string holding them), are applied onto a default LabState: it
// never throws, and the state it leaves round-trips: applying lab_state_to_json(state) onto a fresh
// state gives no warning and the same JSON. Test: make fuzz (corpus: corpus/lab_state).
#include "fuzz_check.h"

#include "app/lab.h"

#include <cstdint>
#include <string>

using namespace attn;
using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) j = json::object({{"text", text}});
    app::LabState s;
    std::vector<std::string> warnings;
    app::lab_state_apply_json(s, j, &warnings);
    const json once = app::lab_state_to_json(s);
    app::LabState t;
    std::vector<std::string> again;
    app::lab_state_apply_json(t, once, &again);
    FUZZ_CHECK(again.empty());
    FUZZ_CHECK(app::lab_state_to_json(t) == once);
    return 0;
}
