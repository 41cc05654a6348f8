// test_json.cpp: the strict JSON reader (what it accepts, what it refuses and where) and quoting.
#include "core/json.h"

#include <gtest/gtest.h>

#include <string>

namespace attn {
namespace {

TEST(Json, ParsesEveryKindAndKeepsMemberOrder) {
    const json::Value v = json::parse(R"( {"b": [1, -2.5e3, true, false, null], "a": "x\u00e9\n"} )");
    ASSERT_EQ(v.kind, json::Kind::Object);
    ASSERT_EQ(v.members.size(), 2u);
    EXPECT_EQ(v.members[0].key, "b");
    EXPECT_EQ(v.members[1].key, "a");
    const json::Value* b = v.find("b");
    ASSERT_NE(b, nullptr);
    ASSERT_EQ(b->items.size(), 5u);
    EXPECT_EQ(b->items[1].kind, json::Kind::Number);
    EXPECT_EQ(b->items[1].text, "-2.5e3");
    EXPECT_TRUE(b->items[2].boolean);
    EXPECT_EQ(b->items[4].kind, json::Kind::Null);
    EXPECT_EQ(v.find("a")->text, "x\xC3\xA9\n");
    EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(Json, DecodesSurrogatePairs) {
    EXPECT_EQ(json::parse(R"("\ud83d\ude00")").text, "\xF0\x9F\x98\x80");  // U+1F600
}

TEST(Json, RefusesMalformedTextWithAnOffset) {
    struct Case {
        const char* text;
        const char* message_part;
        std::size_t offset;
    };
    const Case cases[] = {
        {"", "unexpected end of text", 0},
        {"{\"a\":1,\"a\":2}", "duplicate key \"a\"", 7},
        {"[1,]", "expected a value", 3},
        {"[1 2]", "expected ',' or ']'", 3},
        {"01", "unexpected text after", 1},
        {"\"a\x01\"", "raw control character", 2},
        {"\"\xC3\x28\"", "invalid UTF-8", 1},
        {"\"\\ud800\"", "high surrogate", 7},
        {"\"\\udc00\"", "lone low surrogate", 7},
        {"\"\\x\"", "invalid escape", 2},
        {"{} x", "unexpected text after", 3},
        {"tru", "invalid literal", 0},
        {"1.", "expected a digit after '.'", 2},
        {"{\"a\" 1}", "expected ':'", 5},
    };
    for (const Case& c : cases) {
        try {
            json::parse(c.text);
            ADD_FAILURE() << "accepted: " << c.text;
        } catch (const json::ParseError& e) {
            EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << c.text << " -> " << e.what();
            EXPECT_EQ(e.offset, c.offset) << c.text << " -> " << e.what();
        }
    }
}

TEST(Json, DepthIsCappedSoDeepNestingCannotExhaustTheStack) {
    const std::string ok = std::string(64, '[') + std::string(64, ']');
    EXPECT_NO_THROW(json::parse(ok));
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    EXPECT_THROW(json::parse(deep), json::ParseError);
}

TEST(Json, ToU64AcceptsOnlyPlainNonNegativeIntegers) {
    uint64_t x = 0;
    EXPECT_TRUE(json::to_u64(json::parse("18446744073709551615"), &x));
    EXPECT_EQ(x, UINT64_MAX);
    EXPECT_FALSE(json::to_u64(json::parse("18446744073709551616"), &x));
    EXPECT_FALSE(json::to_u64(json::parse("-1"), &x));
    EXPECT_FALSE(json::to_u64(json::parse("1.0"), &x));
    EXPECT_FALSE(json::to_u64(json::parse("1e3"), &x));
    EXPECT_FALSE(json::to_u64(json::parse("\"1\""), &x));
}

TEST(Json, QuoteRoundTripsThroughParse) {
    const std::string s = std::string("a\"b\\c\n\t\x01\x1f") + "\xC3\xB1" + std::string(1, '\0') + "/";
    const std::string q = json::quote(s);
    EXPECT_EQ(q, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\xC3\xB1\\u0000/\"");
    EXPECT_EQ(json::parse(q).text, s);
}

}  // namespace
}  // namespace attn
