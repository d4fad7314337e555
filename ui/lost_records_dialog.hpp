#pragma once

#include "core/store/lost_record_log.hpp"

#include <QDialog>

#include <string>
#include <vector>

class QLabel;
class QTableWidget;

namespace slatrack::ui {

// The records lost in a history range, as the store holds them: ID (text
// exactly as read; non-UTF-8 bytes as hex:), the stage it waited for, when
// it entered, why it was lost, where its last message is. Plain text cells
// only: an ID is data, never markup.
class LostRecordsDialog : public QDialog {
    Q_OBJECT

public:
    explicit LostRecordsDialog(QWidget* parent = nullptr);

    // total: how many the range holds (the rows may be the first of them).
    void showRecords(const QString& rangeText, uint64_t total, const std::vector<store::StoredLostRecord>& records,
                     const std::vector<std::string>& stageNames);

    int rowCount() const;
    QString cellText(int row, int column) const;
    QString summaryText() const;

private:
    QLabel* m_summary;
    QTableWidget* m_table;
};

} // namespace slatrack::ui
