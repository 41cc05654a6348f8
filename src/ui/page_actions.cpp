// page_actions.cpp: see page_actions.h.
#include "ui/page_actions.h"

namespace attn::ui {

namespace {
std::vector<PageAction> g_queue;
}  // namespace

void post_page_action(std::string kind, std::string detail) { g_queue.push_back({std::move(kind), std::move(detail)}); }

std::vector<PageAction> take_page_actions() {
    std::vector<PageAction> out;
    out.swap(g_queue);
    return out;
}

}  // namespace attn::ui
