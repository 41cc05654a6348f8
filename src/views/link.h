// link.h: the URL hash that reproduces what is on screen (the lab's LabState: model, text, playhead,
// view, tweaks), printed and parsed here in plain C++; web/page.js keeps only the browser's side
// (history.replaceState, hashchange, applying the result) and reaches these through the API table
// (link.print, link.parse). Not the state itself (lab.h). Test: tests/unit/test_views_link.cpp.
#pragma once

#include "views/lab.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace attn::views {

// One key of a link: short, and printed only where the state differs from the defaults, so a link
// stays short and readable:  #m=bahdanau&t=the+cat+eats&at=2.4&temp=0.5&norm=hard
struct LinkKey {
    const char* key;   // "temp"
    const char* what;  // what it holds, in README's words ("attention temperature")
    // The value's text for a state (before percent-encoding).
    std::string (*print)(const LabState& s);
    // Reads the (decoded) value into *part, a fragment of a setState argument ({"options":
    // {"temperature": 0.5}}). Returns "" or why it cannot: "'temp' must be a number".
    std::string (*read)(const std::string& value, nlohmann::json* part);
};

// Every key, in the order a link prints them.
const std::vector<LinkKey>& link_keys();

// Keys the page reads itself (the tour: #tour=0), not part of what is on screen.
const std::vector<std::string>& link_page_keys();

// The hash text for `state` (no '#'; "" when everything equals `defaults`). Values are
// percent-encoded as encodeURIComponent does, a space as '+', and : @ / ? $ , ; kept as they are.
std::string link_print(const LabState& state, const LabState& defaults);

// A hash read back (a leading '#' is optional).
struct LinkRead {
    nlohmann::json partial = nlohmann::json::object();  // a setState argument: the parts that could be read
    nlohmann::json params = nlohmann::json::object();   // the page's own keys, by name (tour)
    std::vector<std::string> problems;  // each part skipped and why, in the order of the hash
};

// Every part `key=value` of the hash, '&'-separated, is read on its own: the value percent-decoded
// ('+' is a space), then by its key's reader, then checked against the tables through
// lab_state_apply_json (view_ids: the views table's ids, as there) and the models table. A part that
// fails any of these is left out of `partial` with a problem; a key given twice keeps its last value.
// Never throws; every problem is valid UTF-8 (bad bytes of a quoted key read U+FFFD).
LinkRead link_parse(std::string_view hash, const std::vector<std::string>& view_ids);

nlohmann::json link_read_to_json(const LinkRead& r);

// Numbers as a link writes them: 6 significant digits (float noise off: 0.30000001 -> 0.3), in
// JavaScript's shortest form (String(Number(x.toPrecision(6)))): 0.5, 1e-7, 123457000.
std::string link_number(double x);

}  // namespace attn::views
