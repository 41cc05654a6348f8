// main.cpp: the main loop: SDL2 window, OpenGL 3 natively or WebGL2 in the browser, Dear ImGui.
// On the web the loop stays in main() (emscripten_set_main_loop with simulate_infinite_loop), and
// window.attn reaches the engine through attn_api (web_exports.cpp).
// Native: build/native-release/attn_app [--models DIR] [--state JSON] [--theme light|dark] [--tour] [--font TTF]
//         [--frames N [--screenshot out.ppm] [--export]]   (--export: the last frame writes attn-heatmap.png
//         and attn-trace.csv in the working directory); test: tests/e2e (native_app.test.mjs).
#include "app/api_table.h"
#include "app/app.h"
#include "models/decode_workload.h"
#include "ui/draw_print.h"
#include "ui/fonts.h"
#include "ui/page_actions.h"
#include "ui/theme.h"
#include "ui/widgets.h"
#include "views/strings.h"
#include "views/view_states.h"

#include "backends/imgui_impl_opengl3.h"
#include "backends/imgui_impl_sdl.h"
#include "imgui.h"
#include "imgui_internal.h"  // ErrorCheckEndFrameRecover: a frame that threw is closed

#include <SDL.h>
#ifdef __EMSCRIPTEN__
#include "app/gpu_port_web.h"

#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <emscripten/wget.h>
#else
#include <SDL_opengl.h>
#endif

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

