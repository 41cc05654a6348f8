// compare_view.h: the Compare view: one sentence (the lab's text) through two or three models at once
// (LabState::compare, in links as cmp=), each column with its alignment (output tokens x source
// tokens), output and the top words of its distribution at the shared playhead, stepping together;
// where the models disagree at the playhead, a line says how (a different word, a different place
// they look). A Transformer's column shows one decoder layer's cross-attention: one head or the mean
// of its heads. Plain C++ (no ImGui): ui/compare_panel.cpp draws it and holds its row of the views
// table; window.attn reaches it as "ui.compare". It rearranges the engine's runs; it computes no
// attention but the mean of recorded heads. Test: tests/unit/test_views_compare.cpp, tests/e2e/compare.test.mjs.
#pragma once

#include "views/keys.h"
#include "views/model_store.h"
#include "views/strings.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace attn::views {

struct Session;

constexpr int kCompareMinModels = 2;
constexpr int kCompareMaxModels = 3;
constexpr int kCompareTopWords = 3;  // the most probable words shown per column at the playhead

// A word of the target vocabulary and its probability at one step.
struct WordProb {
    std::string word;
    float p = 0.0f;
};

// One model's column.
struct CompareColumn {
    std::string model;
    int layer = -1;            // a Transformer's decoder layer whose cross-attention is shown (-1: the last)
    int head = -1;             // ... its head, or -1 for the mean of its heads
    Translation result;        // the engine's run on the text
    bool has_run = false;
    std::string ran_text;      // the text of that run
    std::string status;        // "" when it ran; else why not yet or not at all ("loading...", the load error)
    // The alignment [output steps x source tokens] the column shows, and the layers and heads it
    // could show instead (0 and 0 for a single-attention model).
    Mat alignment;
    int layers = 0, heads = 0;
    std::vector<std::vector<WordProb>> top;  // per output step: its kCompareTopWords most probable words
};

struct CompareViewState {
    std::vector<CompareColumn> columns;  // as LabState::compare, in order (made by the update)
    int step = 0;                        // the shared playhead: the output token every column shows
    long runs = 0;                       // how many times the engine ran for this view
};

// What its window may ask for.
struct CompareAsk {
    enum Kind { Step, SetModel, SetLayer, SetHead } kind = Step;
    int column = 0;
    int value = 0;            // Step: the new step; SetLayer / SetHead: the layer or head (-1: last / mean)
    std::string model;        // SetModel
};
void compare_apply(Session& s, const CompareAsk& ask);
// Its keys: Left and Right (PageUp, PageDown) step every column together; Space does nothing here.
void compare_key(Session& s, Key k);

// The update: each column's model (loaded on first use) runs the lab's text when either changed.
void compare_update(Session& s);

// The longest output among the columns (the playhead's range is 0 .. that - 1).
int compare_steps(const CompareViewState& v);

// At the playhead: the columns' words and where each looks most (argmax of its alignment row), and a
// sentence for each difference ("statquest says vamos, transformer says vámonos").
struct CompareDiff {
    std::vector<std::string> words;   // per column ("" past its end)
    std::vector<std::string> looks;   // per column: the source token with the largest weight ("" past its end)
    std::vector<std::string> notes;   // each disagreement, in words
};
// notes in `lang` (views/strings.h): the panel asks for the visitor's, ui.compare for English.
CompareDiff compare_diff(const CompareViewState& v, int step, Lang lang = Lang::En);

// "ui.compare": the columns (model, output, source tokens, alignment, top words at the playhead, the
// layer and head shown), the playhead and the differences there.
nlohmann::json compare_answer(Session& s, const nlohmann::json& args);
// "ui.set_compare": {"step": n} and/or {"column": i, "layer": l, "head": h}; the models are set with
// attn.setState({compare: [...]}) as every part of a link.
nlohmann::json set_compare_answer(Session& s, const nlohmann::json& args);

}  // namespace attn::views
