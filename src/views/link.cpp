// link.cpp: see link.h. The keys' table first, then the hash's percent-encoding, then print and parse.
#include "views/link.h"

#include "core/utf8.h"
#include "models/model_zoo.h"
#include "nn/normalizers.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace attn::views {

using nlohmann::json;

namespace {

// ---- small readers, one rule each (the words are the page's: README, Page habits) --------------

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) {
    for (char c : s)
        if (!is_digit(c)) return false;
    return !s.empty();
}

// At most `max` code points of s, a bad byte read as U+FFFD: how a message quotes what it was given.
std::string quoted(std::string_view s, std::size_t max) {
    std::string out;
    std::size_t count = 0;
    for (std::size_t pos = 0; pos < s.size() && count < max; ++count) {
        char32_t cp = utf8::kReplacement;
        const std::size_t len = utf8::decode(s, pos, &cp);
        utf8::append(out, len ? cp : utf8::kReplacement);
        pos += len ? len : 1;
    }
    return out;
}

std::string must(const char* key, const char* why) { return std::string("'") + key + "' " + why; }

// A whole number of 1 to 6 digits, optionally negative (h, k).
bool read_int(const std::string& v, int* out) {
    const std::string_view digits = !v.empty() && v[0] == '-' ? std::string_view(v).substr(1) : std::string_view(v);
    if (digits.size() > 6 || !all_digits(digits)) return false;
    *out = std::atoi(v.c_str());
    return true;
}

// A finite decimal number: [+-] digits [. digits] [e [+-] digits], surrounded by spaces or not (the
// '+' of a link is a space: temp=+0.5 reads 0.5). Not hex, Infinity or NaN, which a link never holds.
bool read_number(const std::string& v, double* out) {
    std::size_t b = 0, e = v.size();
    while (b < e && std::strchr(" \t\n\r\f\v", v[b])) ++b;
    while (e > b && std::strchr(" \t\n\r\f\v", v[e - 1])) --e;
    std::size_t i = b;
    if (i < e && (v[i] == '+' || v[i] == '-')) ++i;
    std::size_t mantissa = 0;
    while (i < e && is_digit(v[i])) ++i, ++mantissa;
    if (i < e && v[i] == '.') {
        ++i;
        while (i < e && is_digit(v[i])) ++i, ++mantissa;
    }
    if (mantissa == 0) return false;
    if (i < e && (v[i] == 'e' || v[i] == 'E')) {
        ++i;
        if (i < e && (v[i] == '+' || v[i] == '-')) ++i;
        std::size_t exponent = 0;
        while (i < e && is_digit(v[i])) ++i, ++exponent;
        if (exponent == 0) return false;
    }
    if (i != e) return false;
    const std::string text = v.substr(b, e - b);
    const double x = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(x)) return false;  // 1e999
    *out = x;
    return true;
}

json& options_of(json* part) { return (*part)["options"]; }

std::string read_text_into(const char* field, const std::string& v, json* part) {
    (*part)[field] = v;
    return "";
}

// ---- the keys ------------------------------------------------------------------------------------

std::string print_mask(const LabState& s) {
    std::string out;
    for (const auto& [block, heads] : s.options.head_mask) {
        if (!out.empty()) out += ',';
        out += block + ':';
        for (bool on : heads) out += on ? '1' : '0';
    }
    return out;
}

// The comma-separated items of a value, empty ones included ("a,,b" -> a, "", b).
std::vector<std::string_view> comma_items(std::string_view v) {
    std::vector<std::string_view> items;
    for (std::size_t start = 0; start <= v.size();) {
        const std::size_t end = std::min(v.find(',', start), v.size());
        items.push_back(v.substr(start, end - start));
        start = end + 1;
    }
    return items;
}

// block:0110,block:1111 (1 = head on); a block name is letters, digits, '_' and '.'.
std::string read_mask(const std::string& v, json* part) {
    json mask = json::object();
    for (const std::string_view item : comma_items(v)) {
        if (item.empty()) continue;
        const std::size_t colon = item.find(':');
        const std::string_view block = item.substr(0, colon);
        const std::string_view bits = colon == std::string_view::npos ? std::string_view() : item.substr(colon + 1);
        bool ok = !block.empty() && !bits.empty();
        for (char c : block) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.');
        for (char c : bits) ok = ok && (c == '0' || c == '1');
        if (!ok) return must("mask", "must be block:0110,block:1111");
        std::vector<bool> heads;
        for (char c : bits) heads.push_back(c == '1');
        mask[std::string(block)] = heads;
    }
    options_of(part)["head_mask"] = mask;
    return "";
}

