// check.cpp: see check.h.
#include "core/check.h"

namespace attn {

void check_finite(const char* op, const char* name, const float* x, long n) {
    for (long i = 0; i < n; ++i) {
        if (!std::isfinite(x[i]))
            throw NonFiniteError(std::string(op) + ": " + name + "[" + std::to_string(i) + "] is " +
                                 (std::isnan(x[i]) ? "NaN" : "Inf") + "; refusing to let it spread");
    }
}

}  // namespace attn
