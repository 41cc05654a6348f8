// json.cpp: see json.h. A recursive-descent parser over bytes; depth is capped by max_depth.
#include "core/json.h"

#include "core/utf8.h"

namespace attn::json {

const char* kind_name(Kind k) {
    switch (k) {
        case Kind::Null: return "null";
        case Kind::Bool: return "a boolean";
        case Kind::Number: return "a number";
        case Kind::String: return "a string";
        case Kind::Array: return "an array";
        case Kind::Object: return "an object";
    }
    return "?";
}

const Value* Value::find(std::string_view key) const {
    for (const Member& m : members)
        if (m.key == key) return &m.value;
    return nullptr;
}

namespace {

class Parser {
public:
    Parser(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {}

    Value parse_document() {
        skip_whitespace();
        Value v = parse_value(0);
        skip_whitespace();
        if (pos_ != s_.size()) fail("unexpected text after the JSON value");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw ParseError(what, pos_); }

    bool at_end() const { return pos_ >= s_.size(); }
    char peek() const { return s_[pos_]; }

    void skip_whitespace() {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++pos_;
    }

    void expect_literal(std::string_view word) {
        if (s_.substr(pos_, word.size()) != word) fail("invalid literal (expected '" + std::string(word) + "')");
        pos_ += word.size();
    }

    Value parse_value(int depth) {
        if (at_end()) fail("unexpected end of text (expected a value)");
        Value v;
        switch (peek()) {
            case '{': return parse_object(depth + 1);
            case '[': return parse_array(depth + 1);
            case '"':
                v.kind = Kind::String;
                v.text = parse_string();
                return v;
            case 't':
                expect_literal("true");
                v.kind = Kind::Bool;
                v.boolean = true;
                return v;
            case 'f':
                expect_literal("false");
                v.kind = Kind::Bool;
                return v;
            case 'n': expect_literal("null"); return v;
            default:
                if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number();
                fail("unexpected character (expected a value)");
        }
    }

    void check_depth(int depth) {
        if (depth > max_depth_) fail("nesting deeper than " + std::to_string(max_depth_) + " levels");
    }

    Value parse_object(int depth) {
        check_depth(depth);
        Value v;
        v.kind = Kind::Object;
        ++pos_;  // '{'
        skip_whitespace();
        if (!at_end() && peek() == '}') {
            ++pos_;
            return v;
        }
        for (;;) {
            skip_whitespace();
            if (at_end() || peek() != '"') fail("expected a string key");
            const std::size_t key_pos = pos_;
            std::string key = parse_string();
            if (v.find(key)) {
                pos_ = key_pos;
                fail("duplicate key \"" + key + "\"");
            }
            skip_whitespace();
            if (at_end() || peek() != ':') fail("expected ':' after a key");
            ++pos_;
            skip_whitespace();
            v.members.push_back(Member{std::move(key), parse_value(depth)});
            skip_whitespace();
            if (at_end()) fail("unexpected end of text inside an object");
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() == '}') {
                ++pos_;
                return v;
            }
            fail("expected ',' or '}' in an object");
        }
    }

    Value parse_array(int depth) {
        check_depth(depth);
        Value v;
        v.kind = Kind::Array;
        ++pos_;  // '['
        skip_whitespace();
        if (!at_end() && peek() == ']') {
            ++pos_;
            return v;
        }
        for (;;) {
            skip_whitespace();
            v.items.push_back(parse_value(depth));
            skip_whitespace();
            if (at_end()) fail("unexpected end of text inside an array");
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() == ']') {
                ++pos_;
                return v;
            }
            fail("expected ',' or ']' in an array");
        }
    }

    Value parse_number() {
        const std::size_t begin = pos_;
        auto digits = [&] {
            const std::size_t start = pos_;
            while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
            return pos_ - start;
        };
        if (peek() == '-') ++pos_;
        if (at_end()) fail("unexpected end of text in a number");
        if (peek() == '0') {
            ++pos_;
        } else if (digits() == 0) {
            fail("expected a digit in a number");
        }
        if (!at_end() && peek() == '.') {
            ++pos_;
            if (digits() == 0) fail("expected a digit after '.' in a number");
        }
        if (!at_end() && (peek() == 'e' || peek() == 'E')) {
            ++pos_;
            if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
            if (digits() == 0) fail("expected a digit in a number's exponent");
        }
        Value v;
        v.kind = Kind::Number;
        v.text = std::string(s_.substr(begin, pos_ - begin));
        return v;
    }

    unsigned parse_hex4() {
        if (pos_ + 4 > s_.size()) fail("unexpected end of text in a \\u escape");
        unsigned value = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = s_[pos_ + i];
            unsigned d;
            if (c >= '0' && c <= '9') d = c - '0';
            else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
            else fail("invalid hex digit in a \\u escape");
            value = value * 16 + d;
        }
        pos_ += 4;
        return value;
    }

    std::string parse_string() {
        ++pos_;  // opening quote
        std::string out;
        for (;;) {
            if (at_end()) fail("unexpected end of text in a string");
            const unsigned char c = static_cast<unsigned char>(peek());
            if (c == '"') {
                ++pos_;
                return out;
            }
            if (c < 0x20) fail("raw control character in a string (must be escaped)");
            if (c == '\\') {
                ++pos_;
                if (at_end()) fail("unexpected end of text in an escape");
                const char e = peek();
                ++pos_;
                switch (e) {
                    case '"': out += '"'; break;
                    case '\\': out += '\\'; break;
                    case '/': out += '/'; break;
                    case 'b': out += '\b'; break;
                    case 'f': out += '\f'; break;
                    case 'n': out += '\n'; break;
                    case 'r': out += '\r'; break;
                    case 't': out += '\t'; break;
                    case 'u': {
                        char32_t cp = parse_hex4();
                        if (cp >= 0xDC00 && cp <= 0xDFFF) fail("lone low surrogate in a \\u escape");
                        if (cp >= 0xD800 && cp <= 0xDBFF) {
                            if (s_.substr(pos_, 2) != "\\u") fail("high surrogate not followed by a low one");
                            pos_ += 2;
                            const char32_t low = parse_hex4();
                            if (low < 0xDC00 || low > 0xDFFF) fail("high surrogate not followed by a low one");
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        }
                        utf8::append(out, cp);
                        break;
                    }
                    default: --pos_; fail("invalid escape character");
                }
                continue;
            }
            char32_t cp;
            const std::size_t len = utf8::decode(s_, pos_, &cp);
            if (len == 0) fail("invalid UTF-8 in a string");
            out.append(s_.substr(pos_, len));
            pos_ += len;
        }
    }

    std::string_view s_;
    std::size_t pos_ = 0;
    int max_depth_;
};

}  // namespace

Value parse(std::string_view text, int max_depth) { return Parser(text, max_depth).parse_document(); }

bool to_u64(const Value& v, uint64_t* out) {
    if (v.kind != Kind::Number || v.text.empty()) return false;
    uint64_t x = 0;
    for (char c : v.text) {
        if (c < '0' || c > '9') return false;  // sign, fraction or exponent
        const uint64_t d = static_cast<uint64_t>(c - '0');
        if (x > (UINT64_MAX - d) / 10) return false;
        x = x * 10 + d;
    }
    *out = x;
    return true;
}

std::string quote(std::string_view s) {
    static const char* const kHex = "0123456789abcdef";
    std::string out = "\"";
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 15];
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
    return out;
}

}  // namespace attn::json
