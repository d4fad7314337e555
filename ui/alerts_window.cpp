#include "alerts_window.hpp"

#include "format.hpp"
#include "silence_dialog.hpp"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

// `stretch`: the column of free text (numbers, errors, reasons) that takes
// the width left once the short columns fit their contents.
QTableWidget* makeTable(const QStringList& headers, const QString& name, int stretch, QWidget* parent)
{
    auto* table = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    table->setObjectName(name);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(stretch, QHeaderView::Stretch);
    table->setWordWrap(false);
    return table;
}

void setCell(QTableWidget* table, int row, int column, const QString& text, const QString& tip = {})
{
    auto* item = new QTableWidgetItem(text);
    item->setToolTip(tip.isEmpty() ? text : tip);
    table->setItem(row, column, item);
}

QString ageText(int64_t sinceMs, int64_t nowMs)
{
    if (sinceMs <= 0)
        return u"\u2014"_s;
    return clockText(sinceMs) + u" ("_s + durationText(std::max<int64_t>(nowMs - sinceMs, 0)) + u" ago)"_s;
}

const char* kindWords(alerting::Silence::Kind kind)
{
    switch (kind) {
    case alerting::Silence::Kind::Rule: return "rule";
    case alerting::Silence::Kind::RecordId: return "record ID";
    case alerting::Silence::Kind::IdPattern: return "ID pattern";
    }
    return "?";
}

} // namespace

AlertsWindow::AlertsWindow(QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_summary(new QLabel(this))
    , m_rules(makeTable({u"State"_s, u"Rule"_s, u"Severity"_s, u"Since"_s, u"Numbers, or why it can't judge"_s, u"Incident"_s}, u"alertRules"_s, 4, this))
    , m_pages(makeTable({u"Queued"_s, u"Pager"_s, u"Page"_s, u"Delivery"_s, u"Attempts"_s, u"HTTP"_s, u"Incident"_s, u"Error / next try"_s}, u"alertPages"_s, 7, this))
    , m_silences(makeTable({u"Silenced"_s, u"Matching"_s, u"Until"_s, u"Author"_s, u"Reason"_s}, u"alertSilences"_s, 4, this))
    , m_silencedStuck(new QLabel(this))
    , m_silenceRule(new QPushButton(u"Silence rule\u2026"_s, this))
    , m_silenceRecord(new QPushButton(u"Silence record\u2026"_s, this))
{
    setObjectName(u"alertsWindow"_s);
    setWindowTitle(u"Alerts \u2014 slatrack"_s);
    resize(1100, 700);
    m_summary->setObjectName(u"alertsSummary"_s);
    m_summary->setWordWrap(true);
    m_silencedStuck->setObjectName(u"silencedStuck"_s);
    m_silencedStuck->setWordWrap(true);
    m_silencedStuck->setTextFormat(Qt::PlainText);  // record IDs are data, never markup
    m_silenceRule->setObjectName(u"silenceRule"_s);
    m_silenceRecord->setObjectName(u"silenceRecord"_s);
    connect(m_silenceRule, &QPushButton::clicked, this, &AlertsWindow::silenceSelectedRule);
    connect(m_silenceRecord, &QPushButton::clicked, this, [this] { silenceRecord(); });

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_silenceRule);
    buttons->addWidget(m_silenceRecord);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(new QLabel(u"Rules"_s, this));
    layout->addWidget(m_rules, 3);
    layout->addWidget(new QLabel(u"Pages (undelivered first, then the newest)"_s, this));
    layout->addWidget(m_pages, 3);
    layout->addWidget(new QLabel(u"Silences in force"_s, this));
    layout->addWidget(m_silences, 1);
    layout->addWidget(m_silencedStuck);
    layout->addLayout(buttons);
    refresh({});
}

AlertsWindow::~AlertsWindow() = default;

void AlertsWindow::setService(std::shared_ptr<alerting::AlertingService> service, size_t pagers, const QString& why)
{
    m_service = std::move(service);
    m_pagers = pagers;
    m_notRunning = why.isEmpty() ? u"alerting not running"_s : why;
    refresh({});
}

AlertsView AlertsWindow::view() const
{
    return alertsViewOf(m_service.get(), m_pagers, m_notRunning);
}

