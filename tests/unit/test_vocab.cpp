// test_vocab.cpp: building, serializing and validating vocabularies; encoding with unknown words
// reported by position and byte range; decoding.
#include "core/vocab.h"

#include "core/format_error.h"

#include <gtest/gtest.h>

#include <string>

namespace attn {
namespace {

TEST(Vocab, SpecialTokensComeFirst) {
    const Vocab v;
    ASSERT_EQ(v.size(), 4);
    EXPECT_EQ(v.word(Vocab::kPad), "<PAD>");
    EXPECT_EQ(v.word(Vocab::kSos), "<SOS>");
    EXPECT_EQ(v.word(Vocab::kEos), "<EOS>");
    EXPECT_EQ(v.word(Vocab::kUnk), "<UNK>");
    EXPECT_EQ(v.id("<EOS>"), 2);
}

TEST(Vocab, FromCorpusIsSortedAndIndependentOfSentenceOrder) {
    const Vocab a = Vocab::from_corpus({"let's go", "to go"});
    const Vocab b = Vocab::from_corpus({"To go", "LET'S GO"});
    EXPECT_EQ(a.words(), (std::vector<std::string>{"<PAD>", "<SOS>", "<EOS>", "<UNK>", "go", "let's", "to"}));
    EXPECT_EQ(a.words(), b.words());
    EXPECT_EQ(a.id("let's"), 5);
    EXPECT_EQ(a.id("vamos"), Vocab::kUnk);
    EXPECT_FALSE(a.contains("vamos"));
}

TEST(Vocab, JsonRoundTrip) {
    const Vocab v = Vocab::from_words({"vamos", "ir", "y", "\xC2\xBF", "ni\xC3\xB1o", "\""});
    const std::string j = v.to_json();
    EXPECT_EQ(j, "[\"<PAD>\",\"<SOS>\",\"<EOS>\",\"<UNK>\",\"vamos\",\"ir\",\"y\",\"\xC2\xBF\",\"ni\xC3\xB1o\",\"\\\"\"]");
    const Vocab back = Vocab::from_json(j, "test");
    EXPECT_EQ(back.words(), v.words());
}

void expect_format_error(const std::string& json, const std::string& message) {
    try {
        Vocab::from_json(json, "m.safetensors metadata vocab_src");
        ADD_FAILURE() << "accepted " << json;
    } catch (const FormatError& e) {
        EXPECT_EQ(std::string(e.what()), message);
    }
}

TEST(Vocab, FromJsonRejectsBadVocabulariesWithAMessage) {
    const std::string src = "m.safetensors metadata vocab_src";
    expect_format_error("{}", src + ": vocabulary must be a JSON array of strings, found an object");
    expect_format_error("[\"<PAD>\"]", src + ": vocabulary has 1 entries; it must start with the 4 special tokens");
    expect_format_error("[\"<PAD>\",\"<SOS>\",\"<UNK>\",\"<EOS>\"]", src + ": vocabulary entry 2 must be <EOS>, found '<UNK>'");
    expect_format_error("[\"<PAD>\",\"<SOS>\",\"<EOS>\",\"<UNK>\",\"go\",\"go\"]", src + ": vocabulary entry 5 'go' appears twice");
    expect_format_error("[\"<PAD>\",\"<SOS>\",\"<EOS>\",\"<UNK>\",\"Go\"]",
                        src + ": vocabulary entry 4 'Go' is not one normalized token (the tokenizer gives 'go')");
    expect_format_error("[\"<PAD>\",\"<SOS>\",\"<EOS>\",\"<UNK>\",\"let us\"]",
                        src + ": vocabulary entry 4 'let us' is not one normalized token (the tokenizer gives 'let us')");
    expect_format_error("[\"<PAD>\",\"<SOS>\",\"<EOS>\",\"<UNK>\",\"\"]", src + ": vocabulary entry 4 is empty");
    expect_format_error("[\"<PAD>\",\"<SOS>\",\"<EOS>\",\"<UNK>\",7]", src + ": vocabulary entry 4 must be a string, found a number");
    expect_format_error("[\"<PAD>\",", src + ": vocabulary is not valid JSON: unexpected end of text (expected a value) at byte 9");
}

TEST(Vocab, EncodeReportsUnknownWordsWithPositionsAndBytes) {
    const Vocab v = Vocab::from_corpus({"let's go", "to go"});
    const std::string text = "Let\xE2\x80\x99s GO to Madrid!";
    const EncodedText e = encode_text(v, text);
    ASSERT_EQ(e.ids.size(), 4u);
    EXPECT_EQ(e.ids[0], v.id("let's"));
    EXPECT_EQ(e.ids[1], v.id("go"));
    EXPECT_EQ(e.ids[2], v.id("to"));
    EXPECT_EQ(e.ids[3], Vocab::kUnk);
    ASSERT_EQ(e.unknown.size(), 1u);
    EXPECT_EQ(e.unknown[0].position, 3u);
    EXPECT_EQ(e.unknown[0].word, "madrid");
    EXPECT_EQ(text.substr(e.unknown[0].byte_begin, e.unknown[0].byte_end - e.unknown[0].byte_begin), "Madrid");
    // "!" is punctuation the vocabulary does not know: set aside, not read as <UNK>
    ASSERT_EQ(e.set_aside.size(), 1u);
    EXPECT_EQ(e.set_aside[0].text, "!");
    EXPECT_EQ(e.set_aside[0].byte_begin, text.size() - 1);
    EXPECT_EQ(set_aside_note(e), "punctuation the model does not know, set aside: '!'");
}

TEST(Vocab, PunctuationTheVocabularyKnowsIsKeptOtherPunctuationIsSetAside) {
    const Vocab v = Vocab::from_corpus({"i love you", "where is it ?"});
    const EncodedText plain = encode_text(v, "i love you");
    const EncodedText loud = encode_text(v, "I Love You!");
    EXPECT_EQ(loud.ids, plain.ids);  // case folded, "!" set aside
    EXPECT_TRUE(loud.unknown.empty());
    EXPECT_EQ(set_aside_note(plain), "");
    const EncodedText asked = encode_text(v, "Where is it?!?");
    EXPECT_EQ(asked.ids, (std::vector<int>{v.id("where"), v.id("is"), v.id("it"), v.id("?"), v.id("?")}));
    ASSERT_EQ(asked.set_aside.size(), 1u);
    EXPECT_EQ(asked.set_aside[0].text, "!");
    // each mark is named once, in the order it first appears; a lone apostrophe is punctuation too
    EXPECT_EQ(set_aside_note(encode_text(v, "i! love, you! '")),
              "punctuation the model does not know, set aside: '!', ',', '''");
    // words (any script) the vocabulary does not know are still <UNK>
    const EncodedText unk = encode_text(v, "i love Madrid");
    EXPECT_EQ(unk.ids.back(), Vocab::kUnk);
    EXPECT_TRUE(unk.set_aside.empty());
}

TEST(Vocab, EncodeNeverFailsOnHostileInput) {
    const Vocab v = Vocab::from_corpus({"go"});
    // an invalid byte (U+FFFD) stands for something lost: <UNK>; the emoji is a symbol: set aside
    const EncodedText e = encode_text(v, std::string("\xFF\x00go\xF0\x9F\x98\x80", 8));
    ASSERT_EQ(e.ids.size(), 2u);
    EXPECT_EQ(e.ids[0], Vocab::kUnk);
    EXPECT_EQ(e.ids[1], v.id("go"));
    EXPECT_EQ(e.unknown.size(), 1u);
    EXPECT_EQ(e.set_aside.size(), 1u);
    EXPECT_TRUE(encode_text(v, "").ids.empty());
}

TEST(Vocab, DecodeStopsAtEosAndSkipsPadAndSos) {
    const Vocab v = Vocab::from_words({"vamos", "ir"});
    EXPECT_EQ(decode_ids(v, {Vocab::kSos, 4, Vocab::kUnk, 5, Vocab::kEos, 4}), "vamos <UNK> ir");
    EXPECT_EQ(decode_ids(v, {Vocab::kPad, 5, Vocab::kPad}), "ir");
    EXPECT_THROW(decode_ids(v, {6}), std::out_of_range);
    EXPECT_THROW(v.word(-1), std::out_of_range);
}

}  // namespace
}  // namespace attn
