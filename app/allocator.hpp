#pragma once

#include <string>

namespace slatrack::app {

// Which allocator this executable runs on and with what settings, as
// jemalloc itself reports them ("jemalloc 5.3.0-0-g... (narenas 2, ...)"),
// or "glibc malloc" in a sanitizer build. Printed by --version.
std::string allocatorDescription();

} // namespace slatrack::app
