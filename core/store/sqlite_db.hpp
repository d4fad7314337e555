#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace slatrack::store {

// Thin RAII over the SQLite C API: one connection, prepared statements only
// (DESIGN.md "Store"), errors as exceptions carrying SQLite's own text and
// the statement that failed, so a log line says what and where.
//
// Threading: a connection and its statements belong to one thread (the
// store's writer thread, or a reader thread with its own connection).

class SqliteError : public std::runtime_error {
public:
    SqliteError(int code, const std::string& what) : std::runtime_error(what), m_code(code) {}
    int code() const { return m_code; }  // SQLite primary result code (SQLITE_CORRUPT, ...)

private:
    int m_code;
};

class Statement {
public:
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement(Statement&& other) noexcept;

    Statement& bind(int index, int64_t value);
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bindBlob(int index, std::string_view bytes);
    Statement& bindNull(int index);

    // true: a row is ready (read it with the column accessors); false: done.
    bool step();
    // Runs a statement that returns no rows (or ignores them).
    void run();
    void reset();

    int64_t int64At(int column) const;
    double doubleAt(int column) const;
    std::string textAt(int column) const;
    std::string blobAt(int column) const;
    bool isNullAt(int column) const;

private:
    [[noreturn]] void fail(int code, const char* doing) const;

    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
};

class Database {
public:
    enum class Mode { ReadWriteCreate, ReadOnly };
    // Opens (or creates) the file. Throws SqliteError.
    Database(const std::string& path, Mode mode);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    sqlite3* handle() const { return m_db; }
    Statement prepare(std::string_view sql) { return Statement(m_db, sql); }
    // For PRAGMAs and DDL only (fixed text, never data): everything that
    // carries a value goes through prepare() and bind().
    void exec(std::string_view sql);
    std::optional<int64_t> pragmaInt(std::string_view pragma);
    // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
    int64_t changes() const;

private:
    sqlite3* m_db = nullptr;
    std::string m_path;
};

// RAII transaction: BEGIN IMMEDIATE (takes the write lock at once, so a
// busy database fails here and not half-way), COMMIT on commit(), ROLLBACK
// if destroyed without.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    void commit();

private:
    Database& m_db;
    bool m_done = false;
};

} // namespace slatrack::store
