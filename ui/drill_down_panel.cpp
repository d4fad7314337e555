#include "drill_down_panel.hpp"

#include "engine_queries.hpp"
#include "format.hpp"
#include "raw_message_text.hpp"
#include "theme.hpp"

#include "core/monitor/json_text.hpp"
#include "core/monitor/time_text.hpp"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDesktopServices>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

// Record data in a label: never rich text, whatever it contains.
QLabel* plainLabel(QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

} // namespace

DrillDownPanel::DrillDownPanel(EngineQueries* queries, QWidget* parent)
    : QWidget(parent)
    , m_queries(queries)
    , m_title(plainLabel(this))
    , m_state(plainLabel(this))
    , m_created(plainLabel(this))
    , m_journey(new QTableWidget(0, 4, this))
    , m_raw(new QPlainTextEdit(this))
    , m_fetch(new QPushButton(u"Fetch raw messages"_s, this))
    , m_replay(new QPushButton(u"Replay: every stage's message"_s, this))
    , m_copyJson(new QPushButton(u"Copy as JSON"_s, this))
    , m_copyKcat(new QPushButton(u"Copy kcat command"_s, this))
    , m_openUrl(new QPushButton(u"Open in admin tool"_s, this))
{
    setObjectName(u"drillDown"_s);
    m_title->setObjectName(u"drillDownId"_s);
    m_title->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_title->setText(u"No record selected. Double-click a stuck record or look one up by ID (Ctrl+F)."_s);

    m_journey->setHorizontalHeaderLabels({u"Stage"_s, u"Time (UTC)"_s, u"Hop"_s, u"Topic [partition] @ offset"_s});
    m_journey->verticalHeader()->setVisible(false);
    m_journey->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_journey->setSelectionMode(QAbstractItemView::NoSelection);
    m_journey->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_journey->horizontalHeader()->setStretchLastSection(true);
    m_journey->setWordWrap(false);

    m_raw->setObjectName(u"rawMessages"_s);
    m_raw->setReadOnly(true);
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_raw->setPlaceholderText(u"Raw messages are fetched from Kafka when a record is shown."_s);

    auto* buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    for (QPushButton* button : {m_fetch, m_replay, m_copyJson, m_copyKcat, m_openUrl})
        buttons->addWidget(button);
    m_replay->setToolTip(u"Reads every stage from now minus the window (as `slatrack lookup` does) to find this record's "
                         u"message on each stage; can take a while on a busy pipeline."_s);
    buttons->addStretch(1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_title);
    layout->addWidget(m_state);
    layout->addWidget(m_created);
    layout->addWidget(m_journey);
    layout->addLayout(buttons);
    layout->addWidget(m_raw, 1);

    connect(m_fetch, &QPushButton::clicked, this, &DrillDownPanel::fetchMessages);
    connect(m_replay, &QPushButton::clicked, this, &DrillDownPanel::replayJourney);
    connect(m_copyJson, &QPushButton::clicked, this, &DrillDownPanel::copyJson);
    connect(m_copyKcat, &QPushButton::clicked, this, &DrillDownPanel::copyKcat);
    connect(m_openUrl, &QPushButton::clicked, this, &DrillDownPanel::openRecordUrl);
    for (QPushButton* button : {m_fetch, m_replay, m_copyJson, m_copyKcat, m_openUrl})
        button->setEnabled(false);
    m_openUrl->setVisible(m_queries && !m_queries->access().config.recordUrl.empty());
    m_journey->setVisible(false);
}

DrillDownPanel::~DrillDownPanel() = default;

void DrillDownPanel::applyTheme(const Theme& theme)
{
    QFont titleFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    titleFont.setPixelSize(theme.px(16));
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    QFont stateFont = font();
    stateFont.setPixelSize(theme.px(14));
    m_state->setFont(stateFont);
    QPalette muted = m_created->palette();
    muted.setColor(QPalette::WindowText, theme.mutedText);
    m_created->setPalette(muted);
    m_theme = std::make_unique<Theme>(theme);
    colourState();
}

void DrillDownPanel::colourState()
{
    // The state in its tone, readable at a glance: stuck and lost are the
    // incident, open and early may still arrive, matched is fine.
    Tone tone = Tone::Neutral;
    if (m_hasRecord) {
        switch (m_answer.state) {
        case monitor::LookupState::Stuck:
        case monitor::LookupState::Lost:
        case monitor::LookupState::Orphan: tone = Tone::Bad; break;
        case monitor::LookupState::Open:
        case monitor::LookupState::Early:
        case monitor::LookupState::Stale: tone = Tone::Warn; break;
        case monitor::LookupState::Matched: tone = Tone::Good; break;
        case monitor::LookupState::Unknown: break;
        }
    }
    QPalette palette = m_state->palette();
    palette.setColor(QPalette::WindowText, m_theme && tone != Tone::Neutral ? m_theme->toneInk(tone) : this->palette().color(QPalette::WindowText));
    m_state->setPalette(palette);
    QFont stateFont = m_state->font();
    stateFont.setWeight(tone == Tone::Bad ? QFont::DemiBold : QFont::Normal);
    m_state->setFont(stateFont);
}

