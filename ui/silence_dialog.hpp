#pragma once

#include "core/alerting/silence.hpp"

#include <QDialog>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;

namespace slatrack::ui {

// Asks for one silence: a rule, a record ID or an ID pattern, with a reason
// (required: the next person on call must know why a page did not come),
// an author (the login by default) and how long it lasts. Nothing is stored
// here; the caller hands the result to the AlertingService.
//
// Thread: UI thread only.
class SilenceDialog : public QDialog {
    Q_OBJECT

public:
    explicit SilenceDialog(QWidget* parent = nullptr);

    // Pre-fills the dialog (e.g. the selected rule or stuck record).
    void preset(alerting::Silence::Kind kind, const QString& matcher);
    // The silence as entered, from `nowMs`; nullopt with error() set when a
    // field is missing or wrong.
    std::optional<alerting::Silence> silence(int64_t nowMs) const;
    QString error() const { return m_error; }

    QComboBox* kindBox() const { return m_kind; }
    QLineEdit* matcherEdit() const { return m_matcher; }
    QLineEdit* reasonEdit() const { return m_reason; }
    QLineEdit* authorEdit() const { return m_author; }
    QComboBox* durationBox() const { return m_duration; }

public slots:
    void accept() override;

private:
    QComboBox* m_kind;
    QLineEdit* m_matcher;
    QLineEdit* m_reason;
    QLineEdit* m_author;
    QComboBox* m_duration;
    QLabel* m_errorLabel;
    mutable QString m_error;
};

} // namespace slatrack::ui
