// test_stepper.cpp: the playhead advances at a fixed rate whatever the frame rate.
#include "trace/stepper.h"

#include <gtest/gtest.h>

namespace attn {
namespace {

TEST(Stepper, SameWallTimeSameStageAtAnyFrameRate) {
    Stepper slow(6), fast(6);
    slow.play();
    fast.play();
    for (int i = 0; i < 30; ++i) slow.advance(1.0 / 30);    // 1 s at 30 fps
    for (int i = 0; i < 240; ++i) fast.advance(1.0 / 240);  // 1 s at 240 fps
    EXPECT_EQ(slow.stage(), fast.stage());
    EXPECT_NEAR(slow.progress(), fast.progress(), 1e-3);
}

TEST(Stepper, StopsAtTheLastStageAndReplaysFromStart) {
    Stepper s(3);
    s.play();
    s.advance(100.0);
    EXPECT_EQ(s.stage(), 2);
    EXPECT_FALSE(s.playing());
    s.play();
    EXPECT_EQ(s.stage(), 0);
}

TEST(Stepper, StepAndSeekClamp) {
    Stepper s(4);
    s.step_back();
    EXPECT_EQ(s.stage(), 0);
    s.seek(10);
    EXPECT_EQ(s.stage(), 3);
    s.step_forward();
    EXPECT_EQ(s.stage(), 3);
    s.step_back();
    EXPECT_EQ(s.stage(), 2);
    EXPECT_FLOAT_EQ(s.progress(), 1.0f);
}

TEST(Stepper, SpeedScalesTime) {
    Stepper a(10), b(10);
    a.play();
    b.play();
    b.set_speed(2.0f);
    a.advance(Stepper::kSecondsPerStage * 2);
    b.advance(Stepper::kSecondsPerStage);
    EXPECT_EQ(a.stage(), b.stage());
}

// prefers-reduced-motion: each stage is drawn whole at once, and playing keeps the same pace.
TEST(Stepper, InstantTransitionsDrawEachStageWhole) {
    Stepper a(5), b(5);
    b.set_instant(true);
    a.play();
    b.play();
    a.advance(Stepper::kSecondsPerStage * 1.5);
    b.advance(Stepper::kSecondsPerStage * 1.5);
    EXPECT_LT(a.progress(), 1.0f);
    EXPECT_FLOAT_EQ(b.progress(), 1.0f);
    EXPECT_EQ(a.stage(), b.stage());
    EXPECT_TRUE(b.playing());
}

}  // namespace
}  // namespace attn
