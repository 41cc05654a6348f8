// lab_panels.cpp: see lab_panels.h. Stage numbers and words are those of trace.h and the code's
// numbered passes, so a learner who reads the engine after the demo finds the same steps.
#include "ui/lab_panels.h"

#include "ui/mirror.h"

#include "ui/view_row.h"
#include "views/lab_export.h"
#include "views/presenter.h"
#include "views/session.h"
#include "nn/normalizers.h"
#include "ui/page_actions.h"
#include "ui/theme.h"
#include "ui/widgets.h"

#include "imgui.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <numeric>
#include <string>

namespace attn::ui {

namespace {

void place(Rect r) {
    ImGui::SetNextWindowPos(ImVec2(r.x, r.y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(r.w, r.h), ImGuiCond_Always);
}

// Label of key j: the source token it encodes (the encoder may also read a final <EOS>).
std::string key_label(const Translation& tr, int j) {
    if (j < static_cast<int>(tr.source_tokens.size())) return tr.source_tokens[j];
    return "<EOS>";
}

float max_abs(const float* v, int n) {
    float m = 1e-6f;
    for (int i = 0; i < n; ++i) if (std::isfinite(v[i])) m = std::max(m, std::fabs(v[i]));
    return m;
}

// A labelled row of numbers: the words on the left, colored cells, exact values on hover.
// `text`: the label as the screen shows it (the visitor's language); `label` keys attn.state().shown.
void labelled_strip(const std::string& label, const float* v, int n, float range, float reveal = 1.0f, float cell = 52.0f,
                    const std::string& text = "") {
    vector_strip(label.c_str(), v, n, range, reveal, cell, text.empty() ? nullptr : text.c_str());
}

void text_dim(const char* fmt, ...) IM_FMTARGS(1);
void text_dim(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextV(fmt, args);
    ImGui::PopStyleColor();
    va_end(args);
}

}  // namespace

// ---- translate ---------------------------------------------------------------------------------------

void draw_translate_panel(const views::Lab& lab, const views::ModelStore& store, views::Verbosity verbosity, Rect where,
                          LabAsks& asked) {
    place(where);
    ImGui::Begin(label_id("win.translate", "translate").c_str(), nullptr, kPanel);

    // Model picker: the models table's rows, then the model files the visitor gave the page.
    const std::vector<views::ModelRow> rows = store.rows();
    const views::ModelRow* current = nullptr;
    for (const views::ModelRow& r : rows)
        if (r.name == lab.state.model) current = &r;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
    {
        std::vector<std::string> names;
        int selected = -1;
        for (const views::ModelRow& r : rows) {
            if (current == &r) selected = static_cast<int>(names.size());
            names.push_back(r.name);
        }
        const auto tip = [&rows](int i) {
            const views::ModelRow& r = rows[static_cast<size_t>(i)];
            return r.description + (r.languages.empty() ? "" : " (" + r.languages + ")");
        };
        if (const int i = combo(label_id("lab.model").c_str(), "lab/model", views::tr("lab.model"), names, selected, lab.state.model.c_str(), tip); i >= 0)
            asked.push_back(views::lab_ask::SetModel{names[i]});
    }
    if (current && !current->languages.empty()) {
        same_line_if_fits(ImGui::CalcTextSize(current->languages.c_str()).x);
        text_dim("%s", current->languages.c_str());
    }
    // A model file of the visitor's: the page opens its file picker (a file dropped on the page loads too).
    same_line_if_fits(button_width(views::tr("lab.load_file")));
    if (ImGui::SmallButton(label_id("lab.load_file").c_str())) post_page_action("model", "pick");
    mirror_button("lab/load-file", views::tr("lab.load_file"), views::tr("lab.load_file"));
    // ... and the model on screen as a file, to keep or to load again later. Disabled, not hidden, while
    // the model loads: the panel keeps its layout, so a click aimed at the text field below lands there.
    {
        const bool loaded = store.ready(lab.state.model);
        same_line_if_fits(button_width(views::tr("lab.save_model")) + help_marker_width());
        ImGui::BeginDisabled(!loaded);
        if (ImGui::SmallButton(label_id("lab.save_model").c_str())) post_page_action("model", "save");
        ImGui::EndDisabled();
        mirror_button("lab/save-model", views::tr("lab.save_model_name"), views::tr("lab.save_model"), !loaded);
    }
    help_marker(views::tr("lab.load_file_tip"));

    // Source text.
    static char buf[1024];
    static std::string shown;
    if (shown != lab.state.text) {
        std::snprintf(buf, sizeof buf, "%s", lab.state.text.c_str());
        shown = lab.state.text;
    }
    ImGui::SetNextItemWidth(-1);
    if (ImGui::InputTextWithHint("##source", views::tr("lab.text_hint"), buf, sizeof buf)) {
        asked.push_back(views::lab_ask::SetText{buf});
        shown = buf;  // what the lab's text will be once the intent is applied
    }
    // typed through the mirror: the next frame copies the lab's new text into the field above
    if (std::string text = lab.state.text; mirror_text("lab/text", views::tr("lab.text_name"), &text))
        asked.push_back(views::lab_ask::SetText{text});
    // Words the model knows that complete what is being typed: a click finishes the word.
    const std::vector<std::string> words = lab.suggestions();
    if (!words.empty()) {
        text_dim("%s", views::tr("lab.known_words"));
        for (const std::string& w : words) {
            same_line_if_fits(button_width(w.c_str()));  // wraps on a narrow screen
            if (ImGui::SmallButton(w.c_str())) asked.push_back(views::lab_ask::CompleteWord{w});
            mirror_button("lab/suggest/" + w, views::trf("lab.suggest_name", w.c_str()), w.c_str());
        }
    }

    const views::ModelStatus status = store.status(lab.state.model);
    if (status == views::ModelStatus::Loading) {
        // The download's own progress (a slow network shows a moving bar, not a frozen page).
        const auto [loaded, total] = store.progress(lab.state.model);
        if (total > 0)
            ImGui::TextColored(palette().warning, views::tr("lab.loading_of"), lab.state.model.c_str(), loaded / 1024.0, total / 1024.0);
        else
            ImGui::TextColored(palette().warning, views::tr("lab.loading"), lab.state.model.c_str(), loaded / 1024.0);
        if (total > 0) ImGui::ProgressBar(static_cast<float>(loaded) / static_cast<float>(total), ImVec2(-1, 0), "");
        if (total > 0) mirror_text_line("lab/model-progress", views::trf("lab.loading_of", lab.state.model.c_str(), loaded / 1024.0, total / 1024.0));
    }
    if (status == views::ModelStatus::Failed) {
        ImGui::TextColored(palette().error, views::tr("lab.load_failed"), store.error(lab.state.model).c_str());
        if (store.retryable(lab.state.model)) {
            if (ImGui::SmallButton(label_id("lab.retry").c_str())) asked.push_back(views::lab_ask::RetryModel{});
            mirror_button("lab/retry", views::tr("lab.retry"), views::tr("lab.retry"));
        }
    }
    if (!lab.error.empty()) ImGui::TextColored(palette().error, "%s", lab.error.c_str());

    const Translation& tr = lab.result;
    if (lab.state.text.find_first_not_of(" \t\r\n") == std::string::npos) {
        text_dim("%s", views::tr("lab.empty"));
    } else if (status == views::ModelStatus::Ready) {
        // The source as the model read it: unknown words marked.
        ImGui::TextUnformatted(views::tr("lab.reads"));
        for (size_t i = 0; i < tr.source_tokens.size(); ++i) {
            same_line_if_fits(ImGui::CalcTextSize(tr.source_tokens[i].c_str()).x);
            const bool unknown = std::any_of(tr.unknown.begin(), tr.unknown.end(), [&](const UnknownWord& u) { return u.position == i; });
            if (unknown) {
                ImGui::TextColored(palette().error, "%s", tr.source_tokens[i].c_str());
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", views::tr("lab.unknown_tip"));
            } else {
                ImGui::TextUnformatted(tr.source_tokens[i].c_str());
            }
        }
        if (!tr.unknown.empty())
            ImGui::TextColored(palette().warning, views::tr(tr.unknown.size() > 1 ? "lab.unknown_many" : "lab.unknown_one"),
                               static_cast<int>(tr.unknown.size()));
        if (tr.truncated)
            ImGui::TextColored(palette().warning, views::tr("lab.truncated"), tr.max_source_tokens);
        // the engine's notes, in the visitor's language (Translation::said: Translation::note() fills it and
        // the English tr.notes together, so they never differ)
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        for (size_t i = 0; i < tr.said.size(); ++i) {
            const std::string note = views::trf("lab.note", views::said_text(tr.said[i]).c_str());
            ImGui::TextWrapped("%s", note.c_str());
            mirror_text_line("lab/note/" + std::to_string(i), note);
        }
        ImGui::PopStyleColor();
    }

    // Playback.
    ImGui::Separator();
    const Stepper& st = lab.stepper;
    if (ImGui::Button("|<")) asked.push_back(views::lab_ask::Seek{0, 0});
    mirror_button("lab/restart", views::tr("lab.first"), "|<");
    ImGui::SameLine();
    if (ImGui::Button("<<")) asked.push_back(views::lab_ask::SeekToken{-1});
    mirror_button("lab/prev-token", views::tr("lab.prev_token"), "<<");
    ImGui::SameLine();
    if (ImGui::Button("<")) asked.push_back(views::lab_ask::SeekStage{-1});
    mirror_button("lab/prev-stage", views::tr("lab.prev_stage"), "<");
    ImGui::SameLine();
    if (ImGui::Button(label_id(st.playing() ? "lab.pause" : "lab.play", "play").c_str())) asked.push_back(views::lab_ask::TogglePlay{});
    mirror_button("lab/play", views::tr(st.playing() ? "lab.pause" : "lab.play"), views::tr(st.playing() ? "lab.pause" : "lab.play"));
    ImGui::SameLine();
    if (ImGui::Button(">")) asked.push_back(views::lab_ask::SeekStage{+1});
    mirror_button("lab/next-stage", views::tr("lab.next_stage"), ">");
    ImGui::SameLine();
    if (ImGui::Button(">>")) asked.push_back(views::lab_ask::SeekToken{+1});
    mirror_button("lab/next-token", views::tr("lab.next_token"), ">>");
    float speed = st.speed();
    same_line_if_fits(labelled_width(ImGui::GetFontSize() * 6, views::tr("lab.speed")));
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    bool speed_changed = ImGui::SliderFloat(label_id("lab.speed").c_str(), &speed, 0.25f, 4.0f, "%.2fx", ImGuiSliderFlags_Logarithmic);
    speed_changed |= mirror_slider("lab/speed", views::tr("lab.speed"), &speed, 0.25f, 4.0f, 0.25f, "%.2fx");
    if (speed_changed) asked.push_back(views::lab_ask::SetSpeed{speed});
    help_marker(views::tr("lab.keys_help"));
    // How much the live region says at each stage (screen readers read it: views/narration.h).
    {
        std::vector<std::string> levels;
        int now = 0;
        for (const views::VerbosityRow& r : views::verbosities()) {
            if (r.verbosity == verbosity) now = static_cast<int>(levels.size());
            levels.push_back(views::tr(r.text_id));
        }
        // beside the playback row while it fits, else on a line of its own
        same_line_if_fits(labelled_width(ImGui::GetFontSize() * 7, views::tr("say.verbosity"), false));
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
        if (const int i = combo(label_id("say.verbosity").c_str(), "lab/narration", views::tr("say.verbosity"), levels, now, levels[now].c_str()); i >= 0)
            asked.push_back(views::lab_ask::SetVerbosity{views::verbosities()[i].verbosity});
    }

    // The output so far: chosen words with their probabilities; the current step highlighted.
    ImGui::Separator();
    ImGui::TextUnformatted(views::tr("lab.output"));
    const views::PlayItem* now = lab.current();
    for (int t = 0; t < static_cast<int>(tr.steps.size()); ++t) {
        if (now && t > now->step) break;
        const DecodeStep& s = tr.steps[t];
        const bool chosen_shown = !now || t < now->step || now->stage == Stage::Output;
        const std::string label = chosen_shown ? s.word : std::string("?");
        same_line_if_fits(button_width(label.c_str()));
        ImGui::PushID(t);
        if (ImGui::SmallButton(label.c_str())) asked.push_back(views::lab_ask::Seek{t, 0});
        mirror_button("lab/output/" + std::to_string(t), views::trf("lab.output_step", t + 1, label.c_str()), label.c_str());
        if (ImGui::IsItemHovered() && chosen_shown) ImGui::SetTooltip(views::tr("lab.step_tip"), t + 1, s.word.c_str(), s.prob);
        ImGui::PopID();
    }
    if (!lab.unablated.steps.empty()) {
        ImGui::TextWrapped(views::tr("lab.all_heads"), lab.unablated.output_text.c_str());
        ImGui::TextWrapped(views::tr("lab.with_ablation"), tr.output_text.c_str());
    }
    // Where the numbers come from (the Backend window chooses); the GPU's are marked, with their
    // largest difference from the scalar reference.
    if (!lab.computed_note.empty()) {
        if (lab.computed_by == "webgpu") ImGui::PushStyleColor(ImGuiCol_Text, palette().good);
        ImGui::TextWrapped("%s", views::note_text(lab.computed, views::current_lang()).c_str());
        if (lab.computed_by == "webgpu") ImGui::PopStyleColor();
        mirror_text_line("lab/computed-by", views::note_text(lab.computed, views::current_lang()));
    }
    ImGui::End();
}

// ---- the stages -----------------------------------------------------------------------------------------

void draw_stage_panel(const views::Lab& lab, Rect where) {
    place(where);
    ImGui::Begin(label_id("win.stages", "stages").c_str(), nullptr, kPicturePanel);
    wrap_at_visible_edge();  // prose wraps at the visible edge, pictures scroll sideways
    const views::PlayItem* now = lab.current();
    const Translation& tr = lab.result;
    if (!now || tr.steps.empty()) {
        text_dim("%s", views::tr("lab.nothing_yet"));
        ImGui::End();
        return;
    }
    const DecodeStep& step = tr.steps[now->step];
    const AttentionTrace* t = lab.trace_at(now->step);
    const std::vector<Stage> stages = lab.stages_of(now->step);
    const float p = lab.stepper.progress();
    data_button("lab/stages-data");
    ImGui::SameLine();

    ImGui::Text(views::tr("lab.token_of"), now->step + 1, static_cast<int>(tr.steps.size()),
                now->step == 0 ? views::tr("lab.start") : tr.steps[now->step - 1].word.c_str());
    if (t) {
        ImGui::SameLine();
        text_dim(views::tr("lab.kind_form"), t->kind.c_str(), t->form.c_str(),
                 t->form == "cross" || t->form == "pool" ? "" : views::tr("lab.self"));
        if (t->layer || t->head || tr.steps[now->step].attention.size() > 1) {
            ImGui::SameLine();
            text_dim(views::tr("lab.layer_head"), t->layer, t->head, t->ablated ? views::tr("lab.ablated") : "");
        }
    }
    // The stage list: done, current, to come; it wraps where the panel is too narrow (a phone, a projector).
    for (size_t i = 0; i < stages.size(); ++i) {
        if (i) same_line_if_fits(ImGui::CalcTextSize(views::stage_text(stages[i])).x);
        const bool cur = stages[i] == now->stage;
        const bool done = std::find(stages.begin(), stages.end(), now->stage) - stages.begin() > static_cast<long>(i);
        ImGui::TextColored(cur ? palette().accent : done ? palette().done : palette().to_come,
                           "%s", views::stage_text(stages[i]));
    }
    ImGui::Separator();

    if (!t) {
        text_dim("%s", views::tr("lab.no_call"));
        ImGui::End();
        return;
    }
    const int row = static_cast<int>(t->weights.rows()) - 1;  // this step's query
    const int Tk = static_cast<int>(t->keys.rows());
    const int D = static_cast<int>(t->keys.cols());
    const float krange = std::max(max_abs(t->keys.data(), static_cast<int>(t->keys.size())),
                                  max_abs(t->query.row(row).data(), static_cast<int>(t->query.cols())));
    const float cell = D > 12 ? 14.0f : 52.0f;  // wide vectors become color strips (hover for values)
    const Stage s = now->stage;
    auto reveal = [&](Stage stage) { return stage == s ? p : 1.0f; };
    auto passed = [&](Stage stage) {
        return std::find(stages.begin(), stages.end(), s) >= std::find(stages.begin(), stages.end(), stage);
    };

    // 1. query and keys
    ImGui::TextUnformatted(views::tr("lab.s1"));
    labelled_strip("query", t->query.row(row).data(), static_cast<int>(t->query.cols()), krange, reveal(Stage::QueryKeys), cell,
                   views::tr("lab.query"));
    for (int j = 0; j < Tk; ++j)
        labelled_strip("key " + key_label(tr, j), t->keys.row(j).data(), D, krange, reveal(Stage::QueryKeys), cell,
                       views::trf("lab.key", key_label(tr, j).c_str()));

    // 2. scores
    if (passed(Stage::Scores)) {
        ImGui::Separator();
        const float sp = reveal(Stage::Scores);
        if (!t->energies.empty()) {
            ImGui::TextUnformatted(views::tr("lab.s2_additive"));
            const Mat& e = t->energies[std::min<size_t>(row, t->energies.size() - 1)];
            for (int j = 0; j < Tk; ++j)
                labelled_strip("energy " + key_label(tr, j), e.row(j).data(), static_cast<int>(e.cols()), 1.0f,
                               std::clamp(sp * Tk - j, 0.0f, 1.0f), std::min(cell, 14.0f),
                               views::trf("lab.energy", key_label(tr, j).c_str()));
        } else {
            ImGui::TextUnformatted(views::tr("lab.s2_dot"));
            // Build each dot product element by element: the partial sums grow as the stage plays.
            const float total = static_cast<float>(Tk * D);
            const int shown = static_cast<int>(std::floor(sp * total));
            std::vector<float> partial(Tk, 0.0f);
            for (int j = 0; j < Tk; ++j) {
                const int n = std::clamp(shown - j * D, 0, D);
                for (int d = 0; d < n; ++d) partial[j] += t->query(row, d) * t->keys(j, d);
            }
            if (sp < 1.0f && shown < Tk * D) {
                const int j = shown / D, upto = shown % D;
                std::vector<float> prods(D, 0.0f);
                for (int d = 0; d <= upto && d < D; ++d) prods[d] = t->query(row, d) * t->keys(j, d);
                labelled_strip("q*k " + key_label(tr, j), prods.data(), D, krange * krange, static_cast<float>(upto + 1) / D, cell,
                               views::trf("lab.qk", key_label(tr, j).c_str()));
            }
            // The finished rows show the engine's own scores; the row being built shows the running sum.
            for (int j = 0; j < Tk; ++j)
                if ((j + 1) * D <= shown || sp >= 1.0f) partial[j] = t->scores(row, j);
            labelled_strip("scores", partial.data(), Tk, max_abs(t->scores.row(row).data(), Tk), 1.0f, 64.0f, views::tr("lab.scores"));
        }
        if (!t->energies.empty())
            labelled_strip("scores", t->scores.row(row).data(), Tk, max_abs(t->scores.row(row).data(), Tk), sp, 64.0f,
                           views::tr("lab.scores"));
    }
    // 3. scale
    if (passed(Stage::Scale) && std::find(stages.begin(), stages.end(), Stage::Scale) != stages.end()) {
        ImGui::Separator();
        ImGui::Text(views::tr("lab.s3"), t->scale, t->scale != 1.0f ? " (1/sqrt(d))" : "", t->temperature);
        std::vector<float> v(Tk);
        const float a = reveal(Stage::Scale);
        for (int j = 0; j < Tk; ++j) v[j] = t->scores(row, j) + a * (t->scaled(row, j) - t->scores(row, j));
        labelled_strip("scaled", v.data(), Tk, max_abs(t->scores.row(row).data(), Tk), 1.0f, 64.0f, views::tr("lab.scaled"));
        help_marker(views::tr("lab.s3_help"));
    }
    // 4. mask
    if (passed(Stage::Mask) && t->mask.size()) {
        ImGui::Separator();
        ImGui::Text(views::tr("lab.s4"), t->mask_kind.c_str());
        labelled_strip("masked", t->masked.row(row).data(), Tk, max_abs(t->scaled.row(row).data(), Tk), reveal(Stage::Mask), 64.0f,
                       views::tr("lab.masked"));
    }
    // 5. softmax: exponentials, their sum, the division
    const Mat& logits = t->masked.size() ? t->masked : t->scaled;
    if (passed(Stage::Softmax)) {
        ImGui::Separator();
        const float a = reveal(Stage::Softmax);
        if (t->normalizer == "soft") {
            float mx = -INFINITY;
            for (int j = 0; j < Tk; ++j) mx = std::max(mx, logits(row, j));
            std::vector<float> ex(Tk);
            for (int j = 0; j < Tk; ++j) ex[j] = std::isfinite(logits(row, j)) ? std::exp(logits(row, j) - mx) : 0.0f;
            const float sum = std::accumulate(ex.begin(), ex.end(), 0.0f);
            ImGui::Text(views::tr("lab.s5"), sum);
            labelled_strip("exp", ex.data(), Tk, 1.0f, std::min(1.0f, a * 3.0f), 64.0f, views::tr("lab.exp"));
            if (a > 2.0f / 3.0f || a >= 1.0f) {
                // The division: the engine's weights (ending exactly where the trace says).
                weight_bars("weight", t->weights.row(row).data(), Tk, std::clamp((a - 2.0f / 3.0f) * 3.0f, 0.0f, 1.0f),
                            views::tr("lab.weight"));
            }
        } else {
            Normalizer id = Normalizer::Soft;
            const bool known = parse_normalizer(t->normalizer.c_str(), &id);
            ImGui::Text("5. %s: %s", known ? views::tr(std::string("norm.") + t->normalizer + ".label") : t->normalizer.c_str(),
                        known ? views::tr(std::string("norm.") + t->normalizer + ".summary") : "");
            weight_bars("weight", t->weights.row(row).data(), Tk, a, views::tr("lab.weight"));
        }
        float total = 0;
        for (int j = 0; j < Tk; ++j) total += t->weights(row, j);
        text_dim(views::tr("lab.weights_sum"), total * (s == Stage::Softmax ? a : 1.0f));
    }
    // 6. context: the weighted sum accumulating term by term
    if (passed(Stage::Context)) {
        ImGui::Separator();
        ImGui::TextUnformatted(views::tr("lab.s6"));
        const int Dv = static_cast<int>(t->values.cols());
        const float a = reveal(Stage::Context);
        const int terms = s == Stage::Context ? std::min(Tk, static_cast<int>(std::floor(a * Tk)) + 1) : Tk;
        std::vector<float> acc(Dv, 0.0f);
        for (int j = 0; j < terms; ++j)
            for (int d = 0; d < Dv; ++d) acc[d] += t->weights(row, j) * t->values(j, d);
        const bool complete = terms == Tk && (s != Stage::Context || a >= 1.0f);
        const float vr = max_abs(t->values.data(), static_cast<int>(t->values.size()));
        if (!complete) {
            text_dim(views::tr("lab.adding"), key_label(tr, terms - 1).c_str(), t->weights(row, terms - 1));
            labelled_strip("so far", acc.data(), Dv, vr, 1.0f, Dv > 12 ? 14.0f : 52.0f, views::tr("lab.so_far"));
        } else {
            labelled_strip("context", t->context.row(row).data(), Dv, vr, 1.0f, Dv > 12 ? 14.0f : 52.0f, views::tr("lab.context"));
        }
    }
    // 7. output: the distribution over the target vocabulary and the chosen token
    if (passed(Stage::Output)) {
        ImGui::Separator();
        ImGui::Text(views::tr("lab.s7"), static_cast<int>(step.probs.size()));
        std::vector<int> order(step.probs.size());
        std::iota(order.begin(), order.end(), 0);
        const int top = std::min<int>(6, static_cast<int>(order.size()));
        std::partial_sort(order.begin(), order.begin() + top, order.end(), [&](int a, int b) { return step.probs[a] > step.probs[b]; });
        const float a = reveal(Stage::Output);
        const ImVec2 bars_at = ImGui::GetCursorScreenPos();
        std::vector<std::string> top_words;
        std::vector<float> top_probs;
        for (int i = 0; i < top; ++i) {
            const int id = order[i];
            const bool chosen = id == step.token;
            const std::string word = lab.model ? lab.model->target_vocab().word(id) : std::to_string(id);
            ImGui::TextColored(chosen ? palette().accent : ImGui::GetStyleColorVec4(ImGuiCol_Text), "%s %-10s",
                               chosen ? "->" : "  ", word.c_str());
            ImGui::SameLine(ImGui::GetFontSize() * 8);
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.4f", step.probs[id] * a);
            ImGui::ProgressBar(step.probs[id] * a, ImVec2(ImGui::GetFontSize() * 14, 0), buf);
            const float drawn = step.probs[id] * a;
            record_shown("p " + word, &drawn, 1);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("p('%s') = %.9g", word.c_str(), step.probs[id]);
            top_words.push_back(word);
            top_probs.push_back(step.probs[id]);
        }
        const ImVec2 bars_end = ImGui::GetItemRectMax();
        mirror_table("data/lab/output", views::tr("data.output_name"), top_words, {views::tr("data.probability")}, top_probs,
                     Rect{bars_at.x, bars_at.y, bars_end.x - bars_at.x, bars_end.y - bars_at.y});
        ImGui::Text(views::tr("lab.chosen"), step.word.c_str(), step.prob,
                    views::tr(step.word == "<EOS>" ? "lab.chosen_end" : "lab.chosen_next"));
    }
    ImGui::End();
}

// ---- heatmap ------------------------------------------------------------------------------------------------

void draw_heatmap_panel(const views::Lab& lab, Rect where) {
    place(where);
    ImGui::Begin(label_id("win.alignment", "alignment").c_str(), nullptr, kPicturePanel);
    wrap_at_visible_edge();  // prose wraps at the visible edge, pictures scroll sideways
    const views::Heatmap hm = views::lab_heatmap(lab);
    if (hm.row_labels.empty()) {
        text_dim("%s", views::tr("lab.heatmap_empty"));
        ImGui::End();
        return;
    }
    // Take it away: the picture (rendered by the page from these same weights) and every number of this step.
    if (ImGui::SmallButton(label_id("lab.export_png").c_str())) post_page_action("export", "png");
    mirror_button("lab/export-png", views::tr("lab.export_png"), views::tr("lab.export_png"));
    ImGui::SameLine();
    if (ImGui::SmallButton(label_id("lab.export_csv").c_str())) post_page_action("export", "csv");
    mirror_button("lab/export-csv", views::tr("lab.export_csv"), views::tr("lab.export_csv"));
    ImGui::SameLine();
    data_button("lab/data");
    help_marker(views::tr("lab.export_help"));
    ImGui::SameLine();
    text_dim("  %s", hm.caption.c_str());

    const int rows = static_cast<int>(hm.row_labels.size()), cols = static_cast<int>(hm.col_labels.size());
    const float label_w = ImGui::GetFontSize() * 6, cellw = std::min(ImGui::GetFontSize() * 4, (where.w - label_w - 30) / std::max(1, cols));  // 60 px at 15 px type
    const float cellh = ImGui::GetTextLineHeight() + 6;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 o = ImGui::GetCursorScreenPos();
    for (int j = 0; j < cols; ++j)
        dl->AddText(ImVec2(o.x + label_w + j * cellw + 2, o.y), ImGui::GetColorU32(ImGuiCol_Text), hm.col_labels[j].c_str());
    o.y += cellh;
    for (int i = 0; i < rows; ++i) {
        dl->AddText(ImVec2(o.x, o.y + i * cellh + 3), ImGui::GetColorU32(ImGuiCol_Text), hm.row_labels[i].c_str());
        for (int j = 0; j < cols; ++j) {
            const std::optional<float>& cell = hm.weights[i][j];
            const float w = cell.value_or(0.0f);
            const ImVec2 a(o.x + label_w + j * cellw, o.y + i * cellh), b(a.x + cellw - 2, a.y + cellh - 2);
            dl->AddRectFilled(a, b, weight_cell_color(w), 2.0f);
            if (!cell) continue;
            char buf[16];
            std::snprintf(buf, sizeof buf, "%.2f", w);
            // black or white, whichever reads on this cell over this theme's panel (4.5:1 at least)
            const ImU32 ink = ink_on(weight_cell_color(w));
            if (cellw > ImGui::CalcTextSize(buf).x + 4) dl->AddText(ImVec2(a.x + 3, a.y + 3), ink, buf);
            if (ImGui::IsMouseHoveringRect(a, b))
                ImGui::SetTooltip(views::tr("lab.attends"), hm.row_labels[i].c_str(), hm.col_labels[j].c_str(), w);
        }
    }
    ImGui::Dummy(ImVec2(label_w + cols * cellw, cellh * (rows + 1)));
    register_widget("lab/heatmap");
    {
        std::vector<float> cells;
        for (const auto& row : hm.weights)
            for (const auto& cell : row) cells.push_back(cell.value_or(std::nanf("")));
        mirror_table("data/lab/heatmap", views::trf("data.alignment_name", hm.caption.c_str()), hm.row_labels, hm.col_labels, cells);
    }
    text_dim("%s", views::tr("lab.heatmap_foot"));
    ImGui::End();
}

// ---- tweaks -------------------------------------------------------------------------------------------------

void draw_tweak_panel(const views::Lab& lab, Rect where, LabAsks& asked) {
    place(where);
    ImGui::Begin(label_id("win.tweaks", "tweaks").c_str(), nullptr, kPanel);
    RunOptions o = lab.state.options;  // a copy the controls edit; asked for as a whole when one changed
    bool changed = false;

    ImGui::SetNextItemWidth(field_width(9, views::tr("tweak.temperature")));
    changed |= ImGui::SliderFloat(label_id("tweak.temperature").c_str(), &o.temperature, 0.05f, 5.0f, "%.2f", ImGuiSliderFlags_Logarithmic);
    changed |= mirror_slider("tweak/temperature", views::tr("tweak.temperature"), &o.temperature, 0.05f, 5.0f, 0.05f, "%.2f",
                             views::tr("tweak.temperature"));
    help_marker(views::tr("tweak.temperature_help"));

    // One radio button per row of the normalizers table (nn/normalizers.h), and its k when it has one.
    int n = static_cast<int>(o.normalizer);
    std::string help;
    for (const NormalizerInfo& row : normalizers()) {
        const std::string id = std::string("norm.") + row.name;
        if (row.id != Normalizer::Soft) same_line_if_fits(radio_width(views::tr(id + ".label")));
        changed |= ImGui::RadioButton(label_id((id + ".label").c_str(), row.widget).c_str(), &n, static_cast<int>(row.id));
        mirror_radio(row.widget, views::trf("tweak.normalizer_name", views::tr(id + ".label")), "normalizer", n == static_cast<int>(row.id),
                     views::tr(id + ".label"));
        help += std::string(help.empty() ? "" : " ") + views::tr(id + ".label") + ": " + views::tr(id + ".summary") + ".";
    }
    o.normalizer = static_cast<Normalizer>(n);
    if (normalizer_info(o.normalizer).uses_k) {
        same_line_if_fits(ImGui::GetFontSize() * 5 + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize("k").x);
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
        changed |= ImGui::SliderInt("k", &o.top_k, 1, 8);
        changed |= mirror_slider_int("tweak/top-k", views::tr("tweak.top_k"), &o.top_k, 1, 8);
    }
    help_marker(help.c_str());

    int sc = static_cast<int>(o.scaling);
    changed |= ImGui::RadioButton(label_id("tweak.scale_trained").c_str(), &sc, static_cast<int>(Scaling::Auto));
    mirror_radio("tweak/scaling-auto", views::tr("tweak.scale_trained"), "scaling", sc == static_cast<int>(Scaling::Auto));
    same_line_if_fits(radio_width(views::tr("tweak.on")));
    changed |= ImGui::RadioButton(label_id("tweak.on", "scale-on").c_str(), &sc, static_cast<int>(Scaling::On));
    mirror_radio("tweak/scaling-on", views::trf("tweak.scaling_name", views::tr("tweak.on")), "scaling", sc == static_cast<int>(Scaling::On));
    same_line_if_fits(radio_width(views::tr("tweak.off")));
    changed |= ImGui::RadioButton(label_id("tweak.off", "scale-off").c_str(), &sc, static_cast<int>(Scaling::Off));
    mirror_radio("tweak/scaling-off", views::trf("tweak.scaling_name", views::tr("tweak.off")), "scaling", sc == static_cast<int>(Scaling::Off),
                 views::tr("tweak.off"));
    o.scaling = static_cast<Scaling>(sc);
    help_marker(views::tr("tweak.scale_help"));

    const int ntok = static_cast<int>(lab.result.source_tokens.size());
    ImGui::SetNextItemWidth(field_width(9, views::tr("tweak.nudge_word")));
    const char* preview = o.nudge_position >= 0 && o.nudge_position < ntok ? lab.result.source_tokens[o.nudge_position].c_str() : views::tr("tweak.none");
    {
        std::vector<std::string> words = {views::tr("tweak.none")};  // then the source's tokens, which may repeat
        words.insert(words.end(), lab.result.source_tokens.begin(), lab.result.source_tokens.end());
        const int selected = o.nudge_position < ntok ? o.nudge_position + 1 : 0;
        if (const int i = combo(label_id("tweak.nudge_word").c_str(), "tweak/nudge-word", views::tr("tweak.nudge_word"), words, selected, preview); i >= 0) {
            o.nudge_position = i - 1;
            changed = true;
        }
    }
    if (o.nudge_position >= 0) {
        ImGui::SetNextItemWidth(field_width(9, views::tr("tweak.nudge")));
        changed |= ImGui::SliderFloat(label_id("tweak.nudge").c_str(), &o.nudge_amount, -3.0f, 3.0f, "%.2f");
        changed |= mirror_slider("tweak/nudge", views::tr("tweak.nudge"), &o.nudge_amount, -3.0f, 3.0f, 0.05f, "%.2f");
    }
    help_marker(views::tr("tweak.nudge_help"));

    int backend = static_cast<int>(o.backend);
    changed |= ImGui::RadioButton(label_id("tweak.simd").c_str(), &backend, static_cast<int>(Backend::Simd));
    mirror_radio("tweak/simd", views::tr("tweak.simd"), "backend", backend == static_cast<int>(Backend::Simd));
    same_line_if_fits(radio_width(views::tr("tweak.scalar")));
    changed |= ImGui::RadioButton(label_id("tweak.scalar").c_str(), &backend, static_cast<int>(Backend::Scalar));
    mirror_radio("tweak/scalar", views::tr("tweak.scalar"), "backend", backend == static_cast<int>(Backend::Scalar));
    o.backend = static_cast<Backend>(backend);

    if (ImGui::Button(label_id("tweak.reset").c_str())) {
        const auto mask = o.head_mask;
        o = RunOptions{};
        o.head_mask = mask;
        changed = true;
    }
    mirror_button("tweak/reset", views::tr("tweak.reset"), views::tr("tweak.reset"));
    if (changed) asked.push_back(views::lab_ask::SetOptions{o});
    ImGui::Text(views::tr("tweak.runs"), lab.runs);
    ImGui::End();
}

// ---- the Translate view: its layout and its row of the views table ------------------------------------------

namespace {

// The least heights that show each panel whole (tests/e2e/reflow.test.mjs, at 320 and 640 CSS px wide);
// on a window that is shorter, the page scrolls.
constexpr float kTranslateWideMinH = 460.0f;
constexpr float kSentenceMinH = 330.0f, kStagesMinH = 420.0f, kHeatmapMinH = 260.0f, kTweaksMinH = 420.0f;

views::Intents draw_translate_view(const views::Session& s, float top) {
    const views::Lab& lab = s.lab;
    LabAsks asked;
    const ImVec2 size = ImGui::GetIO().DisplaySize;
    const float pad = 6.0f;
    const views::Verbosity verbosity = s.view<views::AccessState>().verbosity;
    if (const views::PresenterState& present = s.view<views::PresenterState>(); present.on) {
        // Presenter mode: one panel at a time, the whole screen below the caption.
        const Rect all = below_view_bar(top);
        const std::string panel = views::present_panels()[present.panel].id;
        if (panel == "stages") draw_stage_panel(lab, all);
        if (panel == "heatmap") draw_heatmap_panel(lab, all);
        if (panel == "sentence") draw_translate_panel(lab, s.store, verbosity, all, asked);
        if (panel == "tweaks") draw_tweak_panel(lab, all, asked);
    } else if (size.x >= 900.0f) {  // two columns on a wide screen, one on a phone
        const Rect all = below_view_bar(top, kTranslateWideMinH);
        const float lw = std::max(360.0f, size.x * 0.36f), rw = size.x - lw - 3 * pad, h = all.h + 2 * pad;
        draw_translate_panel(lab, s.store, verbosity, {pad, top + pad, lw, h * 0.5f - 1.5f * pad}, asked);
        draw_tweak_panel(lab, {pad, top + h * 0.5f + 0.5f * pad, lw, h * 0.5f - 1.5f * pad}, asked);
        draw_stage_panel(lab, {lw + 2 * pad, top + pad, rw, h * 0.64f - 1.5f * pad});
        draw_heatmap_panel(lab, {lw + 2 * pad, top + h * 0.64f + 0.5f * pad, rw, h * 0.36f - 1.5f * pad});
    } else {  // every panel, one under another: the page scrolls when the window is short (200% zoom, a phone)
        const std::vector<Rect> r = stack_panels(top, {kSentenceMinH, kStagesMinH, kHeatmapMinH, kTweaksMinH});
        draw_translate_panel(lab, s.store, verbosity, r[0], asked);
        draw_stage_panel(lab, r[1]);
        draw_heatmap_panel(lab, r[2]);
        draw_tweak_panel(lab, r[3], asked);
    }
    return bind_intents(std::move(asked), views::apply_lab_intent);
}

}  // namespace

const ViewRow& translate_view_row() {
    static const ViewRow row{"translate", "Translate", nullptr, draw_translate_view,
                             [](const views::Session& s) { return s.lab.runs; }, {}};
    return row;
}

}  // namespace attn::ui
