// trace.cpp: stage names. See trace.h.
#include "trace/trace.h"

namespace attn {

const char* stage_name(Stage s) {
    switch (s) {
        case Stage::QueryKeys: return "query_keys";
        case Stage::Scores: return "scores";
        case Stage::Scale: return "scale";
        case Stage::Mask: return "mask";
        case Stage::Softmax: return "softmax";
        case Stage::Context: return "context";
        case Stage::Output: return "output";
        case Stage::Count: break;
    }
    return "unknown";
}

const char* stage_title(Stage s) {
    switch (s) {
        case Stage::QueryKeys: return "1. Query and keys";
        case Stage::Scores: return "2. Scores (query . key)";
        case Stage::Scale: return "3. Scale by 1/sqrt(d)";
        case Stage::Mask: return "4. Mask";
        case Stage::Softmax: return "5. Softmax";
        case Stage::Context: return "6. Context (weighted sum)";
        case Stage::Output: return "7. Output";
        case Stage::Count: break;
    }
    return "unknown";
}

}  // namespace attn
