#pragma once

namespace slatrack::app {

// `slatrack test-page -c FILE [--pager NAME]`: sends a test trigger and its
// resolve to the configured pagers and prints what came back.
// Exit 0 when every page was accepted, 1 when one was not, 2 on error.
int runTestPageCommand(int argc, char* argv[]);

} // namespace slatrack::app
