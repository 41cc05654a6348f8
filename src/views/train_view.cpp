// train_view.cpp: see train_view.h.
#include "views/train_view.h"

#include "nn/normalizers.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace attn::views {

using nlohmann::json;

namespace {

void apply_report(TrainViewState& v, const json& report);

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument("the training report: " + what); }

const json& need(const json& j, const char* key) {
    if (!j.is_object() || !j.contains(key)) bad(std::string("no '") + key + "'");
    return j.at(key);
}

TrainForm form_from_json(const json& j) {
    TrainForm f;
    if (!j.is_object()) bad("settings must be an object");
    f.task = j.value("task", f.task);
    f.model = j.value("model", f.model);
    f.embed = j.value("embed", f.embed);
    f.hidden = j.value("hidden", f.hidden);
    f.layers = j.value("layers", f.layers);
    f.heads = j.value("heads", f.heads);
    f.batch = j.value("batch", f.batch);
    f.lr = j.value("lr", f.lr);
    f.normalizer = j.value("normalizer", f.normalizer);
    f.top_k = j.value("top_k", f.top_k);
    const double seed = j.value("seed", 1.0);
    f.seed = static_cast<uint32_t>(std::clamp(seed, 0.0, 4294967295.0));
    f.backend = j.value("backend", f.backend);
    f.probe = j.value("probe", std::string());
    return f;
}

std::vector<float> cells_from_json(const json& rows, int want_rows, int want_cols) {
    if (!rows.is_array() || static_cast<int>(rows.size()) != want_rows) bad("an alignment must be an array of rows");
    std::vector<float> cells;
    cells.reserve(static_cast<size_t>(want_rows * want_cols));
    for (const json& r : rows) {
        if (!r.is_array() || static_cast<int>(r.size()) != want_cols) bad("an alignment's rows differ in length");
        for (const json& x : r) cells.push_back(x.get<float>());
    }
    return cells;
}

// An alignment ({"alignment": rows} of a probe or a snapshot), and the heads beside it when grid is
// layers x heads (the Transformer's: {"heads": [rows, ...]}, every one of the alignment's shape).
TrainAlignment alignment_from_json(const json& holder, int step, double loss, int grid) {
    TrainAlignment a;
    a.step = step;
    a.loss = loss;
    const json& rows = need(holder, "alignment");
    if (!rows.is_array()) bad("an alignment must be an array of rows");
    a.rows = static_cast<int>(rows.size());
    a.cols = a.rows && rows[0].is_array() ? static_cast<int>(rows[0].size()) : 0;
    a.cells = cells_from_json(rows, a.rows, a.cols);
    // the probe it is of: a snapshot's "probe", the probe now's "source"; its words when they fit
    const char* probe_key = holder.contains("probe") ? "probe" : "source";
    if (holder.contains(probe_key)) {
        if (!holder.at(probe_key).is_string()) bad(std::string("'") + probe_key + "' must be a string");
        a.probe = holder.at(probe_key).get<std::string>();
    }
    if (holder.contains("source_tokens") && holder.contains("target_tokens")) {
        a.col_words = holder.at("source_tokens").get<std::vector<std::string>>();
        a.row_words = holder.at("target_tokens").get<std::vector<std::string>>();
        if (static_cast<int>(a.col_words.size()) != a.cols || static_cast<int>(a.row_words.size()) != a.rows) {
            a.col_words.clear();  // words that do not fit the table are not shown beside it
            a.row_words.clear();
        }
    }
    if (grid == 0) return a;
    const json& heads = need(holder, "heads");
    if (!heads.is_array() || static_cast<int>(heads.size()) != grid) bad("the heads must be layers x heads alignments");
    for (const json& h : heads) a.heads.push_back(cells_from_json(h, a.rows, a.cols));
    return a;
}

std::vector<TrainTableRow> rows_from_json(const json& list) {
    if (!list.is_array()) bad("a table must be an array");
    std::vector<TrainTableRow> out;
    for (const json& r : list)
        out.push_back({need(r, "id").get<std::string>(), r.value("description", ""), r.value("probe", ""),
                       r.value("pattern", "none"), r.value("layers", 0), r.value("uses", std::vector<std::string>()),
                       r.value("kind", "translate")});
    return out;
}

