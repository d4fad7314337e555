#pragma once

#include <QDialog>

#include <cstdint>

class QDateTimeEdit;
class QLabel;
class QPushButton;

namespace slatrack::ui {

// "What happened between 14:05 and 14:40?": a from-to range in local time
// for the history store. OK only while "from" is before "to" and not in
// the future, with the reason shown otherwise; a "to" in the future reads
// as now.
class RangeDialog : public QDialog {
    Q_OBJECT

public:
    RangeDialog(int64_t fromMs, int64_t toMs, int64_t nowMs, QWidget* parent = nullptr);

    int64_t fromMs() const;
    int64_t toMs() const;
    void setRange(int64_t fromMs, int64_t toMs);
    bool isValidRange() const;
    QString problemText() const;

private:
    void check();

    int64_t m_nowMs;
    QDateTimeEdit* m_from;
    QDateTimeEdit* m_to;
    QLabel* m_problem;
    QPushButton* m_ok;
};

} // namespace slatrack::ui
