// view_row.h: the shape of a row of the views table (id, title, update, draw, run counter, window.attn
// answers). Each view defines its row beside its draw function, in its own src/ui/<name>_panel.cpp, and
// app/view_table.cpp lists the rows in the view bar's order. Not the table itself.
// Test: tests/e2e/redraw.test.mjs (every row, from attn.views()), tests/unit/test_views_intents.cpp.
#pragma once

#include "ui/widgets.h"
#include "views/session.h"

#include <nlohmann/json.hpp>

#include <utility>
#include <vector>

namespace attn::ui {

// A window.attn method a view answers: JSON args in, JSON out (throws std::invalid_argument on bad args).
struct ViewAnswer {
    const char* method;  // "ui.heads"
    const char* js;      // the page's wrapper in web/loader.js: "heads" ("": reached with attn.call alone)
    nlohmann::json (*answer)(views::Session& s, const nlohmann::json& args);
};

struct ViewRow {
    const char* id;     // in links (v=), attn.setState({view}) and widget ids ("view/<id>")
    const char* title;  // the view bar's button
    // Before drawing, while the view is on screen: runs the engine and loads files when its inputs changed.
    // nullptr when the view's state is updated every frame anyway (the lab, the steppers, the backend).
    void (*update)(views::Session& s);
    // Draws below the view bar (at height top) from const state and returns what was asked for; the shell
    // applies that after the frame is drawn.
    views::Intents (*draw)(const views::Session& s, float top);
    long (*runs)(const views::Session& s);  // how many times the engine ran for this view
    std::vector<ViewAnswer> answers;
    // Optional, nullptr when the view has none:
    // its own keys (Space, Left, Right; Shift held or not); without it, the lab's stage steps.
    void (*key)(views::Session& s, views::Key key, bool shift) = nullptr;
    // its animation, advanced by dt seconds every frame while the view is on screen;
    void (*tick)(views::Session& s, double dt) = nullptr;
    // its part of attn.state(), under its id.
    nlohmann::json (*state)(const views::Session& s) = nullptr;
};

// From this width (CSS px) on, a view lays its panels side by side; below it, one under another.
constexpr float kWideScreen = 900.0f;

// The screen below the view bar, less a margin, and at least min_h tall: when the window is shorter (200%
// zoom, a phone), the page grows to hold it and scrolls (want_page_height).
Rect below_view_bar(float top, float min_h = 0.0f);
// One column of panels below the view bar (a narrow screen): each at least its minimum height, all of them
// taller in proportion when the window has room; the page scrolls when it has not.
std::vector<Rect> stack_panels(float top, const std::vector<float>& min_heights);
// below_view_bar with the least height of the view's wide layout or of its narrow one, by the screen's width.
Rect view_area(float top, float wide_min_h, float narrow_min_h);

// A panel's intents of type I, each bound to the view's apply step (which gets the Session).
template <class I, class Apply>
views::Intents bind_intents(std::vector<I> asked, Apply apply) {
    views::Intents out;
    for (I& a : asked) out.push_back([apply, a = std::move(a)](views::Session& s) { apply(s, a); });
    return out;
}

}  // namespace attn::ui