void merge_state(TrainViewState& v, const json& s) {
    const int generation = need(s, "generation").get<int>();
    const int losses_from = need(s, "losses_from").get<int>();
    if (generation < v.generation) return;  // a late state of a run already replaced
    if (generation != v.generation || losses_from == 1) {
        v.losses.clear();
        v.evals.clear();
        v.shown = -1;
        v.replaying = false;
    }
    v.generation = generation;
    v.has_run = true;
    v.run_settings = form_from_json(need(s, "settings"));
    v.step = need(s, "step").get<int>();
    v.examples = s.value("examples", 0L);
    v.examples_per_s = s.value("examples_per_s", 0.0);
    v.train_pairs = s.value("train_pairs", 0);
    v.held_out_pairs = s.value("held_out_pairs", 0);
    v.parameter_count = s.value("parameter_count", 0L);
    const bool has_grid = s.contains("grid") && !s.at("grid").is_null();  // null: an LSTM run (attn.train.state())
    v.grid_layers = has_grid ? need(s.at("grid"), "layers").get<int>() : 0;
    v.grid_heads = has_grid ? need(s.at("grid"), "heads").get<int>() : 0;
    if (v.grid_layers < 0 || v.grid_heads < 0 || v.grid_layers * v.grid_heads > 64) bad("a grid of layers x heads out of bounds");
    const int grid = v.grid_layers * v.grid_heads;
    // losses[i] is step losses_from + i's: keep the record's first losses_from - 1, then these
    v.losses.resize(static_cast<size_t>(std::clamp(losses_from - 1, 0, static_cast<int>(v.losses.size()))));
    for (const json& x : need(s, "losses")) v.losses.push_back(x.get<float>());
    v.kind = s.value("kind", "translate");
    const bool classifies = v.kind == "classify";
    for (const json& e : need(s, "evals")) {  // the sensor's: accuracy and attention near the event
        const TrainEvalPoint p{need(e, "step").get<int>(), need(e, "loss").get<double>(),
                               need(e, classifies ? "accuracy" : "exact_match").get<double>(),
                               classifies ? need(e, "attention_near_event").get<double>() : -1.0};
        if (v.evals.empty() || p.step > v.evals.back().step) v.evals.push_back(p);
    }
    const json& probe = need(s, "probe");
    v.probe_source = probe.value("source", "");
    v.probe_target = probe.value("target", "");
    v.probe_output = probe.value("output_text", "");
    v.pattern = probe.value("pattern", "none");
    v.pattern_mass = probe.value("pattern_mass", -1.0);
    v.probe_cols = need(probe, "source_tokens").get<std::vector<std::string>>();
    v.probe = alignment_from_json(probe, v.step, v.losses.empty() ? 0.0 : v.losses.back(), grid);
    v.series = TrainSeries{};
    if (classifies) {  // the held-out series: [steps][channels] readings, its event, the model's probabilities
        TrainSeries& t = v.series;
        const json& rows = need(probe, "series");
        t.steps = static_cast<int>(rows.size());
        t.channels = t.steps && rows[0].is_array() ? static_cast<int>(rows[0].size()) : 0;
        t.values = cells_from_json(rows, t.steps, t.channels);
        t.channel_names = need(probe, "channels").get<std::vector<std::string>>();
        t.units = need(probe, "units").get<std::vector<std::string>>();
        t.classes = need(probe, "classes").get<std::vector<std::string>>();
        t.probs = need(probe, "probs").get<std::vector<float>>();
        const json& ev = need(probe, "event");
        t.event = need(ev, "name").get<std::string>();
        t.event_start = need(ev, "start").get<int>();
        t.event_width = need(ev, "width").get<int>();
        t.margin = ev.value("margin", 0);
        if (static_cast<int>(t.channel_names.size()) != t.channels || static_cast<int>(t.units.size()) != t.channels ||
            t.probs.size() != t.classes.size() || v.probe.cols != t.steps || v.probe.rows != 1)
            bad("the probe's series, channels, classes and weights disagree in size");
    }
    ++v.updates;
    if (!s.contains("snapshots")) return;  // unchanged since the last report
    // With snapshot_steps, the snapshots are those after the last state: the ones kept, then these.
    // Without, they are all of them.
    std::vector<TrainAlignment> snaps;
    if (s.contains("snapshot_steps") && losses_from > 1) {
        const std::vector<int> kept = s.at("snapshot_steps").get<std::vector<int>>();
        for (const TrainAlignment& a : v.snapshots)
            if (std::find(kept.begin(), kept.end(), a.step) != kept.end()) snaps.push_back(a);
    }
    for (const json& sn : s.at("snapshots")) {
        TrainAlignment a = alignment_from_json(sn, need(sn, "step").get<int>(), sn.value("loss", 0.0), grid);
        if (snaps.empty() || a.step > snaps.back().step) snaps.push_back(std::move(a));
    }
    // The snapshot shown stays the same step when the run thins its snapshots (it keeps every other one).
    if (v.shown >= 0 && v.shown < static_cast<int>(v.snapshots.size())) {
        const int at = v.snapshots[static_cast<size_t>(v.shown)].step;
        int best = 0;
        for (int i = 0; i < static_cast<int>(snaps.size()); ++i)
            if (snaps[static_cast<size_t>(i)].step <= at) best = i;
        v.shown = best;
    }
    v.snapshots = std::move(snaps);
}

}  // namespace

