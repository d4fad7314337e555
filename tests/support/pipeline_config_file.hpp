#pragma once

// The two-stage pipeline config (incoming -> processed, IDs from the key)
// that the tests running the built binary write next to their store.
// Test-thread only.

#include <QFile>
#include <QString>
#include <QTemporaryDir>

#include <string>

namespace slatrack::test {

struct PipelineConfigFile {
    QString extra;  // appended after "grace", e.g. R"(, "metrics": 9464)"
    QString idFormat = QStringLiteral("composite");
    QString incomingTopic = QStringLiteral("incoming");
    QString grace = QStringLiteral("5s");
};

// Writes dir/pipeline.json (SLA 2 s, window 5 min) and returns its path.
inline QString writePipelineConfig(const QTemporaryDir& dir, const std::string& brokers, const PipelineConfigFile& options = {})
{
    const QString path = dir.filePath(QStringLiteral("pipeline.json"));
    QFile file(path);
    file.open(QIODevice::WriteOnly);
    file.write(QStringLiteral(R"({
  "pipeline": "orders",
  "kafka": {"brokers": "%1", "properties": {"fetch.wait.max.ms": "20"}},
  "id_format": "%3",
  "stages": [
    {"name": "incoming", "topics": ["%4"], "id": {"from": "key"}},
    {"name": "processed", "topics": ["processed"], "id": {"from": "key"}}
  ],
  "sla": "2s", "window": "5m", "grace": "%5"%2
})")
                   .arg(QString::fromStdString(brokers), options.extra, options.idFormat, options.incomingTopic, options.grace)
                   .toUtf8());
    return path;
}

} // namespace slatrack::test
