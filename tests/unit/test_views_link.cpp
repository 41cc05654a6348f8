// test_views_link.cpp: the URL hash (src/views/link.h) without a browser: print and parse round trip
// over every entry of the tables a link names (models, views, normalizers, scalings, backends) and every
// key, and odd inputs (empty, repeated and unknown keys, percent-escapes, invalid UTF-8, huge numbers,
// NaN, a negative playhead, 10,000 characters of text). Runs natively and under node (wasm).
#include "views/link.h"

#include "core/utf8.h"
#include "models/model_zoo.h"
#include "nn/normalizers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace attn::views {
namespace {

using nlohmann::json;

const LabState kDefaults;  // the page's defaults when it starts
// The views a state may name (the views table's ids in the app, which the unit tests do not link).
const std::vector<std::string> kIds = {kDefaults.view, "heads", "gallery", "seed001"};

// A hash as the page applies it: the readable parts onto the defaults (attn.setState's rule).
LabState applied(const LinkRead& r, const LabState& defaults = kDefaults) {
    LabState s = defaults;
    std::vector<std::string> warnings;
    lab_state_apply_json(s, r.partial, &warnings, kIds);
    EXPECT_EQ(warnings, std::vector<std::string>{}) << r.partial.dump();
    return s;
}

// print(s) read back gives s's link again, with no problem; returns the hash.
std::string expect_round_trip(const LabState& s, const LabState& defaults = kDefaults) {
    const std::string hash = link_print(s, defaults);
    const LinkRead r = link_parse(hash, kIds);
    EXPECT_EQ(r.problems, std::vector<std::string>{}) << hash;
    const LabState back = applied(r, defaults);
    EXPECT_EQ(link_print(back, defaults), hash);
    EXPECT_EQ(lab_state_to_json(back), lab_state_to_json(s)) << hash;
    return hash;
}

std::vector<std::string> problems_of(const std::string& hash) { return link_parse(hash, kIds).problems; }

TEST(ViewsLink, TheDefaultsNeedNoHash) {
    EXPECT_EQ(link_print(kDefaults, kDefaults), "");
    for (const char* empty : {"", "#", "&", "#&&&", "&&"}) {
        const LinkRead r = link_parse(empty, kIds);
        EXPECT_EQ(r.partial, json::object()) << empty;
        EXPECT_EQ(r.params, json::object()) << empty;
        EXPECT_TRUE(r.problems.empty()) << empty;
    }
}

TEST(ViewsLink, EveryKeyOfTheTableRoundTripsAlone) {
    // One state per key that differs from the defaults in that key only.
    std::vector<LabState> states(link_keys().size());
    LabState& m = states[0];
    m.model = "bahdanau";
    states[1].text = "the cat eats & drinks = 100% + more #1?";
    states[2].view = "gallery";
    states[3].step = 2, states[3].stage = 4;
    states[4].block = "dec.1.cross";
    states[5].head = 3;
    states[6].options.temperature = 0.5f;
    states[7].options.normalizer = Normalizer::Hard;
    states[8].options.top_k = 3;
    states[9].options.scaling = Scaling::Off;
    states[10].options.nudge_position = 1, states[10].options.nudge_amount = -0.25f;
    states[11].options.backend = Backend::Scalar;
    states[12].options.head_mask = {{"dec.1.cross", {true, false, true, true}}, {"enc.0.self", {false}}};
    states[13].compare = {"hindi", "statquest"};
    states[14].lang = "es";
    ASSERT_EQ(link_keys().size(), 15u) << "a new key: give it a state above";
    for (std::size_t i = 0; i < states.size(); ++i) {
        const std::string hash = expect_round_trip(states[i]);
        EXPECT_EQ(hash.rfind(std::string(link_keys()[i].key) + "=", 0), 0u) << hash;
        EXPECT_EQ(hash.find('&'), std::string::npos) << hash;
    }
    EXPECT_EQ(link_print(states[1], kDefaults), "t=the+cat+eats+%26+drinks+%3D+100%25+%2B+more+%231?");
    EXPECT_EQ(link_print(states[3], kDefaults), "at=2.4");
    EXPECT_EQ(link_print(states[10], kDefaults), "nudge=1:-0.25");
    EXPECT_EQ(link_print(states[12], kDefaults), "mask=dec.1.cross:1011,enc.0.self:0");
    EXPECT_EQ(link_print(states[14], kDefaults), "lang=es");
    // a language the strings table does not have keeps the default, with a problem
    const LinkRead fr = link_parse("lang=fr", kIds);
    EXPECT_TRUE(fr.partial.empty());
    ASSERT_EQ(fr.problems.size(), 1u);
    EXPECT_EQ(fr.problems[0], "unknown lang 'fr' (en or es)");
}

TEST(ViewsLink, EveryEntryOfTheTablesRoundTrips) {
    for (const ZooEntry& e : translation_models()) {
        LabState s;
        s.model = e.name;
        s.text = e.example;
        const std::string hash = expect_round_trip(s);
        if (s.model != kDefaults.model) {
            EXPECT_NE(hash.find(std::string("m=") + e.name), std::string::npos);
        }
    }
    for (const std::string& id : kIds) {
        LabState s;
        s.view = id;
        expect_round_trip(s);
    }
    for (const NormalizerInfo& n : normalizers()) {
        LabState s;
        s.options.normalizer = n.id;
        const std::string hash = expect_round_trip(s);
        if (n.id != kDefaults.options.normalizer) {
            EXPECT_EQ(hash, std::string("norm=") + n.name);
        }
    }
    for (int i = 0; std::string(scaling_name(Scaling(i))) != "unknown"; ++i) {
        LabState s;
        s.options.scaling = Scaling(i);
        expect_round_trip(s);
    }
    for (int i = 0; std::string(backend_name(Backend(i))) != "unknown"; ++i) {
        LabState s;
        s.options.backend = Backend(i);
        expect_round_trip(s);
    }
}

TEST(ViewsLink, EverythingAtOnceAndAgainstOtherDefaults) {
    LabState s;
    s.model = "transformer";
    s.text = "the red house";
    s.view = "heads";
    s.step = 9999, s.stage = 99;
    s.block = "dec.1.self";
    s.head = -2;
    s.options = {Backend::Scalar, 37.5f, Normalizer::TopK, 7, Scaling::On, {{"a_b.c", {true}}}, 0, 3.0e-7f};
    const std::string hash = expect_round_trip(s);
    EXPECT_EQ(hash, "m=transformer&t=the+red+house&v=heads&at=9999.99&b=dec.1.self&h=-2&temp=37.5&norm=top_k&k=7"
                    "&scale=on&nudge=0:3e-7&be=scalar&mask=a_b.c:1");
    // The defaults are the page's at start, whatever they are: only differences are printed.
    LabState d = s;
    d.text = "other";
    EXPECT_EQ(link_print(s, d), "t=the+red+house");
    expect_round_trip(s, d);
}

TEST(ViewsLink, NumbersAreWrittenAsJavaScriptWouldWithSixDigits) {
    EXPECT_EQ(link_number(0.30000001192092896), "0.3");
    EXPECT_EQ(link_number(0.5f), "0.5");
    EXPECT_EQ(link_number(1.0), "1");
    EXPECT_EQ(link_number(100.0), "100");
    EXPECT_EQ(link_number(-0.25), "-0.25");
    EXPECT_EQ(link_number(0.0), "0");
    EXPECT_EQ(link_number(-0.0), "0");
    EXPECT_EQ(link_number(1e-7), "1e-7");
    EXPECT_EQ(link_number(0.000001), "0.000001");
    EXPECT_EQ(link_number(123456789.0), "123457000");
    EXPECT_EQ(link_number(1e21), "1e+21");
    EXPECT_EQ(link_number(3.4028234663852886e38), "3.40282e+38");
    EXPECT_EQ(link_number(0.0123456789), "0.0123457");
}

TEST(ViewsLink, ARepeatedKeyKeepsItsLastValue) {
    const LinkRead r = link_parse("#temp=0.5&norm=hard&temp=2&norm=soft&mask=a:1&mask=b:0", kIds);
    EXPECT_TRUE(r.problems.empty());
    EXPECT_EQ(r.partial["options"]["temperature"], 2.0);
    EXPECT_EQ(r.partial["options"]["normalizer"], "soft");
    EXPECT_EQ(r.partial["options"]["head_mask"], (json{{"b", {false}}}));  // the whole mask, not merged
}

TEST(ViewsLink, UnknownKeysAndModelsAreSkippedAndTheRestApplies) {
    const LinkRead r = link_parse("#m=nosuchmodel&temp=abc&zzz=1&v=seed001", kIds);
    EXPECT_EQ(r.problems, (std::vector<std::string>{"unknown model 'nosuchmodel'", "'temp' must be a number", "unknown 'zzz'"}));
    EXPECT_EQ(r.partial, (json{{"view", "seed001"}}));
    // A long key is quoted by its first 24 characters, a long model name by its first 40.
    const std::string key(10000, 'k');
    EXPECT_EQ(problems_of(key + "=1"), std::vector<std::string>{"unknown '" + std::string(24, 'k') + "'"});
    EXPECT_EQ(problems_of("m=" + key), std::vector<std::string>{"unknown model '" + std::string(40, 'k') + "'"});
    EXPECT_EQ(problems_of("%%%"), std::vector<std::string>{"unknown '%%%'"});
    EXPECT_EQ(problems_of("M=statquest"), std::vector<std::string>{"unknown 'M'"});  // keys are case-sensitive
    // The tables' verdicts, in attn.setState's words.
    EXPECT_EQ(problems_of("v=nosuchview"), std::vector<std::string>{"unknown view 'nosuchview'"});
    EXPECT_EQ(problems_of("norm=softer"), std::vector<std::string>{"unknown normalizer 'softer' (one of " + normalizer_names() + ")"});
    EXPECT_EQ(problems_of("scale=maybe"), std::vector<std::string>{"unknown scaling 'maybe'"});
    EXPECT_EQ(problems_of("be=webgpu"), std::vector<std::string>{"unknown backend 'webgpu'"});
    EXPECT_EQ(problems_of("temp=1000"), std::vector<std::string>{"temperature must be in [0.01, 100]"});
    EXPECT_EQ(problems_of("temp=0"), std::vector<std::string>{"temperature must be in [0.01, 100]"});
}

TEST(ViewsLink, PercentEscapesAndPlusDecode) {
    const LinkRead r = link_parse("t=caf%C3%A9+%2B+%e0%a4%98%26%3d&b=a%2Cb", kIds);
    EXPECT_TRUE(r.problems.empty());
    EXPECT_EQ(r.partial["text"], "caf\xC3\xA9 + \xE0\xA4\x98&=");  // lower-case hex reads too
    EXPECT_EQ(r.partial["block"], "a,b");
    EXPECT_EQ(link_parse("t=a=b", kIds).partial["text"], "a=b");      // the first '=' separates
    EXPECT_EQ(link_parse("t", kIds).partial["text"], "");            // a key without a value: empty
    EXPECT_EQ(link_parse("t=%00", kIds).partial["text"], std::string(1, '\0'));
    for (const char* bad : {"t=%", "t=%4", "t=%G0", "t=%E0%A4%A", "t=100%"})
        EXPECT_EQ(problems_of(bad), std::vector<std::string>{"'t' is not valid percent-encoding"}) << bad;
    // Escapes that are not UTF-8 are bad percent-encoding (as decodeURIComponent says) ...
    for (const char* bad : {"t=%C3%28", "t=%FF", "t=%ED%A0%80", "t=%C0%AF", "t=%F4%90%80%80"})
        EXPECT_EQ(problems_of(bad), std::vector<std::string>{"'t' is not valid percent-encoding"}) << bad;
    // ... raw bytes that are not UTF-8, or U+FFFD (what a lost byte became), are bad UTF-8.
    EXPECT_EQ(problems_of("t=\xC3\x28"), std::vector<std::string>{"'t' is not valid UTF-8"});
    EXPECT_EQ(problems_of("t=%EF%BF%BD"), std::vector<std::string>{"'t' is not valid UTF-8"});
    const std::vector<std::string> bad_key = problems_of("\xFF\xFEk=1");
    ASSERT_EQ(bad_key.size(), 1u);
    EXPECT_EQ(bad_key[0], "'\xEF\xBF\xBD\xEF\xBF\xBDk' is not valid UTF-8");
}

TEST(ViewsLink, NumbersOutOfReachAreRefused) {
    for (const char* bad : {"temp=", "temp=NaN", "temp=nan", "temp=Infinity", "temp=1e999", "temp=-1e400", "temp=0x10", "temp=+",
                            "temp=1.2.3", "temp=e5", "temp=1e", "temp=.", "temp=%2B%2B1", "temp=1+2"})
        EXPECT_EQ(problems_of(bad), std::vector<std::string>{"'temp' must be a number"}) << bad;
    EXPECT_EQ(link_parse("temp=+0.5", kIds).partial["options"]["temperature"], 0.5);  // '+' is a space
    EXPECT_EQ(link_parse("temp=%2B.5e1", kIds).partial["options"]["temperature"], 5.0);
    EXPECT_EQ(problems_of("temp=1e39"), std::vector<std::string>{"temperature must be in [0.01, 100]"});  // past a float
    for (const char* bad : {"h=1234567", "h=1.5", "h=", "h=-", "h=99999999999999999999", "k=NaN", "k=1e3"})
        EXPECT_EQ(problems_of(bad).size(), 1u) << bad;
    EXPECT_EQ(problems_of("h=x"), std::vector<std::string>{"'h' must be a whole number"});
    EXPECT_EQ(link_parse("h=-999999", kIds).partial["head"], -999999);
    EXPECT_EQ(applied(link_parse("k=0", kIds)).options.top_k, 1);  // top-k keeps at least one key
    for (const char* bad : {"nudge=1", "nudge=:1", "nudge=1:", "nudge=a:1", "nudge=1:x", "nudge=99999999999:1",
                            "nudge=1:1e39", "nudge=1:1E3", "nudge=1:0.5:2"})
        EXPECT_EQ(problems_of(bad), std::vector<std::string>{"'nudge' must be position:amount, e.g. 1:0.5"}) << bad;
    EXPECT_EQ(problems_of("nudge=1:1.2.3"), std::vector<std::string>{"'nudge' must be a number"});
    EXPECT_EQ(link_parse("nudge=-3:-1e-3", kIds).partial["options"]["nudge_position"], -3);
    // A large amount prints with e+ (its '+' as %2B) and reads back (fuzz_link found it unreadable).
    LabState big;
    big.options.nudge_position = 1, big.options.nudge_amount = 1e38f;
    EXPECT_EQ(expect_round_trip(big), "nudge=1:1e%2B38");
}

TEST(ViewsLink, ThePlayheadIsStepDotStage) {
    EXPECT_EQ(link_parse("at=0012.03", kIds).partial, (json{{"step", 12}, {"stage", 3}}));
    for (const char* bad : {"at=x", "at=-1.0", "at=1.-1", "at=2", "at=2.", "at=.4", "at=12345.1", "at=1.123", "at=2.4.1",
                            "at=+2.4", "at=1e3.1"})
        EXPECT_EQ(problems_of(bad), std::vector<std::string>{"'at' must be step.stage, e.g. 2.4"}) << bad;
    // A negative playhead (attn.setState takes one) prints a link that says so when read back.
    LabState s;
    s.step = -1;
    EXPECT_EQ(link_print(s, kDefaults), "at=-1.0");
    EXPECT_EQ(problems_of("at=-1.0"), std::vector<std::string>{"'at' must be step.stage, e.g. 2.4"});
}

TEST(ViewsLink, TheMaskIsBlocksOfBits) {
    EXPECT_EQ(link_parse("mask=dec.1.cross:0110,,enc.0.self:1", kIds).partial["options"]["head_mask"],
              (json{{"dec.1.cross", {false, true, true, false}}, {"enc.0.self", {true}}}));
    EXPECT_EQ(link_parse("mask=", kIds).partial["options"]["head_mask"], json::object());  // every head on
    for (const char* bad : {"mask=a", "mask=a:", "mask=:01", "mask=a:012", "mask=a b:1", "mask=a:1,b", "mask=a-b:1"})
        EXPECT_EQ(problems_of(bad), std::vector<std::string>{"'mask' must be block:0110,block:1111"}) << bad;
}

TEST(ViewsLink, PageKeysAreTheirOwn) {
    const LinkRead r = link_parse("#tour=0&t=hi&tour=1", kIds);
    EXPECT_EQ(r.params, (json{{"tour", "1"}}));
    EXPECT_EQ(r.partial, (json{{"text", "hi"}}));
    EXPECT_TRUE(r.problems.empty());
}

TEST(ViewsLink, TenThousandCharactersOfTextRoundTrip) {
    LabState s;
    for (int i = 0; s.text.size() < 10000; ++i) s.text += i % 7 ? "ab & c=d% " : "\xE0\xA4\x98\xF0\x9F\x98\x80+#";
    const std::string hash = expect_round_trip(s);
    EXPECT_EQ(hash.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'():@/?$,;%+=&"),
              std::string::npos);
}

TEST(ViewsLink, EveryProblemIsValidUtf8) {
    for (const char* hash : {"\xFF=1", "t=\xFF", "m=%C3%A9\xE0", "v=%F0%9F%98%80", "\xC3=%", "m=\xE2\x82"})
        for (const std::string& p : problems_of(hash)) EXPECT_TRUE(utf8::is_valid(p)) << p;
    // a model name cut at 40 characters never splits one
    const std::string name(39, 'x');
    EXPECT_EQ(problems_of("m=" + name + "%C3%A9%C3%A9"), std::vector<std::string>{"unknown model '" + name + "\xC3\xA9'"});
}

TEST(ViewsLink, TheAnswerAsJson) {
    const json j = link_read_to_json(link_parse("#zzz&t=x&tour=0", kIds));
    EXPECT_EQ(j, (json{{"partial", {{"text", "x"}}}, {"params", {{"tour", "0"}}}, {"problems", {"unknown 'zzz'"}}}));
}

}  // namespace
}  // namespace attn::views
