#include "core/base/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace uitgo::metrics {
namespace {

void atomic_add(std::atomic<double>& target, double v) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + v, std::memory_order_relaxed)) {
  }
}

std::string escape(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string format_number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::ostringstream out;
  out.precision(12);
  out << v;
  return out.str();
}

// Labels of a histogram bucket: the series' own labels plus le="bound".
std::string bucket_labels(const std::string& series_labels, const std::string& le) {
  const std::string le_label = "le=\"" + le + "\"";
  if (series_labels.empty()) return "{" + le_label + "}";
  return series_labels.substr(0, series_labels.size() - 1) + "," + le_label + "}";
}

}  // namespace

void Gauge::add(double v) { atomic_add(value_, v); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

std::vector<double> latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string format_labels(const Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out += labels[i].first + "=\"" + escape(labels[i].second) + "\"";
  }
  return out + "}";
}

Registry::Family& Registry::family(const std::string& name, const std::string& help, Type type) {
  {
    // Steady state: the family exists, a shared lock suffices.
    std::shared_lock lock(mutex_);
    if (auto it = families_.find(name); it != families_.end()) {
      if (it->second.type != type) throw std::logic_error("metric registered with two types: " + name);
      return it->second;
    }
  }
  std::unique_lock lock(mutex_);
  auto [it, inserted] = families_.try_emplace(name, Family{type, help, {}, {}, {}});
  if (!inserted && it->second.type != type) throw std::logic_error("metric registered with two types: " + name);
  return it->second;
}

namespace {
// Looks a series up under a shared lock, creating it under the exclusive lock
// only on first use: steady-state lookups never contend.
template <typename T, typename Make>
T& find_or_create(std::shared_mutex& mutex, std::map<std::string, std::unique_ptr<T>>& series, const std::string& key,
                  Make make) {
  {
    std::shared_lock lock(mutex);
    if (auto it = series.find(key); it != series.end()) return *it->second;
  }
  std::unique_lock lock(mutex);
  auto& slot = series[key];
  if (!slot) slot = make();
  return *slot;
}
}  // namespace

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  Family* f = &family(name, help, Type::counter);
  return find_or_create(mutex_, f->counters, format_labels(labels), [] { return std::make_unique<Counter>(); });
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  Family* f = &family(name, help, Type::gauge);
  return find_or_create(mutex_, f->gauges, format_labels(labels), [] { return std::make_unique<Gauge>(); });
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, const Labels& labels,
                               const std::vector<double>& bounds) {
  Family* f = &family(name, help, Type::histogram);
  return find_or_create(mutex_, f->histograms, format_labels(labels),
                        [&] { return std::make_unique<Histogram>(bounds); });
}

void Registry::on_collect(std::function<void()> collector) {
  std::unique_lock lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::render() const {
  std::vector<std::function<void()>> collectors;
  {
    std::shared_lock lock(mutex_);
    collectors = collectors_;
  }
  for (const auto& collect : collectors) collect();

  std::ostringstream out;
  std::shared_lock lock(mutex_);
  for (const auto& [name, f] : families_) {
    static constexpr const char* kTypeNames[] = {"counter", "gauge", "histogram"};
    out << "# HELP " << name << ' ' << f.help << "\n# TYPE " << name << ' ' << kTypeNames[static_cast<int>(f.type)]
        << '\n';
    for (const auto& [labels, c] : f.counters) out << name << labels << ' ' << c->value() << '\n';
    for (const auto& [labels, g] : f.gauges) out << name << labels << ' ' << format_number(g->value()) << '\n';
    for (const auto& [labels, h] : f.histograms) {
      const auto counts = h->cumulative();
      for (std::size_t i = 0; i < h->bounds().size(); ++i) {
        out << name << "_bucket" << bucket_labels(labels, format_number(h->bounds()[i])) << ' ' << counts[i] << '\n';
      }
      out << name << "_bucket" << bucket_labels(labels, "+Inf") << ' ' << counts.back() << '\n';
      out << name << "_sum" << labels << ' ' << format_number(h->sum()) << '\n';
      out << name << "_count" << labels << ' ' << h->count() << '\n';
    }
  }
  return out.str();
}

}  // namespace uitgo::metrics
