// lab_export.cpp: see lab_export.h.
#include "views/lab_export.h"

#include "views/strings.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace attn::views {

using nlohmann::json;

namespace {

bool is_self(const AttentionTrace& t) { return t.form == "self" || t.form == "causal_self"; }


// In the visitor's language (views/strings.h); the kind and form are the engine's names.
std::string caption_of(const AttentionTrace& t, size_t calls_per_step) {
    std::string c = trf("cap.kind_form", t.kind.c_str(), t.form.c_str());
    if (calls_per_step > 1) c += trf("cap.layer_head", t.layer, t.head);
    if (t.ablated) c += tr("lab.ablated");
    return c;
}

// Index of `stage` in the step's stage list (the list's size when absent).
long stage_index(const std::vector<Stage>& stages, Stage stage) {
    return std::find(stages.begin(), stages.end(), stage) - stages.begin();
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
        // Appended piece by piece: a step has two records per target word, and temporaries were most of its cost.
        out_ += stage_name(stage);
        out_ += ',';
        append_field(tensor);
        out_ += ',';
        out_ += std::to_string(row);
        out_ += ',';
        out_ += std::to_string(col);
        out_ += ',';
        append_field(row_label);
        out_ += ',';
        append_field(col_label);
        out_ += ',';
        out_ += number(v);
        out_ += '\n';
    }
    // One row r of a [rows, cols] matrix; columns labelled by col_label(c).
    template <class ColLabel>
    void row_of(Stage stage, const std::string& tensor, const Mat& m, int r, const std::string& row_label, ColLabel col_label) {
        if (r < 0 || r >= m.rows()) return;
        for (int c = 0; c < m.cols(); ++c) put(stage, tensor, r, c, row_label, col_label(c), m(r, c));
    }
    std::string take() { return std::move(out_); }

private:
    // RFC 4180: quote a field that holds a comma, a quote or a line break; double the quotes inside.
    void append_field(const std::string& s) {
        if (s.find_first_of(",\"\r\n") == std::string::npos) {
            out_ += s;
            return;
        }
        out_ += '"';
        for (char c : s) {
            if (c == '"') out_ += '"';
            out_ += c;
        }
        out_ += '"';
    }
    std::string out_;
};

// CRC-32 of the PNG chunks (ISO 3309 / ITU-T V.42, the polynomial reflected), table made on first use.
uint32_t crc32(const unsigned char* p, size_t n, uint32_t crc = 0) {
    static const auto table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    crc = ~crc;
    for (size_t i = 0; i < n; ++i) crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

void put_u32(std::vector<unsigned char>& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<unsigned char>(v >> s));
}

void put_chunk(std::vector<unsigned char>& out, const char* type, const std::vector<unsigned char>& data) {
    put_u32(out, static_cast<uint32_t>(data.size()));
    const size_t start = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data.begin(), data.end());
    put_u32(out, crc32(out.data() + start, out.size() - start));
}

}  // namespace

std::string lab_key_label(const Lab& lab, const AttentionTrace& t, int j) {
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
        for (int j = 0; j < widest->weights.cols(); ++j) h.col_labels.push_back(lab_key_label(lab, *widest, j));
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
        auto key = [&](int j) { return lab_key_label(lab, *t, j); };
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

std::vector<unsigned char> png_encode(int w, int h, const std::vector<unsigned char>& rgba) {
    if (w <= 0 || h <= 0 || rgba.size() != static_cast<size_t>(w) * static_cast<size_t>(h) * 4) return {};
    // The image data: each row starts with filter type 0 (none).
    std::vector<unsigned char> raw;
    raw.reserve(static_cast<size_t>(h) * (1 + static_cast<size_t>(w) * 4));
    for (int y = 0; y < h; ++y) {
        raw.push_back(0);
        raw.insert(raw.end(), rgba.begin() + static_cast<size_t>(y) * w * 4, rgba.begin() + static_cast<size_t>(y + 1) * w * 4);
    }
    // zlib stream of stored deflate blocks (at most 65535 bytes each), then the Adler-32 of raw.
    std::vector<unsigned char> z = {0x78, 0x01};
    for (size_t at = 0; at < raw.size();) {
        const size_t n = std::min<size_t>(65535, raw.size() - at);
        const bool last = at + n == raw.size();
        z.push_back(last ? 1 : 0);
        z.push_back(static_cast<unsigned char>(n & 0xFF));
        z.push_back(static_cast<unsigned char>(n >> 8));
        z.push_back(static_cast<unsigned char>(~n & 0xFF));
        z.push_back(static_cast<unsigned char>((~n >> 8) & 0xFF));
        z.insert(z.end(), raw.begin() + at, raw.begin() + at + n);
        at += n;
        if (last) break;
    }
    uint32_t s1 = 1, s2 = 0;
    for (unsigned char c : raw) {
        s1 = (s1 + c) % 65521;
        s2 = (s2 + s1) % 65521;
    }
    put_u32(z, (s2 << 16) | s1);
    if (z.size() > 0x7FFFFFFFu) return {};  // one IDAT chunk: its length is at most 2^31 - 1

    std::vector<unsigned char> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    std::vector<unsigned char> ihdr;
    put_u32(ihdr, static_cast<uint32_t>(w));
    put_u32(ihdr, static_cast<uint32_t>(h));
    ihdr.insert(ihdr.end(), {8, 6, 0, 0, 0});  // 8 bits per channel, RGBA, deflate, no filter choice, no interlace
    put_chunk(png, "IHDR", ihdr);
    put_chunk(png, "IDAT", z);
    put_chunk(png, "IEND", {});
    return png;
}

}  // namespace attn::views