std::string print_nudge(const LabState& s) {
    if (s.options.nudge_position < 0) return "";
    return std::to_string(s.options.nudge_position) + ":" + link_number(s.options.nudge_amount);
}

// position:amount, e.g. 1:0.5 (position a whole number that fits an int, amount a float: 1e-7, 3e+38).
std::string read_nudge(const std::string& v, json* part) {
    const char* const shape = "must be position:amount, e.g. 1:0.5";
    const std::size_t colon = v.find(':');
    if (colon == std::string::npos) return must("nudge", shape);
    const std::string position = v.substr(0, colon), amount = v.substr(colon + 1);
    const std::string_view digits = !position.empty() && position[0] == '-' ? std::string_view(position).substr(1)
                                                                            : std::string_view(position);
    bool shaped = all_digits(digits) && !amount.empty();
    const std::string_view a = !amount.empty() && amount[0] == '-' ? std::string_view(amount).substr(1) : std::string_view(amount);
    // the amount's shape: digits and dots, then an optional exponent (e-3); the number rule reads it
    const std::size_t e = a.find('e');
    const std::string_view mantissa = a.substr(0, e), exponent = e == std::string_view::npos ? "" : a.substr(e + 1);
    shaped = shaped && !mantissa.empty() && mantissa.find_first_not_of("0123456789.") == std::string_view::npos;
    // e+38 too: that is how a large amount prints (the '+' travels as %2B)
    const bool signed_exponent = !exponent.empty() && (exponent[0] == '-' || exponent[0] == '+');
    if (e != std::string_view::npos) shaped = shaped && all_digits(signed_exponent ? exponent.substr(1) : exponent);
    if (!shaped) return must("nudge", shape);
    errno = 0;
    const long long p = std::strtoll(position.c_str(), nullptr, 10);
    if (errno == ERANGE || p < INT_MIN || p > INT_MAX) return must("nudge", shape);
    double x = 0;
    if (!read_number(amount, &x)) return must("nudge", "must be a number");
    // beyond a float (1e39): refused before the cast, which would be undefined behaviour
    if (!(std::fabs(x) <= static_cast<double>(std::numeric_limits<float>::max()))) return must("nudge", shape);
    options_of(part)["nudge_position"] = static_cast<int>(p);
    options_of(part)["nudge_amount"] = x;
    return "";
}

std::string read_playhead(const std::string& v, json* part) {
    const std::size_t dot = v.find('.');
    const std::string step = v.substr(0, dot), stage = dot == std::string::npos ? "" : v.substr(dot + 1);
    if (!all_digits(step) || step.size() > 4 || !all_digits(stage) || stage.size() > 2)
        return must("at", "must be step.stage, e.g. 2.4");
    (*part)["step"] = std::atoi(step.c_str());
    (*part)["stage"] = std::atoi(stage.c_str());
    return "";
}

std::string read_model(const std::string& v, json* part) {
    if (!find_translation_model(v)) return "unknown model '" + quoted(v, 40) + "'";
    (*part)["model"] = v;
    return "";
}

std::string print_compare(const LabState& s) {
    std::string out;
    for (const std::string& m : s.compare) out += (out.empty() ? "" : ",") + m;
    return out;
}

std::string read_compare(const std::string& v, json* part) {
    json models = json::array();
    for (const std::string_view item : comma_items(v)) {
        const std::string m(item);
        if (!find_translation_model(m)) return "'cmp' names an unknown model '" + quoted(m, 40) + "'";
        models.push_back(m);
    }
    if (models.size() < 2 || models.size() > 3) return must("cmp", "must name 2 or 3 models");
    (*part)["compare"] = models;
    return "";
}