QString DrillDownPanel::stageText(int stage) const
{
    if (stage >= 0 && static_cast<size_t>(stage) < m_stageNames.size() && !m_stageNames[static_cast<size_t>(stage)].empty())
        return QString::fromStdString(m_stageNames[static_cast<size_t>(stage)]);
    return QStringLiteral("stage %1").arg(stage);
}

void DrillDownPanel::showMessage(const QString& text)
{
    m_hasRecord = false;
    ++m_shown;
    m_pending = 0;
    m_messages.clear();
    m_arrived.clear();
    m_title->setText(text);
    m_state->clear();
    colourState();
    m_created->clear();
    m_journey->setVisible(false);
    m_raw->clear();
    for (QPushButton* button : {m_fetch, m_replay, m_copyJson, m_copyKcat, m_openUrl})
        button->setEnabled(false);
}

void DrillDownPanel::showAnswer(const monitor::LookupAnswer& answer, const std::vector<std::string>& stageNames, bool fetchRaw)
{
    m_answer = answer;
    m_stageNames = stageNames;
    m_hasRecord = true;
    ++m_shown;
    m_pending = 0;
    m_messages.clear();
    m_arrived.clear();
    m_messageStages.clear();
    m_fetch->setText(u"Fetch raw messages"_s);

    m_title->setText(printableBytes(answer.id));
    QString state = QString::fromLatin1(monitor::lookupStateName(answer.state)).toUpper();
    if (answer.state == monitor::LookupState::Matched)
        state += QStringLiteral(" in %1").arg(durationText(answer.latencyMs));
    m_state->setText(state + u" \u2014 "_s + QString::fromStdString(answer.detail));
    colourState();
    m_created->setText(answer.creationMs
                           ? QStringLiteral("Created %1 (decoded from the composite ID)").arg(QString::fromStdString(monitor::formatRfc3339(*answer.creationMs)))
                           : u"Opaque ID: no creation time inside it."_s);

    const auto steps = answer.journey();
    m_journey->setRowCount(static_cast<int>(steps.size()));
    for (size_t step_idx = 0; step_idx < steps.size(); ++step_idx) {
        const auto& step = steps[step_idx];
        const int row = static_cast<int>(step_idx);
        m_journey->setItem(row, 0, new QTableWidgetItem(stageText(step.at.stage)));
        m_journey->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(monitor::formatRfc3339(step.at.timeMs))));
        m_journey->setItem(row, 2, new QTableWidgetItem(step.hopMs ? u"+"_s + durationText(*step.hopMs) : QString()));
        QString where;
        if (!step.at.topic.empty() && step.at.offset >= 0 && step.at.partition >= 0)
            where = QStringLiteral("%1 [%2] @ %3").arg(printableBytes(step.at.topic)).arg(step.at.partition).arg(step.at.offset);
        else if (!step.at.topic.empty())
            where = printableBytes(step.at.topic) + u" (offset not kept)"_s;
        m_journey->setItem(row, 3, new QTableWidgetItem(where));
    }
    m_journey->setVisible(!steps.empty());
    // Tall enough for every step without a scroll bar (at most 8 stages).
    m_journey->setFixedHeight(m_journey->horizontalHeader()->sizeHint().height() + 4 +
                              static_cast<int>(steps.size()) * m_journey->verticalHeader()->defaultSectionSize());

    const bool hasAddress = !addresses().empty();
    m_fetch->setEnabled(hasAddress);
    m_copyJson->setEnabled(true);
    m_replay->setEnabled(!m_replaying && m_queries && m_queries->connected());
    m_copyKcat->setEnabled(hasAddress);
    m_openUrl->setEnabled(!recordUrl().isEmpty());
    m_raw->setPlainText(hasAddress ? u"Fetching raw messages\u2026"_s
                                   : u"No message address is held for this record (only open records keep their incoming message's "
                                     u"topic, partition and offset)."_s);
    if (fetchRaw && hasAddress)
        fetchMessages();
}

std::vector<ingest::MessageAddress> DrillDownPanel::addresses() const
{
    std::vector<ingest::MessageAddress> out;
    if (!m_hasRecord)
        return out;
    for (const auto& step : m_answer.journey())
        if (!step.at.topic.empty() && step.at.partition >= 0 && step.at.offset >= 0)
            out.push_back(ingest::MessageAddress{step.at.topic, step.at.partition, step.at.offset});
    return out;
}

