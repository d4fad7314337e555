// docs/config-reference.md against the loader (core/config/config_loader.cpp
// and the parsers it calls): the doc's tables list every field, and the
// loader's own lists of allowed keys are read back from its "unknown key
// (allowed: ...)" errors, so that neither can drift without this failing.
#include <QtTest>

#include <QFile>
#include <QTemporaryDir>

#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/config_loader.hpp"

using nlohmann::json;
using namespace slatrack::config;

namespace {

// A key no field will ever be called, and far from every real one, so that
// the loader's message lists the allowed keys without a "did you mean".
constexpr char kProbeKey[] = "zz_probe_not_a_field_zz";

// One row of a field table: | `path` | type | default | meaning |
struct DocField {
    std::string path;          // normalised: stages[].id.from
    std::string type;
    std::string defaultCell;
    std::optional<json> literalDefault;  // the default cell is one `JSON literal`
};

std::string trim(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Maps and secret references hold keys of the operator's (librdkafka
// properties, labels) or their own two-key shape: their insides are not
// config fields.
bool isOpaqueType(const std::string& type)
{
    return type.rfind("map of", 0) == 0 || type.rfind("secret reference", 0) == 0;
}

bool isIdentifier(const std::string& key)
{
    static const std::regex identifier("[A-Za-z_][A-Za-z0-9_]*");
    return std::regex_match(key, identifier);
}

// How the loader writes a path (json_fields.hpp childPath/indexPath).
std::string childPath(const std::string& parent, const std::string& key)
{
    if (!isIdentifier(key))
        return parent + "[\"" + key + "\"]";
    return parent.empty() ? key : parent + "." + key;
}

std::string normalisedChild(const std::string& parent, const std::string& key)
{
    return parent.empty() ? key : parent + "." + key;
}

// Every object in a config, with its loader path, its normalised path and a
// pointer that reaches it again in a copy of the tree.
struct ObjectNode {
    std::string path;
    std::string normalised;
    json::json_pointer pointer;
};

} // namespace

class TestConfigReference : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void docHasFieldTables();
    void everyFieldHasTypeAndDefault();
    void examplesLoad();
    void examplesUseEveryDocumentedField();
    void documentedFieldsAreTheLoadersFields();
    void literalDefaultsAreTheLoadersDefaults();

private:
    LoadResult load(const json& config) const
    {
        return parseConfig(config.dump(), "example.json", m_dir.path().toStdString());
    }
    const DocField* field(const std::string& path) const
    {
        const auto found = m_fields.find(path);
        return found == m_fields.end() ? nullptr : &found->second;
    }
    // The documented fields directly inside the object at `normalised`.
    std::set<std::string> documentedChildren(const std::string& normalised) const;
    std::vector<ObjectNode> objectsOf(const json& config) const;

    QTemporaryDir m_dir;
    std::map<std::string, DocField> m_fields;
    std::vector<json> m_examples;
};

void TestConfigReference::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // The secrets the examples reference.
    qputenv("KAFKA_PASSWORD", "kafka-pw");
    qputenv("PD_ROUTING_KEY", "pd-key");
    qputenv("WEBHOOK_SECRET", "hook-key");

    QFile file(QStringLiteral(SLATRACK_SOURCE_DIR "/docs/config-reference.md"));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    std::istringstream doc(file.readAll().toStdString());

    static const std::regex row(R"(^\| `([^`]+)` \|([^|]*)\|([^|]*)\|.*\|\s*$)");
    static const std::regex literal(R"(^`([^`]+)`$)");
    std::string line;
    bool inJson = false;
    std::string block;
    while (std::getline(doc, line)) {
        if (inJson) {
            if (line == "```") {
                inJson = false;
                try {
                    m_examples.push_back(json::parse(block));
                } catch (const json::exception& error) {
                    QFAIL(qPrintable(QStringLiteral("a json block of the doc does not parse: ") + QString::fromStdString(error.what())));
                }
                block.clear();
            } else {
                block += line + "\n";
            }
            continue;
        }
        if (line == "```json") {
            inJson = true;
            continue;
        }
        std::smatch match;
        if (!std::regex_match(line, match, row))
            continue;
        DocField docField{match[1], trim(match[2]), trim(match[3]), std::nullopt};
        std::smatch literalMatch;
        if (std::regex_match(docField.defaultCell, literalMatch, literal)) {
            try {
                docField.literalDefault = json::parse(literalMatch[1].str());
            } catch (const json::exception&) {
                // Prose in code font (`slatrack-<pipeline>`): not checkable.
            }
        }
        QVERIFY2(m_fields.emplace(docField.path, docField).second, ("listed twice: " + docField.path).c_str());
    }
    QVERIFY2(!inJson, "an unterminated json block");
}

