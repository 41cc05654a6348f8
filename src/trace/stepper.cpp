// stepper.cpp: see stepper.h.
#include "trace/stepper.h"

namespace attn {

void Stepper::set_stage_count(int n) {
    count_ = n < 1 ? 1 : n;
    if (stage_ >= count_) seek(count_ - 1);
}

void Stepper::seek(int stage) {
    stage_ = stage < 0 ? 0 : (stage >= count_ ? count_ - 1 : stage);
    progress_ = 1.0f;
}

bool Stepper::advance(double dt) {
    if (!playing_ || dt <= 0) return false;
    const int before = stage_;
    double p = progress_ + dt * speed_ / kSecondsPerStage;
    while (p >= 1.0 && stage_ < count_ - 1) {
        p -= 1.0;
        ++stage_;
    }
    if (stage_ == count_ - 1 && p >= 1.0) {  // the last stage completes: stop there
        p = 1.0;
        playing_ = false;
    }
    progress_ = static_cast<float>(p);
    return stage_ != before;
}

}  // namespace attn
