// sensor_panel.h: the sensor view (seed 000): a held-out sample's four channels with the attention weights
// over time and the injected event, the prediction, the attention's parameter count read from the model,
// the pooling's stages. Draws a const views::SensorViewState, returns the sample asked for; the .cpp holds
// the view's row. Test: tests/e2e/views.test.mjs.
#pragma once

#include "views/view_states.h"
#include "ui/widgets.h"


namespace attn::ui {

views::SensorAsk draw_sensor_view(const views::SensorViewState& view, Rect where);

}  // namespace attn::ui
