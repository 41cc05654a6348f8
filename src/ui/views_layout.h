// views_layout.h: where each view goes on screen, below the view bar (at height top): the draw column
// of the views table (app/view_table.cpp). Each draws a views::Session's state; none runs the engine
// or loads a file. Test: tests/e2e/views.test.mjs.
#pragma once

#include "views/session.h"

namespace attn::ui {

void draw_translate_view(views::Session& s, float top);  // two columns on a wide screen, one on a phone
void draw_heads_layout(views::Session& s, float top);
void draw_gallery_layout(views::Session& s, float top);
void draw_sensor_layout(views::Session& s, float top);
void draw_seed001_layout(views::Session& s, float top);
void draw_backend_layout(views::Session& s, float top);  // its intents go to s.backend_asked

}  // namespace attn::ui
