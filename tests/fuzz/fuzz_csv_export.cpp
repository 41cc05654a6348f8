// fuzz_csv_export.cpp: the CSV export of arbitrary states. Any bytes become a lab state and the lab
// runs the engine on it (fuzz_lab.h); the current step is exported as CSV (lab_trace_csv). Properties:
// the CSV is RFC 4180, the header then 7 fields per record, each value a number or inf / -inf / nan.
// The heatmap and the PNG are fuzz_png_export's.
// Test: scripts/fuzz.mjs (make fuzz; corpus: tests/fuzz/corpus/csv_export).
#include "fuzz_check.h"
#include "fuzz_lab.h"

#include "views/lab_export.h"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

// RFC 4180 records: fields separated by commas, quoted fields may hold commas, quotes ("") and newlines.
// Checked as it is read, one field at a time, keeping only the field being read (a step's CSV has two
// records per target word: storing every field of every record was most of this harness's time): the
// header first, then 7 fields per record, the last a number or inf / -inf / nan. Returns the number of
// records.
size_t check_csv(const std::string& s) {
    std::string field;
    size_t records = 0, fields = 0;
    bool quoted = false, any = false;
    auto end_field = [&] {
        if (records == 0 && fields == 0) FUZZ_CHECK(field == "stage");
        ++fields;
    };
    auto end_record = [&] {
        if (records > 0 && fields == 6) {  // the value, the 7th field
            char* end = nullptr;
            std::strtod(field.c_str(), &end);
            FUZZ_CHECK(!field.empty() && (*end == '\0' || field == "inf" || field == "-inf" || field == "nan"));
        }
        end_field();
        FUZZ_CHECK(fields == 7);
        ++records;
        fields = 0;
        field.clear();
        any = false;
    };
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        any = true;
        if (quoted) {
            if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            end_field();
            field.clear();
        } else if (c == '\n' || (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) {
            if (c == '\r') ++i;
            end_record();
        } else {
            field += c;
        }
    }
    FUZZ_CHECK(!quoted);
    if (any) end_record();
    return records;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    attn::views::Lab lab;
    fuzz_lab::run(std::string(reinterpret_cast<const char*>(data), size), lab);
    FUZZ_CHECK(check_csv(attn::views::lab_trace_csv(lab)) >= 1);
    return 0;
}
