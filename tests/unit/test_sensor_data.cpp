// test_sensor_data.cpp: the seed-000 sensor generator: determinism, shapes and windows, class
// balance, and each event class's signature present exactly where the sample says it is.
#include "models/sensor_data.h"

#include "core/check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace attn {
namespace {

double mean(const SensorSample& s, int channel, int from, int to) {  // steps [from, to)
    double sum = 0;
    for (int t = from; t < to; ++t) sum += s.values(t, channel);
    return sum / (to - from);
}

double mean_outside_event(const SensorSample& s, int channel) {
    double sum = 0;
    int n = 0;
    for (int t = 0; t < kSensorSteps; ++t)
        if (!s.in_event(t)) {
            sum += s.values(t, channel);
            ++n;
        }
    return sum / n;
}

TEST(SensorData, DeterministicFromSeedAndIndex) {
    const SensorSample a = generate_sensor_sample(0, 17), b = generate_sensor_sample(0, 17);
    EXPECT_TRUE(a.values == b.values);  // bit-identical on one platform
    EXPECT_EQ(a.event, b.event);
    EXPECT_EQ(a.event_start, b.event_start);
    EXPECT_EQ(a.event_width, b.event_width);
    EXPECT_FALSE(generate_sensor_sample(0, 18).values == a.values);
    EXPECT_FALSE(generate_sensor_sample(1, 17).values == a.values);
}

TEST(SensorData, ShapesWindowsAndChannelsAreConsistent) {
    const int kWidth[kSensorEventCount][2] = {{0, 0}, {3, 6}, {12, 24}, {15, 30}, {6, 12}};
    const int kChannel[kSensorEventCount] = {-1, kPressure, kFlow, kTemperature, kVibration};
    for (uint64_t i = 0; i < 500; ++i) {
        const SensorSample s = generate_sensor_sample(42, i);
        ASSERT_EQ(s.values.rows(), kSensorSteps);
        ASSERT_EQ(s.values.cols(), kSensorChannels);
        ASSERT_TRUE(s.values.allFinite());
        const int e = static_cast<int>(s.event);
        EXPECT_EQ(s.event_channel, kChannel[e]);
        if (s.event == SensorEvent::Normal) {
            EXPECT_EQ(s.event_start, -1);
            EXPECT_EQ(s.event_width, 0);
            continue;
        }
        EXPECT_GE(s.event_width, kWidth[e][0]);
        EXPECT_LE(s.event_width, kWidth[e][1]);
        EXPECT_GE(s.event_start, 10);
        EXPECT_LE(s.event_start + s.event_width, 95);
        EXPECT_TRUE(s.in_event(s.event_start));
        EXPECT_FALSE(s.in_event(s.event_start + s.event_width));
        EXPECT_GE(s.values.col(kFlow).minCoeff(), 0.0f);  // a flow rate is never negative
    }
}

TEST(SensorData, ClassesAreBalanced) {
    int count[kSensorEventCount] = {};
    const int n = 5000;
    for (uint64_t i = 0; i < n; ++i) ++count[static_cast<int>(generate_sensor_sample(7, i).event)];
    // expected 1000 each; the standard deviation is about 28, so ±150 cannot fail by chance
    for (int c = 0; c < kSensorEventCount; ++c) {
        EXPECT_GT(count[c], 850) << sensor_event_name(static_cast<SensorEvent>(c));
        EXPECT_LT(count[c], 1150) << sensor_event_name(static_cast<SensorEvent>(c));
    }
}

// Thresholds leave a margin of several noise standard deviations and the largest change the daily
// cycle and trend can make over the steps compared (see sensor_data.h for the ranges).
TEST(SensorData, EachEventsSignatureIsWhereItIsRecorded) {
    int seen[kSensorEventCount] = {};
    for (uint64_t i = 0; i < 400; ++i) {
        const SensorSample s = generate_sensor_sample(0, i);
        const int start = s.event_start, end = s.event_start + s.event_width;
        ++seen[static_cast<int>(s.event)];
        switch (s.event) {
            case SensorEvent::Normal: {
                double max_jump = 0;
                for (int t = 1; t < kSensorSteps; ++t)
                    max_jump = std::max(max_jump, double(std::fabs(s.values(t, kPressure) - s.values(t - 1, kPressure))));
                EXPECT_LT(max_jump, 5.0) << i;
                EXPECT_GT(s.values.col(kFlow).minCoeff(), 30.0f) << i;
                EXPECT_LT(s.values.col(kVibration).maxCoeff(), 4.0f) << i;
                break;
            }
            case SensorEvent::PressureSpike: {
                const double peak = s.values.col(kPressure).segment(start, s.event_width).maxCoeff();
                const double neighbours = std::max(s.values(start - 1, kPressure), s.values(end, kPressure));
                EXPECT_GT(peak - neighbours, 8.0) << i;
                break;
            }
            case SensorEvent::ShutIn:
                EXPECT_LT(s.values.col(kFlow).segment(start, s.event_width).maxCoeff(), 1.0f) << i;
                EXPECT_GT(mean(s, kFlow, 0, start), 30.0) << i;
                EXPECT_GT(s.values(end - 1, kPressure) - mean(s, kPressure, start - 3, start), 10.0) << i;
                break;
            case SensorEvent::SensorDrift:
                EXPECT_GT(std::fabs(mean(s, kTemperature, end - 3, end) - mean(s, kTemperature, start - 3, start)), 4.0) << i;
                EXPECT_GT(s.values.col(kFlow).minCoeff(), 30.0f) << i;  // the process itself is undisturbed
                break;
            case SensorEvent::VibrationBurst:
                EXPECT_GT(mean(s, kVibration, start, end) - mean_outside_event(s, kVibration), 2.0) << i;
                break;
        }
    }
    for (int c = 0; c < kSensorEventCount; ++c) EXPECT_GT(seen[c], 40) << sensor_event_name(static_cast<SensorEvent>(c));
}

TEST(SensorData, NormalizationUsesTheFixedScaling) {
    const SensorSample s = generate_sensor_sample(3, 0);
    const Mat z = normalize_sensor_values(s.values);
    for (int c = 0; c < kSensorChannels; ++c)
        EXPECT_FLOAT_EQ(z(5, c), (s.values(5, c) - kSensorScaling[c].center) / kSensorScaling[c].scale);
    EXPECT_THROW(normalize_sensor_values(Mat::Zero(3, 5)), ShapeError);
}

TEST(SensorData, NamesAndUnits) {
    EXPECT_STREQ(sensor_event_name(SensorEvent::ShutIn), "shut_in");
    EXPECT_STREQ(sensor_channel_name(kFlow), "flow");
    EXPECT_STREQ(sensor_channel_unit(kPressure), "bar");
    EXPECT_STREQ(sensor_channel_unit(kTemperature), "\xC2\xB0" "C");  // °C in UTF-8
    EXPECT_STREQ(sensor_channel_name(9), "?");
}

}  // namespace
}  // namespace attn
