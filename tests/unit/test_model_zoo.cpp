// test_model_zoo.cpp: the models table (models/model_zoo.h) against the shipped files, without naming a
// model: every row's file loads, has the row's architecture and languages, and translates the row's
// example without an unknown word; names are unique and find_translation_model finds each.
#include "core/safetensors.h"
#include "models/model_zoo.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace attn {
namespace {

TEST(ModelZoo, EveryRowLoadsAndTranslatesItsExample) {
    std::set<std::string> names;
    ASSERT_FALSE(translation_models().empty());
    for (const ZooEntry& e : translation_models()) {
        SCOPED_TRACE(e.name);
        EXPECT_TRUE(names.insert(e.name).second) << "two rows named " << e.name;
        EXPECT_EQ(find_translation_model(e.name), &e);
        EXPECT_EQ(model_file(e), std::string("models/") + e.name + ".safetensors");
        const SafetensorsFile file = safetensors_load(std::string(ATTN_ASSETS_DIR "/") + model_file(e));
        EXPECT_EQ(file.require_metadata("architecture"), e.architecture);
        const std::unique_ptr<Translator> m = load_translator(file);
        EXPECT_EQ(m->info().name, e.name);
        RunOptions o;
        o.record_trace = false;
        const Translation t = m->translate(e.example, o);
        EXPECT_TRUE(t.unknown.empty()) << "the example has a word the model does not know";
        EXPECT_FALSE(t.output_tokens.empty());
    }
    EXPECT_EQ(find_translation_model("gpt"), nullptr);
}

}  // namespace
}  // namespace attn
