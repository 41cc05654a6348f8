// positional.cpp: see positional.h. Double precision because pos * frequency reaches hundreds for
// long inputs, where a float argument would already be off by ~1e-5 before the sin.
#include "nn/positional.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace attn {

Mat sinusoidal_positional_encoding(int T, int D, double base) {
    if (T < 0 || D < 0)
        throw std::invalid_argument("sinusoidal_positional_encoding: T and D must be >= 0, got T = " +
                                    std::to_string(T) + ", D = " + std::to_string(D));
    Mat pe(T, D);
    for (int d = 0; d < D; ++d) {
        const int two_i = d - d % 2;  // both columns of a pair use the exponent 2i / D of the even one
        const double inv_wavelength = std::pow(base, -static_cast<double>(two_i) / D);
        for (int pos = 0; pos < T; ++pos) {
            const double angle = pos * inv_wavelength;
            pe(pos, d) = static_cast<float>(d % 2 == 0 ? std::sin(angle) : std::cos(angle));
        }
    }
    return pe;
}

}  // namespace attn
