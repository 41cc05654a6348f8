// lab_intents.h: what the lab's windows (Translate, Tweak, Heads) may ask for, as plain data, and the one
// function that applies it to a Session: panels draw a const Lab and return these; the shell applies them
// after the draw, so the next update re-runs if they changed the engine's inputs. Not the drawing.
// Test: tests/unit/test_views_intents.cpp.
#pragma once

#include "models/translator.h"
#include "views/narration.h"

#include <string>
#include <variant>
#include <vector>

namespace attn::views {

struct Session;

namespace lab_ask {
struct SetModel { std::string name; };
struct SetText { std::string text; };        // and the playhead back to the first step
struct CompleteWord { std::string word; };   // the suggestion clicked; the playhead back to the first step
struct RetryModel {};                        // forget the model's failure: the next update downloads it again
struct Seek { int step = 0; int stage = 0; };  // pauses the playback
struct SeekToken { int delta = 0; };         // pauses; to the first stage of the previous (-1) / next (+1) token
struct SeekStage { int delta = 0; };         // pauses; the previous (-1) / next (+1) stage
struct TogglePlay {};
struct SetSpeed { float speed = 1.0f; };
struct SetOptions { RunOptions options; };   // the tweaks and the head mask: the next update re-runs
struct PlayStep { int step = 0; };           // to the Translate view, playing this decoder step's stages
struct SelectHead { std::string block; int head = 0; int row = -1; };  // the head under the magnifier
struct SetQueryRow { int row = 0; };         // the Heads view: an encoder block's query word
struct SetVerbosity { Verbosity verbosity = Verbosity::Full; };  // how much the live region says (narration.h)
}  // namespace lab_ask

using LabIntent = std::variant<lab_ask::SetModel, lab_ask::SetText, lab_ask::CompleteWord, lab_ask::RetryModel,
                               lab_ask::Seek, lab_ask::SeekToken, lab_ask::SeekStage, lab_ask::TogglePlay,
                               lab_ask::SetSpeed, lab_ask::SetOptions, lab_ask::PlayStep, lab_ask::SelectHead,
                               lab_ask::SetQueryRow, lab_ask::SetVerbosity>;

// Applies one intent to s.lab (and s.store for RetryModel, the Heads view's state for SetQueryRow and
// an encoder block's SelectHead). Runs nothing: a change of the engine's inputs marks the lab dirty.
void apply_lab_intent(Session& s, const LabIntent& asked);

}  // namespace attn::views
