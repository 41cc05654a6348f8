// lab.cpp: see lab.h.
#include "views/lab.h"

#include "views/strings.h"

#include "core/tokenizer.h"
#include "models/model_zoo.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <type_traits>

namespace attn::views {

using nlohmann::json;

void Lab::set_text(const std::string& text) {
    if (text == state.text) return;
    state.text = text;
    dirty = true;
}

void Lab::set_model(const std::string& name) {
    if (name == state.model) return;
    state.model = name;
    state.block.clear();
    state.head = 0;
    state.options.head_mask.clear();
    dirty = true;
}

void Lab::run_if_needed(const Translator* model) {
    if (!dirty || !model) return;
    dirty = false;
    ++runs;
    this->model = model;
    error.clear();
    computed_by = backend_name(state.options.backend);
    computed_note.clear();
    computed = Note{};
    try {
        result = model->translate(state.text, state.options);
        unablated = Translation{};
        bool ablated = false;
        for (const auto& [block, heads] : state.options.head_mask)
            ablated |= std::find(heads.begin(), heads.end(), false) != heads.end();
        if (ablated) {
            RunOptions all_on = state.options;
            all_on.head_mask.clear();
            all_on.record_trace = false;
            unablated = model->translate(state.text, all_on);
        }
    } catch (const std::exception& e) {
        result = Translation{};
        error = e.what();
    }
    playlist.clear();
    for (int t = 0; t < static_cast<int>(result.steps.size()); ++t)
        for (Stage s : stages_of(t)) playlist.push_back({t, s});
    stepper.set_stage_count(std::max<int>(1, static_cast<int>(playlist.size())));
    seek(state.step, state.stage);
}

const PlayItem* Lab::current() const {
    const int i = stepper.stage();
    return i < static_cast<int>(playlist.size()) ? &playlist[i] : nullptr;
}

void Lab::sync_from_stepper() {
    const PlayItem* p = current();
    if (!p) return;
    state.step = p->step;
    const std::vector<Stage> st = stages_of(p->step);
    state.stage = static_cast<int>(std::find(st.begin(), st.end(), p->stage) - st.begin());
}

void Lab::seek(int step, int stage_index) {
    if (playlist.empty()) {
        state.step = state.stage = 0;
        stepper.seek(0);
        return;
    }
    step = std::clamp(step, 0, playlist.back().step);
    const std::vector<Stage> st = stages_of(step);
    stage_index = std::clamp(stage_index, 0, static_cast<int>(st.size()) - 1);
    for (int i = 0; i < static_cast<int>(playlist.size()); ++i) {
        if (playlist[i].step == step && playlist[i].stage == st[stage_index]) {
            stepper.seek(i);
            break;
        }
    }
    sync_from_stepper();
}

void Lab::seek_step(int delta) { seek(state.step + delta, 0); }

bool Lab::replace_state(const LabState& next) {
    const bool rerun = next.model != state.model || next.text != state.text ||
                       lab_state_to_json(next)["options"] != lab_state_to_json(state)["options"] ||
                       next.block != state.block || next.head != state.head;
    state = next;
    if (rerun) dirty = true;
    else if (!dirty) seek(state.step, state.stage);
    // else the run to come (its model may still be loading) seeks to state.step / state.stage
    stepper.pause();
    return rerun;
}

void Lab::key(Key pressed, bool shift) {
    const Key k = clicker_as_arrow(pressed);
    if (k == Key::Space) {
        stepper.toggle();
        return;
    }
    if (k != Key::Left && k != Key::Right) return;
    const int delta = k == Key::Left ? -1 : +1;
    stepper.pause();
    if (shift) {
        seek_step(delta);
        return;
    }
    if (delta < 0) stepper.step_back();
    else stepper.step_forward();
    sync_from_stepper();
}

const AttentionTrace* Lab::trace_at(int step) const {
    if (step < 0 || step >= static_cast<int>(result.steps.size())) return nullptr;
    const std::vector<AttentionTrace>& calls = result.steps[step].attention;
    if (calls.empty()) return nullptr;
    if (calls.size() == 1) return &calls[0];
    // Multi-head: the chosen block ("dec.L.cross" / "dec.L.self") and head, else the last layer's
    // cross-attention, head 0.
    int layer = -1;
    std::string form = "cross";
    if (state.block.size() > 4 && state.block.compare(0, 4, "dec.") == 0) {
        const auto dot = state.block.find('.', 4);
        if (dot != std::string::npos) {
            layer = std::atoi(state.block.substr(4, dot - 4).c_str());
            form = state.block.substr(dot + 1) == "self" ? "causal_self" : "cross";
        }
    }
    if (layer < 0)
        for (const AttentionTrace& c : calls) if (c.form == "cross") layer = std::max(layer, c.layer);
    for (const AttentionTrace& c : calls)
        if (c.form == form && c.layer == layer && c.head == state.head) return &c;
    return &calls.back();
}

namespace {
// Where the last word of text starts (after the last space), and that word.
size_t last_word_start(const std::string& text) {
    const size_t space = text.find_last_of(" \t\r\n");
    return space == std::string::npos ? 0 : space + 1;
}
}  // namespace

std::vector<std::string> Lab::suggestions(size_t max) const {
    std::vector<std::string> out;
    if (!model) return out;
    const std::string prefix = normalize_text(state.text.substr(last_word_start(state.text)));
    if (prefix.empty() || prefix.find(' ') != std::string::npos) return out;
    const Vocab& vocab = model->source_vocab();
    for (int id = Vocab::kSpecialCount; id < vocab.size(); ++id) {
        const std::string& w = vocab.word(id);
        if (w.size() > prefix.size() && w.compare(0, prefix.size(), prefix) == 0) out.push_back(w);
    }
    // Shortest first (the likeliest intended word), then in vocabulary order.
    std::stable_sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
    if (out.size() > max) out.resize(max);
    return out;
}

void Lab::complete_word(const std::string& word) {
    set_text(state.text.substr(0, last_word_start(state.text)) + word + " ");
}

std::vector<Stage> Lab::stages_of(int step) const {
    std::vector<Stage> s = {Stage::QueryKeys, Stage::Scores};
    if (const AttentionTrace* t = trace_at(step)) {
        if (t->scale != 1.0f || t->temperature != 1.0f) s.push_back(Stage::Scale);
        if (t->mask.size() > 0) s.push_back(Stage::Mask);
    }
    s.insert(s.end(), {Stage::Softmax, Stage::Context, Stage::Output});
    return s;
}

// ---- JSON -----------------------------------------------------------------------------------------

json lab_state_to_json(const LabState& s) {
    json mask = json::object();
    for (const auto& [block, heads] : s.options.head_mask) mask[block] = heads;
    return {
        {"model", s.model}, {"text", s.text}, {"step", s.step}, {"stage", s.stage}, {"view", s.view},
        {"block", s.block}, {"head", s.head}, {"compare", s.compare}, {"lang", s.lang},
        {"options", {
            {"backend", backend_name(s.options.backend)},
            {"temperature", s.options.temperature},
            {"normalizer", normalizer_name(s.options.normalizer)},
            {"top_k", s.options.top_k},
            {"scaling", scaling_name(s.options.scaling)},
            {"nudge_position", s.options.nudge_position},
            {"nudge_amount", s.options.nudge_amount},
            {"head_mask", mask},
        }},
    };
}

namespace {

template <class T>
bool take(const json& j, const char* key, T* out, std::vector<std::string>* warnings) {
    const auto it = j.find(key);
    if (it == j.end()) return false;
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
        // A number is checked against T's range before it is converted: converting a value out of range
        // (a step of 3e24) is undefined behaviour, which the JSON library's get<T>() does not guard
        // (found by fuzz_lab_state). An integer field takes whole numbers only (3 and 3.0).
        if (!it->is_number()) {
            if (warnings) warnings->push_back(std::string("ignored '") + key + "': wrong type");
            return false;
        }
        const double x = it->get<double>();
        const bool fits = std::is_integral_v<T>
            ? x >= static_cast<double>(std::numeric_limits<T>::lowest()) && x <= static_cast<double>(std::numeric_limits<T>::max())
            : std::fabs(x) <= static_cast<double>(std::numeric_limits<T>::max());
        const char* problem = !fits ? "out of range" : (std::is_integral_v<T> && std::floor(x) != x ? "not a whole number" : nullptr);
        if (problem) {
            if (warnings) warnings->push_back(std::string("ignored '") + key + "': " + problem);
            return false;
        }
        *out = static_cast<T>(x);
        return true;
    } else {
        try {
            *out = it->get<T>();
            return true;
        } catch (const std::exception&) {
            if (warnings) warnings->push_back(std::string("ignored '") + key + "': wrong type");
            return false;
        }
    }
}

}  // namespace

