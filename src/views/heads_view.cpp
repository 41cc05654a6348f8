// heads_view.cpp: see heads_view.h.
#include "views/heads_view.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

namespace attn::views {

using nlohmann::json;

namespace {

std::string block_name(const AttentionTrace& t, bool encoder) {
    if (encoder) return "enc." + std::to_string(t.layer) + ".self";
    return "dec." + std::to_string(t.layer) + (t.form == "cross" ? ".cross" : ".self");
}

std::string source_label(const Translation& tr, int j) {
    return j < static_cast<int>(tr.source_tokens.size()) ? tr.source_tokens[j] : std::string("<EOS>");
}

std::string read_label(const Translation& tr, const Vocab* vocab, int step) {
    const int id = tr.steps[step].input_token;
    if (vocab && id >= 0 && id < vocab->size()) return vocab->word(id);
    return "#" + std::to_string(id);
}

json row_json(const TraceRow& r, const Mat AttentionTrace::*field) {
    if (!r.trace) return json::array();
    const Mat& m = r.trace->*field;
    json out = json::array();
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
        const float v = m(r.row, j);
        out.push_back(std::isfinite(v) ? json(v) : json(v < 0 ? "-inf" : (v > 0 ? "inf" : "nan")));
    }
    return out;
}

// This head's keys, one row per key: what the magnifier draws under "1. query and keys".
json keys_json(const AttentionTrace& t) {
    json rows = json::array();
    for (Eigen::Index j = 0; j < t.keys.rows(); ++j) rows.push_back(row_json({&t, static_cast<int>(j)}, &AttentionTrace::keys));
    return rows;
}

json steps_json(const Translation& t) {
    json steps = json::array();
    for (const DecodeStep& s : t.steps) steps.push_back({{"word", s.word}, {"token", s.token}, {"prob", s.prob}});
    return steps;
}

}  // namespace

float original_word_prob(const Translation& ablated, const Translation& original, int step) {
    if (step < 0 || step >= static_cast<int>(ablated.steps.size()) || step >= static_cast<int>(original.steps.size()))
        return std::numeric_limits<float>::quiet_NaN();
    const std::vector<float>& p = ablated.steps[step].probs;
    const int token = original.steps[step].token;
    return token >= 0 && token < static_cast<int>(p.size()) ? p[token] : std::numeric_limits<float>::quiet_NaN();
}

float HeadBlock::weight(int h, int r, int j) const {
    const TraceRow& tr = rows[h][r];
    if (!tr.trace || j >= tr.trace->weights.cols()) return std::numeric_limits<float>::quiet_NaN();
    return tr.trace->weights(tr.row, j);
}

bool has_heads(const Translation& tr) { return !tr.encoder_attention.empty(); }

