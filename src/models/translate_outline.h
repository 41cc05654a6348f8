// translate_outline.h: the outline every translator follows (Seq2SeqLstm::run, Transformer::run, and
// the GPU decode's run buffer, gpu/decode_*.cpp), and its one policy for options out of range. Not a
// model. Test: tests/unit/test_translate_outline.cpp.
//
// 1. read_source: tokenize, cut at max_source_tokens, report unknown words and the punctuation set
//    aside (core/vocab.h's rule for case and punctuation); an empty input stops here with a note (no steps).
// 2. resolve_run_options: the lab's options as the model runs them. The policy, for every option out
//    of its range: replace it by the nearest value the model can run and say so in a note; a run never
//    refuses an option. temperature not finite or <= 0 -> 1, below kMinTemperature -> kMinTemperature;
//    top_k < 1 (a normalizer that uses k) -> 1; max_output_tokens outside [1, kMaxOutputTokens] -> the
//    nearest end; a nudge past the source or not finite -> no nudge. The GPU decode calls the same
//    function on the same options, so every backend runs the same values and says the same.
// 3. encode, then decode greedily for at most max_output_tokens steps; step_cap_note when <EOS> never
//    came.
// 4. output_text: the chosen words joined by spaces (join_words).
#pragma once

#include "core/vocab.h"
#include "models/translator.h"

#include <string>
#include <vector>

namespace attn {

constexpr float kMinTemperature = 1e-4f;  // keeps scores * scale / temperature far from float overflow
constexpr int kMaxOutputTokens = 256;

// Fills out's source_tokens, source_ids, unknown, truncated, max_source_tokens and their notes (with
// set_aside_note's when punctuation was set aside).
// Returns false (with the note "empty input: ...") when there is no token to translate.
bool read_source(const Vocab& vocab, int max_source_tokens, const std::string& text, Translation& out);

// The options as run on a source of source_len tokens (see the policy above), with a note for every
// value replaced and for every variant the model was not trained with (a temperature other than 1, a
// normalizer other than `trained`: soft unless the model's file says otherwise).
// The notes as ids and arguments too (core/said.h; the translators keep both); the first form keeps
// the English alone (the GPU decode's run header).
RunOptions resolve_run_options(const RunOptions& o, int source_len, std::vector<std::string>& notes,
                               const TrainedNormalizer& trained = {});
RunOptions resolve_run_options(const RunOptions& o, int source_len, std::vector<Said>& notes,
                               const TrainedNormalizer& trained = {});

// The note when decoding stopped at max_output_tokens without choosing <EOS>.
std::string step_cap_note(int steps);
Said step_cap_said(int steps);

// words joined by single spaces
std::string join_words(const std::vector<std::string>& words);

}  // namespace attn
