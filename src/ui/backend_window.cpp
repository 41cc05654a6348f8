// backend_window.cpp: see backend_window.h.
#include "ui/backend_window.h"

#include "ui/mirror.h"

#include "ui/theme.h"
#include "ui/view_row.h"
#include "views/session.h"
#include "ui/widgets.h"

#include "imgui.h"

#include <algorithm>
#include <cstdio>

namespace attn::ui {

using views::BackendChoice;

views::BackendIntents draw_backend_window(const views::BackendState& p, const views::GpuInfo& gpu, float top) {
    // The theme's colors (theme.h); the CPU line keeps the text color.
    const ImVec4& kGpuColor = palette().good;
    const ImVec4& kNoticeColor = palette().accent;
    views::BackendIntents asked;
    ImGui::SetNextWindowPos(ImVec2(16, top + 16), ImGuiCond_Always);
    const float wrap = fit_auto_window(16, ImGui::GetFontSize() * 34.0f);
    ImGui::Begin(label_id("win.backend", "backend").c_str(), nullptr,
                 ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_HorizontalScrollbar);  // its strip is wider than a phone
    ImGui::PushTextWrapPos(wrap);

    // the choice
    int choice = static_cast<int>(p.choice);
    bool first = true;
    for (const views::BackendChoiceRow& row : views::backend_choices()) {
        if (!first) same_line_if_fits(radio_width(row.label));  // wraps on a narrow screen
        first = false;
        const bool disabled = row.choice == BackendChoice::WebGpu && !gpu.ready;
        ImGui::BeginDisabled(disabled);
        ImGui::RadioButton(row.label, &choice, static_cast<int>(row.choice));
        ImGui::EndDisabled();
        mirror_radio(std::string("backend/") + row.name, row.label, "backend-choice", choice == static_cast<int>(row.choice), nullptr, disabled);
    }
    ImGui::SameLine();
    help_marker(tr("be.paths_help"));
    if (choice != static_cast<int>(p.choice)) asked.choose = static_cast<BackendChoice>(choice);

    // the GPU as the page found it
    if (!gpu.adapter.empty())
        ImGui::Text(tr("be.adapter"), gpu.adapter.c_str(), gpu.cpu_adapter ? tr("be.software_adapter") : "");
    // A notice stays until another choice is made; the GPU's own reason shows when there is none.
    std::string notice;
    if (!p.notice.empty()) {
        notice = views::said_text(p.notice);
        ImGui::TextColored(kNoticeColor, "%s", notice.c_str());
    } else if (!gpu.reason.empty()) {
        notice = "WebGPU: " + views::said_text(gpu.reason);
        ImGui::TextColored(gpu.starting ? ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled) : kNoticeColor, "%s", notice.c_str());
    }
    if (notice.empty()) register_widget("backend/notice");
    else mirror_text_line("backend/notice", notice);
    if (gpu.can_retry) {
        if (ImGui::SmallButton(label_id("be.retry").c_str())) asked.retry_gpu = true;
        mirror_button("backend/retry", tr("be.retry"), tr("be.retry"));
    }

    // the workload
    ImGui::Separator();
    ImGui::SetNextItemWidth(std::min(220.0f, wrap - ImGui::CalcTextSize(tr("be.workload")).x - ImGui::GetStyle().ItemInnerSpacing.x));
    {
        const std::vector<std::string>& names = views::backend_workloads();
        const auto at = std::find(names.begin(), names.end(), p.workload);
        const int selected = at == names.end() ? -1 : static_cast<int>(at - names.begin());
        if (const int k = combo(label_id("be.workload").c_str(), "backend/workload", tr("be.workload"), names, selected, p.workload.c_str()); k >= 0)
            asked.workload = names[k];
    }
    ImGui::SameLine();
    help_marker("mha_d64_h4_tT: multi-head self-attention, d_model 64, 4 heads, T tokens, with the Q/K/V and "
                "output projections. pool_b32_t100_h64: seed 000's attention pooling over 32 sequences of "
                "100 steps. lstm_step_h64: one LSTM step. Inputs are fixed pseudo-random numbers derived from "
                "the name (README: window.attn).");
    same_line_if_fits(button_width(tr("be.run_again")));
    if (ImGui::Button(label_id("be.run_again").c_str())) asked.run_again = true;
    mirror_button("backend/run", tr("be.run_again"), tr("be.run_again"));
    if (!p.error.empty()) ImGui::TextColored(kNoticeColor, "%s", p.error.c_str());

