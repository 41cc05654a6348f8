// compare.h: how far a result is from its reference, the one way every backend check measures it
// (unit tests, the GPU self-check, the lab's GPU decode, the Backend window): the normalized mean
// squared error, and the largest absolute difference with where it is. Not a tolerance: each
// caller states and justifies its own bound. Test: tests/unit/test_compare.cpp.
#pragma once

#include <cmath>
#include <limits>

namespace attn {

struct Difference {
    long size = 0;          // pairs compared
    double err2 = 0;        // sum (got - want)^2
    double ref2 = 0;        // sum want^2 over the finite entries of want
    double max_abs = 0;     // largest |got - want|; infinite when one side is NaN or infinite and the other is not
    long max_at = -1;       // index of max_abs (counted across add() calls); -1 while every pair agrees exactly

    // sum (got - want)^2 / sum want^2, or the plain sum of squares when want is all zeros (so that a
    // zero reference still shows a difference); infinite when max_abs is.
    double nmse() const {
        if (std::isinf(max_abs)) return std::numeric_limits<double>::infinity();
        return ref2 > 0 ? err2 / ref2 : err2;
    }

    // Appends n more pairs. Equal values (the same infinity, the -inf of a masked score) and two NaNs
    // agree; a NaN or an infinity against anything else is an infinite difference, never skipped.
    template <class Got, class Want>
    void add(const Got* got, const Want* want, long n) {
        for (long i = 0; i < n; ++i, ++size) {
            const double g = static_cast<double>(got[i]), w = static_cast<double>(want[i]);
            if (std::isfinite(w)) ref2 += w * w;
            if (g == w || (std::isnan(g) && std::isnan(w))) continue;
            double d = std::fabs(g - w);
            if (!std::isfinite(d)) d = std::numeric_limits<double>::infinity();
            else err2 += d * d;
            if (d > max_abs) {
                max_abs = d;
                max_at = size;
            }
        }
    }
};

// got[0..n) against want[0..n): got may be float or double, want too (a double reference).
template <class Got, class Want>
Difference compare(const Got* got, const Want* want, long n) {
    Difference d;
    d.add(got, want, n);
    return d;
}

}  // namespace attn
