// test_tokenizer.cpp: the tokenizer's rules (tokenizer.h) one by one, byte ranges, and robustness
// against any byte sequence.
#include "core/tokenizer.h"

#include "core/rng.h"
#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace attn {
namespace {

std::vector<std::string> texts(std::string_view s) {
    std::vector<std::string> out;
    for (const Token& t : tokenize(s)) out.push_back(t.text);
    return out;
}
using W = std::vector<std::string>;

TEST(Tokenizer, StatQuestAndSeedExamples) {
    EXPECT_EQ(texts("Let's go"), (W{"let's", "go"}));
    EXPECT_EQ(texts("to go"), (W{"to", "go"}));
    EXPECT_EQ(texts("Mai ghar ja raha hoon"), (W{"mai", "ghar", "ja", "raha", "hoon"}));
}

TEST(Tokenizer, LowerCasesAsciiAndSpanishLetters) {
    EXPECT_EQ(texts("HELLO World"), (W{"hello", "world"}));
    // ÁÉÍÓÚÑÜ -> áéíóúñü
    EXPECT_EQ(texts("\xC3\x81\xC3\x89\xC3\x8D\xC3\x93\xC3\x9A\xC3\x91\xC3\x9C"),
              (W{"\xC3\xA1\xC3\xA9\xC3\xAD\xC3\xB3\xC3\xBA\xC3\xB1\xC3\xBC"}));
    EXPECT_EQ(texts("ESPA\xC3\x91OL"), (W{"espa\xC3\xB1ol"}));  // ESPAÑOL
    EXPECT_EQ(texts("\xC3\x97"), (W{"\xC3\x97"}));             // × is a symbol, not a letter
}

TEST(Tokenizer, FoldsGreekAndCyrillicCapitals) {
    EXPECT_EQ(texts("\xCE\x91\xCE\xA9 \xCE\xB1\xCF\x89"), (W{"\xCE\xB1\xCF\x89", "\xCE\xB1\xCF\x89"}));  // ΑΩ αω
    EXPECT_EQ(texts("\xD0\x9C\xD0\x98\xD0\xA0 \xD0\x81"), (W{"\xD0\xBC\xD0\xB8\xD1\x80", "\xD1\x91"}));  // МИР Ё
}

TEST(Tokenizer, MarksPunctuationTokens) {
    std::vector<bool> marks;
    for (const Token& t : tokenize("I love you! 'x' don't \xC2\xBF? \xFF")) marks.push_back(t.punctuation);
    // i love you ! ' x ' don't ¿ ? U+FFFD (an unreadable byte is not punctuation)
    EXPECT_EQ(marks, (std::vector<bool>{false, false, false, true, true, false, true, false, true, true, false}));
}

TEST(Tokenizer, ComposesDecomposedAccents) {
    // "Está" written as E s t a + U+0301, and "niño" with n + U+0303
    EXPECT_EQ(texts("Esta\xCC\x81 nin\xCC\x83o"), (W{"est\xC3\xA1", "ni\xC3\xB1o"}));
    // A + U+0301 composes after lower-casing
    EXPECT_EQ(texts("A\xCC\x81"), (W{"\xC3\xA1"}));
    // an accent with no Latin-1 composition stays in the word
    EXPECT_EQ(texts("x\xCC\x81"), (W{"x\xCC\x81"}));
}

TEST(Tokenizer, SplitsPunctuationIncludingSpanishMarks) {
    EXPECT_EQ(texts("\xC2\xBF" "D\xC3\xB3nde est\xC3\xA1 el gato?"),  // ¿Dónde está el gato?
              (W{"\xC2\xBF", "d\xC3\xB3nde", "est\xC3\xA1", "el", "gato", "?"}));
    EXPECT_EQ(texts("\xC2\xA1Vamos!"), (W{"\xC2\xA1", "vamos", "!"}));
    EXPECT_EQ(texts("a,b.c"), (W{"a", ",", "b", ".", "c"}));
    EXPECT_EQ(texts("...!!"), (W{".", ".", ".", "!", "!"}));
    EXPECT_EQ(texts("\xE2\x80\x9Chi\xE2\x80\x9D\xE2\x80\xA6"), (W{"\xE2\x80\x9C", "hi", "\xE2\x80\x9D", "\xE2\x80\xA6"}));
}

TEST(Tokenizer, ApostrophesStayInsideWordsOnly) {
    EXPECT_EQ(texts("don't rock'n'roll"), (W{"don't", "rock'n'roll"}));
    EXPECT_EQ(texts("Let\xE2\x80\x99s go"), (W{"let's", "go"}));  // typographic ’ -> '
    EXPECT_EQ(texts("'hello' dogs' ''"), (W{"'", "hello", "'", "dogs", "'", "'", "'"}));
    EXPECT_EQ(texts("a''b"), (W{"a", "'", "'", "b"}));
}

TEST(Tokenizer, ByteRangesPointIntoTheInput) {
    const std::string s = "  Let\xE2\x80\x99s  GO!";
    const std::vector<Token> t = tokenize(s);
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(s.substr(t[0].byte_begin, t[0].byte_end - t[0].byte_begin), "Let\xE2\x80\x99s");
    EXPECT_EQ(s.substr(t[1].byte_begin, t[1].byte_end - t[1].byte_begin), "GO");
    EXPECT_EQ(t[2].byte_begin, s.size() - 1);
    EXPECT_EQ(t[2].byte_end, s.size());
}

TEST(Tokenizer, SeparatorsAndControlCharactersAreDropped) {
    EXPECT_TRUE(tokenize("").empty());
    EXPECT_TRUE(tokenize(" \t\r\n\v\f").empty());
    EXPECT_EQ(texts(std::string("a\0b", 3)), (W{"a", "b"}));
    EXPECT_EQ(texts("a\x7F" "b\xC2\xA0" "c\xE2\x80\x8B" "d\xEF\xBB\xBF" "e"), (W{"a", "b", "c", "d", "e"}));
}

TEST(Tokenizer, InvalidBytesBecomeOneReplacementTokenEach) {
    const std::string fffd = "\xEF\xBF\xBD";
    EXPECT_EQ(texts("ca\xFFsa"), (W{"ca", fffd, "sa"}));
    EXPECT_EQ(texts("\x80\x80"), (W{fffd, fffd}));
    EXPECT_EQ(texts("\xC0\xAF"), (W{fffd, fffd}));          // overlong '/'
    EXPECT_EQ(texts("\xED\xA0\x80"), (W{fffd, fffd, fffd}));  // a surrogate
    EXPECT_EQ(texts("\xF4\x90\x80\x80"), (W{fffd, fffd, fffd, fffd}));  // above U+10FFFF
    EXPECT_EQ(texts("ok\xE2\x82"), (W{"ok", fffd, fffd}));  // truncated at the end
    const std::vector<Token> t = tokenize("a\xFF");
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[1].byte_begin, 1u);
    EXPECT_EQ(t[1].byte_end, 2u);
}

