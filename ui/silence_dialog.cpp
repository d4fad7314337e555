#include "silence_dialog.hpp"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

constexpr int64_t kHourMs = 3'600'000;

QString loginName()
{
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? qEnvironmentVariable("LOGNAME") : user;
}

} // namespace

SilenceDialog::SilenceDialog(QWidget* parent)
    : QDialog(parent)
    , m_kind(new QComboBox(this))
    , m_matcher(new QLineEdit(this))
    , m_reason(new QLineEdit(this))
    , m_author(new QLineEdit(loginName(), this))
    , m_duration(new QComboBox(this))
    , m_errorLabel(new QLabel(this))
{
    setWindowTitle(u"Silence \u2014 slatrack"_s);
    setObjectName(u"silenceDialog"_s);
    m_kind->addItem(u"Rule"_s, static_cast<int>(alerting::Silence::Kind::Rule));
    m_kind->addItem(u"Record ID"_s, static_cast<int>(alerting::Silence::Kind::RecordId));
    m_kind->addItem(u"ID pattern (* and ?)"_s, static_cast<int>(alerting::Silence::Kind::IdPattern));
    m_matcher->setPlaceholderText(u"rule name, exact record ID, or a pattern like poison-*"_s);
    m_reason->setPlaceholderText(u"why: the next person on call reads this"_s);
    for (const auto& [label, hours] : {std::pair{u"1 hour"_s, 1}, {u"4 hours"_s, 4}, {u"24 hours"_s, 24}, {u"7 days"_s, 168}})
        m_duration->addItem(label, hours);
    m_duration->setCurrentIndex(1);
    m_errorLabel->setObjectName(u"silenceError"_s);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->hide();
    auto* form = new QFormLayout;
    form->addRow(u"Silence"_s, m_kind);
    form->addRow(u"Matching"_s, m_matcher);
    form->addRow(u"Reason"_s, m_reason);
    form->addRow(u"Author"_s, m_author);
    form->addRow(u"For"_s, m_duration);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(u"Silence"_s);
    connect(buttons, &QDialogButtonBox::accepted, this, &SilenceDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SilenceDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_errorLabel);
    layout->addWidget(buttons);
}

void SilenceDialog::preset(alerting::Silence::Kind kind, const QString& matcher)
{
    m_kind->setCurrentIndex(m_kind->findData(static_cast<int>(kind)));
    m_matcher->setText(matcher);
    m_reason->setFocus();
}

std::optional<alerting::Silence> SilenceDialog::silence(int64_t nowMs) const
{
    alerting::Silence out;
    out.kind = static_cast<alerting::Silence::Kind>(m_kind->currentData().toInt());
    // A record ID is taken byte for byte (IDs may carry spaces); a rule
    // name or pattern loses the spaces a paste brings along.
    const QString matcher = out.kind == alerting::Silence::Kind::RecordId ? m_matcher->text() : m_matcher->text().trimmed();
    if (matcher.isEmpty()) {
        m_error = u"Matching is empty: name the rule, the record ID or the pattern"_s;
        return std::nullopt;
    }
    if (m_reason->text().trimmed().isEmpty()) {
        m_error = u"Reason is empty: say why, for whoever is on call next"_s;
        return std::nullopt;
    }
    if (m_author->text().trimmed().isEmpty()) {
        m_error = u"Author is empty: who silenced it"_s;
        return std::nullopt;
    }
    out.matcher = matcher.toStdString();
    out.reason = m_reason->text().trimmed().toStdString();
    out.author = m_author->text().trimmed().toStdString();
    out.createdMs = nowMs;
    out.expiresMs = nowMs + static_cast<int64_t>(m_duration->currentData().toInt()) * kHourMs;
    m_error.clear();
    return out;
}

void SilenceDialog::accept()
{
    if (!silence(QDateTime::currentMSecsSinceEpoch())) {
        m_errorLabel->setText(m_error);
        m_errorLabel->show();
        return;
    }
    QDialog::accept();
}

} // namespace slatrack::ui
