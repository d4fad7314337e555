#include "core/config/secret_ref.hpp"

#include <cstdlib>
#include <string>
#include <utility>

#include "core/config/small_file.hpp"

namespace slatrack::config {
namespace {

using nlohmann::json;

constexpr std::string_view kExpectedRef = R"(a secret reference {"env": "NAME"} or {"file": "PATH"})";

std::optional<Secret> readEnvSecret(Diagnostics& diag, const json& nameValue, const std::string& path)
{
    const std::optional<std::string> name = readNonEmptyString(diag, nameValue, path);
    if (!name)
        return std::nullopt;
    const char* value = std::getenv(name->c_str());
    if (value == nullptr) {
        diag.error(path, "expected environment variable " + *name + " to be set, but it is not");
        return std::nullopt;
    }
    if (*value == '\0') {
        diag.error(path, "expected environment variable " + *name + " to hold the secret, but it is empty");
        return std::nullopt;
    }
    return Secret(value, Secret::Source::Env, *name);
}

std::optional<Secret> readFileSecret(Diagnostics& diag, const json& fileValue, const std::string& path,
                                     const std::filesystem::path& baseDir)
{
    const std::optional<std::string> fileName = readNonEmptyString(diag, fileValue, path);
    if (!fileName)
        return std::nullopt;
    // operator/ keeps an absolute right-hand side as it is.
    const std::filesystem::path file = (baseDir / *fileName).lexically_normal();
    const std::string shown = jsonQuoted(file.string());

    FileReadResult read = readSmallFile(file, kMaxSecretFileBytes);
    if (!read.content) {
        diag.error(path, "expected a readable file, but cannot read " + shown + ": " + read.error);
        return std::nullopt;
    }
    std::string content = std::move(*read.content);
    // Editors and `echo pw > file` add a final newline that is not part of
    // the password.
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r'))
        content.pop_back();
    if (content.empty()) {
        diag.error(path, "expected the file " + shown + " to hold the secret, but it is empty");
        return std::nullopt;
    }
    return Secret(std::move(content), Secret::Source::File, file.string());
}

} // namespace

bool isSecretRef(const json& value)
{
    return value.is_object();
}

std::optional<Secret> readSecretRef(Diagnostics& diag, const json& value, std::string_view path,
                                    const std::filesystem::path& baseDir)
{
    if (!value.is_object() || value.empty()) {
        diag.expected(std::string(path), kExpectedRef, value);
        return std::nullopt;
    }
    if (!checkKeys(diag, value, path, {"env", "file"}))
        return std::nullopt;
    if (value.size() > 1) {
        diag.error(std::string(path), "expected " + std::string(kExpectedRef) + ", got both \"env\" and \"file\"");
        return std::nullopt;
    }
    if (const json* env = optionalField(value, "env"))
        return readEnvSecret(diag, *env, childPath(path, "env"));
    return readFileSecret(diag, value.at("file"), childPath(path, "file"), baseDir);
}

} // namespace slatrack::config
