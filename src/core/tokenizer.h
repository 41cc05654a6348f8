// tokenizer.h: text -> normalized word tokens, with the byte range of each token in the input so
// the page can mark words in what the learner typed. Word-level and rule-based (the models here
// have word vocabularies of a few hundred entries); not subword, no learned merges.
// Test: tests/unit/test_tokenizer.cpp.
//
// The rules, applied to the input decoded as UTF-8:
//  1. Bytes that are not part of a well-formed UTF-8 sequence each become U+FFFD (one per byte).
//  2. Case is folded: ASCII A-Z and Latin-1 À-Þ (except ×) map to their small forms (Spanish
//     Á É Í Ó Ú Ñ Ü become á é í ó ú ñ ü), and so do the basic Greek (Α-Ω) and Cyrillic (Ѐ-Я)
//     capitals. Other characters are kept as they are (Devanagari has no case).
//     A Latin-1 letter written decomposed (base letter + combining accent, e.g. "a" U+0301) is
//     composed into its single code point (á), so both spellings give the same token.
//  3. ’ (U+2019) is normalized to the ASCII apostrophe '. An apostrophe with a word character on
//     both sides is part of the word ("let's", "don't"); elsewhere it is a token of its own.
//  4. Separators (dropped): ASCII space and every control character (U+0000-U+001F, U+007F-U+009F),
//     no-break and other Unicode spaces, zero-width and bidi format characters, variation
//     selectors, the byte-order mark.
//  5. Symbols, each a token of one code point: ASCII punctuation and symbols, Latin-1 punctuation
//     and symbols (¡ ¿ « » ° × ÷ ...), general punctuation (– — “ ” … ...), currency, arrows, math,
//     technical, box and shape symbols, dingbats (U+2100-U+2BFF), CJK punctuation, emoji
//     (U+1F000-U+1FBFF), and U+FFFD (so each invalid byte is a token "�").
//  6. Every other code point is a word character: ASCII letters and digits, Latin-1 letters,
//     combining marks, letters of other scripts. A word is a maximal run of word characters
//     (with inner apostrophes, rule 3).
// Any input is accepted (empty, binary, very long): time and memory are linear in its length.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace attn {

struct Token {
    std::string text;            // normalized UTF-8 (rules 1-3)
    std::size_t byte_begin = 0;  // [byte_begin, byte_end): where the token is in the input
    std::size_t byte_end = 0;
    bool punctuation = false;    // a rule-5 symbol or a lone apostrophe, but not U+FFFD (an unreadable
                                 // byte stands for something lost): vocab.h's encode_text sets unknown
                                 // punctuation aside instead of reading it as <UNK>
};

std::vector<Token> tokenize(std::string_view text);

// The tokens of text joined by single spaces: the form the corpus files are written in.
std::string normalize_text(std::string_view text);

}  // namespace attn
