#include "first_run_widget.hpp"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

namespace {

// The column's width: about 70 characters a line, readable, and narrower
// than the smallest window (the scroll area takes over below it).
constexpr int kColumnWidth = 560;
const QString kDefaultBrokers = u"localhost:9092"_s;

QLabel* wrapped(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    // Wrapped labels report their height for the width they get: the
    // column has a fixed width, so the layout asks with that width.
    label->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
    return label;
}

QPushButton* choice(const QString& text, const QString& explanation, const QString& name, QWidget* parent, QVBoxLayout* layout)
{
    auto* button = new QPushButton(text, parent);
    button->setObjectName(name);
    button->setMinimumHeight(40);
    QFont buttonFont = button->font();
    buttonFont.setPixelSize(16);
    button->setFont(buttonFont);
    QLabel* note = wrapped(explanation, parent);
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
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(u"firstRun.scroll"_s);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    outer->addWidget(scroll);
    auto* page = new QWidget(scroll);
    auto* pageLayout = new QVBoxLayout(page);
    pageLayout->addStretch(1);
    auto* column = m_column = new QWidget(page);
    column->setObjectName(u"firstRun.column"_s);
    column->setFixedWidth(kColumnWidth);
    auto* layout = new QVBoxLayout(column);

    auto* heading = new QLabel(u"Welcome to slatrack"_s, column);
    QFont headingFont = heading->font();
    headingFont.setPixelSize(28);
    headingFont.setWeight(QFont::Bold);
    heading->setFont(headingFont);
    layout->addWidget(heading);

    layout->addWidget(wrapped(u"slatrack follows every record through your Kafka pipeline, from the incoming topic to the "
                              "processed one, and shows how fast each is processed and which ones are stuck."_s,
                              column));
    if (!missingConfigPath.isEmpty()) {
        QLabel* missing = wrapped(u"No configuration found at "_s + missingConfigPath + u'.', column);
        missing->setObjectName(u"firstRun.missingPath"_s);
        missing->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(missing);
    }
    layout->addSpacing(16);

    m_demo = choice(u"Run the demo"_s,
                    u"A simulated pipeline on a built-in Kafka-compatible broker. Needs no Kafka and no config."_s,
                    u"firstRun.demo"_s, column, layout);
    m_open = choice(u"Open config\u2026"_s, u"Monitor a pipeline described by an existing slatrack config file."_s,
                    u"firstRun.open"_s, column, layout);
    auto* brokersRow = new QFormLayout;
    m_brokers = new QLineEdit(column);
    m_brokers->setObjectName(u"firstRun.brokers"_s);
    m_brokers->setPlaceholderText(kDefaultBrokers);
    m_brokers->setToolTip(u"bootstrap servers, host:port[,host:port...]"_s);
    brokersRow->addRow(u"Your brokers:"_s, m_brokers);
    layout->addLayout(brokersRow);
    m_create = choice(u"Create config\u2026"_s,
                      u"Writes a config for these brokers (topics \"incoming\" and \"processed\", ID in the message key) "
                      "that runs as it is; edit its topics and SLA, and turn on security settings when your cluster needs them."_s,
                      u"firstRun.create"_s, column, layout);
    m_demo->setDefault(true);
    m_demo->setFocus();

    pageLayout->addWidget(column, 0, Qt::AlignHCenter);
    pageLayout->addStretch(2);
    scroll->setWidget(page);
    reserveWrappedHeights();
    resize(640, 620);

    connect(m_demo, &QPushButton::clicked, this, &FirstRunWidget::demoRequested);
    connect(m_open, &QPushButton::clicked, this, &FirstRunWidget::openConfigRequested);
    connect(m_create, &QPushButton::clicked, this, [this] {
        const QString typed = m_brokers->text().trimmed();
        emit createConfigRequested(typed.isEmpty() ? kDefaultBrokers : typed);
    });
}

void FirstRunWidget::reserveWrappedHeights()
{
    const QMargins margins = m_column->layout()->contentsMargins();
    const int width = kColumnWidth - margins.left() - margins.right();
    for (QLabel* label : m_column->findChildren<QLabel*>()) {
        if (label->wordWrap())
            label->setMinimumHeight(label->heightForWidth(width));
    }
}

void FirstRunWidget::showEvent(QShowEvent* event)
{
    reserveWrappedHeights();  // fonts are final once polished
    QWidget::showEvent(event);
}

} // namespace slatrack::ui
