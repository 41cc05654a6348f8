// test_views_strings.cpp: the interface's strings table (views/strings.h): every row complete in every
// language, the same printf conversions in each, ids unique, and the rows that mirror another table
// (trace.h's stage titles, the normalizers' labels) equal to it in English; and every text the engine
// writes for the screen (a translation's notes, the gallery, the models' descriptions, the sensor's
// names) has its row, read from the engine's own tables and runs. A missing or broken translation fails
// here. Not the screen (tests/e2e/i18n.test.mjs checks what is drawn).
#include "core/safetensors.h"
#include "models/attention_gallery.h"
#include "models/model_zoo.h"
#include "models/sensor_data.h"
#include "nn/attention_scores.h"
#include "nn/normalizers.h"
#include "trace/trace.h"
#include "views/backend.h"
#include "views/gpu_port.h"
#include "views/strings.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

using attn::views::Lang;

// The conversions of a printf format, in order ("%%" included, so a lone '%' shows as a difference).
std::vector<std::string> conversions(const std::string& fmt) {
    static const std::regex spec(R"(%[-+ #0]*(\*|[0-9]+)?(\.(\*|[0-9]+))?(hh|h|ll|l|z|j|t|L)?[diouxXeEfFgGaAcspn%])");
    std::vector<std::string> out;
    for (auto it = std::sregex_iterator(fmt.begin(), fmt.end(), spec); it != std::sregex_iterator(); ++it)
        out.push_back(it->str());
    return out;
}

int percent_count(const std::string& s) {
    int n = 0;
    for (char c : s) n += c == '%';
    return n;
}

TEST(ViewsStrings, EveryRowHasEveryLanguageAndTheSameConversions) {
    std::set<std::string> ids;
    ASSERT_GT(attn::views::string_rows().size(), 100u);
    for (const attn::views::StringRow& row : attn::views::string_rows()) {
        ASSERT_NE(row.id, nullptr);
        EXPECT_TRUE(ids.insert(row.id).second) << "id given twice: " << row.id;
        const std::string en = row.text[0] ? row.text[0] : "";
        for (const attn::views::LangRow& lang : attn::views::languages()) {
            const char* text = row.text[static_cast<int>(lang.lang)];
            ASSERT_NE(text, nullptr) << row.id << " has no " << lang.code;
            EXPECT_STRNE(text, "") << row.id << " is empty in " << lang.code;
            EXPECT_EQ(conversions(text), conversions(en)) << row.id << ": " << lang.code << " \"" << text
                                                          << "\" vs en \"" << en << "\"";
            // every '%' belongs to a conversion (a stray one would make printf read an argument)
            int in_specs = 0;
            for (const std::string& c : conversions(text)) in_specs += c == "%%" ? 2 : 1;
            EXPECT_EQ(percent_count(text), in_specs) << row.id << " (" << lang.code << ") has a stray '%'";
        }
    }
}

TEST(ViewsStrings, LookupFollowsTheLanguageAndFormats) {
    attn::views::set_lang(Lang::Es);
    EXPECT_STREQ(attn::views::tr("lab.play"), "Reproducir");
    EXPECT_EQ(attn::views::trf("lab.token_of", 1, 3, "vamos"), "token 1 de 3, leyendo 'vamos'");
    attn::views::set_lang(Lang::En);
    EXPECT_STREQ(attn::views::tr("lab.play"), "Play");
    EXPECT_EQ(attn::views::trf("lab.token_of", 1, 3, "vamos"), "token 1 of 3, reading 'vamos'");
    EXPECT_STREQ(attn::views::tr("no.such.id"), "no.such.id");  // visible, and strings_used.mjs catches it
    std::string long_arg(600, 'x');
    EXPECT_EQ(attn::views::trf("lab.note", long_arg.c_str()), "note: " + long_arg);
}

TEST(ViewsStrings, ANoteReadsInEitherLanguage) {
    attn::views::Note n;
    n.add("note.auto", {"simd", "statquest"});
    n.add("note.gpu_done", {"SwiftShader", "@note.cpu_adapter", "1.00 ms", "3e-07", ""});
    EXPECT_EQ(attn::views::note_text(n, Lang::En),
              "Auto picked simd for statquest on this device. Numbers computed by WebGPU on SwiftShader (a CPU "
              "implementation of WebGPU) in 1.00 ms, 1 dispatch, 1 readback. Largest difference from the scalar "
              "reference: 3e-07.");
    EXPECT_EQ(attn::views::note_text(n, Lang::Es),
              "Auto eligió simd para statquest en este dispositivo. Números calculados con WebGPU en SwiftShader (una "
              "implementación de WebGPU en la CPU) en 1.00 ms, 1 despacho, 1 lectura. Mayor diferencia con la "
              "referencia escalar: 3e-07.");
    // every note.* row formats with %s alone (note_text substitutes nothing else)
    for (const attn::views::StringRow& row : attn::views::string_rows())
        if (std::string(row.id).rfind("note.", 0) == 0)
            for (const std::string& c : conversions(row.text[0])) EXPECT_EQ(c, "%s") << row.id;
}

