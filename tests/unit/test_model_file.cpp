// test_model_file.cpp: model metadata round-trips, and a wrong or missing key is named.
#include "core/format_error.h"
#include "models/model_file.h"

#include <gtest/gtest.h>

namespace attn {
namespace {

TEST(ModelFile, InfoAndVocabRoundTripThroughBytes) {
    SafetensorsFile f;
    f.source = "toy.safetensors";
    ModelInfo info;
    info.name = "statquest-toy";
    info.architecture = "seq2seq_lstm";
    info.description = "seed 002 at the video's size";
    info.config_json = R"({"hidden":2})";
    info.metrics_json = R"({"test_exact_match":1})";
    info.parameter_count = 42;
    write_model_info(f, info);
    write_vocab(f, "vocab_src", Vocab::from_words({"let's", "to", "go"}));
    Mat w = Mat::Constant(2, 3, 0.5f);
    f.add("w", w);
    const std::vector<uint8_t> bytes = safetensors_serialize(f);
    const SafetensorsFile g = safetensors_parse(bytes.data(), bytes.size(), "toy.safetensors");
    const ModelInfo back = read_model_info(g, "seq2seq_lstm");
    EXPECT_EQ(back.name, info.name);
    EXPECT_EQ(back.config_json, info.config_json);
    EXPECT_EQ(back.metrics_json, info.metrics_json);
    EXPECT_EQ(back.parameter_count, 42);
    EXPECT_EQ(read_vocab(g, "vocab_src").id("go"), Vocab::kSpecialCount + 2);
}

TEST(ModelFile, WrongArchitectureAndMissingKeysAreNamed) {
    SafetensorsFile f;
    f.source = "m.safetensors";
    ModelInfo info;
    info.name = "x";
    info.architecture = "transformer";
    write_model_info(f, info);
    EXPECT_THROW(read_model_info(f, "seq2seq_lstm"), FormatError);
    f.metadata.erase("config");
    try {
        read_model_info(f, "");
        FAIL();
    } catch (const FormatError& e) {
        EXPECT_NE(std::string(e.what()).find("config"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace attn
