// fuzz_csv_export.cpp: the exports of arbitrary states. Any bytes become a lab state (as JSON through
// lab_state_apply_json, else as the text); the lab runs the engine on it (the state's model, or
// statquest-toy when that name is not a shipped model) and exports the current step as CSV
// (lab_trace_csv) and the heatmap the PNG is drawn from (lab_heatmap). Properties: the CSV is
// RFC 4180 with the header and 7 fields per record, each value a number or inf/-inf/nan; the heatmap
// has one row of weights per row label, each as wide as the column labels, weights in [0, 1].
// Test: scripts/fuzz.mjs (make fuzz; corpus: tests/fuzz/corpus/csv_export).
#include "fuzz_check.h"

#include "views/lab_export.h"
#include "views/model_store.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace attn;
using nlohmann::json;

namespace {

// The views a state may name (the views table's ids in the app, which this harness does not link).
const std::vector<std::string> kViewIds = {views::LabState{}.view, "heads", "gallery"};

// RFC 4180 records: fields separated by commas, quoted fields may hold commas, quotes ("") and newlines.
std::vector<std::vector<std::string>> parse_csv(const std::string& s) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        any = true;
        if (quoted) {
            if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row.push_back(std::move(field)), field.clear();
        } else if (c == '\n' || (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) {
            if (c == '\r') ++i;
            row.push_back(std::move(field)), field.clear();
            rows.push_back(std::move(row)), row.clear();
            any = false;
        } else {
            field += c;
        }
    }
    FUZZ_CHECK(!quoted);
    if (any) row.push_back(std::move(field)), rows.push_back(std::move(row));
    return rows;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static views::ModelStore store(ATTN_MODELS_DIR);
    const std::string text(reinterpret_cast<const char*>(data), size);
    views::Lab lab;
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) j = json::object({{"text", text}});
    std::vector<std::string> warnings;
    views::lab_state_apply_json(lab.state, j, &warnings, kViewIds);
    lab.state.options.max_output_tokens = 8;  // a run per input; the exports do not depend on the length
    const Translator* model = find_translation_model(lab.state.model) ? store.get(lab.state.model) : nullptr;
    if (!model) model = store.get("statquest-toy");
    FUZZ_CHECK(model != nullptr);
    lab.run_if_needed(model);

    const std::vector<std::vector<std::string>> rows = parse_csv(views::lab_trace_csv(lab));
    FUZZ_CHECK(!rows.empty() && rows[0].size() == 7 && rows[0][0] == "stage");
    for (size_t r = 1; r < rows.size(); ++r) {
        FUZZ_CHECK(rows[r].size() == 7);
        const std::string& v = rows[r][6];
        char* end = nullptr;
        std::strtod(v.c_str(), &end);
        FUZZ_CHECK(!v.empty() && (*end == '\0' || v == "inf" || v == "-inf" || v == "nan"));
    }
    const views::Heatmap h = views::lab_heatmap(lab);
    FUZZ_CHECK(h.weights.size() == h.row_labels.size());
    for (const auto& row : h.weights) {
        FUZZ_CHECK(row.size() == h.col_labels.size());
        for (const auto& w : row) FUZZ_CHECK(!w || (*w >= -1e-6f && *w <= 1.0f + 1e-5f));
    }
    (void)views::heatmap_to_json(h).dump(-1, ' ', false, json::error_handler_t::replace);
    return 0;
}
