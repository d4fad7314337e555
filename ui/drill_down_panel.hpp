#pragma once

#include "core/ingest/message_fetcher.hpp"
#include "core/monitor/record_lookup.hpp"

#include <QWidget>

#include <memory>
#include <string>
#include <vector>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace slatrack::ui {

class EngineQueries;
struct Theme;

// One record, in detail: its state and why, the decoded composite ID, its
// journey across stages (each stage's time, the hop latency into it, the
// message's address where known) and its raw Kafka messages, fetched on
// demand off the UI thread (ingest::fetchMessage on the thread pool).
// Everything from the record or its messages is shown as plain text:
// labels are Qt::PlainText, the messages a read-only QPlainTextEdit, the
// journey a table of plain items; a value "<img src=x>" reads as itself.
//
// Thread: UI thread only.
class DrillDownPanel : public QWidget {
    Q_OBJECT

public:
    explicit DrillDownPanel(EngineQueries* queries, QWidget* parent = nullptr);
    ~DrillDownPanel() override;

    // Shows `answer` and, if fetchRaw, starts fetching its messages.
    void showAnswer(const monitor::LookupAnswer& answer, const std::vector<std::string>& stageNames, bool fetchRaw = true);
    void showMessage(const QString& text);  // "looking up …", errors
    void applyTheme(const Theme& theme);

    const monitor::LookupAnswer& answer() const { return m_answer; }
    bool hasRecord() const { return m_hasRecord; }
    // Messages fetched for the shown record, in journey order.
    const std::vector<ingest::FetchResult>& messages() const { return m_messages; }
    int pendingFetches() const { return m_pending; }

    QString recordJsonText() const;
    QString kcatText() const;  // for the first message's address ("" if none)
    // The record URL from the pipeline's template, "" without one.
    QString recordUrl() const;

    QLabel* titleLabel() const { return m_title; }
    QLabel* stateLabel() const { return m_state; }
    QTableWidget* journeyView() const { return m_journey; }
    QPlainTextEdit* rawView() const { return m_raw; }

    bool replaying() const { return m_replaying; }

public slots:
    void fetchMessages();
    // The engine keeps only the incoming message's address: a replay of the
    // window (monitor::runLookup, the `slatrack lookup` of the command line,
    // on a pool thread; it reads every stage from now - window) finds every
    // stage's message, and tells stale from unknown. Shows its answer.
    void replayJourney();
    void copyJson();
    void copyKcat();
    void openRecordUrl();

signals:
    // Every fetch started for the shown record has answered.
    void messagesFetched();
    // A replay answered (ok false: `error` says why it could not run).
    void replayFinished(bool ok, const QString& error);

private:
    std::vector<ingest::MessageAddress> addresses() const;
    void renderMessages();
    QString stageText(int stage) const;
    void colourState();

    EngineQueries* m_queries;
    std::unique_ptr<Theme> m_theme;  // null until applyTheme()
    QLabel* m_title;
    QLabel* m_state;
    QLabel* m_created;
    QTableWidget* m_journey;
    QPlainTextEdit* m_raw;
    QPushButton* m_fetch;
    QPushButton* m_replay;
    QPushButton* m_copyJson;
    QPushButton* m_copyKcat;
    QPushButton* m_openUrl;

    monitor::LookupAnswer m_answer;
    std::vector<std::string> m_stageNames;
    bool m_hasRecord = false;
    bool m_replaying = false;
    quint64 m_shown = 0;  // bumps with each record shown: late fetches for an earlier one are dropped
    int m_pending = 0;
    std::vector<ingest::FetchResult> m_messages;
    std::vector<bool> m_arrived;  // per message: its fetch answered
    std::vector<int> m_messageStages;
};

} // namespace slatrack::ui
