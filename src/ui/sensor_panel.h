// sensor_panel.h: the sensor view (seed 000): a held-out sample of the well-sensor generator, its four
// channels over 100 steps with the model's attention weights over time laid over them and the injected
// event marked, the predicted event with its probability, the parameter count of seed 000's attention
// (64x64 + 64 = 4,160 and 64 + 1 = 65, total 4,225, read from the model), and the pooling's stages.
// Draws a const views::SensorViewState's run (the engine's trace) and returns the sample asked for; computes
// no attention. sensor_panel.cpp also holds the Sensor view's row of the views table.
// Test: tests/e2e/views.test.mjs.
#pragma once

#include "views/view_states.h"
#include "ui/widgets.h"


namespace attn::ui {

views::SensorAsk draw_sensor_view(const views::SensorViewState& view, Rect where);

}  // namespace attn::ui
