#include "first_run_widget.hpp"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

QPushButton* choice(const QString& text, const QString& explanation, const QString& name, QWidget* parent, QVBoxLayout* layout)
{
    auto* button = new QPushButton(text, parent);
    button->setObjectName(name);
    button->setMinimumHeight(40);
    QFont buttonFont = button->font();
    buttonFont.setPixelSize(16);
    button->setFont(buttonFont);
    auto* note = new QLabel(explanation, parent);
    note->setWordWrap(true);
    note->setContentsMargins(4, 0, 0, 10);
    layout->addWidget(button);
    layout->addWidget(note);
    return button;
}

} // namespace

FirstRunWidget::FirstRunWidget(const QString& missingConfigPath, QWidget* parent)
    : QWidget(parent)
{
    setWindowTitle(u"slatrack"_s);
    setObjectName(u"firstRun"_s);

    auto* outer = new QVBoxLayout(this);
    outer->addStretch(1);
    auto* column = new QWidget(this);
    column->setMaximumWidth(620);
    auto* layout = new QVBoxLayout(column);

    auto* heading = new QLabel(u"Welcome to slatrack"_s, column);
    QFont headingFont = heading->font();
    headingFont.setPixelSize(28);
    headingFont.setWeight(QFont::Bold);
    heading->setFont(headingFont);
    layout->addWidget(heading);

    auto* intro = new QLabel(u"slatrack follows every record through your Kafka pipeline, from the incoming topic to the "
                             "processed one, and shows how fast each is processed and which ones are stuck."_s,
                             column);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    if (!missingConfigPath.isEmpty()) {
        auto* missing = new QLabel(u"No configuration found at "_s + missingConfigPath + u'.', column);
        missing->setObjectName(u"firstRun.missingPath"_s);
        missing->setWordWrap(true);
        missing->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(missing);
    }
    layout->addSpacing(16);

    m_demo = choice(u"Run the demo"_s,
                    u"A simulated pipeline on a built-in Kafka-compatible broker. Needs no Kafka and no config."_s,
                    u"firstRun.demo"_s, column, layout);
    m_open = choice(u"Open config\u2026"_s, u"Monitor a pipeline described by an existing slatrack config file."_s,
                    u"firstRun.open"_s, column, layout);
    m_create = choice(u"Create config\u2026"_s, u"Start from a commented example config for your own brokers and topics."_s,
                      u"firstRun.create"_s, column, layout);
    m_demo->setDefault(true);
    m_demo->setFocus();

    outer->addWidget(column, 0, Qt::AlignHCenter);
    outer->addStretch(2);
    setMinimumSize(560, 480);

    connect(m_demo, &QPushButton::clicked, this, &FirstRunWidget::demoRequested);
    connect(m_open, &QPushButton::clicked, this, &FirstRunWidget::openConfigRequested);
    connect(m_create, &QPushButton::clicked, this, &FirstRunWidget::createConfigRequested);
}

} // namespace slatrack::ui
