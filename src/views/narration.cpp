// narration.cpp: see narration.h.
#include "views/narration.h"

#include "views/lab_export.h"
#include "views/strings.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace attn::views {

namespace {

const VerbosityRow kVerbosities[] = {
    {Verbosity::Off, "off", "say.verbosity.off"},
    {Verbosity::Brief, "brief", "say.verbosity.brief"},
    {Verbosity::Full, "full", "say.verbosity.full"},
};

// A number as the canvas prints it; a masked score (-inf) in words.
std::string num(float v) {
    if (std::isinf(v) && v < 0) return tr("say.masked");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

// "let's 0.03, go 0.97": one value per key of this token's query row.
std::string per_key(const Lab& lab, const AttentionTrace& t, const Mat& m) {
    if (m.rows() == 0) return "";
    const Eigen::Index r = m.rows() - 1;  // this step's query row (as the heatmap and the strips show it)
    std::string out;
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
        if (j) out += tr("say.comma");
        out += lab_key_label(lab, t, static_cast<int>(j)) + " " + num(m(r, j));
    }
    return out;
}

// The key with the largest value in this token's row, and that value.
std::pair<std::string, float> top_key(const Lab& lab, const AttentionTrace& t, const Mat& m) {
    const Eigen::Index r = m.rows() - 1;
    Eigen::Index best = 0;
    for (Eigen::Index j = 1; j < m.cols(); ++j)
        if (m(r, j) > m(r, best)) best = j;
    return {lab_key_label(lab, t, static_cast<int>(best)), m(r, best)};
}

}  // namespace

const std::vector<VerbosityRow>& verbosities() {
    static const std::vector<VerbosityRow> rows(std::begin(kVerbosities), std::end(kVerbosities));
    return rows;
}

bool parse_verbosity(const std::string& name, Verbosity* out) {
    for (const VerbosityRow& r : verbosities())
        if (name == r.name) {
            *out = r.verbosity;
            return true;
        }
    return false;
}

const char* verbosity_name(Verbosity v) {
    for (const VerbosityRow& r : verbosities())
        if (r.verbosity == v) return r.name;
    return "full";
}

std::string lab_narration(const Lab& lab, Verbosity v) {
    if (v == Verbosity::Off) return "";
    const PlayItem* now = lab.current();
    const Translation& tr_ = lab.result;
    if (!now || tr_.steps.empty() || now->step >= static_cast<int>(tr_.steps.size())) return "";
    const bool full = v == Verbosity::Full;
    const DecodeStep& step = tr_.steps[now->step];
    const StageRow& row = kStages[static_cast<int>(now->stage)];
    std::string out = trf("say.where", now->step + 1, row.number, tr(std::string("say.stage.") + row.name));
    const AttentionTrace* t = lab.trace_at(now->step);
    const bool has_row = t && t->weights.rows() > 0;
    switch (now->stage) {
        case Stage::QueryKeys: {
            if (!t) break;
            std::string keys;
            for (Eigen::Index j = 0; j < t->keys.rows(); ++j)
                keys += (j ? tr("say.comma") : "") + lab_key_label(lab, *t, static_cast<int>(j));
            out += " " + trf("say.query_keys", keys.c_str());
            if (full) out += " " + trf("say.sizes", static_cast<int>(t->query.cols()), static_cast<int>(t->keys.rows()), static_cast<int>(t->keys.cols()));
            break;
        }
        case Stage::Scores:
        case Stage::Scale:
        case Stage::Mask: {
            if (!has_row) break;
            const Mat& m = now->stage == Stage::Scores ? t->scores : now->stage == Stage::Scale ? t->scaled : t->masked;
            if (full) out += " " + per_key(lab, *t, m) + ".";
            const auto [key, value] = top_key(lab, *t, m);
            out += " " + trf("say.highest", key.c_str(), num(value).c_str());
            break;
        }
        case Stage::Softmax: {
            if (!has_row) break;
            if (full) out += " " + per_key(lab, *t, t->weights) + ".";
            const auto [key, value] = top_key(lab, *t, t->weights);
            out += " " + trf("say.looks", key.c_str(), num(value).c_str());
            break;
        }
        case Stage::Context: {
            if (!has_row) break;
            const Eigen::Index r = t->context.rows() - 1;
            std::string first;
            for (Eigen::Index d = 0; d < std::min<Eigen::Index>(t->context.cols(), 4); ++d)
                first += (d ? tr("say.comma") : "") + num(t->context(r, d));
            out += " " + trf("say.context", static_cast<int>(t->context.cols()));
            if (full) out += " " + trf("say.context_first", first.c_str());
            break;
        }
        case Stage::Output: {
            out += " " + trf("say.chooses", step.word.c_str(), num(step.prob).c_str());
            if (full && step.probs.size() > 1 && lab.model) {
                std::vector<int> order(step.probs.size());
                std::iota(order.begin(), order.end(), 0);
                const size_t k = std::min<size_t>(3, order.size());
                std::partial_sort(order.begin(), order.begin() + static_cast<long>(k), order.end(),
                                  [&](int a, int b) { return step.probs[a] > step.probs[b]; });
                std::string top;
                for (size_t i = 0; i < k; ++i) {
                    std::string word;
                    try {
                        word = lab.model->target_vocab().word(order[i]);
                    } catch (const std::exception&) {
                        word = "#" + std::to_string(order[i]);
                    }
                    top += (i ? tr("say.comma") : "") + word + " " + num(step.probs[order[i]]);
                }
                out += " " + trf("say.top", top.c_str());
            }
            break;
        }
        default: break;
    }
    return out;
}

}  // namespace attn::views
