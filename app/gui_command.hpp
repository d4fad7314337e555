#pragma once

namespace slatrack::app {

// `slatrack [--demo] [-c FILE] [--war-room]`: the dashboard.
int runGuiCommand(int argc, char* argv[]);

} // namespace slatrack::app
