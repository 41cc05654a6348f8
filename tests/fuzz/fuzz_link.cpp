// fuzz_link.cpp: the URL-state decoder, link_parse (src/views/link.h: the page hands it the hash as
// the visitor's address bar holds it). Any bytes are read as a hash: it never throws, every problem is
// valid UTF-8, and what it read is a fixed point: printed (link_print) and read back it gives no
// problem and prints the same text again, which holds only characters a link is written with.
// Test: scripts/fuzz.mjs (make fuzz; corpus: tests/fuzz/corpus/link).
#include "fuzz_check.h"

#include "core/utf8.h"
#include "views/link.h"

#include <cstdint>
#include <string>
#include <vector>

using namespace attn;

namespace {
// The views a link may name (the views table's ids in the app, which this harness does not link).
const std::vector<std::string> kViewIds = {views::LabState{}.view, "heads", "gallery", "seed001"};

views::LabState applied(const views::LinkRead& r) {
    views::LabState s;
    std::vector<std::string> warnings;
    views::lab_state_apply_json(s, r.partial, &warnings, kViewIds);
    FUZZ_CHECK(warnings.empty());  // the parser already asked the tables
    return s;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string hash(reinterpret_cast<const char*>(data), size);
    const views::LinkRead first = views::link_parse(hash, kViewIds);
    for (const std::string& p : first.problems) FUZZ_CHECK(utf8::is_valid(p));
    const views::LabState defaults;
    const std::string once = views::link_print(applied(first), defaults);
    FUZZ_CHECK(once.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                                      "-_.!~*'():@/?$,;%+=&") == std::string::npos);
    const views::LinkRead again = views::link_parse(once, kViewIds);
    FUZZ_CHECK(again.problems.empty());
    FUZZ_CHECK(views::link_print(applied(again), defaults) == once);
    FUZZ_CHECK(views::link_read_to_json(again).dump().size() > 0);
    return 0;
}
