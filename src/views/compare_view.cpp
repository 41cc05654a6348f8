// compare_view.cpp: see compare_view.h.
#include "views/compare_view.h"

#include "models/model_zoo.h"
#include "views/session.h"

#include <algorithm>
#include <stdexcept>

namespace attn::views {

using nlohmann::json;

namespace {

// The cross-attention calls of one decoder step, and the deepest layer that has them.
int last_cross_layer(const DecodeStep& step) {
    int layer = -1;
    for (const AttentionTrace& c : step.attention)
        if (c.form == "cross") layer = std::max(layer, c.layer);
    return layer;
}

// The column's alignment: per output step, the step's own query row (the last row its trace
// recorded) of the chosen cross-attention: the one call of an RNN model; a Transformer layer's head,
// or the mean of that layer's heads.
void build_alignment(CompareColumn& c) {
    const Translation& t = c.result;
    const int steps = static_cast<int>(t.steps.size()), keys = static_cast<int>(t.source_tokens.size());
    c.alignment = Mat::Zero(steps, keys);
    c.layers = c.heads = 0;
    for (int s = 0; s < steps; ++s) {
        const DecodeStep& step = t.steps[s];
        if (step.attention.size() == 1) {  // an RNN's one cross-attention call
            const Mat& w = step.attention[0].weights;
            for (int j = 0; j < keys && j < w.cols(); ++j) c.alignment(s, j) = w(w.rows() - 1, j);
            continue;
        }
        const int last = last_cross_layer(step);
        c.layers = std::max(c.layers, last + 1);
        const int layer = c.layer < 0 || c.layer > last ? last : c.layer;
        int count = 0;
        for (const AttentionTrace& a : step.attention) {
            if (a.form != "cross" || a.layer != layer) continue;
            c.heads = std::max(c.heads, a.head + 1);
            if (c.head >= 0 && a.head != c.head) continue;
            for (int j = 0; j < keys && j < a.weights.cols(); ++j) c.alignment(s, j) += a.weights(a.weights.rows() - 1, j);
            ++count;
        }
        if (count > 1) c.alignment.row(s) /= static_cast<float>(count);
    }
}

int argmax_row(const Mat& m, int row) {
    int best = 0;
    for (int j = 1; j < m.cols(); ++j)
        if (m(row, j) > m(row, best)) best = j;
    return best;
}

// The k most probable words of a step's distribution, most probable first.
std::vector<WordProb> top_words(const Translator& model, const DecodeStep& step, int k) {
    std::vector<int> ids(step.probs.size());
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int>(i);
    k = std::min<int>(k, static_cast<int>(ids.size()));
    std::partial_sort(ids.begin(), ids.begin() + k, ids.end(),
                      [&](int a, int b) { return step.probs[a] > step.probs[b]; });
    std::vector<WordProb> out;
    for (int i = 0; i < k; ++i) out.push_back({model.target_vocab().word(ids[i]), step.probs[ids[i]]});
    return out;
}

}  // namespace

void compare_update(Session& s) {
    CompareViewState& v = s.view<CompareViewState>();
    const std::vector<std::string>& wanted = s.lab.state.compare;
    // Columns follow LabState::compare: a column whose model changed starts afresh.
    v.columns.resize(wanted.size());
    for (size_t i = 0; i < wanted.size(); ++i) {
        CompareColumn& c = v.columns[i];
        if (c.model != wanted[i]) {
            c = CompareColumn{};
            c.model = wanted[i];
        }
        const Translator* model = s.store.get(c.model);
        if (!model) {
            const ModelStatus st = s.store.status(c.model);
            c.status = st == ModelStatus::Failed ? "could not load " + c.model + ": " + s.store.error(c.model)
                                                 : "loading " + c.model + "...";
            continue;
        }
        c.status.clear();
        if (c.has_run && c.ran_text == s.lab.state.text) continue;
        RunOptions o;  // every column as its model was trained: the lab's tweaks are the lab's
        o.backend = s.lab.state.options.backend;
        c.result = model->translate(s.lab.state.text, o);
        c.ran_text = s.lab.state.text;
        c.has_run = true;
        c.top.clear();
        for (const DecodeStep& st : c.result.steps) c.top.push_back(top_words(*model, st, kCompareTopWords));
        build_alignment(c);
        ++v.runs;
    }
    v.step = std::clamp(v.step, 0, std::max(0, compare_steps(v) - 1));
}

int compare_steps(const CompareViewState& v) {
    int n = 0;
    for (const CompareColumn& c : v.columns) n = std::max(n, static_cast<int>(c.result.steps.size()));
    return n;
}

void compare_apply(Session& s, const CompareAsk& a) {
    CompareViewState& v = s.view<CompareViewState>();
    switch (a.kind) {
        case CompareAsk::Step: v.step = std::clamp(a.value, 0, std::max(0, compare_steps(v) - 1)); break;
        case CompareAsk::SetModel:
            // a row of the picker: the models table's, or a file of the visitor's (which a link cannot carry)
            if (a.column >= 0 && a.column < static_cast<int>(s.lab.state.compare.size()) && s.store.known(a.model))
                s.lab.state.compare[a.column] = a.model;
            break;
        case CompareAsk::SetLayer:
        case CompareAsk::SetHead: {
            if (a.column < 0 || a.column >= static_cast<int>(v.columns.size())) break;
            CompareColumn& c = v.columns[a.column];
            (a.kind == CompareAsk::SetLayer ? c.layer : c.head) = std::max(-1, a.value);
            if (c.has_run) build_alignment(c);  // rearranges recorded heads: no engine run
            break;
        }
    }
}

void compare_key(Session& s, Key pressed) {
    const Key k = clicker_as_arrow(pressed);
    const int step = s.view<CompareViewState>().step;
    if (k == Key::Left) compare_apply(s, {CompareAsk::Step, 0, step - 1, ""});
    if (k == Key::Right) compare_apply(s, {CompareAsk::Step, 0, step + 1, ""});
}

CompareDiff compare_diff(const CompareViewState& v, int step, Lang lang) {
    CompareDiff d;
    for (const CompareColumn& c : v.columns) {
        const bool has = step >= 0 && step < static_cast<int>(c.result.steps.size());
        d.words.push_back(has ? c.result.steps[step].word : "");
        d.looks.push_back(has && c.alignment.cols() > 0 ? c.result.source_tokens[argmax_row(c.alignment, step)] : "");
    }
    const auto differ = [&](const std::vector<std::string>& x, const char* says) {
        for (size_t i = 1; i < x.size(); ++i) {
            if (x[i] == x[0]) continue;
            std::string note;
            for (size_t k = 0; k < x.size(); ++k) {
                Note part;
                part.add(says, {v.columns[k].model, x[k].empty() ? "@cmp.ended" : "'" + x[k] + "'"});
                note += (k ? tr_in(lang, k + 1 == x.size() ? "cmp.and" : "cmp.comma") : "") + note_text(part, lang);
            }
            d.notes.push_back(note);
            return;
        }
    };
    differ(d.words, "cmp.says");
    differ(d.looks, "cmp.looks");
    return d;
}

json compare_answer(Session& s, const json&) {
    compare_update(s);
    const CompareViewState& v = s.view<CompareViewState>();
    json columns = json::array();
    for (const CompareColumn& c : v.columns) {
        json col = {{"model", c.model}, {"status", c.status}, {"layer", c.layer}, {"head", c.head},
                    {"layers", c.layers}, {"heads", c.heads}};
        if (c.has_run) {
            col["output_text"] = c.result.output_text;
            col["source_tokens"] = c.result.source_tokens;
            json rows = json::array();
            for (int r = 0; r < c.alignment.rows(); ++r)
                rows.push_back(std::vector<float>(c.alignment.row(r).data(), c.alignment.row(r).data() + c.alignment.cols()));
            col["alignment"] = rows;
            json words = json::array();
            for (const DecodeStep& st : c.result.steps) words.push_back(st.word);
            col["words"] = words;
            if (v.step < static_cast<int>(c.top.size())) {
                json top = json::array();
                for (const WordProb& w : c.top[v.step]) top.push_back({{"word", w.word}, {"p", w.p}});
                col["top"] = top;
            }
        }
        columns.push_back(col);
    }
    const CompareDiff d = compare_diff(v, v.step);
    return {{"text", s.lab.state.text}, {"step", v.step}, {"steps", compare_steps(v)}, {"columns", columns},
            {"words", d.words}, {"looks", d.looks}, {"differences", d.notes}, {"runs", v.runs}};
}

json set_compare_answer(Session& s, const json& args) {
    if (!args.is_object()) throw std::invalid_argument("arguments must be an object");
    CompareViewState& v = s.view<CompareViewState>();
    compare_update(s);
    const auto integer = [&](const char* key, int lo, int hi) {
        const auto it = args.find(key);
        if (!it->is_number_integer() || it->get<long long>() < lo || it->get<long long>() > hi)
            throw std::invalid_argument(std::string("'") + key + "' must be an integer from " + std::to_string(lo) +
                                        " to " + std::to_string(hi));
        return static_cast<int>(it->get<long long>());
    };
    if (args.contains("step")) compare_apply(s, {CompareAsk::Step, 0, integer("step", 0, 1 << 20), ""});
    if (args.contains("layer") || args.contains("head")) {
        if (!args.contains("column")) throw std::invalid_argument("'layer' and 'head' need a 'column'");
        const int column = integer("column", 0, static_cast<int>(v.columns.size()) - 1);
        if (args.contains("layer")) compare_apply(s, {CompareAsk::SetLayer, column, integer("layer", -1, 64), ""});
        if (args.contains("head")) compare_apply(s, {CompareAsk::SetHead, column, integer("head", -1, 64), ""});
    }
    return json::object();
}

}  // namespace attn::views
