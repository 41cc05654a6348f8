// api.cpp: see api.h. Every number returned here comes from the engine (models/, nn/, kernels/).
#include "app/api.h"

#include "kernels/kernels.h"
#include "models/seed_examples.h"
#include "trace/trace.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <exception>

namespace attn::api {

using nlohmann::json;

namespace {

// Rows of a matrix as nested arrays; a [1, N] matrix as a flat array when flat is true.
json to_json(const Mat& m, bool flat = false) {
    if (flat && m.rows() == 1) return json(std::vector<float>(m.data(), m.data() + m.size()));
    json rows = json::array();
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        rows.push_back(std::vector<float>(m.row(r).data(), m.row(r).data() + m.cols()));
    return rows;
}

Backend backend_arg(const json& args) {
    const std::string name = args.value("backend", "scalar");
    Backend b;
    if (!parse_backend(name.c_str(), &b)) throw std::invalid_argument("unknown backend '" + name + "' (scalar, simd)");
    return b;
}

json seed001(const json& args) {
    const AttentionTrace t = seed001_scaled_dot_example(backend_arg(args), args.value("seed", kSeed001Seed));
    return {
        {"description", "seed 001: one scaled dot-product attention step; batch 1, 4 encoder steps, hidden 8"},
        {"seed", args.value("seed", kSeed001Seed)},
        {"encoder_outputs", to_json(t.keys)},
        {"decoder_hidden", to_json(t.query, true)},
        {"scale", t.scale},
        {"scores", to_json(t.scores, true)},
        {"scaled", to_json(t.scaled, true)},
        {"weights", to_json(t.weights, true)},
        {"context", to_json(t.context, true)},
    };
}

}  // namespace

std::string handle_request(const std::string& method, const std::string& args_json) {
    try {
        const json args = args_json.empty() ? json::object() : json::parse(args_json);
        if (!args.is_object()) throw std::invalid_argument("arguments must be a JSON object");
        json out;
        if (method == "version") out = {{"version", "0.1.0"}};
        else if (method == "seed001") out = seed001(args);
        else throw std::invalid_argument("unknown method '" + method + "'");
        return out.dump();
    } catch (const std::exception& e) {
        return json{{"error", std::string(method) + ": " + e.what()}}.dump();
    }
}

}  // namespace attn::api