TEST(ViewsStrings, LanguagesParseAndPrint) {
    Lang l = Lang::En;
    EXPECT_TRUE(attn::views::parse_lang("es", &l));
    EXPECT_EQ(l, Lang::Es);
    EXPECT_STREQ(attn::views::lang_code(l), "es");
    EXPECT_FALSE(attn::views::parse_lang("ES", &l));
    EXPECT_FALSE(attn::views::parse_lang("fr", &l));
    EXPECT_EQ(static_cast<int>(attn::views::languages().size()), attn::views::kLangCount);
}

TEST(ViewsStrings, MirroredRowsEqualTheirTablesInEnglish) {
    for (const attn::StageRow& s : attn::kStages)
        EXPECT_STREQ(attn::views::tr_in(Lang::En, (std::string("stage.") + s.name).c_str()), s.title) << s.name;
    for (const attn::NormalizerInfo& n : attn::normalizers()) {
        const std::string id = std::string("norm.") + n.name;
        EXPECT_STREQ(attn::views::tr_in(Lang::En, (id + ".label").c_str()), n.label) << id;
        EXPECT_STREQ(attn::views::tr_in(Lang::En, (id + ".summary").c_str()), n.summary) << id;
    }
}

// A sentence of the engine reads from its own row in Spanish (not the English fallback), and its row's
// English filled with its arguments is exactly the engine's English (the English screen is unchanged).
void expect_row(const attn::Said& said, const std::string& where) {
    SCOPED_TRACE(where + ": " + said.id + " \"" + said.text + "\"");
    EXPECT_TRUE(attn::views::has_row(said.id)) << "no row in the strings table";
    EXPECT_EQ(attn::views::said_text(said, Lang::En), said.text);
    for (const std::string& a : said.args)
        if (!a.empty() && a[0] == '@') EXPECT_TRUE(attn::views::has_row(a.substr(1))) << "argument " << a;
    EXPECT_EQ(attn::views::said_text(said, Lang::Es).find("%s"), std::string::npos) << "a conversion left unfilled";
}

// A row named after an engine table's row: present, and its English equal to that table's.
void expect_mirror(const std::string& id, const std::string& english) {
    EXPECT_TRUE(attn::views::has_row(id)) << id;
    EXPECT_EQ(attn::views::tr_in(Lang::En, id.c_str()), english) << id;
}

TEST(ViewsStrings, EveryGalleryTextHasARow) {
    int seen = 0;
    for (int window : {1, 2}) {  // one position and several (the plural is its own row)
        attn::GalleryOptions o;
        o.window = window;
        const attn::Gallery g = attn::attention_gallery(o);
        ASSERT_GE(g.types.size(), 8u);
        for (const attn::GalleryExample& e : g.types) {
            for (const attn::Said* s : {&e.title, &e.explanation, &e.hallmark}) expect_row(*s, e.id);
            for (const attn::GalleryPanel& p : e.panels) expect_row(p.caption, e.id + " panel");
            seen += 3 + static_cast<int>(e.panels.size());
        }
        for (const attn::GalleryScore& sc : g.scores) expect_mirror("score." + sc.fn + ".note", sc.note);
    }
    EXPECT_GT(seen, 40);
    for (const attn::ScoreFnInfo& f : attn::score_fns()) expect_mirror(std::string("score.") + f.name + ".note", f.note);
}

TEST(ViewsStrings, EveryModelDescriptionAndSensorNameHasARow) {
    for (const attn::ZooEntry& e : attn::translation_models()) {
        expect_mirror(std::string("model.") + e.name + ".description", e.description);
        attn::views::set_lang(Lang::Es);
        EXPECT_STRNE(attn::views::model_description(e), e.description) << e.name;
        attn::views::set_lang(Lang::En);
        EXPECT_STREQ(attn::views::model_description(e), e.description) << e.name;
    }
    for (int k = 0; k < attn::kSensorEventCount; ++k) {
        const std::string name = attn::sensor_event_name(static_cast<attn::SensorEvent>(k));
        expect_mirror("sensor.event." + name, name);
    }
    for (int c = 0; c < attn::kSensorChannels; ++c) {
        const std::string name = attn::sensor_channel_name(c);
        expect_mirror("sensor.channel." + name, name);
    }
    expect_row(attn::Said{attn::views::kCoarseClockNote, "be.clock_note", {}}, "the Backend view's clock note");
    // the native build's GPU reason (the Backend view's notice there) and the kernel check's answer
    expect_row(attn::views::native_gpu_port().info().reason, "native gpu port");
    attn::views::native_gpu_port().check_kernels([](attn::Said s) { expect_row(s, "native kernel check"); });
    attn::views::set_lang(Lang::Es);
    EXPECT_EQ(attn::views::sensor_event_text("shut_in"), "cierre del pozo");
    EXPECT_EQ(attn::views::sensor_event_text("not_an_event"), "not_an_event");  // the English fallback
    attn::views::set_lang(Lang::En);
}

