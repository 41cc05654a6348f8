// utf8.h: strict UTF-8 decoding of one code point and encoding of one code point, shared by the
// tokenizer and the JSON reader so both treat bad bytes the same way. Not a Unicode library: no
// normalization tables here. Test: tests/unit/test_tokenizer.cpp (invalid sequences, boundaries).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace attn::utf8 {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes the well-formed sequence that starts at s[pos] (Unicode 15, Table 3-7: no overlong forms,
// no surrogates, nothing above U+10FFFF) into *cp and returns its length, 1 to 4. Returns 0 when the
// bytes at pos do not start a well-formed sequence (then *cp is left unchanged).
inline std::size_t decode(std::string_view s, std::size_t pos, char32_t* cp) {
    const std::size_t n = s.size();
    if (pos >= n) return 0;
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    auto in = [](unsigned char b, unsigned char lo, unsigned char hi) { return b >= lo && b <= hi; };
    const unsigned char b0 = byte(pos);
    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    if (in(b0, 0xC2, 0xDF)) {
        if (pos + 1 >= n || !in(byte(pos + 1), 0x80, 0xBF)) return 0;
        *cp = (char32_t(b0 & 0x1F) << 6) | (byte(pos + 1) & 0x3F);
        return 2;
    }
    if (in(b0, 0xE0, 0xEF)) {
        if (pos + 2 >= n) return 0;
        const unsigned char b1 = byte(pos + 1), b2 = byte(pos + 2);
        const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;  // E0: no overlong forms
        const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;  // ED: no surrogates
        if (!in(b1, lo, hi) || !in(b2, 0x80, 0xBF)) return 0;
        *cp = (char32_t(b0 & 0x0F) << 12) | (char32_t(b1 & 0x3F) << 6) | (b2 & 0x3F);
        return 3;
    }
    if (in(b0, 0xF0, 0xF4)) {
        if (pos + 3 >= n) return 0;
        const unsigned char b1 = byte(pos + 1), b2 = byte(pos + 2), b3 = byte(pos + 3);
        const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;  // F0: no overlong forms
        const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;  // F4: nothing above U+10FFFF
        if (!in(b1, lo, hi) || !in(b2, 0x80, 0xBF) || !in(b3, 0x80, 0xBF)) return 0;
        *cp = (char32_t(b0 & 0x07) << 18) | (char32_t(b1 & 0x3F) << 12) | (char32_t(b2 & 0x3F) << 6) |
              (b3 & 0x3F);
        return 4;
    }
    return 0;  // 80..C1 (continuation bytes, overlong two-byte leads) and F5..FF never start a sequence
}

// Appends the UTF-8 form of cp (a scalar value: not a surrogate, at most U+10FFFF) to out.
inline void append(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// True when every byte of s belongs to a well-formed sequence.
inline bool is_valid(std::string_view s) {
    char32_t cp;
    for (std::size_t pos = 0; pos < s.size();) {
        const std::size_t len = decode(s, pos, &cp);
        if (len == 0) return false;
        pos += len;
    }
    return true;
}

}  // namespace attn::utf8
