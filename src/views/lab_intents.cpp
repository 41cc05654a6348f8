// lab_intents.cpp: see lab_intents.h. Each case is what the panel used to do in the middle of drawing.
#include "views/lab_intents.h"

#include "views/session.h"
#include "views/view_states.h"

namespace attn::views {

namespace {

// std::visit over a set of lambdas, one per intent.
template <class... F> struct Cases : F... { using F::operator()...; };
template <class... F> Cases(F...) -> Cases<F...>;

}  // namespace

void apply_lab_intent(Session& s, const LabIntent& asked) {
    Lab& lab = s.lab;
    Stepper& st = lab.stepper;
    std::visit(Cases{
        [&](const lab_ask::SetModel& a) { lab.set_model(a.name); },
        [&](const lab_ask::SetText& a) {
            lab.set_text(a.text);
            lab.state.step = lab.state.stage = 0;
        },
        [&](const lab_ask::CompleteWord& a) {
            lab.complete_word(a.word);
            lab.state.step = lab.state.stage = 0;
        },
        [&](const lab_ask::RetryModel&) {
            s.store.retry(lab.state.model);
            lab.dirty = true;  // the run waits for the model; text and tweaks are as they were
        },
        [&](const lab_ask::Seek& a) { st.pause(); lab.seek(a.step, a.stage); },
        [&](const lab_ask::SeekToken& a) { st.pause(); lab.seek_step(a.delta); },
        [&](const lab_ask::SeekStage& a) {
            st.pause();
            if (a.delta < 0) st.step_back();
            else if (a.delta > 0) st.step_forward();
            lab.sync_from_stepper();
        },
        [&](const lab_ask::TogglePlay&) { st.toggle(); },
        [&](const lab_ask::SetSpeed& a) { st.set_speed(a.speed); },
        [&](const lab_ask::SetOptions& a) {
            lab.state.options = a.options;
            lab.dirty = true;
        },
        [&](const lab_ask::PlayStep& a) {
            lab.state.view = "translate";
            lab.state.step = a.step;
            lab.state.stage = 0;
            lab.seek(a.step, 0);
            st.play();
        },
        [&](const lab_ask::SelectHead& a) {
            const bool block_changed = a.block != lab.state.block || a.head != lab.state.head;
            lab.state.block = a.block;
            lab.state.head = a.head;
            if (a.block.rfind("enc.", 0) == 0) {
                if (a.row >= 0) s.view<HeadsViewState>().query_row = a.row;
            } else if (a.row >= 0) {
                lab.state.step = a.row;
                lab.state.stage = 0;
            }
            st.pause();
            // The stages of a step depend on the chosen head (a masked head has a mask stage): re-run to
            // rebuild the playlist; otherwise just move the playhead.
            if (block_changed) lab.dirty = true;
            else lab.seek(lab.state.step, 0);
        },
        [&](const lab_ask::SetQueryRow& a) { s.view<HeadsViewState>().query_row = a.row; },
        [&](const lab_ask::SetVerbosity& a) { s.view<AccessState>().verbosity = a.verbosity; },
    }, asked);
}

}  // namespace attn::views
