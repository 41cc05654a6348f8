// sensor_data.cpp: see sensor_data.h for the generator's definition. Draw order is fixed (class,
// base parameters, noise for every step and channel, then event parameters) so that a sample never
// depends on anything but (seed, index).
#include "models/sensor_data.h"

#include "core/check.h"
#include "core/rng.h"

#include <cmath>

namespace attn {

const SensorScaling kSensorScaling[kSensorChannels] = {{200.0f, 20.0f}, {70.0f, 6.0f}, {50.0f, 10.0f}, {2.5f, 1.5f}};

const char* sensor_event_name(SensorEvent e) {
    switch (e) {
        case SensorEvent::Normal: return "normal";
        case SensorEvent::PressureSpike: return "pressure_spike";
        case SensorEvent::ShutIn: return "shut_in";
        case SensorEvent::SensorDrift: return "sensor_drift";
        case SensorEvent::VibrationBurst: return "vibration_burst";
    }
    return "?";
}

const char* sensor_channel_name(int channel) {
    static const char* const kNames[kSensorChannels] = {"pressure", "temperature", "flow", "vibration"};
    return channel >= 0 && channel < kSensorChannels ? kNames[channel] : "?";
}

const char* sensor_channel_unit(int channel) {
    static const char* const kUnits[kSensorChannels] = {"bar", "°C", "m³/h", "mm/s"};  // UTF-8
    return channel >= 0 && channel < kSensorChannels ? kUnits[channel] : "?";
}

namespace {

constexpr double kTwoPi = 6.283185307179586;
constexpr double kPi = 3.141592653589793;

// One generator per sample: index and seed mixed by SplitMix64 so nearby indices are unrelated.
Rng sample_rng(uint64_t seed, uint64_t index) {
    Rng mix(seed ^ (index * 0xD1B54A32D192ED03ull));
    mix.next_u64();
    return Rng(mix.next_u64() ^ index);
}

int uniform_int(Rng& rng, int lo, int hi) {  // in [lo, hi]
    return lo + static_cast<int>(rng.next_u64() % static_cast<uint64_t>(hi - lo + 1));
}

}  // namespace

SensorSample generate_sensor_sample(uint64_t seed, uint64_t index) {
    Rng rng = sample_rng(seed, index);
    SensorSample s;
    s.event = static_cast<SensorEvent>(rng.next_u64() % kSensorEventCount);

    // the base signal
    const double period = rng.uniform(20.0f, 28.0f), phase = rng.uniform(0.0f, float(kTwoPi));
    const double p_level = rng.uniform(185.0f, 215.0f), p_slope = rng.uniform(-0.05f, 0.05f), p_amp = rng.uniform(1.0f, 3.0f);
    const double t_level = rng.uniform(62.0f, 78.0f), t_slope = rng.uniform(-0.02f, 0.02f), t_amp = rng.uniform(0.5f, 1.5f);
    const double f_level = rng.uniform(42.0f, 58.0f), f_slope = rng.uniform(-0.03f, 0.03f), f_amp = rng.uniform(1.0f, 2.5f);
    const double v_level = rng.uniform(2.0f, 3.0f);
    s.values.resize(kSensorSteps, kSensorChannels);
    for (int t = 0; t < kSensorSteps; ++t) {
        const double angle = kTwoPi * t / period + phase, centered = t - 0.5 * (kSensorSteps - 1);
        const double noise[4] = {rng.normal(), rng.normal(), rng.normal(), rng.normal()};
        s.values(t, kPressure) = float(p_level + p_slope * centered + p_amp * std::sin(angle) + 0.4 * noise[0]);
        s.values(t, kTemperature) = float(t_level + t_slope * centered + t_amp * std::sin(angle - 0.6) + 0.15 * noise[1]);
        s.values(t, kFlow) = float(f_level + f_slope * centered - f_amp * std::sin(angle) + 0.5 * noise[2]);
        s.values(t, kVibration) = float(v_level + 0.12 * noise[3]);
    }
    if (s.event == SensorEvent::Normal) return s;

    // the event: a window inside [10, 95)
    static const int kWidth[kSensorEventCount][2] = {{0, 0}, {3, 6}, {12, 24}, {15, 30}, {6, 12}};
    static const int kChannel[kSensorEventCount] = {-1, kPressure, kFlow, kTemperature, kVibration};
    const int e = static_cast<int>(s.event);
    const int width = uniform_int(rng, kWidth[e][0], kWidth[e][1]);
    const int start = uniform_int(rng, 10, 95 - width);
    const int end = start + width;  // one past the window
    s.event_start = start;
    s.event_width = width;
    s.event_channel = kChannel[e];
    switch (s.event) {
        case SensorEvent::PressureSpike: {
            const double amplitude = rng.uniform(20.0f, 35.0f);
            for (int k = 0; k < width; ++k) {
                const double bump = amplitude * std::sin(kPi * (k + 0.5) / width);
                s.values(start + k, kPressure) += float(bump);
                s.values(start + k, kFlow) -= float(0.1 * bump);
            }
            break;
        }
        case SensorEvent::ShutIn: {
            const double build = rng.uniform(20.0f, 40.0f), cooling = rng.uniform(2.0f, 5.0f), tau = width / 4.0;
            for (int k = 0; k < width; ++k) {
                const double approach = 1.0 - std::exp(-(k + 1) / tau);
                s.values(start + k, kFlow) = float(0.1 * std::fabs(rng.normal()));
                s.values(start + k, kPressure) += float(build * approach);
                s.values(start + k, kTemperature) -= float(cooling * approach);
            }
            const double reached = 1.0 - std::exp(-width / tau);
            for (int t = end; t < kSensorSteps; ++t) {  // reopening: flow returns, the excess decays
                const double decay = std::exp(-(t - end + 1) / 3.0);
                s.values(t, kFlow) *= float(1.0 - std::exp(-(t - end + 1) / 1.5));
                s.values(t, kPressure) += float(build * reached * decay);
                s.values(t, kTemperature) -= float(cooling * reached * decay);
            }
            break;
        }
        case SensorEvent::SensorDrift: {
            const double offset = (rng.next_u64() & 1 ? 1.0 : -1.0) * rng.uniform(10.0f, 16.0f);
            for (int t = start; t < kSensorSteps; ++t)
                s.values(t, kTemperature) += float(t < end ? offset * (t - start + 1) / width : offset);
            break;
        }
        case SensorEvent::VibrationBurst: {
            const double amplitude = rng.uniform(4.0f, 7.0f);
            for (int k = 0; k < width; ++k)
                s.values(start + k, kVibration) += float(amplitude * (0.6 + 0.4 * std::fabs(std::sin(1.9 * k))));
            break;
        }
        case SensorEvent::Normal: break;
    }
    return s;
}

Mat normalize_sensor_values(const Mat& values) {
    if (values.cols() != kSensorChannels)
        throw ShapeError("normalize_sensor_values: values " + shape_str(values) + " must have " +
                         std::to_string(kSensorChannels) + " channels");
    Mat out(values.rows(), values.cols());
    for (int t = 0; t < values.rows(); ++t)
        for (int c = 0; c < values.cols(); ++c)
            out(t, c) = (values(t, c) - kSensorScaling[c].center) / kSensorScaling[c].scale;
    return out;
}

}  // namespace attn
