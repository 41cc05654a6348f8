// test_views_strings.cpp: the interface's strings table (views/strings.h): every row complete in every
// language, the same printf conversions in each, ids unique, and the rows that mirror another table
// (trace.h's stage titles, the normalizers' labels) equal to it in English. A missing or broken
// translation fails here. Not the screen (tests/e2e/i18n.test.mjs checks what is drawn).
#include "nn/normalizers.h"
#include "trace/trace.h"
#include "views/strings.h"

#include <gtest/gtest.h>

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

}  // namespace