json train_form_json(const TrainForm& f) {
    json j = {{"task", f.task}, {"model", f.model}, {"embed", f.embed}, {"hidden", f.hidden}, {"layers", f.layers},
              {"heads", f.heads}, {"batch", f.batch}, {"lr", f.lr}, {"normalizer", f.normalizer}, {"top_k", f.top_k},
              {"seed", f.seed}, {"backend", f.backend}};
    if (!f.probe.empty()) j["probe"] = f.probe;
    return j;
}

bool same_run_settings(const TrainForm& a, const TrainForm& b) {
    Normalizer n = Normalizer::Soft;
    const bool uses_k = parse_normalizer(a.normalizer.c_str(), &n) && normalizer_info(n).uses_k;
    return a.task == b.task && a.model == b.model && a.embed == b.embed && a.hidden == b.hidden && a.layers == b.layers &&
           a.heads == b.heads && a.batch == b.batch && std::fabs(a.lr - b.lr) <= 1e-6f * std::max(1.0f, std::fabs(a.lr)) &&
           a.normalizer == b.normalizer && (!uses_k || a.top_k == b.top_k) && a.seed == b.seed && a.backend == b.backend;
}

void train_apply(TrainViewState& v, const TrainAsk& a) {
    if (a.form) {
        TrainForm f = *a.form;
        if (f.task != v.form.task) {  // a new task starts from its own probe sentence
            f.probe.clear();
        }
        // A task trains the models of its kind: another task's model gives way to the first of the right kind
        // (and a model of another kind, picked, to the first task of its kind).
        const auto first_of = [&](const std::vector<TrainTableRow>& rows, const std::string& kind) {
            for (const TrainTableRow& r : rows)
                if (r.kind == kind) return r.id;
            return std::string();
        };
        const std::string task_kind = v.kind_of(v.tasks, f.task), model_kind = v.kind_of(v.models, f.model);
        if (task_kind != model_kind) {
            const bool task_moved = f.task != v.form.task;
            const std::string other = task_moved ? first_of(v.models, task_kind) : first_of(v.tasks, model_kind);
            if (!other.empty()) (task_moved ? f.model : f.task) = other;
            if (!task_moved) f.probe.clear();
        }
        f.layers = std::min(f.layers, v.max_layers(f.model));  // Bahdanau's model has one layer
        if (!v.model_uses(f.model, "normalizer")) f.normalizer = "soft";  // the Transformer trains with softmax
        if (v.model_uses(f.model, "heads") && f.heads > 0)  // its width is a multiple of its heads
            f.hidden = std::max(f.heads, f.hidden - f.hidden % f.heads);
        v.form = f;
    }
    if (a.shown) {
        const int n = static_cast<int>(v.snapshots.size());
        v.shown = *a.shown < 0 || *a.shown >= n ? -1 : *a.shown;
        v.replaying = false;
    }
    if (a.replay) {
        v.replaying = *a.replay && !v.snapshots.empty();
        if (v.replaying && v.shown < 0) v.shown = 0;  // from the start when it was showing now
        v.replay_clock = 0.0;
    }
}

void train_key(TrainViewState& v, Key pressed) {
    const Key k = clicker_as_arrow(pressed);
    const int n = static_cast<int>(v.snapshots.size());
    if (n == 0) return;
    const int at = v.shown < 0 ? n : v.shown;  // now sits after the last snapshot
    if (k == Key::Left) train_apply(v, {std::nullopt, std::max(0, at - 1), std::nullopt});
    if (k == Key::Right) train_apply(v, {std::nullopt, at + 1 >= n ? -1 : at + 1, std::nullopt});
    if (k == Key::Space) train_apply(v, {std::nullopt, std::nullopt, !v.replaying});
}

void train_tick(TrainViewState& v, double dt) {
    if (!v.replaying) return;
    constexpr double kSnapshotsPerSecond = 8.0;
    v.replay_clock += dt * kSnapshotsPerSecond;
    while (v.replay_clock >= 1.0 && v.replaying) {
        v.replay_clock -= 1.0;
        if (v.shown < 0 || v.shown + 1 >= static_cast<int>(v.snapshots.size())) {
            v.shown = -1;
            v.replaying = false;
        } else {
            ++v.shown;
        }
    }
}