// Drives every model of the models table through the runs that make it write notes (normalizers,
// temperatures, scaling, head masks, nudges, caps, unknown words, punctuation, a cut, empty input,
// teacher forcing) and checks each note's row; then that every "note.engine.*" row was written by some
// run, so the table holds no note the engine cannot produce.
TEST(ViewsStrings, EveryNoteTheEngineWritesHasARow) {
    using attn::RunOptions;
    std::vector<RunOptions> runs(1);
    auto with = [&](auto change) {
        RunOptions o;
        change(o);
        runs.push_back(o);
    };
    with([](RunOptions& o) { o.normalizer = attn::Normalizer::Hard; });
    with([](RunOptions& o) { o.normalizer = attn::Normalizer::TopK; o.top_k = 0; });
    with([](RunOptions& o) { o.normalizer = attn::Normalizer::Sparsemax; o.temperature = 0.5f; });
    with([](RunOptions& o) { o.temperature = -1.0f; o.max_output_tokens = 0; o.nudge_position = 99; });
    with([](RunOptions& o) { o.temperature = 1e-9f; o.nudge_position = 0; o.nudge_amount = std::nanf(""); });
    with([](RunOptions& o) { o.scaling = attn::Scaling::On; o.nudge_position = 0; o.nudge_amount = 0.5f; });
    with([](RunOptions& o) { o.scaling = attn::Scaling::Off; o.max_output_tokens = 1; });
    with([](RunOptions& o) {
        o.head_mask = {{"enc.0.self", {false, true, true, true}}, {"no.such.block", {true}}, {"dec.0.cross", {true}}};
    });
    with([](RunOptions& o) { o.nudge_position = 0; o.nudge_amount = 3e38f; });  // overflows: the run stops
    std::set<std::string> written;
    int notes = 0;
    for (const attn::ZooEntry& e : attn::translation_models()) {
        const std::unique_ptr<attn::Translator> m =
            attn::load_translator(attn::safetensors_load(std::string(ATTN_ASSETS_DIR "/") + attn::model_file(e)));
        std::string longer;
        for (int i = 0; i < m->max_source_tokens() + 3; ++i) longer += std::string(e.example) + " ";
        const std::vector<std::string> texts = {e.example, "", "zzyzx qwxv " + std::string(e.example),
                                                std::string(e.example) + " ~ ^ |", longer};
        std::vector<attn::Translation> out;
        for (const RunOptions& o : runs) out.push_back(m->translate(e.example, o));
        for (const std::string& t : texts) out.push_back(m->translate(t, RunOptions{}));
        RunOptions capped;
        capped.max_output_tokens = 1;
        out.push_back(m->force(e.example, "zzyzx " + std::string(e.example), RunOptions{}));
        out.push_back(m->force(e.example, std::string(e.example) + " " + e.example, capped));
        for (const attn::Translation& t : out) {
            ASSERT_EQ(t.said.size(), t.notes.size()) << e.name;
            for (size_t i = 0; i < t.said.size(); ++i) {
                EXPECT_EQ(t.said[i].text, t.notes[i]);
                expect_row(t.said[i], e.name);
                written.insert(t.said[i].id);
                ++notes;
            }
        }
    }
    EXPECT_GT(notes, 50);
    // A model trained with another normalizer (as the Train view can train one): run otherwise, its notes
    // say how it was trained.
    attn::SafetensorsFile file = attn::safetensors_load(ATTN_ASSETS_DIR "/models/statquest.safetensors");
    nlohmann::json config = nlohmann::json::parse(file.metadata.at("config"));
    config["normalizer"] = "top_k";
    config["top_k"] = 2;
    file.metadata["config"] = config.dump();
    const std::unique_ptr<attn::Translator> top2 = attn::load_translator(file);
    RunOptions k3;
    k3.normalizer = attn::Normalizer::TopK;
    k3.top_k = 3;
    for (const RunOptions& o : {RunOptions{}, k3}) {
        const attn::Translation t = top2->translate("let's go", o);
        ASSERT_EQ(t.said.size(), 1u);
        expect_row(t.said[0], "statquest trained with top_k");
        written.insert(t.said[0].id);
    }
    // The LSTM's guard for an exception during its run: no option reaches it today (the nudge that stops
    // the Transformer only saturates the LSTM's tanh), so its row is checked by hand.
    const attn::Said guard = attn::say("note.engine.run_stopped", "the run stopped: %s", {"overflow"});
    expect_row(guard, "seq2seq_lstm.cpp's guard");
    written.insert(guard.id);
    for (const attn::views::StringRow& row : attn::views::string_rows())
        if (std::string(row.id).rfind("note.engine.", 0) == 0)
            EXPECT_TRUE(written.count(row.id)) << row.id << " is never written by these runs";
}

}  // namespace
