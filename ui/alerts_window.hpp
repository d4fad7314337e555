#pragma once

#include "alerts_values.hpp"
#include "theme.hpp"

#include "core/alerting/alerting_service.hpp"
#include "core/monitor/monitor_snapshot.hpp"

#include <QWidget>

#include <memory>

class QLabel;
class QPushButton;
class QTableWidget;

namespace slatrack::ui {

class SilenceDialog;

// The alerts panel: every rule with its state (from the core evaluator, as
// the headless status and the pages have it), each page with its delivery
// (queued, sent, retrying, failed and why), the silences in force, and the
// stuck records silenced apart from the rest. The operator silences a rule
// or a record from here; the silence goes to the AlertingService, which
// stores it and hands it to the monitor.
//
// It reads the service's in-memory status only (no I/O on the UI thread).
// Thread: UI thread only.
class AlertsWindow : public QWidget {
    Q_OBJECT

public:
    explicit AlertsWindow(QWidget* parent = nullptr);
    ~AlertsWindow() override;

    // Null: alerting is not running (`why` says so).
    void setService(std::shared_ptr<alerting::AlertingService> service, size_t pagers, const QString& why);
    // Re-reads the service; `snapshot` for the silenced stuck records (null:
    // the last one given).
    void refresh(const monitor::SnapshotPtr& snapshot);
    void applyTheme(const Theme& theme);

    QTableWidget* rulesTable() const { return m_rules; }
    QTableWidget* pagesTable() const { return m_pages; }
    QTableWidget* silencesTable() const { return m_silences; }
    QLabel* summaryLabel() const { return m_summary; }
    QLabel* silencedStuckLabel() const { return m_silencedStuck; }
    QPushButton* silenceRuleButton() const { return m_silenceRule; }
    QPushButton* silenceRecordButton() const { return m_silenceRecord; }
    // The dialog open from one of the buttons, null when none.
    SilenceDialog* silenceDialog() const { return m_dialog; }
    AlertsView view() const;

public slots:
    void silenceSelectedRule();
    void silenceRecord(const QString& id = {});

private:
    void openSilenceDialog(alerting::Silence::Kind kind, const QString& matcher);

    std::shared_ptr<alerting::AlertingService> m_service;
    monitor::SnapshotPtr m_snapshot;
    size_t m_pagers = 0;
    QString m_notRunning = QStringLiteral("alerting not running");
    Theme m_theme = Theme::light();
    QLabel* m_summary;
    QTableWidget* m_rules;
    QTableWidget* m_pages;
    QTableWidget* m_silences;
    QLabel* m_silencedStuck;
    QPushButton* m_silenceRule;
    QPushButton* m_silenceRecord;
    SilenceDialog* m_dialog = nullptr;
};

} // namespace slatrack::ui
