// translator.cpp: see translator.h.
#include "models/translator.h"

#include "core/rng.h"

#include <cmath>

namespace attn {

Vec nudge_direction(int dim) {
    Rng rng(seed_from_name("nudge"));
    Vec u(dim);
    for (int i = 0; i < dim; ++i) u[i] = rng.normal();
    return u / u.norm();
}

}  // namespace attn
