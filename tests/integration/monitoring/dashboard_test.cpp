// The monitoring files of deploy/ against a real stack: the metric names the
// Grafana dashboard's queries and the alert rules use are exported by the
// services, and every dashboard query returns data when a real Prometheus
// (Debian's package) scrapes each instance during a short `uitgo loadgen` run.
// Nothing is compared with a checked-in list, so the files cannot drift from
// the code unnoticed.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "support/http_client.hpp"
#include "support/json.hpp"
#include "support/metrics.hpp"
#include "support/shared_environment.hpp"
#include "support/shell.hpp"
#include "support/test_stack.hpp"

namespace uitgo::test {
namespace {

const std::string kDashboard = UITGO_SOURCE_DIR "/deploy/grafana/dashboards/uitgo.json";
const std::string kAlerts = UITGO_SOURCE_DIR "/deploy/prometheus/alerts.yml";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every `expr` of every panel (rows' panels included) with its panel title.
void collect_exprs(const json::array& panels, std::vector<std::pair<std::string, std::string>>& out) {
  for (const auto& panel : panels) {
    const auto& p = panel.as_object();
    if (const auto* nested = p.if_contains("panels")) collect_exprs(nested->as_array(), out);
    const auto* targets = p.if_contains("targets");
    if (targets == nullptr) continue;
    for (const auto& target : targets->as_array()) {
      out.emplace_back(str(p, "title"), str(target, "expr"));
    }
  }
}

std::vector<std::pair<std::string, std::string>> dashboard_exprs() {
  const auto dashboard = json::parse(read_file(kDashboard)).as_object();
  std::vector<std::pair<std::string, std::string>> exprs;
  collect_exprs(dashboard.at("panels").as_array(), exprs);
  return exprs;
}

// The metric names a PromQL expression reads: identifiers that are not
// functions (followed by "("), keywords, label names (inside {}, by (), ...)
// or parts of strings and durations.
std::set<std::string> metric_names(std::string expr) {
  static const std::regex strings(R"("([^"\\]|\\.)*")");
  static const std::regex matchers(R"(\{[^}]*\})");
  static const std::regex ranges(R"(\[[^\]]*\])");
  static const std::regex groupings(R"(\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\))");
  static const std::regex identifier(R"([A-Za-z_:][A-Za-z0-9_:]*)");
  static const std::set<std::string> keywords = {"and", "or", "unless", "bool", "offset", "inf", "nan"};
  expr = std::regex_replace(expr, strings, "\"\"");
  expr = std::regex_replace(expr, matchers, " ");
  expr = std::regex_replace(expr, ranges, " ");
  expr = std::regex_replace(expr, groupings, " ");
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(expr.begin(), expr.end(), identifier); it != std::sregex_iterator(); ++it) {
    const auto end = static_cast<std::size_t>(it->position() + it->length());
    std::size_t next = end;
    while (next < expr.size() && expr[next] == ' ') ++next;
    const bool function = next < expr.size() && expr[next] == '(';
    const bool number_part = it->position() > 0 && std::isdigit(static_cast<unsigned char>(expr[it->position() - 1]));
    if (function || number_part || keywords.contains(it->str())) continue;
    names.insert(it->str());
  }
  return names;
}

// Grafana's variables as a Prometheus query needs them.
std::string without_grafana_variables(std::string expr) {
  static const std::regex rate_interval(R"(\$__rate_interval)");
  return std::regex_replace(expr, rate_interval, "1m");
}

// Sample names (histograms as name_bucket, name_sum, name_count) of /metrics texts.
std::set<std::string> sample_names(const std::vector<std::string>& texts) {
  std::set<std::string> names;
  for (const auto& text : texts) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.empty() || line[0] == '#') continue;
      names.insert(line.substr(0, line.find_first_of("{ ")));
    }
  }
  return names;
}

// A Prometheus server on a free loopback port, scraping every instance of
// the stack each second; stopped (and killed with the test process, through
// PR_SET_PDEATHSIG) at the end.
class Prometheus {
 public:
  explicit Prometheus(const TestStack& stack) : port(free_port()) {
    const std::string dir = stack.dir() + "/prometheus";
    std::filesystem::create_directories(dir);
    std::ofstream config(dir + "/prometheus.yml");
    config << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: ['" << kAlerts
           << "']\nscrape_configs:\n";
    const auto job = [&](const std::string& name, const std::vector<std::uint16_t>& ports) {
      config << "  - job_name: " << name << "\n    static_configs:\n      - targets: [";
      for (std::size_t i = 0; i < ports.size(); ++i) config << (i ? ", " : "") << "'127.0.0.1:" << ports[i] << "'";
      config << "]\n";
    };
    job("user-service", {stack.user_port});
    job("trip-service", stack.trip_ports);
    job("driver-service", stack.driver_ports);
    config.close();
    const std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port);
    const std::string config_flag = "--config.file=" + dir + "/prometheus.yml";
    const std::string storage = "--storage.tsdb.path=" + dir + "/data";
    const std::string log = dir + "/prometheus.log";
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      dup2(fd, 1);
      dup2(fd, 2);
      execlp("prometheus", "prometheus", config_flag.c_str(), storage.c_str(), listen.c_str(), nullptr);
      _exit(127);
    }
    if (pid_ < 0) throw std::runtime_error("fork failed");
    for (int i = 0; i < 300; ++i) {
      if (!process_alive(pid_)) throw std::runtime_error("prometheus exited; see " + log);
      try {
        if (http_request(port, "GET", "/-/ready").status == 200) return;
      } catch (const std::exception&) {
        // not listening yet
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("prometheus not ready after 30 s; see " + log);
  }
  ~Prometheus() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  Prometheus(const Prometheus&) = delete;
  Prometheus& operator=(const Prometheus&) = delete;

  // data.result of /api/v1/query for `expr`.
  json::array query(const std::string& expr) const {
    std::string encoded;
    for (unsigned char c : expr) {
      if (std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '~') {
        encoded += static_cast<char>(c);
      } else {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", c);
        encoded += hex;
      }
    }
    const auto response = http_request(port, "GET", "/api/v1/query?query=" + encoded);
    const auto body = body_of(response);
    EXPECT_EQ(response.status, 200) << expr << ": " << response.body;
    if (str(body, "status") != "success") return {};
    return body.at("data").at("result").as_array();
  }

  std::uint16_t port;

 private:
  pid_t pid_ = -1;
};

struct Monitored {
  std::unique_ptr<TestStack> stack;
  std::unique_ptr<Prometheus> prometheus;
  std::vector<std::string> metrics;  // /metrics of every instance after the load
};

Monitored* monitored = nullptr;

const auto* const environment = share_per_binary(monitored, [] {
  auto m = std::make_unique<Monitored>();
  m->stack = std::make_unique<TestStack>(
      StackOptions{.replica = true, .services = true, .nginx = true, .trip_instances = 2, .driver_instances = 2});
  const auto& s = *m->stack;
  const auto seed =
      run_command("UITGO_RUN_DIR='" + s.dir() +
                  "' UITGO_BIN='" UITGO_BINARY "' SEED_DEMO=false SEED_RIDERS=4 SEED_DRIVERS=4 '" UITGO_SOURCE_DIR
                  "/scripts/stack.sh' seed >/dev/null 2>&1");
  if (seed.status != 0) throw std::runtime_error("stack.sh seed failed");
  m->prometheus = std::make_unique<Prometheus>(s);
  // Trips created, searched, matched, accepted and driven by simulated drivers.
  const auto load = run_command("cd '" UITGO_SOURCE_DIR "' && '" UITGO_BINARY
                                "' loadgen trip_matching --target-rps 5 --duration 12s --var SEARCH_RPS=5 "
                                "--drivers 4 --api-base http://127.0.0.1:" +
                                std::to_string(s.gateway_port) + " --tokens '" + s.dir() +
                                "/demo-tokens.json' --no-thresholds --quiet >/dev/null 2>&1");
  if (load.status != 0) throw std::runtime_error("uitgo loadgen failed");
  // Two more scrapes after the load.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  std::vector<std::uint16_t> ports = {s.user_port};
  ports.insert(ports.end(), s.trip_ports.begin(), s.trip_ports.end());
  ports.insert(ports.end(), s.driver_ports.begin(), s.driver_ports.end());
  for (auto port : ports) m->metrics.push_back(metrics_text(port));
  return m;
});

TEST(MetricNames, ExtractedFromPromQL) {
  EXPECT_EQ(metric_names(R"(histogram_quantile(0.95, sum by (instance, le) (rate(a_bucket{route="/x",le=~"1"}[5m]))))"),
            (std::set<std::string>{"a_bucket"}));
  EXPECT_EQ(metric_names(R"(sum by (pool) (p{state="in_use"}) / clamp_min(sum without (x) (p), 1) > bool 2e3)"),
            (std::set<std::string>{"p"}));
  EXPECT_EQ(metric_names("max(match_queue_depth) > 1000 and on (job) up"),
            (std::set<std::string>{"match_queue_depth", "up"}));
}

TEST(Dashboard, EveryMetricItUsesIsExported) {
  const auto exported = sample_names(monitored->metrics);
  const auto exprs = dashboard_exprs();
  ASSERT_GE(exprs.size(), 10u);
  for (const auto& [title, expr] : exprs) {
    const auto names = metric_names(expr);
    EXPECT_FALSE(names.empty()) << title << ": " << expr;
    for (const auto& name : names) {
      EXPECT_TRUE(exported.contains(name))
          << "panel '" << title << "' uses " << name << ", which no service exports: " << expr;
    }
  }
}

TEST(Alerts, EveryMetricTheRulesUseIsExported) {
  const auto exported = sample_names(monitored->metrics);
  std::istringstream lines(read_file(kAlerts));
  int rules = 0;
  for (std::string line; std::getline(lines, line);) {
    const auto at = line.find("expr:");
    if (at == std::string::npos) continue;
    ++rules;
    const auto expr = line.substr(at + 5);
    for (const auto& name : metric_names(expr)) {
      EXPECT_TRUE(exported.contains(name)) << "alert rule uses " << name << ", which no service exports: " << expr;
    }
  }
  EXPECT_GE(rules, 5);
}

TEST(Dashboard, EveryQueryReturnsDataFromPrometheus) {
  const auto& prometheus = *monitored->prometheus;
  // Every instance was scraped (up == 1 for all five).
  const auto up = prometheus.query("sum(up)");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].at("value").as_array()[1].as_string(), "5");
  for (const auto& [title, expr] : dashboard_exprs()) {
    const auto query = without_grafana_variables(expr);
    const auto result = prometheus.query(query);
    EXPECT_FALSE(result.empty()) << "panel '" << title << "': no data for " << query;
    bool a_number = false;
    for (const auto& series : result) {
      const auto value = std::stod(std::string(series.at("value").as_array()[1].as_string()));
      a_number = a_number || !std::isnan(value);
    }
    EXPECT_TRUE(result.empty() || a_number) << "panel '" << title << "': only NaN for " << query;
  }
}

TEST(Alerts, RulesLoadAndNoneFiresOnAHealthyStack) {
  const auto response = http_request(monitored->prometheus->port, "GET", "/api/v1/rules");
  ASSERT_EQ(response.status, 200);
  const auto groups = body_of(response).at("data").at("groups").as_array();
  ASSERT_EQ(groups.size(), 1u);
  int rules = 0;
  for (const auto& rule : groups[0].at("rules").as_array()) {
    ++rules;
    EXPECT_EQ(str(rule, "health"), "ok") << json::serialize(rule);
    EXPECT_NE(str(rule, "state"), "firing") << json::serialize(rule);
  }
  EXPECT_GE(rules, 5);
}

}  // namespace
}  // namespace uitgo::test