void DrillDownPanel::fetchMessages()
{
    if (!m_queries || !m_hasRecord)
        return;
    const std::vector<ingest::MessageAddress> wanted = addresses();
    if (wanted.empty())
        return;
    m_messages.assign(wanted.size(), ingest::FetchResult{});
    m_messageStages.clear();
    for (const auto& step : m_answer.journey())
        if (!step.at.topic.empty() && step.at.partition >= 0 && step.at.offset >= 0)
            m_messageStages.push_back(step.at.stage);
    m_arrived.assign(wanted.size(), false);
    for (size_t message_idx = 0; message_idx < wanted.size(); ++message_idx)
        m_messages[message_idx].fetched.address = wanted[message_idx];
    m_pending = static_cast<int>(wanted.size());
    m_fetch->setEnabled(false);
    renderMessages();
    const quint64 shown = m_shown;
    const config::KafkaConfig kafka = m_queries->access().config.kafka;
    const std::chrono::milliseconds timeout = m_queries->access().fetchTimeout;
    for (size_t message_idx = 0; message_idx < wanted.size(); ++message_idx) {
        const ingest::MessageAddress address = wanted[message_idx];
        m_queries->run<ingest::FetchResult>([kafka, address, timeout] { return ingest::fetchMessage(kafka, address, timeout); },
                                            [this, shown, message_idx, address](ingest::FetchResult result) {
                                                if (shown != m_shown)
                                                    return;  // the operator moved on to another record
                                                result.fetched.address = address;  // also when the fetch failed
                                                m_messages[message_idx] = std::move(result);
                                                m_arrived[message_idx] = true;
                                                --m_pending;
                                                renderMessages();
                                                if (m_pending == 0) {
                                                    m_fetch->setText(u"Fetch again"_s);
                                                    m_fetch->setEnabled(true);
                                                    emit messagesFetched();
                                                }
                                            },
                                            this);
    }
}

void DrillDownPanel::replayJourney()
{
    if (!m_queries || !m_hasRecord || m_replaying)
        return;
    const config::PipelineConfig config = m_queries->access().config;
    monitor::AuditRange range;
    range.toMs = QDateTime::currentMSecsSinceEpoch();
    range.fromMs = range.toMs - config.window.count();
    const std::string typed = monitor::jsonSafeId(m_answer.id);  // IdInput reads this form back exactly
    const quint64 shown = m_shown;
    m_replaying = true;
    m_replay->setEnabled(false);
    m_replay->setText(u"Replaying\u2026"_s);
    m_queries->run<monitor::LookupOutcome>(
        [config, range, typed] { return monitor::runLookup(config, range, {typed}, [](const std::string&) {}); },
        [this, shown](monitor::LookupOutcome outcome) {
            m_replaying = false;
            m_replay->setText(u"Replay: every stage's message"_s);
            m_replay->setEnabled(m_hasRecord);
            if (shown != m_shown)
                return;  // another record is shown now
            if (!outcome.ok || outcome.report.answers.empty()) {
                m_state->setText(m_state->text() + u"\nReplay failed: "_s + QString::fromStdString(outcome.error));
                emit replayFinished(false, QString::fromStdString(outcome.error));
                return;
            }
            monitor::LookupAnswer answer = outcome.report.answers.front();
            answer.detail += " (replay " + monitor::formatRfc3339(outcome.report.range.fromMs) + " .. " +
                             monitor::formatRfc3339(outcome.report.range.toMs) + ")";
            showAnswer(answer, m_stageNames);
            emit replayFinished(true, {});
        },
        this);
}

void DrillDownPanel::renderMessages()
{
    QString text;
    for (size_t message_idx = 0; message_idx < m_messages.size(); ++message_idx) {
        const ingest::FetchResult& result = m_messages[message_idx];
        const QString stage = message_idx < m_messageStages.size() ? stageText(m_messageStages[message_idx]) : QString();
        if (!m_arrived[message_idx])
            text += QStringLiteral("%1 \u00b7 %2 [%3] @ %4\nfetching\u2026\n")
                        .arg(stage, printableBytes(result.fetched.address.topic))
                        .arg(result.fetched.address.partition)
                        .arg(result.fetched.address.offset);
        else
            text += messageText(stage, result);
        text += u'\n';
    }
    m_raw->setPlainText(text);
}

QString DrillDownPanel::recordJsonText() const
{
    if (!m_hasRecord)
        return {};
    return QString::fromStdString(recordJson(m_answer, m_stageNames, m_messages));
}

QString DrillDownPanel::kcatText() const
{
    const auto wanted = addresses();
    if (wanted.empty() || !m_queries)
        return {};
    return QString::fromStdString(kcatCommand(m_queries->access().config.kafka, wanted.front()));
}

QString DrillDownPanel::recordUrl() const
{
    if (!m_queries || !m_hasRecord || m_queries->access().config.recordUrl.empty())
        return {};
    QString url = QString::fromStdString(m_queries->access().config.recordUrl);
    const QString id = QString::fromUtf8(QUrl::toPercentEncoding(QString::fromStdString(monitor::jsonSafeId(m_answer.id))));
    return url.replace(u"{id}"_s, id);
}

void DrillDownPanel::copyJson()
{
    const QString text = recordJsonText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

void DrillDownPanel::copyKcat()
{
    const QString text = kcatText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

void DrillDownPanel::openRecordUrl()
{
    const QString url = recordUrl();
    if (!url.isEmpty())
        QDesktopServices::openUrl(QUrl(url, QUrl::StrictMode));
}

} // namespace slatrack::ui
