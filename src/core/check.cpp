// check.cpp: see check.h.
#include "core/check.h"

#include <cstdint>
#include <cstring>

namespace attn {

void check_finite(const char* op, const char* name, const float* x, long n) {
    // First a pass without branches: a float is NaN or Inf exactly when its exponent bits are all ones,
    // and OR-ing a flag per value is a loop the compiler vectorizes (the models call this on every
    // step's inputs). Only when it finds one does the loop below look for the first, to name it.
    uint32_t any = 0;
    for (long i = 0; i < n; ++i) {
        uint32_t bits;
        std::memcpy(&bits, x + i, sizeof bits);
        any |= (bits & 0x7f800000u) == 0x7f800000u;
    }
    if (!any) return;
    for (long i = 0; i < n; ++i) {
        if (!std::isfinite(x[i]))
            throw NonFiniteError(std::string(op) + ": " + name + "[" + std::to_string(i) + "] is " +
                                 (std::isnan(x[i]) ? "NaN" : "Inf") + "; refusing to let it spread");
    }
}

}  // namespace attn
