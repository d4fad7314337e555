#include "sqlite_db.hpp"

#include <sqlite3.h>

#include <utility>

namespace slatrack::store {

namespace {
// Long enough for a reader's checkpoint to pass, short enough that a stuck
// peer shows up as an error instead of a hang of the writer thread.
constexpr int kBusyTimeoutMs = 5000;

std::string describe(sqlite3* db, int code)
{
    std::string text = sqlite3_errstr(code);
    if (db != nullptr) {
        const char* detail = sqlite3_errmsg(db);
        if (detail != nullptr && text != detail)
            text += std::string(": ") + detail;
    }
    return text;
}
} // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : m_db(db)
{
    const int code = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (code != SQLITE_OK)
        throw SqliteError(code & 0xff, "preparing \"" + std::string(sql) + "\": " + describe(db, code));
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_stmt(std::exchange(other.m_stmt, nullptr))
{
}

void Statement::fail(int code, const char* doing) const
{
    const char* sql = sqlite3_sql(m_stmt);
    throw SqliteError(code & 0xff, std::string(doing) + " \"" + (sql ? sql : "?") + "\": " + describe(m_db, code));
}

Statement& Statement::bind(int index, int64_t value)
{
    if (const int code = sqlite3_bind_int64(m_stmt, index, value); code != SQLITE_OK)
        fail(code, "binding");
    return *this;
}

Statement& Statement::bind(int index, double value)
{
    if (const int code = sqlite3_bind_double(m_stmt, index, value); code != SQLITE_OK)
        fail(code, "binding");
    return *this;
}

Statement& Statement::bind(int index, std::string_view text)
{
    if (const int code = sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8); code != SQLITE_OK)
        fail(code, "binding");
    return *this;
}

Statement& Statement::bindBlob(int index, std::string_view bytes)
{
    if (const int code = sqlite3_bind_blob64(m_stmt, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT); code != SQLITE_OK)
        fail(code, "binding");
    return *this;
}

Statement& Statement::bindNull(int index)
{
    if (const int code = sqlite3_bind_null(m_stmt, index); code != SQLITE_OK)
        fail(code, "binding");
    return *this;
}

bool Statement::step()
{
    const int code = sqlite3_step(m_stmt);
    if (code == SQLITE_ROW)
        return true;
    if (code == SQLITE_DONE)
        return false;
    fail(code, "running");
}

void Statement::run()
{
    while (step()) {
    }
    reset();
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

int64_t Statement::int64At(int column) const { return sqlite3_column_int64(m_stmt, column); }
double Statement::doubleAt(int column) const { return sqlite3_column_double(m_stmt, column); }
bool Statement::isNullAt(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

std::string Statement::textAt(int column) const
{
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return text ? std::string(text, static_cast<size_t>(sqlite3_column_bytes(m_stmt, column))) : std::string();
}

std::string Statement::blobAt(int column) const
{
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(m_stmt, column));
    return bytes ? std::string(bytes, static_cast<size_t>(sqlite3_column_bytes(m_stmt, column))) : std::string();
}

Database::Database(const std::string& path, Mode mode) : m_path(path)
{
    const int flags = (mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    const int code = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (code != SQLITE_OK) {
        const std::string text = describe(m_db, code);
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        throw SqliteError(code & 0xff, "opening " + path + ": " + text);
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, kBusyTimeoutMs);
}

Database::~Database()
{
    sqlite3_close_v2(m_db);
}

void Database::exec(std::string_view sql)
{
    const std::string text(sql);
    char* error = nullptr;
    const int code = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &error);
    if (code != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errstr(code);
        sqlite3_free(error);
        throw SqliteError(code & 0xff, m_path + ": \"" + text + "\": " + message);
    }
}

std::optional<int64_t> Database::pragmaInt(std::string_view pragma)
{
    Statement statement = prepare("PRAGMA " + std::string(pragma));
    if (!statement.step())
        return std::nullopt;
    return statement.int64At(0);
}

int64_t Database::changes() const
{
    return sqlite3_changes64(m_db);
}

Transaction::Transaction(Database& db) : m_db(db)
{
    m_db.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction()
{
    if (!m_done) {
        try {
            m_db.exec("ROLLBACK");
        } catch (const SqliteError&) {
            // The connection is already unusable; the caller sees the
            // original error, which is what matters.
        }
    }
}

void Transaction::commit()
{
    m_db.exec("COMMIT");
    m_done = true;
}

} // namespace slatrack::store
