#pragma once

#include <QColor>
#include <QString>
#include <QWidget>

namespace slatrack::ui {

// One line of plain text that never makes its window wider: below the width
// it would like it is cut with "…", and the whole text is the tooltip. A
// QLabel asks for its full text width as its minimum, which is how a long
// broker error once made the dashboard 2,890 px wide.
//
// Thread: UI thread only (it is a widget).
class ElidedLabel : public QWidget {
    Q_OBJECT

public:
    explicit ElidedLabel(QWidget* parent = nullptr);

    void setText(const QString& text);
    QString text() const { return m_text; }
    void setColor(const QColor& color);  // invalid: the palette's text colour
    void setAlignment(Qt::Alignment alignment);
    // Whether the text is cut at the current width (tests).
    bool isElided() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    QString m_text;
    QColor m_color;
    Qt::Alignment m_alignment = Qt::AlignLeft | Qt::AlignVCenter;
};

} // namespace slatrack::ui
