// view_states.cpp: see view_states.h.
#include "views/view_states.h"

#include "core/api_args.h"
#include "views/heads_view.h"
#include "views/session.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>

namespace attn::views {

using nlohmann::json;

void GalleryViewState::run_if_needed() {
    if (!dirty) return;
    dirty = false;
    ++runs;
    error.clear();
    try {
        gallery = attention_gallery(options);
    } catch (const std::exception& e) {
        gallery = Gallery{};
        error = e.what();
    }
}

SensorViewState::SensorViewState() : sample(next_sensor_sample(kSensorHeldOutCount - 1, SensorEvent::PressureSpike)) {}

void SensorViewState::set_sample(int s) {
    s = std::clamp(s, 0, kSensorHeldOutCount - 1);
    if (s == sample) return;
    sample = s;
    dirty = true;
}

void SensorViewState::run_if_needed(const SensorModel* model) {
    if (!dirty || !model) return;
    dirty = false;
    ++runs;
    error.clear();
    try {
        run = sensor_model_run_sample(*model, kSensorDataSeed, index());
        has_run = true;
    } catch (const std::exception& e) {
        has_run = false;
        error = e.what();
    }
}

int next_sensor_sample(int from, SensorEvent e) {
    for (int k = 1; k <= kSensorHeldOutCount; ++k) {
        const int s = (from + k) % kSensorHeldOutCount;
        if (generate_sensor_sample(kSensorDataSeed, kSensorHeldOutFirst + static_cast<uint64_t>(s)).event == e) return s;
    }
    return from;
}

namespace {

json mat_rows(const Mat& m) {
    json rows = json::array();
    for (Eigen::Index r = 0; r < m.rows(); ++r) rows.push_back(std::vector<float>(m.row(r).data(), m.row(r).data() + m.cols()));
    return rows;
}

// Rows of a matrix as nested arrays; a [1, N] matrix as a flat array when flat is true.
json to_json(const Mat& m, bool flat = false) {
    if (flat && m.rows() == 1) return json(std::vector<float>(m.data(), m.data() + m.size()));
    return mat_rows(m);
}

json panel_json(const GalleryPanel& p) {
    const AttentionTrace& t = p.trace;
    return {{"caption", p.caption.text}, {"query_labels", p.query_labels}, {"key_labels", p.key_labels},
            {"kind", t.kind}, {"form", t.form}, {"normalizer", t.normalizer}, {"mask_kind", t.mask_kind},
            {"window", t.window}, {"head", t.head}, {"scale", t.scale}, {"temperature", t.temperature},
            {"query", matrix_json(t.query)}, {"keys", matrix_json(t.keys)}, {"scores", matrix_json(t.scores)},
            {"scaled", matrix_json(t.scaled)}, {"masked", matrix_json(t.masked)}, {"weights", matrix_json(t.weights)},
            {"context", matrix_json(t.context)}};
}


json sensor_to_json(Session& session, bool with_stages) {
    sensor_update(session);
    SensorViewState& v = session.view<SensorViewState>();
    const SensorModel* m = v.store.ready();
    json out = {{"status", model_status_name(v.store.status())}, {"error", v.error.empty() ? v.store.error() : v.error},
                {"sample", v.sample}, {"runs", v.runs}, {"held_out_count", kSensorHeldOutCount}};
    if (!m) return out;
    const SensorParameterCounts n = sensor_parameter_counts(*m);
    out["model"] = {
        {"name", m->info.name}, {"description", m->info.description},
        {"metrics", json::parse(m->info.metrics_json, nullptr, false)},
        {"steps", m->config.steps}, {"channels", m->config.channels}, {"hidden", m->config.hidden},
        {"class_names", m->class_names}, {"channel_names", m->channel_names}, {"channel_units", m->channel_units},
        {"parameters", {{"lstm", n.lstm}, {"pool_proj", n.pool_proj}, {"pool_score", n.pool_score}, {"pool", n.pool},
                        {"classifier", n.classifier}, {"total", n.total},
                        {"pool_proj_weight", {m->pool.proj.W.rows(), m->pool.proj.W.cols()}},
                        {"pool_proj_bias", m->pool.proj.b.size()},
                        {"pool_score_weight", {m->pool.score.W.rows(), m->pool.score.W.cols()}},
                        {"pool_score_bias", m->pool.score.b.size()}}},
    };
    if (!v.has_run) return out;
    const SensorSample& s = v.run.sample;
    const SensorRun& r = v.run.run;
    const AttentionTrace& t = r.attention;
    out["series"] = {{"index", v.index()}, {"seed", kSensorDataSeed}, {"event", sensor_event_name(s.event)},
                     {"event_start", s.event_start}, {"event_width", s.event_width}, {"event_channel", s.event_channel},
                     {"values", mat_rows(s.values)}};
    out["prediction"] = {{"predicted", r.predicted}, {"predicted_name", r.predicted_name}, {"prob", r.probs[r.predicted]},
                         {"probs", r.probs}, {"logits", r.logits},
                         {"correct", r.predicted == static_cast<int>(s.event)}};
    out["attention"] = {{"scores", std::vector<float>(t.scores.data(), t.scores.data() + t.scores.size())},
                        {"weights", std::vector<float>(t.weights.data(), t.weights.data() + t.weights.size())},
                        {"context", std::vector<float>(t.context.data(), t.context.data() + t.context.size())},
                        {"near_event", v.run.attention_near_event}, {"margin", kSensorAttentionMargin}};
    if (with_stages) {  // the two big tables of the pooling window: 6,400 numbers each
        out["attention"]["keys"] = mat_rows(t.keys);  // = values = the LSTM's outputs [T, H]
        out["attention"]["energies"] = t.energies.empty() ? json::array() : mat_rows(t.energies.front());
    }
    return out;
}

}  // namespace

json gallery_to_json(const Gallery& g) {
    json types = json::array();
    for (const GalleryExample& e : g.types) {
        json panels = json::array();
        for (const GalleryPanel& p : e.panels) panels.push_back(panel_json(p));
        types.push_back({{"id", e.id}, {"title", e.title.text}, {"explanation", e.explanation.text},
                         {"hallmark", e.hallmark.text},
                         {"panels", std::move(panels)}});
    }
    json scores = json::array();
    for (const GalleryScore& s : g.scores) {
        const AttentionTrace& t = s.trace;
        scores.push_back({{"fn", s.fn}, {"formula", s.formula}, {"note", s.note}, {"parameters", s.parameters},
                          {"scale", t.scale}, {"query", to_json(t.query, true)}, {"keys", to_json(t.keys)},
                          {"scores", to_json(t.scores, true)}, {"scaled", to_json(t.scaled, true)},
                          {"weights", to_json(t.weights, true)}, {"context", to_json(t.context, true)}});
    }
    return json{{"options", {{"query_word", g.options.query_word}, {"temperature", g.options.temperature},
                             {"window", g.options.window}, {"backend", backend_name(g.options.backend)}}},
                {"words", g.words}, {"types", std::move(types)}, {"scores", std::move(scores)}};
}

GalleryOptions gallery_options_from_json(const json& args, const GalleryOptions& defaults) {
    if (!args.is_object()) throw std::invalid_argument("gallery options must be a JSON object");
    GalleryOptions o = defaults;
    auto number = [&](const char* key) {
        const json& v = args.at(key);
        if (!v.is_number()) throw std::invalid_argument(std::string("gallery: '") + key + "' must be a number");
        return v.get<double>();
    };
    // Ranges are checked before a number is converted: 2e103 as an int or a float is undefined
    // behaviour (found by fuzz_api: tests/fuzz/corpus/api/gallery-window-beyond-int).
    const auto whole = [&](const char* key, int fallback) {
        if (!args.contains(key)) return fallback;
        const double x = number(key);
        if (!(x >= 0.0 && x <= static_cast<double>(std::numeric_limits<int>::max())))
            throw std::invalid_argument(std::string("gallery: '") + key + "' must be from 0 to " +
                                        std::to_string(std::numeric_limits<int>::max()));
        return static_cast<int>(x);
    };
    o.query_word = whole("query_word", o.query_word);
    o.window = whole("window", o.window);
    if (args.contains("temperature")) {
        const double t = number("temperature");
        if (!(std::fabs(t) <= std::numeric_limits<float>::max()))
            throw std::invalid_argument("attention_gallery: temperature must be finite and > 0");
        o.temperature = static_cast<float>(t);
    }
    if (args.contains("backend")) {
        const std::string name = api_args::string_arg(args, "backend", "scalar");
        if (!parse_backend(name.c_str(), &o.backend)) throw std::invalid_argument("unknown backend '" + name + "' (scalar, simd)");
    }
    check_gallery_options(o);
    return o;
}

void heads_update(Session& s) { s.lab.run_if_needed(s.store.get(s.lab.state.model)); }

void gallery_update(Session& s) { s.view<GalleryViewState>().run_if_needed(); }

void sensor_update(Session& s) {
    SensorViewState& v = s.view<SensorViewState>();
    if (v.find_next) {
        v.set_sample(next_sensor_sample(v.sample, *v.find_next));
        v.find_next.reset();
    }
    v.run_if_needed(v.store.get(s.store.dir()));
}

void gallery_apply(GalleryViewState& g, const GalleryOptions& asked) {
    g.options = asked;
    g.options.temperature = std::clamp(g.options.temperature, 0.1f, 5.0f);  // the slider's range
    g.options.window = std::clamp(g.options.window, 0, 5);
    g.dirty = true;
}

void sensor_apply(SensorViewState& v, const SensorAsk& asked) {
    if (asked.sample) v.set_sample((*asked.sample % kSensorHeldOutCount + kSensorHeldOutCount) % kSensorHeldOutCount);
    if (asked.find_next) v.find_next = asked.find_next;
}

json heads_answer(Session& s, const json&) {
    heads_update(s);  // a mask switched off since the last frame: answer with its run, not the one before
    return heads_to_json(s.lab, s.view<HeadsViewState>().query_row);
}

json gallery_answer(Session& s, const json&) {
    GalleryViewState& g = s.view<GalleryViewState>();
    g.run_if_needed();
    json out = g.error.empty() ? gallery_to_json(g.gallery) : json::object();
    out["runs"] = g.runs;
    out["error"] = g.error;
    return out;
}

json set_gallery_answer(Session& s, const json& args) {
    GalleryViewState& g = s.view<GalleryViewState>();
    g.options = gallery_options_from_json(args, g.options);
    g.dirty = true;
    return json::object();
}

json sensor_answer(Session& s, const json& args) { return sensor_to_json(s, api_args::bool_arg(args, "stages", false)); }

json set_sensor_answer(Session& s, const json& args) {
    if (args.contains("sample")) {
        if (!args["sample"].is_number_integer()) throw std::invalid_argument("'sample' must be an integer");
        s.view<SensorViewState>().set_sample(args["sample"].get<int>());
    }
    return json::object();
}

}  // namespace attn::views
