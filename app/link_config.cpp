#include "link_config.hpp"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

#include <nlohmann/json.hpp>

namespace slatrack::app {

namespace {
// A config is a few KB; a bigger *.json in these folders is something else.
constexpr qint64 kMaxConfigBytes = 4 * 1024 * 1024;

std::string pipelineOf(const QString& path)
{
    QFile file(path);
    if (file.size() > kMaxConfigBytes || !file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = file.readAll();
    const auto parsed = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
    if (!parsed.is_object())
        return {};
    const auto found = parsed.find("pipeline");
    return found != parsed.end() && found->is_string() ? found->get<std::string>() : std::string();
}
} // namespace

QStringList linkConfigFolders()
{
    QStringList folders = QStandardPaths::standardLocations(QStandardPaths::AppConfigLocation);
    folders << QStringLiteral("/etc/slatrack");
    folders.removeDuplicates();
    return folders;
}

LinkConfig findConfigForPipeline(const std::string& pipeline, const QStringList& folders)
{
    LinkConfig out;
    QStringList looked;
    for (const QString& folder : folders) {
        looked << QDir(folder).filePath(QStringLiteral("*.json"));
        const QDir dir(folder);
        for (const QString& name : dir.entryList({QStringLiteral("*.json")}, QDir::Files | QDir::Readable, QDir::Name)) {
            const QString path = dir.filePath(name);
            if (pipelineOf(path) != pipeline)
                continue;
            if (out.path.isEmpty())
                out.path = path;
            else
                out.alsoMatching << path;
        }
    }
    if (out.path.isEmpty())
        out.error = QStringLiteral("no config for pipeline \"%1\" in %2; pass one with -c FILE")
                        .arg(QString::fromStdString(pipeline), looked.join(QStringLiteral(", ")));
    return out;
}

} // namespace slatrack::app
