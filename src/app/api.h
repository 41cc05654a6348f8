// api.h: the engine's answers of window.attn (rows of app/api_table.cpp), JSON in and JSON out: the
// page and the native attn_cli both reach them through the API table, so tests can compare the two.
// Each throws std::invalid_argument (or runtime_error) naming what was wrong. Not UI: no ImGui, no SDL.
// Test: tests/e2e/page.test.mjs (page vs attn_cli).
#pragma once

#include <nlohmann/json.hpp>

namespace attn::api {

nlohmann::json version(const nlohmann::json& args);          // {"version": "0.1.0"}
nlohmann::json seed001(const nlohmann::json& args);          // {backend, seed}
nlohmann::json gallery(const nlohmann::json& args);          // {query_word, temperature, window, backend}
nlohmann::json tables(const nlohmann::json& args);           // {}: the normalizers and score functions tables
nlohmann::json workload_run(const nlohmann::json& args);     // {workload, backend}
nlohmann::json workload_bench(const nlohmann::json& args);   // {workload, backend, iterations}
nlohmann::json workload_inputs(const nlohmann::json& args);  // {workload}

}  // namespace attn::api
