// translate_outline.cpp: see translate_outline.h.
#include "models/translate_outline.h"

#include "core/vocab.h"
#include "nn/normalizers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace attn {

namespace {

std::string num(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

std::string quoted(const std::vector<std::string>& words) {
    std::string s;
    for (const std::string& w : words) s += (s.empty() ? "'" : ", '") + w + "'";
    return s;
}

}  // namespace

bool read_source(const Vocab& vocab, int max_source_tokens, const std::string& text, Translation& out) {
    out.max_source_tokens = max_source_tokens;
    const EncodedText enc = encode_text(vocab, text);
    const int given = static_cast<int>(enc.ids.size());
    const int n = std::min(given, std::max(max_source_tokens, 0));
    if (given > n) {
        out.truncated = true;
        out.note(say("note.engine.input_cut", "the input has %s words; the model reads the first %s, so the last %s were cut",
                     {std::to_string(given), std::to_string(n), std::to_string(given - n)}));
    }
    for (int i = 0; i < n; ++i) {
        out.source_tokens.push_back(enc.tokens[i].text);
        out.source_ids.push_back(enc.ids[i]);
    }
    std::vector<std::string> unknown;
    for (const UnknownWord& u : enc.unknown)
        if (static_cast<int>(u.position) < n) {
            out.unknown.push_back(u);
            unknown.push_back(u.word);
        }
    if (!unknown.empty())
        out.note(say("note.engine.unknown_words", "words the model does not know, read as <UNK>: %s", {quoted(unknown)}));
    // punctuation the vocabulary does not know was set aside, not read as <UNK> (core/vocab.h's rule)
    if (const std::string note = set_aside_note(enc); !note.empty())
        out.note({note, "note.engine.set_aside", {set_aside_list(enc)}});
    if (n == 0) {
        out.note(say("note.engine.empty_input", "empty input: there is nothing to translate"));
        return false;
    }
    return true;
}

RunOptions resolve_run_options(const RunOptions& o, int source_len, std::vector<std::string>& notes,
                               const TrainedNormalizer& trained) {
    std::vector<Said> said;
    const RunOptions r = resolve_run_options(o, source_len, said, trained);
    for (Said& s : said) notes.push_back(std::move(s.text));
    return r;
}

RunOptions resolve_run_options(const RunOptions& o, int source_len, std::vector<Said>& notes,
                               const TrainedNormalizer& trained) {
    RunOptions r = o;
    if (!std::isfinite(o.temperature) || o.temperature <= 0.0f) {
        notes.push_back(say("note.engine.temperature_bad", "attention temperature %s is not a positive number: using 1",
                            {num(o.temperature)}));
        r.temperature = 1.0f;
    } else if (o.temperature < kMinTemperature) {
        notes.push_back(say("note.engine.temperature_raised", "attention temperature %s raised to %s",
                            {num(o.temperature), num(kMinTemperature)}));
        r.temperature = kMinTemperature;
    }
    if (r.temperature != 1.0f)
        notes.push_back(say("note.engine.temperature",
                            "attention temperature %s: the scores are divided by it; the model was trained at temperature 1",
                            {num(r.temperature)}));
    if (normalizer_info(o.normalizer).uses_k && o.top_k < 1) {
        notes.push_back(say("note.engine.top_k_low", "top_k %s is below 1: using 1", {std::to_string(o.top_k)}));
        r.top_k = 1;
    }
    if (Said s = normalizer_said(r.normalizer, r.top_k, trained); !s.text.empty()) notes.push_back(std::move(s));
    if (o.max_output_tokens < 1 || o.max_output_tokens > kMaxOutputTokens) {
        r.max_output_tokens = std::clamp(o.max_output_tokens, 1, kMaxOutputTokens);
        notes.push_back(say("note.engine.max_output_tokens", "max_output_tokens %s is outside [1, %s]: using %s",
                            {std::to_string(o.max_output_tokens), std::to_string(kMaxOutputTokens),
                             std::to_string(r.max_output_tokens)}));
    }
    if (o.nudge_position >= 0) {
        if (o.nudge_position >= source_len) {
            notes.push_back(say("note.engine.nudge_past", "nudge position %s is past the source (%s words): nothing nudged",
                                {std::to_string(o.nudge_position), std::to_string(source_len)}));
            r.nudge_position = -1;
        } else if (!std::isfinite(o.nudge_amount)) {
            notes.push_back(say("note.engine.nudge_not_finite", "nudge amount %s is not finite: nothing nudged",
                                {num(o.nudge_amount)}));
            r.nudge_position = -1;
        }
    }
    if (r.nudge_position < 0) {
        r.nudge_position = -1;
        r.nudge_amount = 0.0f;
    }
    return r;
}

std::string step_cap_note(int steps) { return step_cap_said(steps).text; }

Said step_cap_said(int steps) {
    return say("note.engine.step_cap",
               "stopped after %s words without choosing <EOS> (no <EOS> within max_output_tokens): the output is cut",
               {std::to_string(steps)});
}

std::string join_words(const std::vector<std::string>& words) {
    std::string s;
    for (const std::string& w : words) s += (s.empty() ? "" : " ") + w;
    return s;
}

}  // namespace attn