void lab_state_apply_json(LabState& s, const json& j, std::vector<std::string>* warnings,
                          const std::vector<std::string>& view_ids,
                          const std::function<bool(const std::string&)>& model_known) {
    if (!j.is_object()) {
        if (warnings) warnings->push_back("state must be an object");
        return;
    }
    take(j, "model", &s.model, warnings);
    take(j, "text", &s.text, warnings);
    take(j, "step", &s.step, warnings);
    take(j, "stage", &s.stage, warnings);
    take(j, "block", &s.block, warnings);
    take(j, "head", &s.head, warnings);
    std::vector<std::string> compare;
    if (take(j, "compare", &compare, warnings)) {
        std::string problem = compare.size() < 2 || compare.size() > 3 ? "compare must name 2 or 3 models" : "";
        for (const std::string& m : compare)
            if (problem.empty() && !(model_known ? model_known(m) : find_translation_model(m) != nullptr))
                problem = "compare: unknown model '" + m + "'";
        if (problem.empty()) s.compare = compare;
        else if (warnings) warnings->push_back(problem);
    }
    std::string lang;
    if (take(j, "lang", &lang, warnings)) {
        Lang l = Lang::En;
        if (parse_lang(lang, &l)) s.lang = lang;
        else if (warnings) warnings->push_back("unknown lang '" + lang + "' (en or es)");
    }
    std::string view;
    if (take(j, "view", &view, warnings)) {
        if (std::find(view_ids.begin(), view_ids.end(), view) != view_ids.end()) s.view = view;
        else if (warnings) warnings->push_back("unknown view '" + view + "'");
    }
    const auto o = j.find("options");
    if (o == j.end()) return;
    if (!o->is_object()) {
        if (warnings) warnings->push_back("options must be an object");
        return;
    }
    RunOptions& r = s.options;
    std::string name;
    if (take(*o, "backend", &name, warnings) && !parse_backend(name.c_str(), &r.backend) && warnings)
        warnings->push_back("unknown backend '" + name + "'");
    double t = r.temperature;  // a double: its range is checked before it becomes a float
    if (take(*o, "temperature", &t, warnings)) {
        if (t >= 0.01 && t <= 100.0) r.temperature = static_cast<float>(t);
        else if (warnings) warnings->push_back("temperature must be in [0.01, 100]");
    }
    if (take(*o, "normalizer", &name, warnings) && !parse_normalizer(name.c_str(), &r.normalizer) && warnings)
        warnings->push_back("unknown normalizer '" + name + "' (one of " + normalizer_names() + ")");
    int k = r.top_k;
    if (take(*o, "top_k", &k, warnings)) r.top_k = std::max(1, k);
    if (take(*o, "scaling", &name, warnings) && !parse_scaling(name.c_str(), &r.scaling) && warnings)
        warnings->push_back("unknown scaling '" + name + "'");
    take(*o, "nudge_position", &r.nudge_position, warnings);
    float nudge = r.nudge_amount;
    if (take(*o, "nudge_amount", &nudge, warnings) && std::isfinite(nudge)) r.nudge_amount = nudge;
    const auto m = o->find("head_mask");
    if (m != o->end() && m->is_object()) {
        r.head_mask.clear();
        for (auto it = m->begin(); it != m->end(); ++it) {
            try {
                r.head_mask[it.key()] = it.value().get<std::vector<bool>>();
            } catch (const std::exception&) {
                if (warnings) warnings->push_back("ignored head_mask '" + it.key() + "'");
            }
        }
    }
}

