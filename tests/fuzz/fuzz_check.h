// fuzz_check.h: what every harness of tests/fuzz shares: FUZZ_CHECK, a property that must hold for
// every input (a failure prints the property and aborts, which libFuzzer reports as a crash and
// keeps as crash-<sha1>). Not a test framework. Test: scripts/fuzz.mjs (make fuzz runs the harnesses that use it).
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                  \
        }                                                                                  \
    } while (0)
