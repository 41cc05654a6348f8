// trace.cpp: stage names, read from the stage table. See trace.h.
#include "trace/trace.h"

namespace attn {

namespace {
const StageRow* row(Stage s) {
    const int i = static_cast<int>(s);
    return i >= 0 && i < static_cast<int>(Stage::Count) ? &kStages[i] : nullptr;
}
}  // namespace

const char* stage_name(Stage s) {
    const StageRow* r = row(s);
    return r ? r->name : "unknown";
}

const char* stage_title(Stage s) {
    const StageRow* r = row(s);
    return r ? r->title : "unknown";
}

}  // namespace attn