std::vector<HeadBlock> head_blocks(const Translation& tr, const Vocab* target_vocab, int step) {
    std::vector<HeadBlock> blocks;
    if (!has_heads(tr)) return blocks;
    std::map<std::string, size_t> index;
    auto block_for = [&](const AttentionTrace& t, bool encoder) -> HeadBlock& {
        const std::string name = block_name(t, encoder);
        auto it = index.find(name);
        if (it == index.end()) {
            HeadBlock b;
            b.name = name;
            b.form = encoder ? "self" : t.form;
            b.layer = t.layer;
            it = index.emplace(name, blocks.size()).first;
            blocks.push_back(std::move(b));
        }
        HeadBlock& b = blocks[it->second];
        if (t.head + 1 > b.heads) {
            b.heads = t.head + 1;
            b.rows.resize(b.heads);
            b.ablated.resize(b.heads, false);
        }
        return b;
    };

    // Encoder self-attention: each head's [S, S] table is one trace.
    for (const AttentionTrace& t : tr.encoder_attention) {
        HeadBlock& b = block_for(t, true);
        b.ablated[t.head] = t.ablated;
        b.rows[t.head].clear();
        for (int r = 0; r < t.weights.rows(); ++r) b.rows[t.head].push_back({&t, r});
        if (b.row_labels.empty())
            for (int j = 0; j < t.weights.cols(); ++j) b.row_labels.push_back(source_label(tr, j));
        b.col_labels = b.row_labels;
    }
    // Decoder: at each step 0..step, every head of every block recorded its own query row (the last).
    const int last = std::min<int>(step, static_cast<int>(tr.steps.size()) - 1);
    for (int s = 0; s <= last; ++s)
        for (const AttentionTrace& t : tr.steps[s].attention) {
            HeadBlock& b = block_for(t, false);
            b.ablated[t.head] = t.ablated;
            std::vector<TraceRow>& rows = b.rows[t.head];
            rows.resize(last + 1);
            rows[s] = {&t, static_cast<int>(t.weights.rows()) - 1};
        }
    for (HeadBlock& b : blocks) {
        if (b.name.rfind("dec.", 0) != 0) continue;
        for (std::vector<TraceRow>& rows : b.rows) rows.resize(last + 1);
        for (int s = 0; s <= last; ++s) b.row_labels.push_back(read_label(tr, target_vocab, s));
        int keys = 0;
        for (const std::vector<TraceRow>& rows : b.rows)
            for (const TraceRow& r : rows)
                if (r.trace) keys = std::max<int>(keys, static_cast<int>(r.trace->weights.cols()));
        for (int j = 0; j < keys; ++j)
            b.col_labels.push_back(b.form == "cross" ? source_label(tr, j)
                                                     : j < static_cast<int>(tr.steps.size()) ? read_label(tr, target_vocab, j)
                                                                                             : "#" + std::to_string(j));
    }
    std::sort(blocks.begin(), blocks.end(), [](const HeadBlock& a, const HeadBlock& b) {
        const bool ae = a.name[0] == 'e', be = b.name[0] == 'e';
        return std::make_tuple(!ae, a.layer, a.form == "cross") < std::make_tuple(!be, b.layer, b.form == "cross");
    });
    return blocks;
}

const HeadBlock* selected_block(const std::vector<HeadBlock>& blocks, const LabState& s) {
    if (blocks.empty()) return nullptr;
    for (const HeadBlock& b : blocks)
        if (b.name == s.block) return &b;
    const HeadBlock* best = nullptr;
    for (const HeadBlock& b : blocks)
        if (b.form == "cross" && (!best || b.layer >= best->layer)) best = &b;
    return best ? best : &blocks.back();
}

int selected_head(const HeadBlock& b, const LabState& s) { return std::clamp(s.head, 0, std::max(0, b.heads - 1)); }

int selected_row(const HeadBlock& b, const LabState& s, int query_row) {
    const int n = static_cast<int>(b.row_labels.size());
    if (n == 0) return 0;
    return std::clamp(b.name[0] == 'd' ? s.step : query_row, 0, n - 1);
}

std::vector<std::string> ablated_heads(const RunOptions& o) {
    std::vector<std::string> out;
    for (const auto& [block, heads] : o.head_mask)
        for (size_t h = 0; h < heads.size(); ++h)
            if (!heads[h]) out.push_back(block + "/" + std::to_string(h));
    return out;
}

void set_head_on(RunOptions& o, const std::string& block, int heads, int h, bool on) {
    std::vector<bool> mask = o.head_mask.count(block) ? o.head_mask[block] : std::vector<bool>(heads, true);
    mask.resize(heads, true);
    if (h >= 0 && h < heads) mask[h] = on;
    if (std::all_of(mask.begin(), mask.end(), [](bool b) { return b; })) o.head_mask.erase(block);
    else o.head_mask[block] = mask;
}

void set_block_on(RunOptions& o, const std::string& block, int heads, bool on) {
    if (on) o.head_mask.erase(block);
    else o.head_mask[block] = std::vector<bool>(heads, false);
}

