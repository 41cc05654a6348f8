// tokenizer.cpp: see tokenizer.h for the rules. Two passes: decode + classify every code point
// (composing Latin-1 accents), then group word characters into words.
#include "core/tokenizer.h"

#include "core/utf8.h"

namespace attn {
namespace {

enum class CharClass { Separator, Apostrophe, Symbol, Word };

struct CodePoint {
    char32_t cp;
    std::size_t begin, end;  // bytes in the input
    CharClass cls;
};

char32_t to_lower(char32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;  // À..Þ except ×
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;  // Greek Α..Ω (U+03A2 is unassigned)
    if (c >= 0x410 && c <= 0x42F) return c + 32;                // Cyrillic А..Я
    if (c >= 0x400 && c <= 0x40F) return c + 80;                // Cyrillic Ѐ..Џ
    return c;
}

CharClass classify(char32_t c) {
    if (c <= 0x20 || (c >= 0x7F && c <= 0xA0)) return CharClass::Separator;  // controls, space, NBSP
    if (c == 0x1680 || (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) ||
        (c >= 0x205F && c <= 0x206F) || c == 0x3000 || c == 0xFEFF || (c >= 0xFE00 && c <= 0xFE0F) ||
        (c >= 0xE0100 && c <= 0xE01EF))
        return CharClass::Separator;  // Unicode spaces, zero-width/bidi format chars, variation selectors
    if (c == '\'' || c == 0x2019) return CharClass::Apostrophe;
    if (c < 0x80) {
        const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        return alnum ? CharClass::Word : CharClass::Symbol;
    }
    if ((c >= 0xA1 && c <= 0xBF) || c == 0xD7 || c == 0xF7) return CharClass::Symbol;  // ¡ ¿ « » × ÷ ...
    if ((c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E) || (c >= 0x20A0 && c <= 0x20CF) ||
        (c >= 0x2100 && c <= 0x2BFF) || (c >= 0x2E00 && c <= 0x2E7F) || (c >= 0x3001 && c <= 0x303F) ||
        (c >= 0x1F000 && c <= 0x1FBFF) || c == utf8::kReplacement)
        return CharClass::Symbol;
    return CharClass::Word;
}

// Latin-1 composition: a lower-case base letter followed by a combining accent -> the precomposed
// letter, or 0 when Latin-1 has no such letter (then the accent stays a separate word character).
char32_t compose_latin1(char32_t base, char32_t mark) {
    struct Rule {
        char32_t mark;
        const char* bases;
        const char32_t* composed;
    };
    static const char32_t kGrave[] = {0xE0, 0xE8, 0xEC, 0xF2, 0xF9};
    static const char32_t kAcute[] = {0xE1, 0xE9, 0xED, 0xF3, 0xFA, 0xFD};
    static const char32_t kCircumflex[] = {0xE2, 0xEA, 0xEE, 0xF4, 0xFB};
    static const char32_t kTilde[] = {0xE3, 0xF1, 0xF5};
    static const char32_t kDiaeresis[] = {0xE4, 0xEB, 0xEF, 0xF6, 0xFC, 0xFF};
    static const char32_t kRing[] = {0xE5};
    static const char32_t kCedilla[] = {0xE7};
    static const Rule kRules[] = {{0x300, "aeiou", kGrave},     {0x301, "aeiouy", kAcute},
                                  {0x302, "aeiou", kCircumflex}, {0x303, "ano", kTilde},
                                  {0x308, "aeiouy", kDiaeresis}, {0x30A, "a", kRing},
                                  {0x327, "c", kCedilla}};
    for (const Rule& r : kRules) {
        if (r.mark != mark) continue;
        for (int i = 0; r.bases[i]; ++i)
            if (static_cast<char32_t>(r.bases[i]) == base) return r.composed[i];
    }
    return 0;
}

std::vector<CodePoint> decode_and_classify(std::string_view text) {
    std::vector<CodePoint> cps;
    for (std::size_t pos = 0; pos < text.size();) {
        char32_t c = utf8::kReplacement;
        std::size_t len = utf8::decode(text, pos, &c);
        if (len == 0) len = 1;  // rule 1: one U+FFFD per invalid byte
        const CharClass cls = classify(c);
        c = to_lower(c);
        if (c == 0x2019) c = '\'';
        if (!cps.empty() && cps.back().end == pos && cps.back().cls == CharClass::Word) {
            if (const char32_t composed = compose_latin1(cps.back().cp, c)) {
                cps.back().cp = composed;
                cps.back().end = pos + len;
                pos += len;
                continue;
            }
        }
        cps.push_back(CodePoint{c, pos, pos + len, cls});
        pos += len;
    }
    return cps;
}

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
    const std::vector<CodePoint> cps = decode_and_classify(text);
    const std::size_t n = cps.size();
    auto is_word = [&](std::size_t i) { return i < n && cps[i].cls == CharClass::Word; };
    std::vector<Token> tokens;
    for (std::size_t i = 0; i < n;) {
        if (cps[i].cls == CharClass::Separator) {
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        if (cps[i].cls == CharClass::Word) {
            // extend over word characters and apostrophes that sit between two word characters
            while (is_word(j) || (j < n && cps[j].cls == CharClass::Apostrophe && is_word(j + 1))) ++j;
        }
        Token t;
        for (std::size_t k = i; k < j; ++k) utf8::append(t.text, cps[k].cp);
        t.byte_begin = cps[i].begin;
        t.byte_end = cps[j - 1].end;
        t.punctuation = cps[i].cls != CharClass::Word && cps[i].cp != utf8::kReplacement;
        tokens.push_back(std::move(t));
        i = j;
    }
    return tokens;
}

std::string normalize_text(std::string_view text) {
    std::string out;
    for (const Token& t : tokenize(text)) {
        if (!out.empty()) out += ' ';
        out += t.text;
    }
    return out;
}

}  // namespace attn
