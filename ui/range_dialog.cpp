#include "range_dialog.hpp"

#include <QDateTime>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

RangeDialog::RangeDialog(int64_t fromMs, int64_t toMs, int64_t nowMs, QWidget* parent)
    : QDialog(parent), m_nowMs(nowMs), m_from(new QDateTimeEdit(this)), m_to(new QDateTimeEdit(this)), m_problem(new QLabel(this))
{
    setObjectName(u"rangeDialog"_s);
    setWindowTitle(u"History range \u2014 slatrack"_s);
    for (QDateTimeEdit* edit : {m_from, m_to}) {
        edit->setDisplayFormat(u"yyyy-MM-dd HH:mm:ss"_s);
        edit->setCalendarPopup(true);
        connect(edit, &QDateTimeEdit::dateTimeChanged, this, &RangeDialog::check);
    }
    m_from->setObjectName(u"rangeFrom"_s);
    m_to->setObjectName(u"rangeTo"_s);
    m_problem->setTextFormat(Qt::PlainText);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* form = new QFormLayout;
    form->addRow(u"From (local time)"_s, m_from);
    form->addRow(u"To"_s, m_to);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    setRange(fromMs, toMs);
}

int64_t RangeDialog::fromMs() const
{
    return m_from->dateTime().toMSecsSinceEpoch();
}

int64_t RangeDialog::toMs() const
{
    // A "to" in the future means "until now": nothing is known past it.
    return std::min<int64_t>(m_to->dateTime().toMSecsSinceEpoch(), m_nowMs);
}

void RangeDialog::setRange(int64_t fromMs, int64_t toMs)
{
    m_from->setDateTime(QDateTime::fromMSecsSinceEpoch(fromMs));
    m_to->setDateTime(QDateTime::fromMSecsSinceEpoch(toMs));
    check();
}

bool RangeDialog::isValidRange() const
{
    return problemText().isEmpty();
}

QString RangeDialog::problemText() const
{
    if (toMs() <= fromMs())
        return u"\"To\" must be after \"From\"."_s;
    if (fromMs() > m_nowMs)
        return u"\"From\" is in the future: nothing has happened there yet."_s;
    return {};
}

void RangeDialog::check()
{
    const QString problem = problemText();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_ok->setEnabled(problem.isEmpty());
}

} // namespace slatrack::ui
