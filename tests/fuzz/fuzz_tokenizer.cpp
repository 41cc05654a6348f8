// fuzz_tokenizer.cpp: any bytes as text for the tokenizer and the vocabulary, and as a vocabulary's
// JSON. Properties: tokens are non-empty, in input order, inside the input, not overlapping;
// normalizing is idempotent; encoding keeps every token either as an id or set aside (punctuation
// only), with <UNK> exactly where an unknown word is listed; decoding the ids never throws.
// Vocab::from_json accepts or throws FormatError. Test: scripts/fuzz.mjs (make fuzz; corpus: tests/fuzz/corpus/tokenizer).
#include "fuzz_check.h"

#include "core/format_error.h"
#include "core/tokenizer.h"
#include "core/vocab.h"

#include <cstdint>
#include <string>

using namespace attn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::vector<Token> tokens = tokenize(text);
    std::size_t last_end = 0;
    for (const Token& t : tokens) {
        FUZZ_CHECK(!t.text.empty());
        FUZZ_CHECK(t.byte_begin >= last_end && t.byte_begin < t.byte_end && t.byte_end <= size);
        last_end = t.byte_end;
    }
    const std::string normalized = normalize_text(text);
    FUZZ_CHECK(normalize_text(normalized) == normalized);

    static const Vocab vocab = Vocab::from_corpus({"let's go to the red house", "where is it ?", "i love you"});
    const EncodedText e = encode_text(vocab, text);
    FUZZ_CHECK(e.ids.size() == e.tokens.size());
    FUZZ_CHECK(e.tokens.size() + e.set_aside.size() == tokens.size());
    for (const Token& t : e.set_aside) FUZZ_CHECK(t.punctuation && !vocab.contains(t.text));
    std::size_t unk = 0;
    for (std::size_t i = 0; i < e.ids.size(); ++i) {
        FUZZ_CHECK(e.ids[i] >= 0 && e.ids[i] < vocab.size());
        if (e.ids[i] != Vocab::kUnk) continue;
        FUZZ_CHECK(unk < e.unknown.size() && e.unknown[unk].position == i && e.unknown[unk].word == e.tokens[i].text);
        ++unk;
    }
    FUZZ_CHECK(unk == e.unknown.size());
    (void)decode_ids(vocab, e.ids);

    try {
        const Vocab v = Vocab::from_json(text, "fuzz vocabulary");
        FUZZ_CHECK(Vocab::from_json(v.to_json(), "round trip").words() == v.words());
    } catch (const FormatError&) {
    }
    return 0;
}