namespace {

struct Platform {
    SDL_Window* window = nullptr;
    SDL_GLContext gl = nullptr;
    attn::app::App app;
    bool done = false;
    long max_frames = -1;           // native: stop after N frames (for screenshots under Xvfb)
    std::string screenshot_path;    // native: write the last frame as a PPM
    bool export_last_frame = false; // native: the last frame exports the heatmap (PNG) and the step (CSV)
    std::string state_path;         // native: write window.attn's ui.state of the last frame as JSON
    int css_w = 0, css_h = 0;       // web: the canvas size in CSS pixels
    double dpr = 0;                 // web: the device pixel ratio the canvas was sized for
    std::string font_path;          // native: the TTF (DejaVu Sans from fonts-dejavu-core)
    uint64_t drawn_print = 0;       // web: the last drawn frame's ui/draw_print.h (0: draw the next one)
};
Platform* g_platform = nullptr;

#ifdef __EMSCRIPTEN__
// The canvas fills the page: follow its CSS size (SDL scales the backing store by devicePixelRatio,
// and re-reads the ratio in SDL_SetWindowSize: a zoom or a move to another screen changes it).
void follow_canvas_size(Platform& p) {
    double w = 0, h = 0;
    emscripten_get_element_css_size("#canvas", &w, &h);
    const double dpr = emscripten_get_device_pixel_ratio();
    if (static_cast<int>(w) != p.css_w || static_cast<int>(h) != p.css_h || dpr != p.dpr) {
        p.css_w = static_cast<int>(w);
        p.css_h = static_cast<int>(h);
        p.dpr = dpr;
        SDL_SetWindowSize(p.window, p.css_w, p.css_h);
    }
}

constexpr const char* kGlslVersion = "#version 300 es";

// A lost WebGL context (the GPU process restarted, a driver reset, too many contexts) comes back
// without a reload: accepting the loss (returning true prevents its default) lets the browser restore
// the context; the restored one is empty, so ImGui's GL objects (program, buffers, the font atlas's
// texture) are made again by the next frame. The app's state never lived on the GPU: text, model,
// playhead and tweaks are kept. While it is lost, frames go on without drawing: the keyboard, the
// mouse, the accessibility mirror and window.attn still work. A browser may never give it back (Chromium
// blocks WebGL for the site after its GPU process has crashed twice): web/loader.js then says so.
// Test: tests/e2e/faults.test.mjs.
EM_BOOL on_gl_lost(int, const void*, void* user) {
    Platform& p = *static_cast<Platform*>(user);
    p.app.page.gl_lost = true;
    return EM_TRUE;
}
EM_BOOL on_gl_restored(int, const void*, void* user) {
    Platform& p = *static_cast<Platform*>(user);
    p.app.page.gl_lost = false;
    p.drawn_print = 0;  // the restored canvas is empty: the next frame draws
    ++p.app.page.gl_restored;
    // The renderer afresh: its names belong to the lost context, and it remembers the sizes of the buffers
    // it had (a new buffer would be written past its end); Init's next NewFrame makes them all again.
    ImGui_ImplOpenGL3_Shutdown();
    attn::ui::fonts_context_lost();
    ImGui_ImplOpenGL3_Init(kGlslVersion);
    return EM_TRUE;
}

// The TTF the page fetched beside attn.wasm (web/loader.js puts its bytes in Module.attnFont).
std::vector<unsigned char> take_page_font() {
    const int n = EM_ASM_INT({ return Module.attnFont ? Module.attnFont.length : 0; });
    std::vector<unsigned char> bytes(static_cast<size_t>(n));
    if (n > 0) EM_ASM({ HEAPU8.set(Module.attnFont, $0); delete Module.attnFont; }, bytes.data());
    return bytes;
}
#else
std::vector<unsigned char> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
#endif

// Text stays crisp: the font atlas follows the device pixel ratio (drawable pixels per window unit).
void fonts_follow_window(SDL_Window* window) {
    int w = 0, h = 0, dw = 0, dh = 0;
    SDL_GetWindowSize(window, &w, &h);
    SDL_GL_GetDrawableSize(window, &dw, &dh);
    const float dpr = w > 0 ? static_cast<float>(dw) / static_cast<float>(w) : 1.0f;
    // presenter mode scales the type with the widgets (ui_scale, views/presenter.h)
    attn::ui::fonts_follow(dpr, attn::ui::font_size_for_width(static_cast<float>(w)) * attn::ui::ui_scale());
}

// Native export: the heatmap's pixels, read back from the frame just drawn, as a PNG file.
void save_heatmap_png(attn::app::App& app) {
    app.page.png_pending = false;
    const auto& rects = attn::ui::widget_rects();
    const auto it = rects.find("lab/heatmap");
    if (it == rects.end() || it->second.frame != attn::ui::registry_frame()) {
        app.notices.push_back(attn::views::tr("app.no_heatmap"));
        return;
    }
    const ImGuiIO& io = ImGui::GetIO();
    const float sx = io.DisplayFramebufferScale.x, sy = io.DisplayFramebufferScale.y;
    const int fb_h = static_cast<int>(io.DisplaySize.y * sy);
    const int x = static_cast<int>(it->second.x * sx), w = static_cast<int>(it->second.w * sx);
    const int h = static_cast<int>(it->second.h * sy), y = fb_h - static_cast<int>(it->second.y * sy) - h;  // GL rows start at the bottom
    if (w <= 0 || h <= 0) return;
    std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4), rows(px.size());
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(x, y, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    for (int r = 0; r < h; ++r)
        std::copy_n(px.data() + static_cast<size_t>(h - 1 - r) * w * 4, static_cast<size_t>(w) * 4, rows.data() + static_cast<size_t>(r) * w * 4);
    for (size_t i = 3; i < rows.size(); i += 4) rows[i] = 255;  // the frame is opaque; the framebuffer's alpha is not meaningful
    const bool wrote = attn::app::write_png("attn-heatmap.png", w, h, rows);
    app.notices.push_back(attn::views::trf(wrote ? "app.wrote" : "app.could_not_write", "attn-heatmap.png"));
}

void write_ppm(const char* path, int w, int h) {
    std::vector<unsigned char> px(static_cast<size_t>(w) * h * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, px.data());
    FILE* f = std::fopen(path, "wb");
    if (!f) { std::fprintf(stderr, "attn_app: cannot write %s\n", path); return; }
    std::fprintf(f, "P6\n%d %d\n255\n", w, h);
    for (int y = h - 1; y >= 0; --y) std::fwrite(px.data() + static_cast<size_t>(y) * w * 3, 1, static_cast<size_t>(w) * 3, f);
    std::fclose(f);
}

// Says why the app cannot run: on stderr natively, on the page (instead of a blank canvas) on the web.
int fail(const std::string& what) {
    std::fprintf(stderr, "attn_app: %s\n", what.c_str());
#ifdef __EMSCRIPTEN__
    EM_ASM({ if (Module.onAppFailed) Module.onAppFailed(UTF8ToString($0)); }, what.c_str());
#endif
    return 1;
}

void frame(void* arg) {
    Platform& p = *static_cast<Platform*>(arg);
    const double start_ms = attn::app::page_now_ms();
#ifdef __EMSCRIPTEN__
    follow_canvas_size(p);
#endif
    SDL_Event event;
    while (SDL_PollEvent(&event)) {
        ImGui_ImplSDL2_ProcessEvent(&event);
        if (event.type == SDL_QUIT) p.done = true;
        // ? (whatever the keyboard layout makes of it): the shortcuts dialog
        if (event.type == SDL_TEXTINPUT && !ImGui::GetIO().WantTextInput && !std::strcmp(event.text.text, "?"))
            attn::app::app_key(p.app, attn::app::Key::Help, false);
        if (event.type == SDL_KEYDOWN && !ImGui::GetIO().WantTextInput) {
            const bool shift = (event.key.keysym.mod & KMOD_SHIFT) != 0;
            switch (event.key.keysym.sym) {
                case SDLK_SPACE: attn::app::app_key(p.app, attn::app::Key::Space, shift); break;
                case SDLK_LEFT: attn::app::app_key(p.app, attn::app::Key::Left, shift); break;
                case SDLK_RIGHT: attn::app::app_key(p.app, attn::app::Key::Right, shift); break;
                case SDLK_PAGEUP: attn::app::app_key(p.app, attn::app::Key::PageUp, shift); break;
                case SDLK_PAGEDOWN: attn::app::app_key(p.app, attn::app::Key::PageDown, shift); break;
                case SDLK_ESCAPE: attn::app::app_key(p.app, attn::app::Key::Escape, shift); break;
                case SDLK_RETURN: case SDLK_KP_ENTER: attn::app::app_key(p.app, attn::app::Key::Enter, shift); break;
                default: break;
            }
        }
    }
    fonts_follow_window(p.window);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();
    const long runs_before = p.app.lab.runs;
    attn::app::app_frame(p.app, SDL_GetTicks64() / 1000.0);
    if (p.export_last_frame && p.app.frame == p.max_frames) {  // as if both Export buttons were clicked
        attn::ui::post_page_action("export", "png");
        attn::ui::post_page_action("export", "csv");
    }
    attn::app::page_frame(p.app);
    ImGui::Render();
    const ImGuiIO& io = ImGui::GetIO();
    const int fb_w = static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x);
    const int fb_h = static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y);
    const ImVec4 clear = attn::ui::palette().clear;