json heads_to_json(const Lab& lab, int query_row) {
    const Translation& tr = lab.result;
    json out = {{"model", tr.model}, {"available", has_heads(tr)}, {"step", lab.state.step},
                {"step_count", tr.steps.size()}, {"source_tokens", tr.source_tokens}};
    if (lab.model) out["architecture"] = lab.model->info().architecture;
    // Every decoded step, as the view draws them (the playhead's step is the decoder blocks' query row).
    const std::vector<HeadBlock> blocks =
        head_blocks(tr, lab.model ? &lab.model->target_vocab() : nullptr, static_cast<int>(tr.steps.size()) - 1);
    json jb = json::array();
    for (const HeadBlock& b : blocks) {
        json weights = json::array();  // [head][row][key], rows ragged where the decoder saw fewer keys
        for (int h = 0; h < b.heads; ++h) {
            json rows = json::array();
            for (const TraceRow& r : b.rows[h]) rows.push_back(row_json(r, &AttentionTrace::weights));
            weights.push_back(std::move(rows));
        }
        jb.push_back({{"name", b.name}, {"form", b.form}, {"layer", b.layer}, {"heads", b.heads},
                      {"rows", b.row_labels}, {"cols", b.col_labels}, {"ablated", b.ablated},
                      {"weights", std::move(weights)}});
    }
    out["blocks"] = std::move(jb);
    if (const HeadBlock* b = selected_block(blocks, lab.state)) {
        const int h = selected_head(*b, lab.state), r = selected_row(*b, lab.state, query_row);
        json sel = {{"block", b->name}, {"head", h}, {"row", r}, {"ablated", b->ablated[h]},
                    {"query_label", r < static_cast<int>(b->row_labels.size()) ? b->row_labels[r] : ""},
                    {"keys", b->col_labels}};
        if (r < static_cast<int>(b->rows[h].size()) && b->rows[h][r].trace) {
            const TraceRow& tr_row = b->rows[h][r];
            const AttentionTrace& t = *tr_row.trace;
            json stages = {{"kind", t.kind}, {"scale", t.scale}, {"temperature", t.temperature},
                           {"mask_kind", t.mask_kind}, {"normalizer", t.normalizer},
                           {"query", row_json(tr_row, &AttentionTrace::query)},
                           {"keys", keys_json(t)},
                           {"scores", row_json(tr_row, &AttentionTrace::scores)},
                           {"scaled", row_json(tr_row, &AttentionTrace::scaled)},
                           {"masked", row_json(tr_row, &AttentionTrace::masked)},
                           {"weights", row_json(tr_row, &AttentionTrace::weights)},
                           {"context", row_json(tr_row, &AttentionTrace::context)}};
            sel["stages"] = std::move(stages);
        }
        // Every head of the block on the same query: their Q.K scores and their weights side by side.
        json scores = json::array(), weights = json::array();
        for (int k = 0; k < b->heads; ++k) {
            const TraceRow none{};
            const TraceRow& row = r < static_cast<int>(b->rows[k].size()) ? b->rows[k][r] : none;
            scores.push_back(row_json(row, &AttentionTrace::scores));
            weights.push_back(row_json(row, &AttentionTrace::weights));
        }
        sel["scores_by_head"] = std::move(scores);
        sel["weights_by_head"] = std::move(weights);
        out["selected"] = std::move(sel);
    } else {
        out["selected"] = nullptr;
    }
    out["ablated"] = ablated_heads(lab.state.options);
    out["output"] = {{"text", tr.output_text}, {"steps", steps_json(tr)}};
    if (!lab.unablated.steps.empty()) {
        out["original"] = {{"text", lab.unablated.output_text}, {"steps", steps_json(lab.unablated)}};
        // How likely the ablated run finds the word the original run chose at the same step.
        json& steps = out["output"]["steps"];
        for (size_t i = 0; i < steps.size() && i < lab.unablated.steps.size(); ++i)
            steps[i]["prob_of_original"] = original_word_prob(tr, lab.unablated, static_cast<int>(i));
    } else {
        out["original"] = nullptr;
    }
    return out;
}

}  // namespace attn::views