json matrix_json(const Mat& m) {
    json rows = json::array();
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        json row = json::array();
        for (Eigen::Index c = 0; c < m.cols(); ++c) {
            const float v = m(r, c);
            row.push_back(std::isfinite(v) ? json(v) : json(v < 0 ? "-inf" : (v > 0 ? "inf" : "nan")));
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

json trace_to_json(const AttentionTrace& t) {
    const auto mat = matrix_json;
    json j = {{"kind", t.kind}, {"form", t.form}, {"layer", t.layer}, {"head", t.head},
              {"normalizer", t.normalizer}, {"mask_kind", t.mask_kind}, {"scale", t.scale},
              {"temperature", t.temperature}, {"ablated", t.ablated},
              {"query", mat(t.query)}, {"keys", mat(t.keys)}, {"values", mat(t.values)},
              {"scores", mat(t.scores)}, {"scaled", mat(t.scaled)}, {"masked", mat(t.masked)},
              {"weights", mat(t.weights)}, {"context", mat(t.context)}};
    if (t.mask.size()) j["mask"] = mat(t.mask);
    if (!t.energies.empty()) {
        json e = json::array();
        for (const Mat& m : t.energies) e.push_back(mat(m));
        j["energies"] = std::move(e);
    }
    return j;
}

json translation_to_json(const Translation& t, bool with_stage_values) {
    json steps = json::array();
    for (const DecodeStep& s : t.steps) {
        json attention = json::array();
        for (const AttentionTrace& a : s.attention) {
            json entry = {{"layer", a.layer}, {"head", a.head}, {"form", a.form}, {"kind", a.kind},
                          {"ablated", a.ablated}};
            // This step's query row: for a step-wise decoder, the last (or only) row.
            const Eigen::Index row = a.weights.rows() - 1;
            entry["weights"] = row >= 0 ? std::vector<float>(a.weights.row(row).data(), a.weights.row(row).data() + a.weights.cols())
                                        : std::vector<float>{};
            if (with_stage_values) entry["stages"] = trace_to_json(a);
            attention.push_back(std::move(entry));
        }
        steps.push_back({{"token", s.token}, {"word", s.word}, {"prob", s.prob}, {"input_token", s.input_token},
                         {"probs", s.probs}, {"attention", std::move(attention)}});
    }
    json unknown = json::array();
    for (const UnknownWord& u : t.unknown)
        unknown.push_back({{"position", u.position}, {"word", u.word}, {"byte_begin", u.byte_begin}, {"byte_end", u.byte_end}});
    json encoder = json::array();
    for (const AttentionTrace& a : t.encoder_attention) {
        json entry = {{"layer", a.layer}, {"head", a.head}, {"form", a.form}, {"ablated", a.ablated}};
        if (with_stage_values) entry["stages"] = trace_to_json(a);
        else entry["weights"] = trace_to_json(a)["weights"];
        encoder.push_back(std::move(entry));
    }
    return {{"model", t.model}, {"source_tokens", t.source_tokens}, {"unknown", unknown},
            {"truncated", t.truncated}, {"max_source_tokens", t.max_source_tokens},
            {"output_tokens", t.output_tokens}, {"output_text", t.output_text}, {"notes", t.notes},
            {"steps", std::move(steps)}, {"encoder_attention", std::move(encoder)}};
}

}  // namespace attn::views