#ifdef __EMSCRIPTEN__
    // Only a frame that differs from the one on screen is drawn: WebGL keeps showing the last (a canvas
    // is presented only when drawn into). (The page's PNG export draws its own canvas: nothing reads
    // these pixels back.)
    const float rgb[3] = {clear.x, clear.y, clear.z};
    const uint64_t print = attn::ui::draw_print(*ImGui::GetDrawData(), fb_w, fb_h, rgb);
    const bool draw = print != p.drawn_print && !p.app.page.gl_lost;  // a lost context draws nothing
    if (draw) p.drawn_print = print;
#else
    const bool draw = true;  // natively the loop presents a back buffer every frame: it must be drawn
#endif
    if (draw) {
        glViewport(0, 0, fb_w, fb_h);
        glClearColor(clear.x, clear.y, clear.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        ++p.app.page.draws;
    }
    if (p.app.page.png_pending) save_heatmap_png(p.app);
    attn::app::page_after_frame(p.app, static_cast<float>(attn::app::page_now_ms() - start_ms), runs_before);
    if (p.max_frames > 0 && p.app.frame >= p.max_frames) {
        if (!p.screenshot_path.empty()) write_ppm(p.screenshot_path.c_str(), fb_w, fb_h);
        if (!p.state_path.empty()) {
            if (FILE* f = std::fopen(p.state_path.c_str(), "wb")) {
                attn::app::ApiContext ctx{&p.app};
                const std::string state = attn::app::api_call(ctx, "ui.state", "{}");
                std::fwrite(state.data(), 1, state.size(), f);
                std::fclose(f);
            }
        }
        p.done = true;
    }
    SDL_GL_SwapWindow(p.window);
}

// A frame that throws (a bug) must not end the page. Emscripten's main loop stops for good when its
// function throws, and the page then answers window.attn but reads no input and draws nothing, without
// a word (what CI's views.test may have seen: clicks doing nothing, a black canvas after a resize). The
// exception is said on the console (console.error: the browser tests fail on it and print it), each
// message once; ImGui's half-built frame is closed; the next frame runs.
void frame_failed(const char* what) {
    static std::vector<std::string> said;
    if (std::find(said.begin(), said.end(), what) != said.end()) return;
    said.emplace_back(what);
#ifdef __EMSCRIPTEN__
    EM_ASM({ console.error('attn: a frame failed: ' + UTF8ToString($0)); }, what);
#else
    std::fprintf(stderr, "attn_app: a frame failed: %s\n", what);
#endif
}

