#include "core/config/small_file.hpp"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>

namespace slatrack::config {

FileReadResult readSmallFile(const std::filesystem::path& path, std::uintmax_t maxBytes)
{
    std::error_code statusError;
    if (std::filesystem::is_directory(path, statusError))
        return FileReadResult{std::nullopt, "is a directory"};

    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> stream(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!stream)
        return FileReadResult{std::nullopt, std::generic_category().message(errno)};

    std::string content;
    char buffer[4096];
    while (content.size() <= maxBytes) {
        const std::size_t got = std::fread(buffer, 1, sizeof buffer, stream.get());
        content.append(buffer, got);
        if (got < sizeof buffer)
            break;
    }
    if (std::ferror(stream.get()))
        return FileReadResult{std::nullopt, std::generic_category().message(errno)};
    if (content.size() > maxBytes)
        return FileReadResult{std::nullopt, "larger than " + std::to_string(maxBytes) + " bytes"};
    return FileReadResult{std::move(content), {}};
}

} // namespace slatrack::config
