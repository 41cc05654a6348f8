// strings.h: every text the interface shows, in one table (strings_table.inc): a stable id, the
// English and the Spanish, looked up by id in the language the visitor chose (the link's `lang`, else
// the browser's). The page's own texts (loading screen, problems, notices: ids "page.*") are written
// from the same table into strings.js at build time (scripts/strings_js.mjs). Not the API's messages to
// programs (attn.* errors stay English). Test: tests/unit/test_views_strings.cpp, tests/e2e/i18n.test.mjs.
#pragma once

#include "core/said.h"
#include "trace/trace.h"

#include <string>
#include <string_view>
#include <vector>

namespace attn {
struct ZooEntry;  // models/model_zoo.h
}

namespace attn::views {

enum class Lang : int { En = 0, Es, Count };
constexpr int kLangCount = static_cast<int>(Lang::Count);

struct LangRow {
    Lang lang;
    const char* code;  // in links (lang=es), attn.lang(), <html lang>
    const char* name;  // the switch's label, in its own language
};
const std::vector<LangRow>& languages();
const char* lang_code(Lang l);
bool parse_lang(std::string_view code, Lang* out);

// One row of the table. Format strings keep the same printf conversions, in the same order, in every
// language (the unit test checks), so one call formats any of them.
struct StringRow {
    const char* id;                // "lab.play", "tour.1.title", "page.loading"
    const char* text[kLangCount];  // English, Spanish
};
const std::vector<StringRow>& string_rows();

// The language every tr() answers in; the shell sets it each frame from LabState::lang.
void set_lang(Lang l);
Lang current_lang();

// The text of `id` in the current language; an unknown id answers itself (tests/checks/strings_used.mjs
// checks every id the sources name is in the table).
const char* tr(const char* id);
const char* tr(const std::string& id);
const char* tr_in(Lang l, const char* id);
// printf on a format of the table (the same conversions in both languages).
std::string trf(const char* id, ...);

// A sentence kept as ids and arguments, so that it reads in the language current when it is drawn
// (a note written once per run, drawn every frame). Its formats hold %s conversions only; an argument
// that starts with '@' is itself an id of the table ("@note.cpu_adapter").
struct Note {
    std::vector<std::pair<std::string, std::vector<std::string>>> parts;
    void add(const char* id, std::vector<std::string> args = {}) { parts.emplace_back(id, std::move(args)); }
    bool empty() const { return parts.empty(); }
};
std::string note_text(const Note& n, Lang l);

// The engine's texts (the layers below views/ keep their English and give an id for the screen):
// a sentence (core/said.h) in language l, its row filled with its arguments ('@' arguments are ids too);
// its English when the table has no row for its id (a sentence added below without a row still reads).
bool has_row(const std::string& id);
std::string said_text(const Said& s, Lang l);
std::string said_text(const Said& s);  // in the current language
// A row named after a row of an engine table ("model.bahdanau.description", "sensor.event.shut_in") in
// the current language, else that table's English.
const char* tr_or(const std::string& id, const char* english);
// A model's one-line description (the models table's row, "model.<name>.description").
const char* model_description(const ZooEntry& e);
// The sensor's event, class and channel names ("shut_in", "pressure") as the interface shows them.
std::string sensor_event_text(const std::string& name);
std::string sensor_channel_text(const std::string& name);

// A stage's heading (trace.h's title, in the current language; its English is kStages' title).
const char* stage_text(Stage s);

}  // namespace attn::views