std::vector<LinkKey> build_keys() {
    return {
        {"m", "model (a name of the models table)", [](const LabState& s) { return s.model; }, read_model},
        {"t", "text", [](const LabState& s) { return s.text; },
         [](const std::string& v, json* p) { return read_text_into("text", v, p); }},
        {"v", "view (an id of the views table)", [](const LabState& s) { return s.view; },
         [](const std::string& v, json* p) { return read_text_into("view", v, p); }},
        {"at", "the playhead, step.stage", [](const LabState& s) { return std::to_string(s.step) + "." + std::to_string(s.stage); },
         read_playhead},
        {"b", "block (multi-head models)", [](const LabState& s) { return s.block; },
         [](const std::string& v, json* p) { return read_text_into("block", v, p); }},
        {"h", "head", [](const LabState& s) { return std::to_string(s.head); },
         [](const std::string& v, json* p) {
             int h = 0;
             if (!read_int(v, &h)) return must("h", "must be a whole number");
             (*p)["head"] = h;
             return std::string();
         }},
        {"temp", "attention temperature", [](const LabState& s) { return link_number(s.options.temperature); },
         [](const std::string& v, json* p) {
             double x = 0;
             if (!read_number(v, &x)) return must("temp", "must be a number");
             options_of(p)["temperature"] = x;
             return std::string();
         }},
        {"norm", "normalizer (a name of the normalizers table)",
         [](const LabState& s) { return std::string(normalizer_name(s.options.normalizer)); },
         [](const std::string& v, json* p) {
             options_of(p)["normalizer"] = v;
             return std::string();
         }},
        {"k", "top-k's k", [](const LabState& s) { return std::to_string(s.options.top_k); },
         [](const std::string& v, json* p) {
             int k = 0;
             if (!read_int(v, &k)) return must("k", "must be a whole number");
             options_of(p)["top_k"] = k;
             return std::string();
         }},
        {"scale", "scaling (auto, on, off)", [](const LabState& s) { return std::string(scaling_name(s.options.scaling)); },
         [](const std::string& v, json* p) {
             options_of(p)["scaling"] = v;
             return std::string();
         }},
        {"nudge", "embedding nudge, position:amount", print_nudge, read_nudge},
        {"be", "backend (scalar, simd)", [](const LabState& s) { return std::string(backend_name(s.options.backend)); },
         [](const std::string& v, json* p) {
             options_of(p)["backend"] = v;
             return std::string();
         }},
        {"mask", "heads switched off, block:0110,...", print_mask, read_mask},
        {"cmp", "the Compare view's models, comma-separated", print_compare, read_compare},
        {"lang", "interface language (en, es; absent: the browser's)", [](const LabState& s) { return s.lang; },
         [](const std::string& v, json* p) { return read_text_into("lang", v, p); }},
    };
}

// ---- percent-encoding ------------------------------------------------------------------------------

// What encodeURIComponent leaves alone, plus : @ / ? $ , ; which a fragment may hold as they are
// (RFC 3986 pchar, minus & = + which separate here).
bool kept(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(static_cast<char>(c)) ||
           (c != 0 && std::strchr("-_.!~*'()" ":@/?$,;", c));
}

std::string encode_value(const std::string& v) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : v) {
        if (c == ' ') out += '+';
        else if (kept(c)) out += static_cast<char>(c);
        else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// '+' is a space, %XX a byte; false on a '%' without two hex digits.
bool decode_value(std::string_view v, std::string* out) {
    out->clear();
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '+') {
            *out += ' ';
        } else if (v[i] == '%') {
            if (i + 2 >= v.size()) return false;
            const int hi = hex_value(v[i + 1]), lo = hex_value(v[i + 2]);
            if (hi < 0 || lo < 0) return false;
            *out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            *out += v[i];
        }
    }
    return true;
}

bool has_replacement(std::string_view s) { return s.find("\xEF\xBF\xBD") != std::string_view::npos; }

void merge_part(json* partial, const json& part) {
    for (auto it = part.begin(); it != part.end(); ++it) {
        if (it.key() == "options")
            for (auto o = it->begin(); o != it->end(); ++o) (*partial)["options"][o.key()] = *o;
        else (*partial)[it.key()] = *it;
    }
}

}  // namespace

const std::vector<LinkKey>& link_keys() {
    static const std::vector<LinkKey> keys = build_keys();
    return keys;
}

const std::vector<std::string>& link_page_keys() {
    static const std::vector<std::string> keys = {"tour"};
    return keys;
}

