#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace slatrack::ui {

// What `slatrack` shows when there is no config and no --demo: what the
// tool does and three ways forward, never an empty window. The content is
// a column of fixed width inside a scroll area, so word-wrapped text gets
// the height it needs at every window size instead of being clipped. It only emits
// intent; the app performs it (starts the demo, opens a file dialog, ...).
//
// Thread: UI thread only.
class FirstRunWidget : public QWidget {
    Q_OBJECT

public:
    // `missingConfigPath`: where the config was looked for, shown so the
    // user knows where to put one; empty to leave it out.
    explicit FirstRunWidget(const QString& missingConfigPath = {}, QWidget* parent = nullptr);

    QPushButton* demoButton() const { return m_demo; }
    QPushButton* openButton() const { return m_open; }
    QPushButton* createButton() const { return m_create; }
    // The brokers "Create config" writes into the new config.
    QLineEdit* brokersEdit() const { return m_brokers; }

signals:
    void demoRequested();
    void openConfigRequested();
    // `brokers`: what the operator typed (never empty: the placeholder's
    // localhost:9092 when left blank).
    void createConfigRequested(const QString& brokers);

protected:
    void showEvent(QShowEvent* event) override;

private:
    // A wrapped label's height for the column's fixed width, reserved as
    // its minimum: layouts do not pass height-for-width through a scroll
    // area, which is what clipped the welcome text.
    void reserveWrappedHeights();

    QWidget* m_column;
    QPushButton* m_demo;
    QPushButton* m_open;
    QPushButton* m_create;
    QLineEdit* m_brokers;
};

} // namespace slatrack::ui
