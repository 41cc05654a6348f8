// fuzz_png_export.cpp: the PNG export of arbitrary states. The first byte picks what the rest is: a lab
// state (fuzz_lab.h) whose heatmap (lab_heatmap, what the page's PNG and the native app's are drawn
// from) is checked and painted in cells of 1 to 8 pixels, or (its top bit set) a raw image of up to
// 256 x 256 pixels; either image goes through png_encode and is read back by a decoder written here
// (chunks and their CRC-32, IHDR, the zlib header, stored deflate blocks, Adler-32, filter bytes).
// Properties: the heatmap has one row of weights per row label, each as wide as the column labels,
// weights in [0, 1], every row the playhead has computed sums to 1 (the PNG's footnote says so), its
// JSON (the page's ui.heatmap) keeps that shape; the PNG decodes to exactly the pixels encoded; an
// empty image is refused. Not the page's canvas drawing (web/page.js; tests/e2e/page_habits.test.mjs).
// Test: scripts/fuzz.mjs (make fuzz; corpus: tests/fuzz/corpus/png_export).
#include "fuzz_check.h"
#include "fuzz_lab.h"

#include "views/lab_export.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using nlohmann::json;

namespace {

uint32_t get_u32(const std::vector<unsigned char>& b, size_t at) {
    FUZZ_CHECK(at + 4 <= b.size());
    return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) | b[at + 3];
}

