// narration.h: what the Translate view's current stage shows, said in words with its numbers, in the
// visitor's language: the page's live region reads it to screen-reader users as the playhead moves
// ("Token 1, stage 5, softmax: let's 0.03, go 0.97. The model looks at go."), and how much it says.
// The numbers are the trace's, printed as the canvas prints them (two decimals). Not the live region
// itself (web/mirror.js), not the drawing. Test: tests/unit/test_views_narration.cpp, tests/e2e/access.test.mjs.
#pragma once

#include "views/lab.h"

#include <string>
#include <vector>

namespace attn::views {

enum class Verbosity { Off, Brief, Full };

// The verbosity table: the API's and the control's names, and the strings-table id of each's text.
struct VerbosityRow {
    Verbosity verbosity;
    const char* name;     // "off", "brief", "full"
    const char* text_id;  // "say.verbosity.off", ...
};
const std::vector<VerbosityRow>& verbosities();
bool parse_verbosity(const std::string& name, Verbosity* out);
const char* verbosity_name(Verbosity v);

// How the page reads to assistive technology and moves: kept for the visit (the Session's registry).
struct AccessState {
    Verbosity verbosity = Verbosity::Full;
    bool reduce_motion = false;  // prefers-reduced-motion: nothing plays by itself, no transitions
};

// The sentence for the lab's playhead ('' with Verbosity::Off or when nothing was computed). Brief says
// where the playhead is and the stage's headline (the largest score, the word looked at, the word
// chosen); Full adds every number the stage shows for this token's query row.
std::string lab_narration(const Lab& lab, Verbosity v);

}  // namespace attn::views
