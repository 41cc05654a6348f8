// strings.cpp: see strings.h. The rows themselves are in strings_table.inc (also read by
// scripts/strings_js.mjs, which is why that file holds nothing but S(...) rows and comments).
#include "views/strings.h"

#include "models/model_zoo.h"

#include <cstdarg>
#include <cstdio>
#include <string>
#include <unordered_map>

namespace attn::views {

namespace {

#define S(id, en, es) {id, {en, es}},
const std::vector<StringRow> kRows = {
#include "views/strings_table.inc"
};
#undef S

Lang g_lang = Lang::En;

const std::unordered_map<std::string_view, int>& index() {
    static const std::unordered_map<std::string_view, int> map = [] {
        std::unordered_map<std::string_view, int> m;
        for (size_t i = 0; i < kRows.size(); ++i) m.emplace(kRows[i].id, static_cast<int>(i));
        return m;
    }();
    return map;
}

}  // namespace

const std::vector<LangRow>& languages() {
    static const std::vector<LangRow> rows = {{Lang::En, "en", "English"}, {Lang::Es, "es", "Español"}};
    return rows;
}

const char* lang_code(Lang l) {
    for (const LangRow& r : languages())
        if (r.lang == l) return r.code;
    return "en";
}

bool parse_lang(std::string_view code, Lang* out) {
    for (const LangRow& r : languages())
        if (code == r.code) {
            *out = r.lang;
            return true;
        }
    return false;
}

const std::vector<StringRow>& string_rows() { return kRows; }

void set_lang(Lang l) { g_lang = l; }
Lang current_lang() { return g_lang; }

const char* tr_in(Lang l, const char* id) {
    const auto it = index().find(id);
    if (it == index().end()) return id;
    return kRows[it->second].text[static_cast<int>(l)];
}

const char* tr(const char* id) { return tr_in(g_lang, id); }
const char* tr(const std::string& id) { return tr_in(g_lang, id.c_str()); }

std::string trf(const char* id, ...) {
    const char* fmt = tr(id);
    va_list args, again;
    va_start(args, id);
    va_copy(again, args);
    char small[256];
    const int n = std::vsnprintf(small, sizeof small, fmt, args);
    va_end(args);
    std::string out;
    if (n >= 0 && n < static_cast<int>(sizeof small)) {
        out.assign(small, static_cast<size_t>(n));
    } else if (n > 0) {
        out.resize(static_cast<size_t>(n) + 1);
        std::vsnprintf(out.data(), out.size(), fmt, again);
        out.resize(static_cast<size_t>(n));
    }
    va_end(again);
    return out;
}

namespace {

// A row's format filled with args; an argument that starts with '@' is an id, read in the same language.
std::string fill_row(const std::string& id, const std::vector<std::string>& args, Lang l) {
    std::vector<std::string> shown;
    shown.reserve(args.size());
    for (const std::string& a : args) shown.push_back(!a.empty() && a[0] == '@' ? tr_in(l, a.c_str() + 1) : a);
    return fill_format(tr_in(l, id.c_str()), shown);
}

}  // namespace

std::string note_text(const Note& n, Lang l) {
    std::string out;
    for (const auto& [id, args] : n.parts) out += fill_row(id, args, l);
    return out;
}

bool has_row(const std::string& id) { return index().count(id) > 0; }

std::string said_text(const Said& s, Lang l) { return has_row(s.id) ? fill_row(s.id, s.args, l) : s.text; }
std::string said_text(const Said& s) { return said_text(s, g_lang); }

const char* tr_or(const std::string& id, const char* english) { return has_row(id) ? tr(id) : english; }

const char* model_description(const ZooEntry& e) {
    return tr_or(std::string("model.") + e.name + ".description", e.description);
}

std::string sensor_event_text(const std::string& name) { return tr_or("sensor.event." + name, name.c_str()); }
std::string sensor_channel_text(const std::string& name) { return tr_or("sensor.channel." + name, name.c_str()); }

const char* stage_text(Stage s) { return tr(std::string("stage.") + stage_name(s)); }

}  // namespace attn::views
