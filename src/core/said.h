// said.h: a sentence the engine writes for people (a translation's note, a gallery type's explanation):
// its English, which programs read (attn.translate's notes), and the same sentence as a stable id and
// its arguments, so the interface can show it in the visitor's language (views/strings.h looks the id
// up, falling back to the English). Not the table of translations (src/views/strings_table.inc).
// Test: tests/unit/test_views_strings.cpp (every sentence the engine produces has a row).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace attn {

struct Said {
    std::string text;               // the English, as programs and the English interface read it
    std::string id;                 // its row in the interface's strings table ("note.engine.empty_input")
    std::vector<std::string> args;  // the format's %s, in order (numbers already printed: "0.25")
    bool empty() const { return text.empty(); }
    void clear() { *this = Said{}; }
};

// Fills a format that holds %s and %% only (the one kind of format a Said's rows use).
inline std::string fill_format(const std::string& fmt, const std::vector<std::string>& args) {
    std::string out;
    size_t next = 0;
    for (size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] == '%' && i + 1 < fmt.size() && (fmt[i + 1] == 's' || fmt[i + 1] == '%')) {
            out += fmt[i + 1] == '%' ? std::string("%") : next < args.size() ? args[next] : std::string();
            next += fmt[i + 1] == 's';
            ++i;
        } else {
            out += fmt[i];
        }
    }
    return out;
}

// The sentence `id` with its English format filled: say("note.engine.top_k_low", "top_k %s is below 1", {"0"}).
inline Said say(const char* id, const char* english, std::vector<std::string> args = {}) {
    Said s;
    s.text = fill_format(english, args);
    s.id = id;
    s.args = std::move(args);
    return s;
}

// The English of each (what attn.translate's "notes" holds).
inline std::vector<std::string> said_texts(const std::vector<Said>& said) {
    std::vector<std::string> out;
    out.reserve(said.size());
    for (const Said& s : said) out.push_back(s.text);
    return out;
}

}  // namespace attn
