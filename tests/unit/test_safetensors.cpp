// test_safetensors.cpp: bit-exact round trips; every kind of damage rejected with a FormatError
// whose message names the file, the tensor and what was expected vs found; byte-flip and
// truncation fuzzing (the reader either succeeds or throws FormatError, nothing else).
#include "core/safetensors.h"

#include "core/rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

namespace attn {
namespace {

using Bytes = std::vector<uint8_t>;

// A file from a header text and a data section, with the length field computed.
Bytes raw_file(const std::string& header, std::size_t data_bytes, uint64_t length_field = UINT64_MAX) {
    const uint64_t n = length_field == UINT64_MAX ? header.size() : length_field;
    Bytes b(8);
    for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(n >> (8 * i));
    b.insert(b.end(), header.begin(), header.end());
    for (std::size_t i = 0; i < data_bytes; ++i) b.push_back(static_cast<uint8_t>(i * 7 + 1));
    return b;
}

SafetensorsFile small_file() {
    SafetensorsFile f;
    f.source = "small.safetensors";
    f.metadata["model"] = "statquest-toy";
    f.metadata["vocab_src"] = "[\"<PAD>\",\"<SOS>\",\"<EOS>\",\"<UNK>\",\"let's\"]";
    Mat w(2, 3);
    w << 1.0f, -2.5f, 0.0f, 3.25f, 1e-3f, -7.0f;
    Vec b(3);
    b << 0.5f, -0.5f, 2.0f;
    const int32_t ids[4] = {0, -1, 2147483647, -2147483647 - 1};
    f.add("enc.W", w);
    f.add("enc.b", b);
    f.add_i32("ids", {4}, ids);
    return f;
}

std::string message_of(const Bytes& b, const std::string& source = "m.safetensors") {
    try {
        safetensors_parse(b.data(), b.size(), source);
    } catch (const FormatError& e) {
        return e.what();
    }
    return "(accepted)";
}

TEST(Safetensors, RoundTripIsBitExact) {
    SafetensorsFile f = small_file();
    // special floats must survive byte for byte: -0, denormal, infinities, a NaN with a payload
    const uint32_t nan_bits = 0x7FC12345u;
    float specials[5] = {-0.0f, std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::infinity(),
                         -std::numeric_limits<float>::infinity(), 0.0f};
    std::memcpy(&specials[4], &nan_bits, 4);
    f.add_f32("specials", {5}, specials);
    f.add_f32("scalar", {}, specials);
    f.add_f32("empty", {0, 3}, nullptr);

    const Bytes bytes = safetensors_serialize(f);
    EXPECT_EQ((bytes[0] | bytes[1] << 8) % 8, 0);  // data section 8-byte aligned
    const SafetensorsFile g = safetensors_parse(bytes.data(), bytes.size(), "rt.safetensors");
    EXPECT_EQ(safetensors_serialize(g), bytes);
    EXPECT_EQ(g.metadata, f.metadata);
    ASSERT_EQ(g.tensors.size(), f.tensors.size());
    for (std::size_t i = 0; i < f.tensors.size(); ++i) {
        EXPECT_EQ(g.tensors[i].name, f.tensors[i].name);
        EXPECT_EQ(g.tensors[i].shape, f.tensors[i].shape);
        EXPECT_EQ(g.tensors[i].bytes, f.tensors[i].bytes);
    }
    const Mat w = g.require_mat("enc.W", 2, 3);
    EXPECT_EQ(w(1, 0), 3.25f);
    EXPECT_EQ(w(0, 1), -2.5f);
    EXPECT_EQ(g.require_vec("enc.b", 3)(2), 2.0f);
    EXPECT_EQ(g.require("ids", DType::I32, {4}).to_i32(), (std::vector<int32_t>{0, -1, 2147483647, -2147483647 - 1}));
    const std::vector<float> s = g.require("specials", DType::F32, {5}).to_f32();
    uint32_t bits;
    std::memcpy(&bits, &s[4], 4);
    EXPECT_EQ(bits, nan_bits);
    EXPECT_TRUE(std::signbit(s[0]));
    EXPECT_EQ(g.require("scalar", DType::F32, {}).element_count(), 1);
    EXPECT_EQ(g.require_metadata("model"), "statquest-toy");
}

TEST(Safetensors, KnownBytesForATinyFile) {
    // Pins the exact layout: length field, compact JSON padded with spaces, little-endian data.
    SafetensorsFile f;
    const float one = 1.0f;
    f.add_f32("a", {1}, &one);
    const Bytes b = safetensors_serialize(f);
    const std::string header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    const std::size_t padded = (header.size() + 7) / 8 * 8;
    ASSERT_EQ(b.size(), 8 + padded + 4);
    EXPECT_EQ(b[0], padded);
    EXPECT_EQ(std::string(b.begin() + 8, b.begin() + 8 + header.size()), header);
    EXPECT_EQ(std::string(b.begin() + 8 + header.size(), b.begin() + 8 + padded), std::string(padded - header.size(), ' '));
    EXPECT_EQ(Bytes(b.end() - 4, b.end()), (Bytes{0x00, 0x00, 0x80, 0x3F}));
}

TEST(Safetensors, FileOnDiskRoundTrip) {
    const SafetensorsFile f = small_file();
    const std::string path = ::testing::TempDir() + "attn_roundtrip.safetensors";
    safetensors_save(f, path);
    const SafetensorsFile g = safetensors_load(path);
    EXPECT_EQ(g.source, path);
    EXPECT_EQ(safetensors_serialize(g), safetensors_serialize(f));
    std::remove(path.c_str());
    EXPECT_THROW(safetensors_load(path), FormatError);
}

TEST(Safetensors, RequireNamesTensorExpectedAndFound) {
    SafetensorsFile f = small_file();
    f.source = "statquest.safetensors";
    auto msg = [&](auto fn) {
        try {
            fn();
        } catch (const FormatError& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    EXPECT_EQ(msg([&] { f.require_mat("enc.W", 2, 4); }),
              "tensor 'enc.W' in statquest.safetensors: expected shape [2, 4], found [2, 3]");
    EXPECT_EQ(msg([&] { f.require_vec("ids", 4); }),
              "tensor 'ids' in statquest.safetensors: expected dtype F32, found I32");
    EXPECT_EQ(msg([&] { f.require_mat("dec.W", 2, 3); }),
              "tensor 'dec.W' not found in statquest.safetensors (it has: enc.W, enc.b, ids)");
    EXPECT_EQ(msg([&] { f.require_metadata("vocab_tgt"); }),
              "statquest.safetensors: __metadata__ has no key 'vocab_tgt'");
}

TEST(Safetensors, RejectsLengthProblems) {
    EXPECT_EQ(message_of(Bytes{1, 2, 3}), "m.safetensors: file is 3 bytes; a safetensors file starts with an 8-byte header length");
    EXPECT_EQ(message_of(raw_file("{}", 0, 1000)), "m.safetensors: header length 1000 is larger than the 2 bytes after the length field");
    EXPECT_EQ(message_of(raw_file("{}", 0, uint64_t(1) << 40)),
              "m.safetensors: not a safetensors file (its first 8 bytes, read as the header length, say 1099511627776, "
              "over the cap of 100000000 bytes)");
    EXPECT_EQ(message_of(raw_file("{}", 0, UINT64_MAX - 1)),
              "m.safetensors: not a safetensors file (its first 8 bytes, read as the header length, say "
              "18446744073709551614, over the cap of 100000000 bytes)");
    EXPECT_EQ(message_of(raw_file("{}", 0, 1)), "m.safetensors: header length 1 is too small for a JSON object");
    EXPECT_EQ(message_of(raw_file("{}", 0)), "(accepted)");  // an empty file of tensors is valid
}

TEST(Safetensors, TruncatedFileIsRejected) {
    const Bytes full = safetensors_serialize(small_file());
    const Bytes cut(full.begin(), full.end() - 5);
    EXPECT_EQ(message_of(cut), "tensor 'ids' in m.safetensors: data_offsets [36, 52] end past the data section (47 bytes)");
    const Bytes header_cut(full.begin(), full.begin() + 20);
    EXPECT_NE(message_of(header_cut).find("is larger than the 12 bytes after the length field"), std::string::npos);
}

TEST(Safetensors, RejectsBadJsonAndStructure) {
    EXPECT_EQ(message_of(raw_file("{\"a\":", 0)),
              "m.safetensors: header is not valid JSON: unexpected end of text (expected a value) at byte 5 of the header");
    EXPECT_EQ(message_of(raw_file("[1,2]", 0)), "m.safetensors: header must be a JSON object, found an array");
    EXPECT_EQ(message_of(raw_file("{\"a\":3}", 0)), "tensor 'a' in m.safetensors: entry must be an object, found a number");
    EXPECT_EQ(message_of(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4)), "tensor 'a' in m.safetensors: missing \"data_offsets\"");
    EXPECT_EQ(message_of(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4)),
              "tensor 'a' in m.safetensors: unexpected key \"x\" (expected dtype, shape, data_offsets)");
    EXPECT_EQ(message_of(raw_file("{\"__metadata__\":{\"k\":1}}", 0)),
              "m.safetensors: __metadata__ value for key 'k' must be a string, found a number");
    EXPECT_EQ(message_of(raw_file("{\"__metadata__\":[]}", 0)), "m.safetensors: __metadata__ must be an object, found an array");
    EXPECT_EQ(message_of(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                                  "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)),
              "m.safetensors: header is not valid JSON: duplicate key \"a\" at byte 54 of the header");
}

TEST(Safetensors, RejectsWrongDtype) {
    EXPECT_EQ(message_of(raw_file("{\"enc.W\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4)),
              "tensor 'enc.W' in m.safetensors: dtype 'F16' is not supported (expected F32 or I32)");
    EXPECT_EQ(message_of(raw_file("{\"enc.W\":{\"dtype\":\"float\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4)),
              "tensor 'enc.W' in m.safetensors: unknown dtype 'float' (expected F32 or I32)");
    EXPECT_EQ(message_of(raw_file("{\"enc.W\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4)),
              "tensor 'enc.W' in m.safetensors: dtype must be a string, found a number");
}

TEST(Safetensors, RejectsWrongShape) {
    EXPECT_EQ(message_of(raw_file("{\"enc.W\":{\"dtype\":\"F32\",\"shape\":[8,5],\"data_offsets\":[0,128]}}", 128)),
              "tensor 'enc.W' in m.safetensors: shape [8, 5] of F32 needs 160 bytes, data_offsets [0, 128] hold 128");
    EXPECT_EQ(message_of(raw_file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8)),
              "tensor 'w' in m.safetensors: shape entries must be non-negative integers, found 2.0");
    EXPECT_EQ(message_of(raw_file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8)),
              "tensor 'w' in m.safetensors: shape entries must be non-negative integers, found -2");
    EXPECT_EQ(message_of(raw_file("{\"w\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}}", 8)),
              "tensor 'w' in m.safetensors: shape must be an array, found a string");
    // a shape whose product overflows 64 bits must not wrap around to a small number
    EXPECT_EQ(message_of(raw_file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4],\"data_offsets\":[0,8]}}", 8)),
              "tensor 'w' in m.safetensors: shape [4294967296, 4294967296, 4] of F32 needs more than 2^64 bytes, "
              "data_offsets [0, 8] hold 8");
    EXPECT_EQ(message_of(raw_file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,0],\"data_offsets\":[0,0]}}", 0)),
              "(accepted)");
}

TEST(Safetensors, RejectsBadOffsets) {
    // overlapping
    EXPECT_EQ(message_of(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                  "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)),
              "tensor 'b' in m.safetensors: data_offsets [4, 12] overlap tensor 'a' at [0, 8]");
    // past the end
    EXPECT_EQ(message_of(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 12)),
              "tensor 'a' in m.safetensors: data_offsets [8, 16] end past the data section (12 bytes)");
    // a gap, at the start and between tensors
    EXPECT_EQ(message_of(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)),
              "tensor 'a' in m.safetensors: data_offsets [4, 8] leave a gap of 4 bytes after the header");
    EXPECT_EQ(message_of(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                                  "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12)),
              "tensor 'b' in m.safetensors: data_offsets [8, 12] leave a gap of 4 bytes after tensor 'a'");
    // bytes left over
    EXPECT_EQ(message_of(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 10)),
              "m.safetensors: 6 bytes at the end of the data section belong to no tensor");
    // reversed, malformed
    EXPECT_EQ(message_of(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}", 4)),
              "tensor 'a' in m.safetensors: data_offsets [4, 0] end before they begin");
    EXPECT_EQ(message_of(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4)),
              "tensor 'a' in m.safetensors: data_offsets must be an array of two integers [begin, end]");
    EXPECT_EQ(message_of(raw_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}", 4)),
              "tensor 'a' in m.safetensors: data_offsets must be non-negative integers");
}

TEST(Safetensors, BitFlippedHeaderBytesAreRejectedByName) {
    const Bytes good = safetensors_serialize(small_file());
    // flip a bit in the header's first '{' and in a digit of a shape
    Bytes b = good;
    b[8] ^= 0x01;  // '{' -> 'z'
    EXPECT_EQ(message_of(b), "m.safetensors: header is not valid JSON: unexpected character (expected a value) at byte 0 of the header");
    b = good;
    const std::string header(good.begin() + 8, good.end());
    const std::size_t shape_at = header.find("\"shape\":[2,3]");
    ASSERT_NE(shape_at, std::string::npos);
    b[8 + shape_at + 9] ^= 0x01;  // '2' -> '3'
    EXPECT_EQ(message_of(b), "tensor 'enc.W' in m.safetensors: shape [3, 3] of F32 needs 36 bytes, data_offsets [0, 24] hold 24");
}

TEST(Safetensors, WriterRefusesInconsistentTensors) {
    SafetensorsFile f = small_file();
    f.source = "out.safetensors";
    f.tensors[1].name = "enc.W";
    try {
        safetensors_serialize(f);
        FAIL() << "expected FormatError";
    } catch (const FormatError& e) {
        EXPECT_STREQ(e.what(), "cannot write tensor 'enc.W' in out.safetensors: the name appears twice");
    }
    f = small_file();
    f.tensors[0].bytes.pop_back();
    EXPECT_THROW(safetensors_serialize(f), FormatError);
    f = small_file();
    f.tensors[0].name = "__metadata__";
    EXPECT_THROW(safetensors_serialize(f), FormatError);
}

// Every byte of a small valid file flipped in turn (three ways), and every truncation: the reader
// either accepts the file or throws FormatError. Anything else (another exception, a crash under
// the sanitizers or in wasm) fails the test.
TEST(Safetensors, ByteFlipAndTruncationFuzz) {
    const Bytes good = safetensors_serialize(small_file());
    int accepted = 0, rejected = 0;
    auto check = [&](const Bytes& b) {
        try {
            const SafetensorsFile f = safetensors_parse(b.data(), b.size(), "fuzz.safetensors");
            ++accepted;
            // what was accepted must be internally consistent and re-serialize to a valid file
            const Bytes again = safetensors_serialize(f);
            safetensors_parse(again.data(), again.size(), "fuzz-again.safetensors");
        } catch (const FormatError&) {
            ++rejected;
        }
    };
    for (std::size_t i = 0; i < good.size(); ++i) {
        for (uint8_t mask : {uint8_t(0x01), uint8_t(0x80), uint8_t(0xFF)}) {
            Bytes b = good;
            b[i] ^= mask;
            check(b);
        }
    }
    for (std::size_t n = 0; n < good.size(); ++n) check(Bytes(good.begin(), good.begin() + n));
    Rng rng(11);
    for (int trial = 0; trial < 3000; ++trial) {
        Bytes b = good;
        for (int k = 0; k < 4; ++k) b[rng.next_u64() % b.size()] = static_cast<uint8_t>(rng.next_u64());
        check(b);
    }
    // flips in the data section are accepted (data is not checksummed); flips in the length field
    // and most header flips are rejected
    EXPECT_GT(accepted, 0);
    EXPECT_GT(rejected, static_cast<int>(good.size()));
}

}  // namespace
}  // namespace attn
