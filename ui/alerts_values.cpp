#include "alerts_values.hpp"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace slatrack::ui {

using alerting::AlertState;

QString alertStateWords(AlertState state)
{
    switch (state) {
    case AlertState::Normal: return u"normal"_s;
    case AlertState::Pending: return u"pending"_s;
    case AlertState::Firing: return u"firing"_s;
    case AlertState::Recovering: return u"recovering"_s;
    case AlertState::Resolved: return u"resolved"_s;
    case AlertState::CantJudge: return u"can't judge"_s;
    }
    return u"unknown"_s;
}

Tone alertStateTone(AlertState state)
{
    switch (state) {
    case AlertState::Firing: return Tone::Bad;
    case AlertState::Pending:
    case AlertState::Recovering: return Tone::Warn;
    case AlertState::CantJudge: return Tone::Neutral;
    case AlertState::Normal:
    case AlertState::Resolved: return Tone::Good;
    }
    return Tone::Neutral;
}

AlertsView alertsViewOf(const alerting::AlertingService* service, size_t pagers, const QString& why)
{
    AlertsView view;
    view.running = service != nullptr;
    view.notRunningWhy = why;
    view.pagers = pagers;
    if (service) {
        view.rules = service->rules();
        view.worst = service->worstState();
        view.pages = service->pages();
    }
    return view;
}

KpiValue alertsTileValue(const AlertsView& view)
{
    KpiValue out;
    out.id = KpiId::Alerts;
    out.title = kpiTitle(KpiId::Alerts);
    if (!view.running) {
        out.text = {u"\u2014"_s, {}};
        out.tone = Tone::Neutral;
        out.detail = view.notRunningWhy.isEmpty() ? u"alerting not running"_s : view.notRunningWhy;
        return out;
    }
    size_t inWorst = 0;
    const alerting::RuleStatus* first = nullptr;
    QStringList lines;
    std::vector<const alerting::RuleStatus*> ordered;
    for (const alerting::RuleStatus& rule : view.rules)
        ordered.push_back(&rule);
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) {
        return alerting::alertStateRank(a->state) > alerting::alertStateRank(b->state);
    });
    for (const alerting::RuleStatus* rule : ordered) {
        if (rule->state == view.worst) {
            ++inWorst;
            if (!first)
                first = rule;
        }
        const std::string& words = rule->state == AlertState::CantJudge ? rule->why : rule->text;
        lines << QString::fromStdString(rule->rule) + u": "_s + alertStateWords(rule->state) + (rule->silenced ? u" (silenced)"_s : QString()) +
                     (words.empty() ? QString() : u" \u00b7 "_s + QString::fromStdString(words));
    }
    out.breakdown = lines.join(u'\n');

    size_t failed = 0, retrying = 0;
    for (const alerting::OutboxEntry& page : view.pages) {
        failed += page.state == "failed";
        retrying += page.state == "retrying";
    }
    QString delivery;
    if (failed > 0)
        delivery = QStringLiteral(" \u00b7 %1 page%2 failed").arg(failed).arg(failed == 1 ? QString() : u"s"_s);
    else if (retrying > 0)
        delivery = QStringLiteral(" \u00b7 %1 page%2 retrying").arg(retrying).arg(retrying == 1 ? QString() : u"s"_s);
    else if (view.pagers == 0)
        delivery = u" \u00b7 no pager configured"_s;

    out.tone = alertStateTone(view.worst);
    if (view.rules.empty()) {
        out.text = {u"no rules"_s, {}};
        out.tone = Tone::Neutral;
        out.detail = u"the config's alerts.rules is empty"_s;
    } else if (view.worst == AlertState::Normal || view.worst == AlertState::Resolved) {
        out.text = {u"OK"_s, {}};
        out.detail = QStringLiteral("%1 rules \u00b7 none firing").arg(view.rules.size()) + delivery;
    } else if (view.worst == AlertState::CantJudge) {
        out.text = {u"\u2014"_s, {}};
        out.detail = u"can't judge: "_s + QString::fromStdString(first->why) + delivery;
    } else {
        out.text = {QString::number(inWorst), alertStateWords(view.worst)};
        out.detail = QString::fromStdString(first->rule) + u": "_s + QString::fromStdString(first->text) + delivery;
    }
    if ((failed > 0 || retrying > 0) && (out.tone == Tone::Good || out.tone == Tone::Neutral))
        out.tone = Tone::Warn;
    return out;
}

} // namespace slatrack::ui
