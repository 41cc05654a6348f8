// stepper.h: a playhead over the stages of a trace, animated at a fixed rate independent of the
// frame rate (each stage lasts seconds_per_stage / speed; the UI passes real elapsed time).
// Not UI code: no ImGui. Test: tests/unit/test_stepper.cpp.
#pragma once

namespace attn {

class Stepper {
public:
    explicit Stepper(int stage_count = 1) { set_stage_count(stage_count); }

    void set_stage_count(int n);
    int stage_count() const { return count_; }
    int stage() const { return stage_; }
    // Progress within the current stage, 0..1, for interpolated drawing (1 when paused mid-stage, and
    // always 1 when transitions are instant).
    float progress() const { return playing_ && !instant_ ? progress_ : 1.0f; }
    // Instant transitions (prefers-reduced-motion): each stage is drawn whole at once; playing still
    // moves from stage to stage at the same pace, and only when asked to play.
    void set_instant(bool instant) { instant_ = instant; }
    bool instant() const { return instant_; }
    bool playing() const { return playing_; }
    float speed() const { return speed_; }

    void play() { playing_ = true; if (stage_ == count_ - 1 && progress_ >= 1.0f) restart(); }
    void pause() { playing_ = false; }
    void toggle() { playing_ ? pause() : play(); }
    void restart() { stage_ = 0; progress_ = 0.0f; }
    void seek(int stage);        // clamps; shows the stage complete
    void step_forward() { seek(stage_ + 1); }
    void step_back() { seek(stage_ - 1); }
    void set_speed(float s) { speed_ = s < 0.05f ? 0.05f : (s > 20.0f ? 20.0f : s); }

    // Advances by dt seconds of wall time. Returns true when the stage changed.
    bool advance(double dt);

    static constexpr double kSecondsPerStage = 1.2;

private:
    int count_ = 1;
    int stage_ = 0;
    float progress_ = 1.0f;
    float speed_ = 1.0f;
    bool playing_ = false;
    bool instant_ = false;
};

}  // namespace attn