std::set<std::string> TestConfigReference::documentedChildren(const std::string& normalised) const
{
    std::set<std::string> children;
    const std::string prefix = normalised.empty() ? "" : normalised + ".";
    for (const auto& [path, docField] : m_fields) {
        if (path.rfind(prefix, 0) != 0)
            continue;
        std::string rest = path.substr(prefix.size());
        if (rest.find_first_of(".[") == std::string::npos)
            children.insert(rest);
    }
    return children;
}

std::vector<ObjectNode> TestConfigReference::objectsOf(const json& config) const
{
    std::vector<ObjectNode> nodes;
    std::function<void(const json&, const ObjectNode&)> walk = [&](const json& value, const ObjectNode& node) {
        if (value.is_object()) {
            if (!node.normalised.empty()) {
                const DocField* docField = field(node.normalised);
                if (docField != nullptr && isOpaqueType(docField->type))
                    return;
            }
            nodes.push_back(node);
            for (const auto& [key, child] : value.items())
                walk(child, ObjectNode{childPath(node.path, key), normalisedChild(node.normalised, key), node.pointer / key});
        } else if (value.is_array()) {
            for (std::size_t index = 0; index < value.size(); ++index)
                walk(value[index], ObjectNode{node.path + "[" + std::to_string(index) + "]", node.normalised + "[]", node.pointer / index});
        }
    };
    walk(config, ObjectNode{"", "", json::json_pointer()});
    return nodes;
}

void TestConfigReference::docHasFieldTables()
{
    // The row pattern itself: a doc whose tables it stopped reading would
    // pass every other test vacuously.
    for (const char* path : {"pipeline", "kafka.brokers", "stages[].id.from", "alerts.rules[].kind", "alerts.pagers[].min_severity"})
        QVERIFY2(field(path) != nullptr, path);
    QVERIFY2(m_examples.size() >= 2, "the doc should carry its examples as ```json blocks");
}

void TestConfigReference::everyFieldHasTypeAndDefault()
{
    for (const auto& [path, docField] : m_fields) {
        QVERIFY2(!docField.type.empty(), ("no type: " + path).c_str());
        QVERIFY2(!docField.defaultCell.empty(), ("no default (write required or none): " + path).c_str());
    }
}

void TestConfigReference::examplesLoad()
{
    for (std::size_t index = 0; index < m_examples.size(); ++index) {
        const LoadResult result = load(m_examples[index]);
        QVERIFY2(result.ok(), ("example " + std::to_string(index + 1) + " does not load:\n" + formatErrors(result.errors)).c_str());
    }
}

void TestConfigReference::examplesUseEveryDocumentedField()
{
    std::set<std::string> used;
    for (const json& example : m_examples) {
        for (const ObjectNode& node : objectsOf(example)) {
            for (const auto& [key, value] : example.at(node.pointer).items())
                used.insert(normalisedChild(node.normalised, key));
        }
    }
    std::string unused;
    for (const auto& [path, docField] : m_fields) {
        if (!used.count(path))
            unused += " " + path;
    }
    QVERIFY2(unused.empty(), ("documented but in no example (so never checked against the loader):" + unused).c_str());
    std::string undocumented;
    for (const std::string& path : used) {
        if (!field(path))
            undocumented += " " + path;
    }
    QVERIFY2(undocumented.empty(), ("used by an example but not documented:" + undocumented).c_str());
}