void AlertsWindow::refresh(const monitor::SnapshotPtr& latest)
{
    if (latest)
        m_snapshot = latest;
    const monitor::MonitorSnapshot* snapshot = m_snapshot.get();
    const AlertsView shown = view();
    const int64_t nowMs = QDateTime::currentMSecsSinceEpoch();
    m_silenceRule->setEnabled(shown.running);
    m_silenceRecord->setEnabled(shown.running);
    const KpiValue tile = alertsTileValue(shown);
    m_summary->setText(shown.running ? tile.text.value + (tile.text.unit.isEmpty() ? QString() : u' ' + tile.text.unit) + u" \u00b7 "_s + tile.detail
                                     : shown.notRunningWhy);

    m_rules->setRowCount(static_cast<int>(shown.rules.size()));
    for (int row = 0; row < static_cast<int>(shown.rules.size()); ++row) {
        const alerting::RuleStatus& rule = shown.rules[static_cast<size_t>(row)];
        QString state = alertStateWords(rule.state);
        if (rule.state == alerting::AlertState::CantJudge)
            state += u" (was "_s + alertStateWords(rule.judgedState) + u')';
        if (rule.silenced)
            state += u", silenced"_s;
        setCell(m_rules, row, 0, state);
        m_rules->item(row, 0)->setBackground(m_theme.toneColor(alertStateTone(rule.state)));
        m_rules->item(row, 0)->setForeground(m_theme.toneTextColor(alertStateTone(rule.state)));
        setCell(m_rules, row, 1, QString::fromStdString(rule.rule));
        setCell(m_rules, row, 2, QString::fromLatin1(config::configName(rule.severity)));
        setCell(m_rules, row, 3, ageText(rule.sinceMs, nowMs));
        setCell(m_rules, row, 4, QString::fromStdString(rule.state == alerting::AlertState::CantJudge ? rule.why : rule.text));
        setCell(m_rules, row, 5, QString::fromStdString(rule.dedupKey));
    }

    // Undelivered first (they need attention), then the newest.
    std::vector<const alerting::OutboxEntry*> pages;
    for (const alerting::OutboxEntry& page : shown.pages) {
        if (page.state == "queued" || page.state == "retrying" || page.state == "failed")
            pages.push_back(&page);
    }
    for (auto it = shown.pages.rbegin(); it != shown.pages.rend(); ++it) {
        if (it->state == "sent")
            pages.push_back(&*it);
    }
    m_pages->setRowCount(static_cast<int>(pages.size()));
    for (int row = 0; row < static_cast<int>(pages.size()); ++row) {
        const alerting::OutboxEntry& page = *pages[static_cast<size_t>(row)];
        setCell(m_pages, row, 0, clockText(page.createdMs));
        setCell(m_pages, row, 1, QString::fromStdString(page.pager));
        setCell(m_pages, row, 2, QString::fromStdString(page.action));
        setCell(m_pages, row, 3, QString::fromStdString(page.state));
        const Tone tone = page.state == "sent" ? Tone::Good : page.state == "failed" ? Tone::Bad : Tone::Warn;
        m_pages->item(row, 3)->setBackground(m_theme.toneColor(tone));
        m_pages->item(row, 3)->setForeground(m_theme.toneTextColor(tone));
        setCell(m_pages, row, 4, QString::number(page.attempts));
        setCell(m_pages, row, 5, page.lastHttpStatus == 0 ? u"\u2014"_s : QString::number(page.lastHttpStatus));
        setCell(m_pages, row, 6, QString::fromStdString(page.dedupKey));
        QString note = QString::fromStdString(page.lastError);
        if (page.state == "retrying")
            note += (note.isEmpty() ? QString() : u" \u00b7 "_s) + u"next try in "_s + durationText(std::max<int64_t>(page.nextTryMs - nowMs, 0));
        setCell(m_pages, row, 7, note);
    }

    std::vector<alerting::Silence> silences;
    if (m_service) {
        for (const alerting::Silence& silence : m_service->silences()) {
            if (silence.activeAt(nowMs))
                silences.push_back(silence);
        }
    }
    m_silences->setRowCount(static_cast<int>(silences.size()));
    for (int row = 0; row < static_cast<int>(silences.size()); ++row) {
        const alerting::Silence& silence = silences[static_cast<size_t>(row)];
        setCell(m_silences, row, 0, QString::fromLatin1(kindWords(silence.kind)));
        setCell(m_silences, row, 1, QString::fromStdString(silence.matcher));
        setCell(m_silences, row, 2, clockText(silence.expiresMs) + u" (in "_s + durationText(silence.expiresMs - nowMs) + u')');
        setCell(m_silences, row, 3, QString::fromStdString(silence.author));
        setCell(m_silences, row, 4, QString::fromStdString(silence.reason));
    }

    if (!snapshot || !snapshot->stuckSilencesApplied || snapshot->silencedStuck == 0) {
        m_silencedStuck->setText(u"No stuck record is silenced."_s);
    } else {
        QStringList ids;
        for (const engine::StuckRecord& record : snapshot->silencedStuckSample)
            ids << QString::fromStdString(record.id);
        m_silencedStuck->setText(QStringLiteral("%1 stuck records silenced (not in the stuck count or pages); oldest: %2")
                                     .arg(groupedCount(snapshot->silencedStuck), ids.join(u", "_s)));
    }
}

void AlertsWindow::applyTheme(const Theme& theme)
{
    m_theme = theme;
    setPalette(theme.palette());
}

void AlertsWindow::silenceSelectedRule()
{
    const int row = m_rules->currentRow();
    const QString rule = row >= 0 && m_rules->item(row, 1) ? m_rules->item(row, 1)->text() : QString();
    openSilenceDialog(alerting::Silence::Kind::Rule, rule);
}

void AlertsWindow::silenceRecord(const QString& id)
{
    openSilenceDialog(alerting::Silence::Kind::RecordId, id);
}

void AlertsWindow::openSilenceDialog(alerting::Silence::Kind kind, const QString& matcher)
{
    if (!m_service)
        return;
    delete m_dialog;
    m_dialog = new SilenceDialog(this);
    m_dialog->preset(kind, matcher);
    connect(m_dialog, &QDialog::accepted, this, [this] {
        if (const auto silence = m_dialog->silence(QDateTime::currentMSecsSinceEpoch()); silence && m_service)
            m_service->addSilence(*silence);
        refresh({});
    });
    m_dialog->open();
}

} // namespace slatrack::ui
