// views.cpp: see views.h.
#include "app/views.h"
#include "core/api_args.h"

#include "app/api.h"
#include "app/app.h"
#include "app/heads_view.h"

#include <algorithm>
#include <exception>
#include <stdexcept>

namespace attn::app {

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

json sensor_to_json(App& app, bool with_stages) {
    SensorViewState& v = app.views.sensor;
    const SensorModel* m = v.store.get(app.store.dir());
    v.run_if_needed(m);
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

bool views_request(App& app, const std::string& method, const json& args, json* out) {
    if (method == "ui.heads") {
        *out = heads_to_json(app.lab, app.views.heads.query_row);
        return true;
    }
    if (method == "ui.gallery") {
        GalleryViewState& g = app.views.gallery;
        g.run_if_needed();
        *out = g.error.empty() ? json::parse(api::gallery_json(g.gallery)) : json::object();
        (*out)["runs"] = g.runs;
        (*out)["error"] = g.error;
        return true;
    }
    if (method == "ui.set_gallery") {
        GalleryViewState& g = app.views.gallery;
        g.options = api::gallery_options_from_json(args.dump(), g.options);
        g.dirty = true;
        *out = json::object();
        return true;
    }
    if (method == "ui.sensor") {
        *out = sensor_to_json(app, api_args::bool_arg(args, "stages", false));
        return true;
    }
    if (method == "ui.set_sensor") {
        if (args.contains("sample")) {
            if (!args["sample"].is_number_integer()) throw std::invalid_argument("ui.set_sensor: 'sample' must be an integer");
            app.views.sensor.set_sample(args["sample"].get<int>());
        }
        *out = json::object();
        return true;
    }
    return false;
}

}  // namespace attn::app
