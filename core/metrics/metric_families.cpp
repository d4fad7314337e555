#include "metric_families.hpp"

#include <algorithm>

namespace slatrack::metrics {

prometheus::MetricFamily makeFamily(std::string name, std::string help, prometheus::MetricType type)
{
    prometheus::MetricFamily family;
    family.name = std::move(name);
    family.help = std::move(help);
    family.type = type;
    return family;
}

void addSingle(std::vector<prometheus::MetricFamily>& out, std::string name, std::string help, prometheus::MetricType type,
               Labels labels, double value)
{
    prometheus::MetricFamily family = makeFamily(std::move(name), std::move(help), type);
    addSample(family, std::move(labels), value);
    out.push_back(std::move(family));
}

void addSample(prometheus::MetricFamily& family, Labels labels, double value)
{
    prometheus::ClientMetric metric;
    metric.label = std::move(labels);
    if (family.type == prometheus::MetricType::Counter)
        metric.counter.value = value;
    else
        metric.gauge.value = value;
    family.metric.push_back(std::move(metric));
}

void addStateSet(prometheus::MetricFamily& family, const Labels& labels, const std::string& stateLabel,
                 const std::vector<std::string>& states, const std::string& current)
{
    for (const std::string& state : states)
        addSample(family, withLabel(labels, stateLabel, state), state == current ? 1.0 : 0.0);
}

Labels withLabel(Labels labels, std::string name, std::string value)
{
    labels.push_back({std::move(name), std::move(value)});
    return labels;
}

void dropEmptyFamilies(std::vector<prometheus::MetricFamily>& families)
{
    families.erase(std::remove_if(families.begin(), families.end(), [](const prometheus::MetricFamily& family) { return family.metric.empty(); }),
                   families.end());
}

} // namespace slatrack::metrics
