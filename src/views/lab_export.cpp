// lab_export.cpp: see lab_export.h.
#include "views/lab_export.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace attn::views {

using nlohmann::json;

namespace {

bool is_self(const AttentionTrace& t) { return t.form == "self" || t.form == "causal_self"; }

// What key j encodes: a source token for cross-attention (the encoder may also read a final <EOS>),
// the decoder's input at position j for the decoder's own self-attention.
std::string key_label(const Lab& lab, const AttentionTrace& t, int j) {
    const Translation& tr = lab.result;
    if (is_self(t)) {
        if (j < static_cast<int>(tr.steps.size()) && lab.model) {
            try {
                return lab.model->target_vocab().word(tr.steps[j].input_token);
            } catch (const std::exception&) {
            }
        }
        return "#" + std::to_string(j);
    }
    if (j < static_cast<int>(tr.source_tokens.size())) return tr.source_tokens[j];
    return "<EOS>";
}

std::string caption_of(const AttentionTrace& t, size_t calls_per_step) {
    std::string c = t.kind + " attention, " + t.form;
    if (calls_per_step > 1) c += ", layer " + std::to_string(t.layer) + ", head " + std::to_string(t.head);
    if (t.ablated) c += " (ablated)";
    return c;
}

// Index of `stage` in the step's stage list (the list's size when absent).
long stage_index(const std::vector<Stage>& stages, Stage stage) {
    return std::find(stages.begin(), stages.end(), stage) - stages.begin();
}

// RFC 4180: quote a field that holds a comma, a quote or a line break; double the quotes inside.
std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string number(float v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);  // 9 significant digits: a float round-trips exactly
    return buf;
}

class CsvWriter {
public:
    CsvWriter() { out_ = "stage,tensor,row,column,row_label,column_label,value\n"; }
    void put(Stage stage, const std::string& tensor, int row, int col, const std::string& row_label,
             const std::string& col_label, float v) {
        out_ += stage_name(stage);
        out_ += ',' + csv_field(tensor) + ',' + std::to_string(row) + ',' + std::to_string(col) + ',' +
                csv_field(row_label) + ',' + csv_field(col_label) + ',' + number(v) + '\n';
    }
    // One row r of a [rows, cols] matrix; columns labelled by col_label(c).
    template <class ColLabel>
    void row_of(Stage stage, const std::string& tensor, const Mat& m, int r, const std::string& row_label, ColLabel col_label) {
        if (r < 0 || r >= m.rows()) return;
        for (int c = 0; c < m.cols(); ++c) put(stage, tensor, r, c, row_label, col_label(c), m(r, c));
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

}  // namespace

Heatmap lab_heatmap(const Lab& lab) {
    Heatmap h;
    const Translation& tr = lab.result;
    const PlayItem* now = lab.current();
    if (!now || tr.steps.empty()) return h;
    const int rows = now->step + 1;
    // The widest row decides the columns (a decoder's self-attention sees one more key each step).
    const AttentionTrace* widest = nullptr;
    for (int i = 0; i < rows; ++i) {
        const AttentionTrace* t = lab.trace_at(i);
        if (t && (!widest || t->weights.cols() > widest->weights.cols())) widest = t;
    }
    if (widest) {
        for (int j = 0; j < widest->weights.cols(); ++j) h.col_labels.push_back(key_label(lab, *widest, j));
        h.caption = caption_of(*widest, tr.steps[now->step].attention.size());
    }
    for (int i = 0; i < rows; ++i) {
        h.row_labels.push_back(i < now->step || now->stage == Stage::Output ? tr.steps[i].word : "?");
        std::vector<std::optional<float>> cells(h.col_labels.size());
        const AttentionTrace* t = lab.trace_at(i);
        const std::vector<Stage> stages = lab.stages_of(i);
        const bool known = i < now->step || stage_index(stages, now->stage) >= stage_index(stages, Stage::Softmax);
        if (t && known && t->weights.rows() > 0) {
            const Eigen::Index r = t->weights.rows() - 1;  // this step's query row
            for (Eigen::Index j = 0; j < t->weights.cols() && j < static_cast<Eigen::Index>(cells.size()); ++j)
                cells[j] = t->weights(r, j);
        }
        h.weights.push_back(std::move(cells));
    }
    return h;
}

json heatmap_to_json(const Heatmap& h) {
    json weights = json::array();
    for (const auto& row : h.weights) {
        json r = json::array();
        for (const auto& w : row) r.push_back(w ? json(*w) : json(nullptr));
        weights.push_back(std::move(r));
    }
    return {{"rows", h.row_labels}, {"cols", h.col_labels}, {"weights", std::move(weights)}, {"caption", h.caption}};
}

std::string lab_trace_csv(const Lab& lab) {
    CsvWriter csv;
    const PlayItem* now = lab.current();
    const Translation& tr = lab.result;
    if (!now || now->step >= static_cast<int>(tr.steps.size())) return csv.take();
    const DecodeStep& step = tr.steps[now->step];
    const std::vector<Stage> stages = lab.stages_of(now->step);
    auto word = [&](int id) {
        if (!lab.model) return std::to_string(id);
        try {
            return lab.model->target_vocab().word(id);
        } catch (const std::exception&) {
            return std::to_string(id);
        }
    };
    // The query side's rows are labelled by what the decoder reads at this step.
    const std::string q = "reads " + word(step.input_token);
    if (const AttentionTrace* t = lab.trace_at(now->step)) {
        const int r = static_cast<int>(t->weights.rows()) - 1;  // this step's query row
        auto dim = [](int c) { return "d" + std::to_string(c); };
        auto key = [&](int j) { return key_label(lab, *t, j); };
        csv.row_of(Stage::QueryKeys, "query", t->query, std::min<int>(r, static_cast<int>(t->query.rows()) - 1), q, dim);
        for (int j = 0; j < t->keys.rows(); ++j) csv.row_of(Stage::QueryKeys, "keys", t->keys, j, key(j), dim);
        if (!t->energies.empty()) {
            const Mat& e = t->energies[std::min<size_t>(std::max(r, 0), t->energies.size() - 1)];
            for (int j = 0; j < e.rows(); ++j) csv.row_of(Stage::Scores, "energies", e, j, key(j), dim);
        }
        csv.row_of(Stage::Scores, "scores", t->scores, r, q, key);
        if (stage_index(stages, Stage::Scale) < static_cast<long>(stages.size()))
            csv.row_of(Stage::Scale, "scaled", t->scaled, r, q, key);
        if (t->mask.size() > 0) {
            csv.row_of(Stage::Mask, "mask", t->mask, r, q, key);
            csv.row_of(Stage::Mask, "masked", t->masked, r, q, key);
        }
        csv.row_of(Stage::Softmax, "weights", t->weights, r, q, key);
        for (int j = 0; j < t->values.rows(); ++j) csv.row_of(Stage::Context, "values", t->values, j, key(j), dim);
        csv.row_of(Stage::Context, "context", t->context, r, q, dim);
    }
    for (size_t v = 0; v < step.logits.size(); ++v) csv.put(Stage::Output, "logits", 0, static_cast<int>(v), "output", word(static_cast<int>(v)), step.logits[v]);
    for (size_t v = 0; v < step.probs.size(); ++v) csv.put(Stage::Output, "probs", 0, static_cast<int>(v), "output", word(static_cast<int>(v)), step.probs[v]);
    return csv.take();
}

}  // namespace attn::views