void train_view_report(TrainViewState& view, const json& report) {
    if (!report.is_object()) bad("must be an object");
    // Applied to a copy, kept only whole: a malformed report changes nothing.
    TrainViewState v = view;
    try {
        apply_report(v, report);
    } catch (const json::exception&) {
        bad("a value of the wrong type");
    }
    view = std::move(v);
}

namespace {
void apply_report(TrainViewState& v, const json& report) {
    if (report.contains("tables")) {
        const json& t = report.at("tables");
        v.tasks = rows_from_json(need(t, "tasks"));
        v.models = rows_from_json(need(t, "models"));
        const json& b = need(t, "bounds");
        v.limits.width_min = b.at("width").at(0).get<int>();
        v.limits.width_max = b.at("width").at(1).get<int>();
        v.limits.layers_min = b.at("layers").at(0).get<int>();
        v.limits.layers_max = b.at("layers").at(1).get<int>();
        v.limits.batch_min = b.at("batch").at(0).get<int>();
        v.limits.batch_max = b.at("batch").at(1).get<int>();
        v.limits.lr_min = b.at("lr").at(0).get<float>();
        v.limits.lr_max = b.at("lr").at(1).get<float>();
        if (b.contains("top_k")) {
            v.limits.top_k_min = b.at("top_k").at(0).get<int>();
            v.limits.top_k_max = b.at("top_k").at(1).get<int>();
        }
        if (b.contains("heads")) {
            v.limits.heads_min = b.at("heads").at(0).get<int>();
            v.limits.heads_max = b.at("heads").at(1).get<int>();
        }
        v.limits.probe_words = b.value("probe_words", v.limits.probe_words);
        v.limits.probe_series = b.value("probe_series", v.limits.probe_series);
        v.has_tables = !v.tasks.empty() && !v.models.empty();
        v.tables_asked = true;
        ++v.updates;  // the training engine answered (the view's first "run": its worker started)
    }
    if (report.contains("state")) merge_state(v, report.at("state"));
    if (report.contains("status")) v.status = report.at("status").get<std::string>();
    if (report.contains("error")) v.error = report.at("error").get<std::string>();
}
}  // namespace

json train_view_json(const TrainViewState& v) {
    const TrainAlignment& a = v.shown_alignment();
    json shown = {{"live", v.shown < 0}, {"index", v.shown}, {"step", a.step}, {"rows", a.rows}, {"cols", a.cols},
                  {"alignment", a.cells}, {"probe", a.probe}, {"row_words", a.row_words}, {"col_words", a.col_words}};
    if (!a.heads.empty()) shown["heads"] = a.heads;  // the Transformer's grid, layer by layer, head by head
    return {{"has_tables", v.has_tables},
            {"form", train_form_json(v.form)},
            {"status", v.status},
            {"error", v.error},
            {"has_run", v.has_run},
            {"same_settings", v.has_run && same_run_settings(v.form, v.run_settings)},
            {"step", v.step},
            {"kind", v.kind},
            {"grid", {{"layers", v.grid_layers}, {"heads", v.grid_heads}}},
            {"losses", v.losses.size()},
            {"evals", v.evals.size()},
            {"snapshots", v.snapshots.size()},
            {"updates", v.updates},
            {"replaying", v.replaying},
            {"shown", shown}};
}

uint32_t train_next_seed(uint32_t seed) {
    uint64_t x = (static_cast<uint64_t>(seed) + 0x9E3779B97F4A7C15ull) * 0xBF58476D1CE4E5B9ull;
    x ^= x >> 31;
    return static_cast<uint32_t>(x % 2147483647u) + 1u;  // 1 .. 2^31 - 1
}

std::string train_action(const TrainViewState& v, const std::string& what) {
    const bool same = v.has_run && same_run_settings(v.form, v.run_settings);
    json a;
    if (what == "train") {
        a = same ? json{{"do", "resume"}} : json{{"do", "start"}, {"settings", train_form_json(v.form)}};
    } else if (what == "step") {
        a = same ? json{{"do", "step"}, {"n", 1}}
                 : json{{"do", "start"}, {"settings", train_form_json(v.form)}, {"paused", true}, {"n", 1}};
    } else if (what == "new-seed") {
        TrainForm f = v.form;
        f.seed = train_next_seed(f.seed);
        a = {{"do", "start"}, {"settings", train_form_json(f)}, {"paused", true}};
    } else if (what == "probe") {
        a = {{"do", "probe"}, {"text", v.form.probe}};
    } else if (what == "pause" || what == "reset" || what == "use" || what == "download" || what == "tables") {
        a = {{"do", what}};
    } else {
        throw std::invalid_argument("no training action '" + what + "'");
    }
    return a.dump();
}

}  // namespace attn::views
