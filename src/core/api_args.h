// api_args.h: typed reading of an API call's arguments (a JSON object from window.attn), answering a
// value of the wrong type in the project's words ("text must be a string", "iterations must be an
// integer from 1 to 100000") instead of the JSON library's. Any handler (engine API, ui.*, gpu.*)
// calls it; the handler prefixes its method name. Not the dispatch. Test: tests/unit/test_api_args.cpp.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace attn::api_args {

// A call's argument text as a JSON object ("" is {}): text that is not JSON, or JSON that is not an
// object, throws std::invalid_argument in the project's words (never the parser's own message).
inline nlohmann::json parse_args(const std::string& text) {
    if (text.empty()) return nlohmann::json::object();
    nlohmann::json args;
    try {
        args = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw std::invalid_argument("arguments are not valid JSON (at byte " + std::to_string(e.byte) + ")");
    } catch (const nlohmann::json::out_of_range&) {  // the parser's 406 (found by fuzz_api: corpus/api/number-beyond-double)
        throw std::invalid_argument("arguments hold a number beyond the range of a double");
    }
    if (!args.is_object()) throw std::invalid_argument("arguments must be a JSON object");
    return args;
}

// An answer as JSON text. Strings from the caller (a method name, a workload name) may hold invalid
// UTF-8; they are written with U+FFFD instead of failing the answer.
inline std::string dump_answer(const nlohmann::json& answer) {
    return answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The value of key, or fallback when the key is absent. A present key of the wrong type (null
// included: null is not a string) throws std::invalid_argument naming the key and the type wanted.
inline std::string string_arg(const nlohmann::json& args, const char* key, const std::string& fallback) {
    const auto it = args.find(key);
    if (it == args.end()) return fallback;
    if (!it->is_string()) throw std::invalid_argument(std::string(key) + " must be a string");
    return it->get<std::string>();
}

inline bool bool_arg(const nlohmann::json& args, const char* key, bool fallback) {
    const auto it = args.find(key);
    if (it == args.end()) return fallback;
    if (!it->is_boolean()) throw std::invalid_argument(std::string(key) + " must be true or false");
    return it->get<bool>();
}

// An integer in [lo, hi] (a number with no fraction: 3 and 3.0 both count). The range check comes
// before any conversion, so no value can overflow the result.
inline int64_t int_arg(const nlohmann::json& args, const char* key, int64_t fallback, int64_t lo, int64_t hi) {
    const auto it = args.find(key);
    if (it == args.end()) return fallback;
    const std::string want = std::string(key) + " must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (!it->is_number()) throw std::invalid_argument(want);
    const double x = it->get<double>();
    if (!(x >= static_cast<double>(lo) && x <= static_cast<double>(hi)) || std::floor(x) != x)
        throw std::invalid_argument(want);
    if (it->is_number_unsigned()) return static_cast<int64_t>(it->get<uint64_t>());
    if (it->is_number_integer()) return it->get<int64_t>();
    return static_cast<int64_t>(x);
}

// An object (or fallback when absent), e.g. attn.translate's options.
inline const nlohmann::json& object_arg(const nlohmann::json& args, const char* key, const nlohmann::json& fallback) {
    const auto it = args.find(key);
    if (it == args.end()) return fallback;
    if (!it->is_object()) throw std::invalid_argument(std::string(key) + " must be an object");
    return *it;
}

}  // namespace attn::api_args