std::string link_number(double x) {
    if (std::isnan(x)) return "NaN";
    if (std::isinf(x)) return x < 0 ? "-Infinity" : "Infinity";
    if (x == 0) return "0";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.5e", x);  // 6 significant digits
    const double r = std::strtod(buf, nullptr);
    for (int p = 0; p <= 17; ++p) {  // the fewest digits that read back as r
        std::snprintf(buf, sizeof buf, "%.*e", p, r);
        if (std::strtod(buf, nullptr) == r) break;
    }
    // buf: [-]d[.ddd]e[+-]xx -> sign, digits, and n (the decimal point sits after n digits)
    std::string s(buf), digits;
    const bool negative = s[0] == '-';
    const std::size_t e = s.find('e');
    for (std::size_t i = negative ? 1 : 0; i < e; ++i)
        if (s[i] != '.') digits += s[i];
    const int n = std::atoi(s.c_str() + e + 1) + 1;
    const int k = static_cast<int>(digits.size());
    std::string out = negative ? "-" : "";
    if (k <= n && n <= 21) out += digits + std::string(n - k, '0');
    else if (0 < n && n <= 21) out += digits.substr(0, n) + "." + digits.substr(n);
    else if (-6 < n && n <= 0) out += "0." + std::string(-n, '0') + digits;
    else out += digits.substr(0, 1) + (k > 1 ? "." + digits.substr(1) : "") + "e" + (n - 1 >= 0 ? "+" : "-") +
                std::to_string(std::abs(n - 1));
    return out;
}

std::string link_print(const LabState& state, const LabState& defaults) {
    std::string out;
    for (const LinkKey& k : link_keys()) {
        const std::string value = k.print(state);
        if (value == k.print(defaults)) continue;
        if (!out.empty()) out += '&';
        out += std::string(k.key) + "=" + encode_value(value);
    }
    return out;
}

LinkRead link_parse(std::string_view hash, const std::vector<std::string>& view_ids) {
    LinkRead r;
    if (!hash.empty() && hash[0] == '#') hash.remove_prefix(1);
    std::size_t start = 0;
    while (start <= hash.size()) {
        std::size_t end = hash.find('&', start);
        if (end == std::string_view::npos) end = hash.size();
        const std::string_view item = hash.substr(start, end - start);
        start = end + 1;
        if (item.empty()) continue;
        const std::size_t eq = item.find('=');
        const std::string key(item.substr(0, eq));
        const std::string_view raw = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
        const std::string name = quoted(key, 24);
        std::string value;
        // Escapes that decode to bytes that are not UTF-8 are bad percent-encoding (as the browser's
        // decodeURIComponent says); raw bytes that are not UTF-8 (not from a browser) are bad UTF-8.
        if (!utf8::is_valid(key) || !utf8::is_valid(raw)) {
            r.problems.push_back("'" + name + "' is not valid UTF-8");
            continue;
        }
        if (!decode_value(raw, &value) || !utf8::is_valid(value)) {
            r.problems.push_back("'" + name + "' is not valid percent-encoding");
            continue;
        }
        if (has_replacement(value)) {
            r.problems.push_back("'" + name + "' is not valid UTF-8");
            continue;
        }
        if (std::find(link_page_keys().begin(), link_page_keys().end(), key) != link_page_keys().end()) {
            r.params[key] = value;
            continue;
        }
        const LinkKey* k = nullptr;
        for (const LinkKey& row : link_keys())
            if (key == row.key) k = &row;
        if (!k) {
            r.problems.push_back("unknown '" + name + "'");
            continue;
        }
        json part = json::object();
        const std::string why = k->read(value, &part);
        if (!why.empty()) {
            r.problems.push_back(why);
            continue;
        }
        // The tables' verdict (views, normalizers, scalings, backends, the temperature's range), in the
        // words attn.setState answers with.
        LabState scratch;
        std::vector<std::string> warnings;
        lab_state_apply_json(scratch, part, &warnings, view_ids);
        if (!warnings.empty()) {
            r.problems.insert(r.problems.end(), warnings.begin(), warnings.end());
            continue;
        }
        merge_part(&r.partial, part);
    }
    return r;
}

json link_read_to_json(const LinkRead& r) {
    return {{"partial", r.partial}, {"params", r.params}, {"problems", r.problems}};
}

}  // namespace attn::views
