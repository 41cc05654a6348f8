// json.h: a small strict JSON reader and string quoting, enough for safetensors headers and the
// vocabulary array. It rejects what a lenient parser would guess at: duplicate keys, invalid UTF-8,
// raw control characters, lone surrogates, nesting deeper than a cap (so hostile input cannot blow
// the stack), and trailing garbage. Not a general JSON library: numbers stay as their literal text.
// Test: tests/unit/test_json.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace attn::json {

enum class Kind { Null, Bool, Number, String, Array, Object };
const char* kind_name(Kind k);  // "null", "a boolean", "a number", "a string", "an array", "an object"

struct Member;

struct Value {
    Kind kind = Kind::Null;
    bool boolean = false;
    std::string text;             // String: the decoded UTF-8; Number: the literal as written
    std::vector<Value> items;     // Array
    std::vector<Member> members;  // Object, in document order; keys are unique

    const Value* find(std::string_view key) const;  // nullptr when absent (or not an object)
};

struct Member {
    std::string key;
    Value value;
};

// Thrown by parse: what was wrong and the byte offset in the text where it was found.
struct ParseError : std::runtime_error {
    ParseError(const std::string& what, std::size_t offset_)
        : std::runtime_error(what + " at byte " + std::to_string(offset_)), offset(offset_) {}
    std::size_t offset;
};

constexpr int kDefaultMaxDepth = 64;

// Parses one JSON value; whitespace (space, tab, LF, CR) may surround it, nothing else may follow.
Value parse(std::string_view text, int max_depth = kDefaultMaxDepth);

// True when v is a Number written as a plain non-negative integer (no sign, fraction or exponent)
// that fits in uint64; then *out holds it.
bool to_u64(const Value& v, uint64_t* out);

// The JSON string literal for s, quotes included: \" \\ and control characters escaped (\n, \t,
// \u00XX, ...), everything else (UTF-8 included) as is. s must be valid UTF-8 for valid JSON.
std::string quote(std::string_view s);

}  // namespace attn::json