void TestConfigReference::documentedFieldsAreTheLoadersFields()
{
    // Per object (normalised path), the union of what the loader allows in
    // each instance: an id with "from": "json" allows pointer, one with
    // "header" allows name.
    static const std::regex allowedList(R"(unknown key \(allowed: ([^)]*)\))");
    std::map<std::string, std::set<std::string>> allowedByObject;
    for (const json& example : m_examples) {
        for (const ObjectNode& node : objectsOf(example)) {
            json probed = example;
            probed.at(node.pointer)[kProbeKey] = 1;
            const LoadResult result = load(probed);
            const std::string probePath = childPath(node.path, kProbeKey);
            std::optional<std::string> allowed;
            for (const ConfigError& error : result.errors) {
                std::smatch match;
                if (error.path == probePath && std::regex_search(error.message, match, allowedList))
                    allowed = match[1];
            }
            QVERIFY2(allowed, ("the loader did not refuse an unknown key at " + probePath + " with its allowed keys:\n" +
                               formatErrors(result.errors)).c_str());
            std::set<std::string>& names = allowedByObject[node.normalised];
            std::istringstream list(*allowed);
            std::string name;
            while (std::getline(list, name, ','))
                names.insert(trim(name));
        }
    }
    std::string problems;
    for (const auto& [object, allowed] : allowedByObject) {
        const std::set<std::string> documented = documentedChildren(object);
        const std::string shown = object.empty() ? "the top level" : object;
        for (const std::string& name : allowed) {
            if (!documented.count(name))
                problems += "\n  the loader accepts " + normalisedChild(object, name) + ", the doc does not list it";
        }
        for (const std::string& name : documented) {
            if (!allowed.count(name))
                problems += "\n  the doc lists " + normalisedChild(object, name) + ", the loader refuses it in " + shown;
        }
    }
    QVERIFY2(problems.empty(), problems.c_str());
}

void TestConfigReference::literalDefaultsAreTheLoadersDefaults()
{
    // describeForLog() writes the effective config in the input format: a
    // field left out of an example shows the default the loader applied.
    std::set<std::string> checked;
    std::string problems;
    for (const json& example : m_examples) {
        const LoadResult result = load(example);
        QVERIFY2(result.ok(), formatErrors(result.errors).c_str());
        const json effective = json::parse(describeForLog(*result.config));
        for (const ObjectNode& node : objectsOf(example)) {
            const json& given = example.at(node.pointer);
            if (!effective.contains(node.pointer))
                continue;
            const json& applied = effective.at(node.pointer);
            for (const std::string& name : documentedChildren(node.normalised)) {
                const std::string path = normalisedChild(node.normalised, name);
                const DocField* docField = field(path);
                if (!docField->literalDefault || given.contains(name))
                    continue;
                if (!applied.contains(name)) {
                    // The description leaves out empty maps and lists.
                    if (docField->literalDefault->empty() && !docField->literalDefault->is_null())
                        checked.insert(path);
                    continue;
                }
                checked.insert(path);
                if (applied.at(name) != *docField->literalDefault)
                    problems += "\n  " + path + ": the doc says " + docField->literalDefault->dump() + ", the loader applied " +
                                applied.at(name).dump() + " (at " + childPath(node.path, name) + ")";
            }
        }
    }
    for (const auto& [path, docField] : m_fields) {
        if (docField.literalDefault && !checked.count(path))
            problems += "\n  " + path + ": its default " + docField.literalDefault->dump() +
                        " is not checked: add an example that leaves it out";
    }
    QVERIFY2(problems.empty(), problems.c_str());
}

QTEST_APPLESS_MAIN(TestConfigReference)
#include "test_config_reference.moc"