void guarded_frame(void* arg) {
    try {
        frame(arg);
        return;
    } catch (const std::exception& e) {
        frame_failed(e.what());
    } catch (...) {
        frame_failed("an exception that is not a std::exception");
    }
    if (ImGui::GetCurrentContext() && ImGui::GetCurrentContext()->WithinFrameScope) {
        ImGui::ErrorCheckEndFrameRecover(nullptr);  // the windows and stacks the frame left open
        ImGui::EndFrame();
    }
}

}  // namespace

#ifdef __EMSCRIPTEN__
// window.attn, through the API table (web_exports.cpp): the app's methods wait for the app to run.
std::string attn_app_request(const std::string& method, const std::string& args) {
    attn::app::ApiContext ctx{g_platform ? &g_platform->app : nullptr};
    return attn::app::api_call(ctx, method, args);
}

// A model file the visitor gave the page (web_exports.cpp): loaded or refused (api_table.h).
std::string attn_app_load_model_file(const std::string& file_name, const uint8_t* data, size_t size) {
    if (!g_platform) return R"({"error":"the app is not running yet"})";
    return attn::app::load_model_file(g_platform->app, file_name, data, size).dump();
}

// A loaded model as a file (web_exports.cpp): its bytes into *bytes (api_table.h), and where they are.
std::string attn_app_model_file(const std::string& name, std::vector<uint8_t>* bytes) {
    if (!g_platform) return R"({"error":"the app is not running yet"})";
    nlohmann::json answer = attn::app::save_model_file(g_platform->app, name, bytes);
    if (!answer.contains("error")) answer["address"] = reinterpret_cast<uintptr_t>(bytes->data());
    return answer.dump();
}

// The page fetches files next to it; the stores get them through this (views/model_store.h), with the
// HTTP status of a failure (0: no answer, or the connection closed mid-download) and the bytes so far.
void web_fetch(const std::string& url, std::function<void(const uint8_t*, size_t)> loaded,
               std::function<void(int, const std::string&)> failed, std::function<void(long, long)> progress) {
    struct Pending {
        std::function<void(const uint8_t*, size_t)> loaded;
        std::function<void(int, const std::string&)> failed;
        std::function<void(long, long)> progress;
    };
    emscripten_async_wget2_data(
        url.c_str(), "GET", "", new Pending{std::move(loaded), std::move(failed), std::move(progress)}, 1,
        [](unsigned, void* arg, void* data, unsigned size) {
            auto* p = static_cast<Pending*>(arg);
            p->loaded(static_cast<const uint8_t*>(data), static_cast<size_t>(size));
            delete p;
        },
        [](unsigned, void* arg, int status, const char* status_text) {
            auto* p = static_cast<Pending*>(arg);
            p->failed(status, status_text ? status_text : "");
            delete p;
        },
        [](unsigned, void* arg, int loaded, int total) {
            auto* p = static_cast<Pending*>(arg);
            if (p->progress) p->progress(loaded, total);
        });
}
#endif