TEST(Tokenizer, EmojiAreSymbolsAndOtherScriptsAreWords) {
    // "hi😀there" -> hi, 😀, there; ❤️ (with variation selector) -> ❤
    EXPECT_EQ(texts("hi\xF0\x9F\x98\x80there"), (W{"hi", "\xF0\x9F\x98\x80", "there"}));
    EXPECT_EQ(texts("\xE2\x9D\xA4\xEF\xB8\x8F"), (W{"\xE2\x9D\xA4"}));
    // घर (Devanagari "ghar") is one word
    EXPECT_EQ(texts("\xE0\xA4\x98\xE0\xA4\xB0 go"), (W{"\xE0\xA4\x98\xE0\xA4\xB0", "go"}));
}

TEST(Tokenizer, NormalizeTextJoinsWithSingleSpaces) {
    EXPECT_EQ(normalize_text("  The RED   house. "), "the red house .");
    EXPECT_EQ(normalize_text(""), "");
}

TEST(Tokenizer, AnyBytesGiveValidUtf8TokensWithConsistentRanges) {
    Rng rng(7);
    for (int trial = 0; trial < 2000; ++trial) {
        std::string s(static_cast<std::size_t>(rng.next_u64() % 40), '\0');
        for (char& c : s) c = static_cast<char>(rng.next_u64() & 0xFF);
        const std::vector<Token> tokens = tokenize(s);
        std::size_t last_end = 0;
        for (const Token& t : tokens) {
            ASSERT_FALSE(t.text.empty());
            ASSERT_TRUE(utf8::is_valid(t.text));
            ASSERT_LT(t.byte_begin, t.byte_end);
            ASSERT_LE(t.byte_end, s.size());
            ASSERT_GE(t.byte_begin, last_end);
            last_end = t.byte_end;
        }
        // normalized text is a fixed point: tokenizing it again gives the same tokens
        const std::string once = normalize_text(s);
        ASSERT_EQ(normalize_text(once), once);
    }
}

TEST(Tokenizer, VeryLongInputIsLinear) {
    std::string s;
    for (int i = 0; i < 100000; ++i) s += "let's go ";
    const std::vector<Token> t = tokenize(s);
    EXPECT_EQ(t.size(), 200000u);
    const std::string one_word(1 << 20, 'a');
    ASSERT_EQ(tokenize(one_word).size(), 1u);
}

}  // namespace
}  // namespace attn
