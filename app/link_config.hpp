#pragma once

#include <QString>
#include <QStringList>

#include <string>

namespace slatrack::app {

// Which config a link's pipeline is: `slatrack 'slatrack://open?pipeline=X'`
// without -c looks for a config whose "pipeline" is X among the configs
// slatrack knows.

// Where: $XDG_CONFIG_HOME/slatrack (~/.config/slatrack), each of
// $XDG_CONFIG_DIRS/slatrack (/etc/xdg/slatrack), then /etc/slatrack; the
// user's own first, so theirs wins over a system-wide one.
QStringList linkConfigFolders();

struct LinkConfig {
    QString path;          // the matching config; empty: none
    QStringList alsoMatching;  // later matches, not used (said in the log)
    QString error;         // none matches: names the pipeline and where it looked
};

// Every *.json in `folders`, in order (names sorted within a folder); a
// file's "pipeline" is read alone (comments allowed, as the loader allows
// them), so a matching config with other errors is still chosen and its
// errors are then shown as for -c FILE. Unreadable files are skipped.
LinkConfig findConfigForPipeline(const std::string& pipeline, const QStringList& folders);

} // namespace slatrack::app