int main(int argc, char** argv) {
    static Platform platform;  // static: lives for the whole page, whatever the main loop does
    Platform& p = platform;
    std::string theme = "dark";
#ifdef ATTN_MODELS_DIR
    p.app.store.set_dir(ATTN_MODELS_DIR);
#endif
#ifdef __EMSCRIPTEN__
    p.app.gpu = &attn::app::web_gpu_port();
    p.app.store.set_fetch(web_fetch);
    p.app.view<attn::views::SensorViewState>().store.set_fetch(web_fetch);
    // Without cross-origin isolation (any host that sends no COOP/COEP headers) the clock is coarse:
    // timings still work, and the Backend window says how precise they are.
    if (!EM_ASM_INT({ return self.crossOriginIsolated ? 1 : 0; })) p.app.backend.clock_note = attn::views::kCoarseClockNote;
#endif
    // decode workloads (attn.run, attn.bench, the Backend window) read the app's models
    attn::set_translator_source([](const std::string& model, std::string* status) {
        attn::views::ModelStore& store = platform.app.store;
        const attn::Translator* t = store.get(model);
        if (!t) *status = store.status(model) == attn::views::ModelStatus::Failed ? store.error(model) : "loading";
        return t;
    });
    attn::set_sensor_source([](std::string* status) {  // the sensor view's model
        attn::views::SensorStore& sensor = platform.app.view<attn::views::SensorViewState>().store;
        const attn::SensorModel* m = sensor.get(platform.app.store.dir());
        if (!m) *status = sensor.status() == attn::views::ModelStatus::Failed ? sensor.error() : "loading";
        return m;
    });
#ifdef ATTN_FONT_FILE
    p.font_path = ATTN_FONT_FILE;
#endif
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--frames") && i + 1 < argc) p.max_frames = std::atol(argv[++i]);
        else if (!std::strcmp(argv[i], "--screenshot") && i + 1 < argc) p.screenshot_path = argv[++i];
        else if (!std::strcmp(argv[i], "--models") && i + 1 < argc) p.app.store.set_dir(argv[++i]);
        else if (!std::strcmp(argv[i], "--state-out") && i + 1 < argc) p.state_path = argv[++i];
        else if (!std::strcmp(argv[i], "--state") && i + 1 < argc) {
            attn::app::ApiContext ctx{&p.app};
            attn::app::api_call(ctx, "ui.set_state", argv[++i]);
        }
        else if (!std::strcmp(argv[i], "--theme") && i + 1 < argc) theme = argv[++i];
        else if (!std::strcmp(argv[i], "--tour")) attn::app::page_start_tour(p.app);
        else if (!std::strcmp(argv[i], "--export")) p.export_last_frame = true;
        else if (!std::strcmp(argv[i], "--font") && i + 1 < argc) p.font_path = argv[++i];
    }
    // Touch: SDL turns each finger's down / move / up into left-button mouse events (its default,
    // stated here because taps and drags on phones depend on it), which ImGui already understands.
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");
#ifdef __EMSCRIPTEN__
    // Keys reach the app only while the canvas has the focus: SDL would otherwise take every key of the
    // page (and cancel Tab), and the accessibility mirror's elements (web/mirror.js) need their own keys.
    SDL_SetHint(SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT, "#canvas");
#endif
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) return fail(std::string("SDL_Init failed: ") + SDL_GetError());
#ifdef __EMSCRIPTEN__
    const char* glsl_version = kGlslVersion;
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
#else
    const char* glsl_version = "#version 130";
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 2);
#endif
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    const auto flags = static_cast<SDL_WindowFlags>(SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    p.window = SDL_CreateWindow("attention, step by step", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1280, 800, flags);
    if (!p.window) return fail(std::string("could not create a window: ") + SDL_GetError());
    p.gl = SDL_GL_CreateContext(p.window);
    if (!p.gl) return fail(std::string("could not create an OpenGL / WebGL2 context: ") + SDL_GetError());
    SDL_GL_MakeCurrent(p.window, p.gl);
    SDL_GL_SetSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // the page keeps its state in the URL, not in a file
    attn::ui::Theme t = attn::ui::Theme::Dark;  // the page sets its own at start (web/page.js)
    if (!attn::ui::parse_theme(theme, &t)) return fail("--theme must be light or dark");
    attn::ui::apply_theme(t);
#ifdef __EMSCRIPTEN__
    attn::ui::set_font_data(take_page_font(), "DejaVuSans.ttf");
#else
    attn::ui::set_font_data(read_file(p.font_path), p.font_path.substr(p.font_path.find_last_of('/') + 1));
#endif
    if (attn::ui::font_report().name.rfind("ImGui", 0) == 0)
        p.app.notices.push_back(attn::views::tr("app.font_fallback"));
    ImGui_ImplSDL2_InitForOpenGL(p.window, p.gl);
    ImGui_ImplOpenGL3_Init(glsl_version);

    g_platform = &p;
#ifdef __EMSCRIPTEN__
    emscripten_set_webglcontextlost_callback("#canvas", &p, EM_FALSE, on_gl_lost);
    emscripten_set_webglcontextrestored_callback("#canvas", &p, EM_FALSE, on_gl_restored);
    EM_ASM({ if (Module.onAppReady) Module.onAppReady(); });
    emscripten_set_main_loop_arg(guarded_frame, &p, 0, true);
#else
    while (!p.done) guarded_frame(&p);
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_GL_DeleteContext(p.gl);
    SDL_DestroyWindow(p.window);
    SDL_Quit();
#endif
    return 0;
}
