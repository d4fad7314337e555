#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace slatrack::ui {

// What `slatrack` shows when there is no config and no --demo: what the
// tool does and three ways forward, never an empty window. It only emits
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

signals:
    void demoRequested();
    void openConfigRequested();
    void createConfigRequested();

private:
    QPushButton* m_demo;
    QPushButton* m_open;
    QPushButton* m_create;
};

} // namespace slatrack::ui
