// fuzz_safetensors.cpp: any bytes as a safetensors file, then as a model file. The reader either
// parses or throws FormatError; what it parses serializes and parses back to the same tensors; the
// model loaders (translators by architecture, the sensor model) either load or throw FormatError,
// and a model that loads translates; as a model file a visitor gives the page (the store's add_file,
// what a dropped or picked file and attn.loadModel reach), it joins the models or is refused with
// FormatError, the models unchanged. Not the page's fetch (the bytes arrive the same way).
// Test: scripts/fuzz.mjs (make fuzz; corpus: tests/fuzz/corpus/safetensors, the shipped models and small files).
#include "fuzz_check.h"

#include "core/safetensors.h"
#include "models/model_zoo.h"
#include "models/sensor_model.h"
#include "views/model_store.h"

#include <cstdint>

using namespace attn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    {
        views::ModelStore store;  // the page's store: the shipped rows, and this file if it loads
        const size_t rows = store.rows().size();
        try {
            const std::string name = store.add_file("visitor.safetensors", data, size);
            FUZZ_CHECK(store.ready(name) != nullptr && store.rows().size() == rows + 1);
        } catch (const FormatError&) {
            FUZZ_CHECK(store.rows().size() == rows);
        }
    }
    SafetensorsFile f;
    try {
        f = safetensors_parse(data, size, "fuzz.safetensors");
    } catch (const FormatError&) {
        return 0;
    }
    // Round trip: the writer accepts whatever the reader accepted, and reading it back is exact.
    const std::vector<uint8_t> bytes = safetensors_serialize(f);
    const SafetensorsFile back = safetensors_parse(bytes.data(), bytes.size(), "back.safetensors");
    FUZZ_CHECK(back.metadata == f.metadata);
    FUZZ_CHECK(back.tensors.size() == f.tensors.size());
    for (const StoredTensor& t : f.tensors) {
        const StoredTensor* u = back.find(t.name);
        FUZZ_CHECK(u && u->dtype == t.dtype && u->shape == t.shape && u->bytes == t.bytes);
    }
    // Model validation: only FormatError may come out (any other exception aborts the run).
    try {
        const std::unique_ptr<Translator> m = load_translator(f);
        const Translation t = m->translate("let's go to the red house", RunOptions{});
        FUZZ_CHECK(t.source_ids.size() == t.source_tokens.size());
    } catch (const FormatError&) {
    }
    try {
        const SensorModel s = sensor_model_from_file(f);
        (void)s;
    } catch (const FormatError&) {
    }
    return 0;
}
