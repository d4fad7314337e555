#pragma once

#include <prometheus/metric_family.h>

#include <string>
#include <vector>

// Small helpers to build prometheus-cpp's data model (MetricFamily,
// ClientMetric) directly from values we already hold: the exporter reads a
// snapshot per scrape instead of keeping prometheus::Counter objects in
// step with it, so there is one source of truth (the snapshot the status
// line prints). Plain functions; any thread.
namespace slatrack::metrics {

using Labels = std::vector<prometheus::ClientMetric::Label>;

// A family without samples yet. (By value: a reference into the output
// vector would dangle on its next push_back.)
prometheus::MetricFamily makeFamily(std::string name, std::string help, prometheus::MetricType type);
// A family of one sample, appended to `out`.
void addSingle(std::vector<prometheus::MetricFamily>& out, std::string name, std::string help, prometheus::MetricType type,
               Labels labels, double value);
// One sample of a counter or gauge family (by the family's type).
void addSample(prometheus::MetricFamily& family, Labels labels, double value);
// A state set: one sample per state, 1 for `current`, 0 for the others
// (the OpenMetrics StateSet as a gauge, so `== 1` selects the state).
void addStateSet(prometheus::MetricFamily& family, const Labels& labels, const std::string& stateLabel,
                 const std::vector<std::string>& states, const std::string& current);

Labels withLabel(Labels labels, std::string name, std::string value);

// Drops families without samples (TYPE lines without a value read as a
// mistake to promtool and to people).
void dropEmptyFamilies(std::vector<prometheus::MetricFamily>& families);

} // namespace slatrack::metrics
