#pragma once

#include <string>

namespace slatrack::app {

// The full --help text: every mode from DESIGN.md's command line.
std::string usageText();

// "slatrack X.Y.Z" plus the versions of the libraries it was built with.
std::string versionText();

} // namespace slatrack::app
