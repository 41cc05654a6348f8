// fuzz_lab_state.cpp: the URL-state decoder's native half, lab_state_apply_json (link_parse reads the hash
// into a partial state, fuzz_link.cpp; web/page.js hands it to ui.set_state, which calls this). Any bytes, read as JSON
// when they are JSON (else as a JSON string holding them), are applied onto a default LabState: it
// never throws, and the state it leaves round-trips: applying lab_state_to_json(state) onto a fresh
// state gives no warning and the same JSON. Test: scripts/fuzz.mjs (make fuzz; corpus: tests/fuzz/corpus/lab_state).
#include "fuzz_check.h"

#include "views/lab.h"

#include <cstdint>
#include <string>
#include <vector>

using namespace attn;
using nlohmann::json;

namespace {
// The decoder takes the views a state may name as a parameter (the views table's ids in the app, which
// this harness does not link); any list containing the default state's view exercises it alike.
const std::vector<std::string> kViewIds = {views::LabState{}.view, "heads", "gallery"};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) j = json::object({{"text", text}});
    views::LabState s;
    std::vector<std::string> warnings;
    views::lab_state_apply_json(s, j, &warnings, kViewIds);
    const json once = views::lab_state_to_json(s);
    views::LabState t;
    std::vector<std::string> again;
    views::lab_state_apply_json(t, once, &again, kViewIds);
    FUZZ_CHECK(again.empty());
    FUZZ_CHECK(views::lab_state_to_json(t) == once);
    return 0;
}
