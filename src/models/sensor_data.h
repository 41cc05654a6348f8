// sensor_data.h: seed 000's well-sensor data, made up by a documented generator: 100 hourly steps of
// pressure, temperature, flow and pump vibration, each sample with exactly one event (or none) whose
// class, start and width are recorded, so the page can show samples and a test can check that the
// sensor model's attention falls on the event. Deterministic from (seed, index). Not real data, not
// a physical simulation. Test: tests/unit/test_sensor_data.cpp.
//
// Base signal, per channel: a level drawn per sample, a slow linear trend, a daily cycle (period
// 20-28 steps, a random phase; flow moves against pressure, temperature lags), Gaussian noise.
//   pressure    185-215 bar,  trend up to ±2.5 over the window, daily ±1-3,    noise 0.4
//   temperature  62-78 °C,    trend up to ±1,                    daily ±0.5-1.5, noise 0.15
//   flow         42-58 m³/h,  trend up to ±1.5,                  daily ±1-2.5,  noise 0.5
//   vibration   2.0-3.0 mm/s, no trend or cycle,                                noise 0.12
// Events (one per sample, class uniform over the five), inside steps [10, 95):
//   normal          nothing happens; start -1, width 0
//   pressure_spike  width 3-6: pressure rises by 20-35 bar in a half-sine bump, flow dips by a tenth
//   shut_in         width 12-24: flow drops to ~0 (|noise| * 0.1), pressure builds up by 20-40 bar
//                   and temperature falls by 2-5 °C (time constant width/4); after it, flow comes
//                   back and the excess pressure and cooling decay within a few steps
//   sensor_drift    width 15-30: the temperature reading ramps by ±10-16 °C over the window and
//                   keeps that offset to the end (a miscalibrated gauge: nothing else changes)
//   vibration_burst width 6-12: vibration rises by 4-7 mm/s (×0.6 to ×1.0, oscillating)
// Same (seed, index) -> the same sample on one platform; across platforms samples agree to float
// rounding of sin/exp/log (libm), not bit for bit.
#pragma once

#include "core/tensor.h"

#include <cstdint>

namespace attn {

constexpr int kSensorSteps = 100;
constexpr int kSensorChannels = 4;
enum SensorChannel : int { kPressure = 0, kTemperature = 1, kFlow = 2, kVibration = 3 };

enum class SensorEvent : int { Normal = 0, PressureSpike, ShutIn, SensorDrift, VibrationBurst };
constexpr int kSensorEventCount = 5;

const char* sensor_event_name(SensorEvent e);  // "normal", "pressure_spike", "shut_in", ...
const char* sensor_channel_name(int channel);  // "pressure", "temperature", "flow", "vibration"
const char* sensor_channel_unit(int channel);  // "bar", "°C", "m³/h", "mm/s"

struct SensorSample {
    Mat values;  // [kSensorSteps, kSensorChannels], physical units
    SensorEvent event = SensorEvent::Normal;
    int event_start = -1;    // first step of the event window; -1 for Normal
    int event_width = 0;     // steps in the window; 0 for Normal
    int event_channel = -1;  // the channel where the event shows most; -1 for Normal
    bool in_event(int t) const { return event_width > 0 && t >= event_start && t < event_start + event_width; }
};

SensorSample generate_sensor_sample(uint64_t seed, uint64_t index);

// Fixed per-channel centering and scaling, (x - center) / scale, so a model sees values near [-2, 2]
// in normal operation: pressure (200, 20), temperature (70, 6), flow (50, 10), vibration (2.5, 1.5).
struct SensorScaling {
    float center, scale;
};
extern const SensorScaling kSensorScaling[kSensorChannels];
Mat normalize_sensor_values(const Mat& values);  // [T, kSensorChannels] -> same shape

}  // namespace attn
