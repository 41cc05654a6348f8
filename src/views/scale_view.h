// scale_view.h: the "Why we scale" view, all of its plain-C++ side in one header: its state (the key
// width d the learner chose, the engine's study at that width and the sweep over widths, from
// models/scaling_study.h), its update, its window.attn answers ("ui.scale", "ui.set_scale"), what its
// window may ask for and how that is applied. ui/scale_panel.cpp draws it and holds its row of the
// views table. Test: tests/unit/test_models_scaling_study.cpp, tests/e2e/scale.test.mjs.
#pragma once

#include "models/scaling_study.h"
#include "views/session.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace attn::views {

struct ScaleViewState {
    int d = 64;                        // the slider: key width, 1 .. kScalingMaxDim
    ScalingPoint point;                // the study at d
    std::vector<ScalingPoint> sweep;   // at d = 1, 2, 4, ..., kScalingMaxDim (computed once)
    long runs = 0;                     // how many times the engine ran the study (sweep included)
    bool dirty = true;
};

// What its window asks for: a new width (the slider; clamped into range).
inline void scale_apply(ScaleViewState& v, int d) {
    const int clamped = std::clamp(d, 1, kScalingMaxDim);
    if (clamped != v.d) v.dirty = true;
    v.d = clamped;
}

// The update: the sweep on first use, the study at d when d changed.
inline void scale_update(Session& s) {
    ScaleViewState& v = s.view<ScaleViewState>();
    if (v.sweep.empty()) {
        for (int d : scaling_sweep_dims()) v.sweep.push_back(scaling_point(d));
        ++v.runs;
    }
    if (v.dirty) {
        v.point = scaling_point(v.d);
        v.dirty = false;
        ++v.runs;
    }
}

inline nlohmann::json scaling_side_json(const ScalingSide& side) {
    const Mat& s = side.trace.scaled;
    const Mat& w = side.trace.weights;
    return {{"score_std", side.score_std},
            {"entropy", side.entropy},
            {"max_weight", side.max_weight},
            {"to_others", side.to_others},
            {"scale", side.trace.scale},
            {"scores", std::vector<float>(s.data(), s.data() + s.cols())},  // query 0 (row-major: row 0 first)
            {"weights", std::vector<float>(w.data(), w.data() + w.cols())}};
}

// "ui.scale": the width, the study at it (query 0's scores and weights, the means) and the sweep's means.
inline nlohmann::json scale_answer(Session& s, const nlohmann::json&) {
    scale_update(s);
    const ScaleViewState& v = s.view<ScaleViewState>();
    nlohmann::json sweep = nlohmann::json::array();
    for (const ScalingPoint& p : v.sweep) {
        nlohmann::json scaled = scaling_side_json(p.scaled), unscaled = scaling_side_json(p.unscaled);
        for (const char* k : {"scores", "weights"}) scaled.erase(k), unscaled.erase(k);
        sweep.push_back({{"d", p.d}, {"scaled", scaled}, {"unscaled", unscaled}});
    }
    return {{"d", v.d},
            {"queries", kScalingQueries},
            {"keys", kScalingKeys},
            {"scaled", scaling_side_json(v.point.scaled)},
            {"unscaled", scaling_side_json(v.point.unscaled)},
            {"sweep", sweep},
            {"runs", v.runs}};
}

// "ui.set_scale": {"d": n}, n an integer from 1 to kScalingMaxDim.
inline nlohmann::json set_scale_answer(Session& s, const nlohmann::json& args) {
    const auto it = args.find("d");
    if (it == args.end() || !it->is_number_integer() || it->get<long long>() < 1 || it->get<long long>() > kScalingMaxDim)
        throw std::invalid_argument("'d' must be an integer from 1 to " + std::to_string(kScalingMaxDim));
    scale_apply(s.view<ScaleViewState>(), static_cast<int>(it->get<long long>()));
    return nlohmann::json::object();
}

}  // namespace attn::views
