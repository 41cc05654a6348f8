// fuzz_lab.h: what the export harnesses (fuzz_csv_export, fuzz_png_export) share: any bytes made into a
// lab state (as JSON through lab_state_apply_json, else as the text) and run once, kept cheap: the
// models are loaded once per process, the text is cut to kMaxTextBytes and the output to 8 tokens (the
// exports read one step or the steps so far; long texts are fuzz_tokenizer's and the models' tests).
// Not a test framework. Test: scripts/fuzz.mjs (make fuzz runs the harnesses that use it).
#pragma once

#include "fuzz_check.h"

#include "views/lab.h"
#include "views/model_store.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace fuzz_lab {

// The views a state may name (the views table's ids in the app, which these harnesses do not link).
inline const std::vector<std::string>& view_ids() {
    static const std::vector<std::string> ids = {attn::views::LabState{}.view, "heads", "gallery"};
    return ids;
}
constexpr size_t kMaxTextBytes = 160;

// Runs the lab on the state the bytes describe: the state's model, or statquest-toy when that name is
// not a shipped model.
inline void run(const std::string& bytes, attn::views::Lab& lab) {
    static attn::views::ModelStore store(ATTN_MODELS_DIR);
    nlohmann::json j = nlohmann::json::parse(bytes, nullptr, false);
    if (j.is_discarded()) j = nlohmann::json::object({{"text", bytes}});
    std::vector<std::string> warnings;
    attn::views::lab_state_apply_json(lab.state, j, &warnings, view_ids());
    lab.state.options.max_output_tokens = 8;
    if (lab.state.text.size() > kMaxTextBytes) lab.state.text.resize(kMaxTextBytes);
    const attn::Translator* model = attn::find_translation_model(lab.state.model) ? store.get(lab.state.model) : nullptr;
    if (!model) model = store.get("statquest-toy");
    FUZZ_CHECK(model != nullptr);
    lab.run_if_needed(model);
}

}  // namespace fuzz_lab
