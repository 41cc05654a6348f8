// page_actions.h: what a panel asks of the page around the app (download an export, remember the
// theme or the tour), queued during the frame and carried out after it by src/app/page.cpp: on the
// web by the page's JavaScript (Module.onPageAction), natively by writing files. Panels stay free
// of any browser or file-system code. Test: tests/e2e/page_habits.test.mjs.
#pragma once

#include <string>
#include <vector>

namespace attn::ui {

struct PageAction {
    std::string kind;    // "export", "theme", "tour"
    std::string detail;  // "png" / "csv"; "light" / "dark"; "finished" / "skipped"
};

void post_page_action(std::string kind, std::string detail);
std::vector<PageAction> take_page_actions();  // the queue, emptied

}  // namespace attn::ui