// CRC-32 bit by bit (the encoder uses a table: two ways to the same number).
uint32_t crc32_bitwise(const unsigned char* p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i) {
        c ^= p[i];
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

// Reads a PNG as png_encode writes it and returns its w x h RGBA pixels; any departure from the
// format fails a property.
std::vector<unsigned char> decode_png(const std::vector<unsigned char>& png, int* w, int* h) {
    static const unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    FUZZ_CHECK(png.size() >= 8 && std::equal(kSignature, kSignature + 8, png.begin()));
    size_t at = 8;
    std::vector<std::string> types;
    std::vector<unsigned char> ihdr, z;
    while (at < png.size()) {
        const uint32_t n = get_u32(png, at);
        FUZZ_CHECK(n <= 0x7FFFFFFFu && at + 12 + n <= png.size());
        const std::string type(png.begin() + at + 4, png.begin() + at + 8);
        FUZZ_CHECK(get_u32(png, at + 8 + n) == crc32_bitwise(png.data() + at + 4, 4 + n));
        const std::vector<unsigned char> data(png.begin() + at + 8, png.begin() + at + 8 + n);
        if (type == "IHDR") ihdr = data;
        if (type == "IDAT") z.insert(z.end(), data.begin(), data.end());
        types.push_back(type);
        at += 12 + n;
    }
    FUZZ_CHECK(types.size() >= 3 && types.front() == "IHDR" && types.back() == "IEND" && at == png.size());
    FUZZ_CHECK(ihdr.size() == 13);
    *w = static_cast<int>(get_u32(ihdr, 0));
    *h = static_cast<int>(get_u32(ihdr, 4));
    FUZZ_CHECK(*w > 0 && *h > 0);
    FUZZ_CHECK(ihdr[8] == 8 && ihdr[9] == 6 && ihdr[10] == 0 && ihdr[11] == 0 && ihdr[12] == 0);
    // zlib: deflate with a window (CM 8), no preset dictionary, header check; then stored blocks.
    FUZZ_CHECK(z.size() >= 2 + 4 && (z[0] & 0x0F) == 8 && !(z[1] & 0x20) && ((z[0] << 8) | z[1]) % 31 == 0);
    std::vector<unsigned char> raw;
    size_t p = 2;
    for (bool last = false; !last;) {
        FUZZ_CHECK(p + 5 <= z.size());
        last = z[p] & 1;
        FUZZ_CHECK((z[p] >> 1) == 0);  // BTYPE 00: stored
        const unsigned len = z[p + 1] | (z[p + 2] << 8), nlen = z[p + 3] | (z[p + 4] << 8);
        FUZZ_CHECK((len ^ 0xFFFFu) == nlen && p + 5 + len <= z.size());
        raw.insert(raw.end(), z.begin() + p + 5, z.begin() + p + 5 + len);
        p += 5 + len;
    }
    FUZZ_CHECK(p + 4 == z.size());
    uint32_t a = 1, b = 0;
    for (unsigned char c : raw) a = (a + c) % 65521, b = (b + a) % 65521;
    FUZZ_CHECK(get_u32(z, p) == ((b << 16) | a));
    const size_t stride = 1 + static_cast<size_t>(*w) * 4;
    FUZZ_CHECK(raw.size() == stride * static_cast<size_t>(*h));
    std::vector<unsigned char> rgba;
    rgba.reserve(raw.size());
    for (int y = 0; y < *h; ++y) {
        FUZZ_CHECK(raw[y * stride] == 0);  // filter type 0
        rgba.insert(rgba.end(), raw.begin() + y * stride + 1, raw.begin() + (y + 1) * stride);
    }
    return rgba;
}

void check_round_trip(int w, int h, const std::vector<unsigned char>& rgba) {
    const std::vector<unsigned char> png = attn::views::png_encode(w, h, rgba);
    if (w <= 0 || h <= 0) {
        FUZZ_CHECK(png.empty());
        return;
    }
    int dw = 0, dh = 0;
    FUZZ_CHECK(decode_png(png, &dw, &dh) == rgba);
    FUZZ_CHECK(dw == w && dh == h);
}

// The heatmap in cells of `cell` pixels (a pixel of background between cells), each the panel's
// orange at an opacity growing with the weight (web/page.js draws it so), over the theme's background.
std::vector<unsigned char> paint(const attn::views::Heatmap& hm, int cell, bool light, int* w, int* h) {
    *w = static_cast<int>(hm.col_labels.size()) * cell;
    *h = static_cast<int>(hm.row_labels.size()) * cell;
    const int bg[3] = {light ? 255 : 26, light ? 255 : 28, light ? 255 : 33}, fg[3] = {242, 140, 40};
    std::vector<unsigned char> rgba(static_cast<size_t>(*w) * static_cast<size_t>(*h) * 4);
    for (int y = 0; y < *h; ++y)
        for (int x = 0; x < *w; ++x) {
            const auto& v = hm.weights[y / cell][x / cell];
            const bool gap = cell > 1 && (x % cell == cell - 1 || y % cell == cell - 1);
            const float alpha = gap ? 0.0f : (20.0f + 235.0f * v.value_or(0.0f)) / 255.0f;
            unsigned char* px = &rgba[(static_cast<size_t>(y) * *w + x) * 4];
            for (int c = 0; c < 3; ++c) px[c] = static_cast<unsigned char>(std::lround(bg[c] + (fg[c] - bg[c]) * alpha));
            px[3] = 255;
        }
    return rgba;
}

void check_heatmap(const attn::views::Heatmap& hm) {
    FUZZ_CHECK(hm.weights.size() == hm.row_labels.size());
    for (const auto& row : hm.weights) {
        FUZZ_CHECK(row.size() == hm.col_labels.size());
        bool known = false;
        double sum = 0;
        for (const auto& v : row) {
            FUZZ_CHECK(!v || (*v >= 0.0f && *v <= 1.0f + 1e-6f));
            known |= v.has_value();
            sum += v.value_or(0.0f);
        }
        FUZZ_CHECK(!known || std::fabs(sum - 1.0) <= 1e-4);
    }
    // The page's ui.heatmap answer (its strings with U+FFFD for invalid UTF-8, as every API answer).
    const json j = json::parse(attn::views::heatmap_to_json(hm).dump(-1, ' ', false, json::error_handler_t::replace));
    FUZZ_CHECK(j.at("rows").size() == hm.row_labels.size() && j.at("cols").size() == hm.col_labels.size());
    FUZZ_CHECK(j.at("weights").size() == hm.weights.size() && j.at("caption").is_string());
    for (size_t i = 0; i < hm.weights.size(); ++i)
        for (size_t c = 0; c < hm.weights[i].size(); ++c)
            FUZZ_CHECK(j["weights"][i][c].is_null() == !hm.weights[i][c].has_value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const uint8_t pick = data[0];
    if (pick & 0x80) {  // a raw image: width, height, then pixels (the bytes given, repeated)
        if (size < 3) return 0;
        const int w = data[1] + 1 - (pick & 1), h = data[2] + 1 - ((pick >> 1) & 1);  // 0 sometimes: refused
        std::vector<unsigned char> rgba(static_cast<size_t>(std::max(w, 0)) * static_cast<size_t>(std::max(h, 0)) * 4);
        for (size_t i = 0; i < rgba.size(); ++i) rgba[i] = size > 3 ? data[3 + i % (size - 3)] : static_cast<unsigned char>(i);
        check_round_trip(w, h, rgba);
        return 0;
    }
    attn::views::Lab lab;
    fuzz_lab::run(std::string(reinterpret_cast<const char*>(data) + 1, size - 1), lab);
    const attn::views::Heatmap hm = attn::views::lab_heatmap(lab);
    check_heatmap(hm);
    int w = 0, h = 0;
    const std::vector<unsigned char> rgba = paint(hm, 1 + (pick & 7), pick & 8, &w, &h);
    check_round_trip(w, h, rgba);
    return 0;
}