    // Auto's measurements
    if (p.choice == BackendChoice::Auto) {
        const views::AutoPick* pick = p.autos.find(p.workload);
        if (!pick || pick->measuring) {
            ImGui::Text(tr("be.auto_timing"), gpu.ready ? tr("be.and_webgpu") : "");
        } else {
            std::string line = trf("be.auto_picked", pick->picked.c_str(), p.workload.c_str());
            for (const auto& [backend, us] : pick->median_us) {
                char buf[64];
                std::snprintf(buf, sizeof buf, "%s %.0f us%s  ", backend.c_str(), us, backend == pick->picked ? " *" : "");
                line += buf;
            }
            ImGui::TextWrapped(tr("be.medians"), line.c_str(), views::kAutoSamples);
        }
    }

    // the result
    ImGui::Separator();
    if (p.in_flight) {
        static const char spin[] = "|/-\\";
        ImGui::Text(tr("be.waiting"),
                    spin[(p.frame / 4) % 4], (p.now - p.in_flight_since) * 1000.0, p.frame - p.in_flight_start_frame);
    }
    if (p.has_result) {
        const views::BackendState::Result& r = p.result;
        const bool from_gpu = r.backend == "webgpu";
        if (from_gpu) ImGui::TextColored(kGpuColor, "%s", tr("be.on_gpu"));
        else ImGui::TextColored(ImGui::GetStyleColorVec4(ImGuiCol_Text), tr("be.on_cpu"), r.backend == "simd" ? "SIMD" : "scalar");
        mirror_text_line("backend/result", from_gpu ? std::string(tr("be.on_gpu")) : trf("be.on_cpu", r.backend == "simd" ? "SIMD" : "scalar"));
        ImGui::Text(tr("be.numbers_in"), r.workload.c_str(), r.output.size(), r.elapsed_ms,
                    from_gpu ? tr("be.gpu_parts") : "");
        if (from_gpu) ImGui::Text(tr("be.dispatches"), r.dispatches, r.readbacks);
        ImGui::Text(tr("be.largest_diff"), r.max_abs_diff_vs_scalar);
        help_marker(tr("be.diff_help"));
        const int shown = std::min<int>(8, static_cast<int>(r.output.size()));
        vector_strip("output", r.output.data(), shown, 1.0f, 1.0f, 52.0f);
    }

    if (!p.clock_note.empty() && (p.has_result || p.choice == BackendChoice::Auto)) {
        // the one note the shell sets (views::kCoarseClockNote), in the visitor's language
        ImGui::TextWrapped("%s", views::said_text(Said{p.clock_note, "be.clock_note", {}}).c_str());
    }

    if (gpu.ready || !p.check_summary.empty()) {
        ImGui::Separator();
        ImGui::BeginDisabled(!gpu.ready || p.checking);
        if (ImGui::SmallButton(label_id("be.check").c_str())) asked.check_kernels = true;
        ImGui::EndDisabled();
        mirror_button("backend/check", tr("be.check"), tr("be.check"), !gpu.ready || p.checking);
        if (!p.check_summary.empty()) ImGui::TextWrapped("%s", views::said_text(p.check_summary).c_str());
    }
    ImGui::PopTextWrapPos();
    want_window_bottom();
    ImGui::End();
    return asked;
}

namespace {

views::Intents draw_backend_layout(const views::Session& s, float top) {
    const views::BackendIntents asked = draw_backend_window(s.backend, s.gpu->info(), top);
    const bool any = asked.choose || asked.workload || asked.run_again || asked.check_kernels || asked.retry_gpu;
    if (!any) return {};
    return bind_intents(std::vector<views::BackendIntents>{asked}, [](views::Session& s, const views::BackendIntents& a) {
        views::backend_apply(s.backend, a, *s.gpu);
    });
}

}  // namespace

const ViewRow& backend_view_row() {
    static const ViewRow row{"backend", "Backend", nullptr, draw_backend_layout,
                             [](const views::Session& s) { return s.backend.runs; },
                             {{"ui.backend", "backend", [](views::Session& s, const nlohmann::json& args) {
                                   return views::backend_request(s.backend, *s.gpu, args);
                               }}}};
    return row;
}

}  // namespace attn::ui
