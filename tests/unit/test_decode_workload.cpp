// The decode workloads (models/decode_workload.h): names, sentences, outputs, the model source.
#include "core/compare.h"
#include "models/decode_workload.h"
#include "models/model_zoo.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>

namespace attn {
namespace {

const Translator* shipped(const std::string& model, std::string* status) {
    static std::map<std::string, std::unique_ptr<Translator>> loaded;
    auto& slot = loaded[model];
    if (!slot) {
        try {
            slot = load_translator(safetensors_load(ATTN_ASSETS_DIR "/models/" + model + ".safetensors"));
        } catch (const std::exception& e) {
            *status = e.what();
            return nullptr;
        }
    }
    return slot.get();
}

TEST(DecodeWorkload, NamesEveryShippedModelAndRefusesOthers) {
    for (const ZooEntry& e : translation_models()) {
        const DecodeWorkload w = parse_decode_workload(std::string("decode_") + e.name);
        EXPECT_EQ(w.model, e.name);
        EXPECT_EQ(w.text, e.example);
    }
    EXPECT_TRUE(is_decode_workload("decode_statquest"));
    EXPECT_FALSE(is_decode_workload("mha_d64_h4_t4"));
    try {
        parse_decode_workload("decode_gpt");
        FAIL() << "decode_gpt was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("decode_statquest"), std::string::npos) << e.what();
    }
    EXPECT_THROW(parse_decode_workload("mha_d64_h4_t4"), std::invalid_argument);
}

TEST(DecodeWorkload, OutputIsEveryStepsLogitsAndSimdMatchesScalar) {
    set_translator_source(shipped);
    for (const ZooEntry& e : translation_models()) {
        const DecodeWorkload w = parse_decode_workload(std::string("decode_") + e.name);
        std::string status;
        const Translator* model = find_translator(w.model, &status);
        ASSERT_NE(model, nullptr) << status;
        const Translation s = model->translate(w.text, decode_workload_options(Backend::Scalar));
        const Translation v = model->translate(w.text, decode_workload_options(Backend::Simd));
        ASSERT_FALSE(s.steps.empty()) << w.name;
        EXPECT_EQ(s.steps.back().token, Vocab::kEos) << w.name << " did not finish: " << s.output_text;
        EXPECT_TRUE(s.encoder_attention.empty() && s.steps[0].attention.empty()) << "no trace is recorded";
        const std::vector<float> a = decode_workload_output(s), b = decode_workload_output(v);
        ASSERT_EQ(a.size(), s.steps.size() * size_t(model->target_vocab().size())) << w.name;
        ASSERT_EQ(a.size(), b.size()) << w.name;
        const Difference d = compare(b.data(), a.data(), static_cast<long>(a.size()));
        EXPECT_LT(d.max_abs, 1e-4) << w.name << " at " << d.max_at;
        EXPECT_EQ(s.output_text, v.output_text) << w.name;
    }
    if (!HasFailure()) {
        std::string status;
        EXPECT_EQ(find_translator("statquest", &status)->info().name, "statquest");
    }
    set_translator_source(nullptr);
    std::string status;
    EXPECT_EQ(find_translator("statquest", &status), nullptr);
    EXPECT_FALSE(status.empty());
}

}  // namespace
}  // namespace attn

namespace attn {
namespace {

TEST(SensorWorkload, ParsesBatchSizesAndGivesProbsThenWeights) {
    EXPECT_EQ(parse_sensor_workload("sensor_b1"), 1);
    EXPECT_EQ(parse_sensor_workload("sensor_b2000"), 2000);
    for (const char* bad : {"sensor_b0", "sensor_b2001", "sensor_b", "sensor_bx", "sensor_b07", "sensor_32"})
        EXPECT_THROW(parse_sensor_workload(bad), std::invalid_argument) << bad;
    EXPECT_TRUE(is_sensor_workload("sensor_b4"));
    const Mat values = sensor_workload_values(3);
    ASSERT_EQ(values.rows(), 3 * kSensorSteps);
    EXPECT_EQ(Mat(values.middleRows(kSensorSteps, kSensorSteps)),
              generate_sensor_sample(kSensorDataSeed, kSensorHeldOutFirst + 1).values);
    const SensorModel m = load_sensor_model(ATTN_ASSETS_DIR "/models/sensor.safetensors");
    const SensorBatch batch = sensor_model_classify_batch(m, values, Backend::Scalar);
    const std::vector<float> out = sensor_workload_output(batch);
    ASSERT_EQ(out.size(), size_t(3) * (m.config.classes + kSensorSteps));
    EXPECT_EQ(out[0], batch.probs(0, 0));
    EXPECT_EQ(out[3 * m.config.classes], batch.weights(0, 0));
}

}  // namespace
}  // namespace attn
