// test_ui_drive.cpp: every view's panels drawn natively under ASan + UBSan (on a phone's screen, a
// laptop's and a large one, in English and Spanish), and every button, checkbox and radio of every view
// pressed twice, as a keyboard or screen-reader user presses them through the accessibility mirror. A headless ImGui (no window, no GL: the draw lists are made, not rasterized),
// driven through the API table as window.attn drives the page ("ui.set_state", "ui.mirror",
// "ui.mirror_act"). It checks what the browser tests cannot: that no press reads or writes memory it
// does not own (a wasm page only crashes on some of those, by chance). Not a check of what a press
// does: the browser tests (tests/e2e) are. Built in native trees only.
// Test: tests/ui/test_ui_drive.cpp (this file; ctest runs it as ui_drive in make test's native-asan tree).
#include "app/api_table.h"
#include "app/app.h"
#include "app/page.h"
#include "app/view_table.h"
#include "models/decode_workload.h"
#include "ui/page_actions.h"
#include "views/strings.h"

#include <gtest/gtest.h>
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

namespace attn::app {
namespace {

using nlohmann::json;

// One app and one ImGui context for the whole program (as the page has), in a temporary folder: the
// native exports write their files where the app runs.
class Driver {
public:
    Driver() : app_(ATTN_MODELS_DIR) {
        dir_ = std::filesystem::temp_directory_path() / ("attn-ui-drive-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        std::filesystem::current_path(dir_);
        set_translator_source([this](const std::string& model, std::string* status) {
            const Translator* t = app_.store.get(model);
            if (!t) *status = app_.store.error(model);
            return t;
        });
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // ImGui's own font: no texture, nothing rasterized
        io.DisplaySize = ImVec2(1280, 800);
        io.DeltaTime = 1.0f / 60.0f;
    }
    ~Driver() {
        ImGui::DestroyContext();
        std::error_code ignored;
        std::filesystem::current_path(std::filesystem::temp_directory_path(), ignored);
        std::filesystem::remove_all(dir_, ignored);
    }

    json call(const std::string& method, const json& args = json::object()) {
        ApiContext ctx{&app_};
        const json out = json::parse(api_call(ctx, method, args.dump()));
        if (out.is_object() && out.size() == 1 && out.contains("error"))  // what the API answers when it refuses
            ADD_FAILURE() << method << " " << args.dump() << ": " << out["error"];
        return out;
    }

    // The shell's frame (src/app/main.cpp's, without SDL and GL).
    void frames(int n) {
        for (int i = 0; i < n; ++i) {
            ImGui::NewFrame();
            const long runs_before = app_.lab.runs;
            now_ += 1.0 / 60.0;
            app_frame(app_, now_);
            page_frame(app_);
            ImGui::Render();
            page_after_frame(app_, 1.0f, runs_before);
        }
    }

    // The mirror's controls of the last frame that are not disabled, with their roles.
    std::vector<json> controls(const std::set<std::string>& roles) {
        std::vector<json> out;
        const json mirror = call("ui.mirror");
        for (const json& c : mirror["controls"])
            if (roles.count(c["role"].get<std::string>()) && !c.value("disabled", false)) out.push_back(c);
        return out;
    }
    bool on_screen(const std::string& id) {
        for (const json& c : controls({"button", "checkbox", "radio", "slider", "select", "textbox"}))
            if (c["id"] == id) return true;
        return false;
    }

    App& app() { return app_; }
    void screen(float w, float h) { ImGui::GetIO().DisplaySize = ImVec2(w, h); }

private:
    App app_;
    std::filesystem::path dir_;
    double now_ = 0.0;
};

Driver& driver() {
    static Driver d;
    return d;
}

// The state each view starts from before each control is pressed: a short text, and the model whose
// panels the view is about.
json start_state(const std::string& view) {
    json s = {{"view", view}, {"text", "the cat is on the table"}, {"model", "transformer"}};
    if (view == "translate" || view == "compare") s["model"] = "bahdanau";
    return s;
}

class EveryView : public ::testing::TestWithParam<std::string> {
protected:
    // From the view's start: each action in turn on control id (those the control still shows), frames
    // drawn after each, then Escape (out of a popup or presenter mode an action opened). True when the
    // first action was taken.
    static bool act(Driver& d, const std::string& view, const std::string& id, const std::vector<json>& actions) {
        SCOPED_TRACE(view + ": " + id);
        d.call("ui.set_state", start_state(view));
        d.frames(2);
        bool took = false;
        for (const json& a : actions) {
            if (!d.on_screen(id)) break;  // an earlier action took it away
            json args = {{"id", id}, {"action", a["action"]}};
            if (a.contains("value")) args["value"] = a["value"];
            d.call("ui.mirror_act", args);
            d.frames(3);
            took = true;
        }
        app_key(d.app(), Key::Escape, false);
        d.frames(1);
        ui::take_page_actions();
        return took;
    }
    static std::vector<json> start(Driver& d, const std::string& view, const std::set<std::string>& roles) {
        d.call("ui.set_state", start_state(view));
        d.frames(4);
        EXPECT_EQ(d.call("ui.state")["view"], view);
        return d.controls(roles);
    }
};

// Each button, checkbox and radio pressed, then pressed again (a toggle back, a popup closed, a head
// switched off and on: what a learner does).
TEST_P(EveryView, EveryControlPressedTwice) {
    Driver& d = driver();
    const std::string view = GetParam();
    const std::vector<json> found = start(d, view, {"button", "checkbox", "radio"});
    EXPECT_FALSE(found.empty()) << view << ": no control on screen";
    int pressed = 0;
    const json press = {{"action", "press"}};
    for (const json& c : found) pressed += act(d, view, c["id"], {press, press});
    std::printf("ui_drive: %s: %d of %zu buttons, checkboxes and radios pressed\n", view.c_str(), pressed, found.size());
    EXPECT_GT(pressed, 0);
}

// Each slider at its two ends, each list at its first and last choice, each text field emptied, then
// given words no vocabulary has.
TEST_P(EveryView, EverySliderListAndFieldAtItsEnds) {
    Driver& d = driver();
    const std::string view = GetParam();
    const std::vector<json> found = start(d, view, {"slider", "select", "textbox"});
    int set = 0;
    for (const json& c : found) {
        std::vector<json> actions;
        const auto to = [](json v) { return json{{"action", "set"}, {"value", std::move(v)}}; };
        if (c["role"] == "slider") actions = {to(c["min"]), to(c["max"])};
        if (c["role"] == "select") actions = {to(0), to(static_cast<int>(c["options"].size()) - 1)};
        if (c["role"] == "textbox") actions = {to(""), to("zq \u00f1and\u00fa 7 <EOS> ?")};
        set += act(d, view, c["id"], actions);
    }
    std::printf("ui_drive: %s: %d of %zu sliders, lists and fields set\n", view.c_str(), set, found.size());
    EXPECT_EQ(set, static_cast<int>(found.size()));
}

// Every view drawn on a phone's screen, a laptop's and a large one, in each language of the strings table:
// the narrow layouts and the translated texts (their own format strings) go through other code.
TEST_P(EveryView, DrawsOnEveryScreenAndInEveryLanguage) {
    Driver& d = driver();
    const std::string view = GetParam();
    for (int l = views::kLangCount - 1; l >= 0; --l)  // English last: the next tests' language
        for (const ImVec2 size : {ImVec2(320, 640), ImVec2(2560, 1440), ImVec2(1280, 800)}) {
            const std::string lang = views::lang_code(static_cast<views::Lang>(l));
            SCOPED_TRACE(view + " " + lang + " " + std::to_string(static_cast<int>(size.x)));
            d.screen(size.x, size.y);
            json s = start_state(view);
            s["lang"] = lang;
            d.call("ui.set_state", s);
            d.frames(3);
            EXPECT_EQ(d.call("ui.state")["lang"], lang);
            EXPECT_FALSE(d.controls({"button"}).empty());
        }
}

INSTANTIATE_TEST_SUITE_P(Views, EveryView, ::testing::ValuesIn(view_ids()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace attn::app
