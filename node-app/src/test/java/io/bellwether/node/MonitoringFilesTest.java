package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Goal: the Grafana dashboard ({@code docs/grafana/bellwether.json}) and the Prometheus alerts
 * ({@code docs/prometheus/alerts.yml}) use only series a node exports, with labels (and label values
 * matched with {@code =}) those series have, so renaming a metric or a tag cannot leave a panel empty
 * or an alert that never fires; and both files have the shape Grafana and Prometheus load.
 *
 * <p>Method: {@link PromQl} reads every expression of both files (panel targets, the dashboard's
 * variable queries, alert rules); a 2-node cluster in this JVM (in-memory transport and storage: the
 * cheapest cluster in which every series exists, since the per-follower gauges need a peer) elects a
 * leader, takes one write, and the leader's {@code GET /metrics} text is what the names are checked
 * against, suffixes as exported ({@code _bucket}, {@code _total}, ...).
 */
class MonitoringFilesTest {

  /** Series Prometheus makes itself at each scrape, which no node exports. */
  private static final Set<String> MADE_BY_PROMETHEUS = Set.of("up");
  /** Labels Prometheus adds from its scrape configuration. */
  private static final Set<String> ADDED_BY_PROMETHEUS = Set.of("job", "instance");
  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\s*\\)\\s*");

  private static Path root;
  private static TestCluster cluster;

  @BeforeAll
  static void findTheDocs() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("docs/grafana"))) dir = dir.getParent();
    assertThat(dir).as("a parent of the working directory holding docs/grafana").isNotNull();
    root = dir;
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) cluster.close();
  }

  @Test
  void everySeriesAndLabelTheFilesUseIsExportedByANode() throws Exception {
    Map<String, String> expressions = new LinkedHashMap<>();
    List<VariableQuery> variables = new ArrayList<>();
    dashboardExpressions(dashboard(), expressions, variables);
    alertExpressions(alerts(), expressions);
    Set<String> used = new TreeSet<>();
    expressions.values().forEach(e -> used.addAll(PromQl.parse(e).names()));
    System.out.println("series the dashboard and alerts use: " + used);
    // The contract's election metrics must stay on the dashboard and in the alerts.
    assertThat(used).contains("bellwether_raft_elections_total", "bellwether_raft_leaderless_seconds_bucket",
        "bellwether_raft_leader_changes_total");

    cluster = TestCluster.start(2, Map.of());
    BellwetherNode leader = cluster.awaitLeader();
    assertThat(Http.putEventually(leader.httpUrl() + "/v1/kv/monitoring", "v").statusCode()).isEqualTo(200);

    // The HTTP timer is recorded when the answer's body ends, which may be just after the client has it.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      HttpResponse<String> scrape = Http.get(leader.httpUrl() + "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      Map<String, List<Map<String, String>>> exported = series(scrape.body());
      List<String> problems = new ArrayList<>();
      expressions.forEach((where, expr) -> problems.addAll(problems(where, expr, exported)));
      for (VariableQuery v : variables) {
        for (String name : PromQl.parse(v.selector()).names()) {
          if (exported.getOrDefault(name, List.of()).stream().noneMatch(s -> s.containsKey(v.label()))) {
            problems.add("variable " + v.name() + ": no series " + name + " has label " + v.label());
          }
        }
      }
      assertThat(problems).as("what the files use that the leader's /metrics does not export").isEmpty();
    });
  }

  @Test
  void theDashboardIsAGrafanaDashboardOnAPrometheusDataSourceVariable() throws IOException {
    JsonObject d = dashboard();
    assertThat(d.getString("title")).isNotBlank();
    assertThat(d.getString("uid")).isNotBlank();
    assertThat(d.getInteger("schemaVersion")).isGreaterThanOrEqualTo(36);
    JsonArray variables = d.getJsonObject("templating").getJsonArray("list");
    assertThat(variables.stream().map(JsonObject.class::cast).filter(v -> v.getString("name").equals("datasource")))
        .singleElement().satisfies(v -> {
          assertThat(v.getString("type")).isEqualTo("datasource");
          assertThat(v.getString("query")).isEqualTo("prometheus");
        });
    assertThat(variables.stream().map(v -> ((JsonObject) v).getString("name"))).contains("cluster", "node");
    JsonArray panels = d.getJsonArray("panels");
    assertThat(panels).isNotEmpty();
    Set<Integer> ids = new HashSet<>();
    for (Object o : panels) {
      JsonObject p = (JsonObject) o;
      String title = p.getString("title");
      assertThat(ids.add(p.getInteger("id"))).as("panel id %s of '%s' is unique", p.getInteger("id"), title).isTrue();
      assertThat(title).isNotBlank();
      JsonObject grid = p.getJsonObject("gridPos");
      assertThat(grid.getInteger("w")).as("width of '%s'", title).isBetween(1, 24);
      assertThat(grid.getInteger("x") + grid.getInteger("w")).as("right edge of '%s'", title).isLessThanOrEqualTo(24);
      if (p.getString("type").equals("row")) continue;
      assertThat(p.getJsonObject("datasource").getString("uid")).as("data source of '%s'", title).isEqualTo("${datasource}");
      JsonArray targets = p.getJsonArray("targets");
      assertThat(targets).as("targets of '%s'", title).isNotEmpty();
      Set<String> refIds = new HashSet<>();
      for (Object t : targets) {
        JsonObject target = (JsonObject) t;
        assertThat(target.getString("expr")).as("a target's expr in '%s'", title).isNotBlank();
        assertThat(refIds.add(target.getString("refId"))).as("refId unique in '%s'", title).isTrue();
      }
    }
  }

  @Test
  void theAlertsAreRuleGroupsWithAnExpressionASummaryAndADescription() throws IOException {
    Map<String, Object> file = alerts();
    List<Map<String, Object>> groups = list(file.get("groups"));
    assertThat(groups).isNotEmpty();
    Set<String> names = new HashSet<>();
    for (Map<String, Object> group : groups) {
      assertThat((String) group.get("name")).isNotBlank();
      List<Map<String, Object>> rules = list(group.get("rules"));
      assertThat(rules).as("rules of group " + group.get("name")).isNotEmpty();
      for (Map<String, Object> rule : rules) {
        String alert = (String) rule.get("alert");
        assertThat(alert).as("every rule is an alert").isNotBlank();
        assertThat(names.add(alert)).as("alert %s is named once", alert).isTrue();
        assertThat((String) rule.get("expr")).as("expr of " + alert).isNotBlank();
        if (rule.containsKey("for")) {
          assertThat(String.valueOf(rule.get("for"))).as("'for' of " + alert).matches("(\\d+(ms|s|m|h|d|w|y))+");
        }
        Map<String, Object> annotations = map(rule.get("annotations"));
        assertThat((String) annotations.get("summary")).as("summary of " + alert).isNotBlank();
        assertThat((String) annotations.get("description")).as("description of " + alert).isNotBlank();
      }
    }
    assertThat(names).as("the conditions an operator is paged for").contains("BellwetherNoLeader",
        "BellwetherFollowerLagging", "BellwetherFsyncSlow", "BellwetherLeaderChangesFrequent", "BellwetherNodeDown");
  }

  @Test
  void theReaderFindsNamesNotFunctionsLabelsVariablesOrDurations() {
    PromQl.Uses uses = PromQl.parse("histogram_quantile(0.99, sum by (le, node) (rate("
        + "a_seconds_bucket{node=~\"$node\", op=\"put\", q=\"x}\\\"y\"}[$__rate_interval]))) > 1e-3\n"
        + "  and on (cluster) max without(job) (b_total offset 5m) * ${factor} + count(up{job=\"bw\"} == 0)"
        + " # a comment naming not_a_metric\n or {__name__=\"c_info\"}");
    assertThat(uses.names()).containsExactly("a_seconds_bucket", "b_total", "up", "c_info");
    assertThat(uses.groupingLabels()).containsExactly("le", "node", "cluster", "job");
    assertThat(uses.selectors().get(0).matchers()).containsExactly(
        new PromQl.Matcher("node", "=~", "$node"), new PromQl.Matcher("op", "=", "put"),
        new PromQl.Matcher("q", "=", "x}\"y"));
    assertThatThrownBy(() -> PromQl.parse("rate(x[5m]")).hasMessageContaining("not closed");
    assertThatThrownBy(() -> PromQl.parse("x{a=\"b}")).hasMessageContaining("not closed");
  }

  @Test
  void aNameOrLabelValueTheNodeDoesNotExportIsReported() {
    Map<String, List<Map<String, String>>> exported = series(String.join("\n",
        "# TYPE r gauge", "r{node=\"n1\",role=\"leader\"} 1.0", "r{node=\"n1\",role=\"follower\"} 0.0", ""));
    assertThat(problems("p", "sum by (node) (r{role=\"leader\"})", exported)).isEmpty();
    assertThat(problems("p", "r{role=\"leeder\"} or r_total or sum by (cause) (r)", exported)).containsExactly(
        "p: no series r has role=\"leeder\"", "p: r_total is not exported",
        "p: none of [r] has label cause");
  }

  /** What of {@code expr} the scrape lacks: names, matched labels and values, grouping labels. */
  private static List<String> problems(String where, String expr, Map<String, List<Map<String, String>>> exported) {
    List<String> problems = new ArrayList<>();
    PromQl.Uses uses = PromQl.parse(expr);
    for (PromQl.Selector s : uses.selectors()) {
      if (MADE_BY_PROMETHEUS.contains(s.name())) continue;
      List<Map<String, String>> series = exported.get(s.name());
      if (series == null) {
        problems.add(where + ": " + s.name() + " is not exported");
        continue;
      }
      for (PromQl.Matcher m : s.matchers()) {
        if (ADDED_BY_PROMETHEUS.contains(m.label())) continue;
        boolean found = m.op().equals("=")
            ? series.stream().anyMatch(l -> m.value().equals(l.get(m.label())))
            : series.stream().anyMatch(l -> l.containsKey(m.label()));
        if (!found) {
          problems.add(where + ": no series " + s.name() + " has " + m.label()
              + (m.op().equals("=") ? "=\"" + m.value() + "\"" : ""));
        }
      }
    }
    // Grouping labels are checked against the names that are exported: a missing one is reported above.
    List<String> present = uses.names().stream().filter(exported::containsKey).toList();
    for (String label : uses.groupingLabels()) {
      if (ADDED_BY_PROMETHEUS.contains(label) || present.isEmpty()) continue;
      boolean found = present.stream().anyMatch(name -> exported.get(name).stream().anyMatch(l -> l.containsKey(label)));
      if (!found) problems.add(where + ": none of " + present + " has label " + label);
    }
    return problems;
  }

  /** The Prometheus text format: each series name with the label sets it is exported with. */
  private static Map<String, List<Map<String, String>>> series(String scrape) {
    Map<String, List<Map<String, String>>> out = new HashMap<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') end++;
      Map<String, String> labels = new HashMap<>();
      if (end < line.length() && line.charAt(end) == '{') {
        int i = end + 1;
        while (line.charAt(i) != '}') {
          int eq = line.indexOf('=', i);
          String label = line.substring(i, eq).strip();
          StringBuilder value = new StringBuilder();
          for (i = eq + 2; line.charAt(i) != '"'; i++) {
            char c = line.charAt(i);
            if (c == '\\') c = line.charAt(++i) == 'n' ? '\n' : line.charAt(i);
            value.append(c);
          }
          labels.put(label, value.toString());
          i++;
          if (line.charAt(i) == ',') i++;
        }
      }
      out.computeIfAbsent(line.substring(0, end), k -> new ArrayList<>()).add(labels);
    }
    return out;
  }

  private static JsonObject dashboard() throws IOException {
    return new JsonObject(Files.readString(root.resolve("docs/grafana/bellwether.json")));
  }

  private static Map<String, Object> alerts() throws IOException {
    Object loaded = new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(root.resolve("docs/prometheus/alerts.yml")));
    return map(loaded);
  }

  /** A dashboard variable's {@code label_values(selector, label)}: the values of {@code label}. */
  private record VariableQuery(String name, String selector, String label) {}

  /** Every target's expression, and each query variable's metric selector with the label it lists. */
  private static void dashboardExpressions(JsonObject d, Map<String, String> exprs, List<VariableQuery> variables) {
    for (Object o : d.getJsonArray("panels")) {
      JsonObject p = (JsonObject) o;
      JsonArray targets = p.getJsonArray("targets", new JsonArray());
      for (int i = 0; i < targets.size(); i++) {
        exprs.put("panel '" + p.getString("title") + "' target " + i, targets.getJsonObject(i).getString("expr"));
      }
    }
    for (Object o : d.getJsonObject("templating").getJsonArray("list")) {
      JsonObject v = (JsonObject) o;
      if (!"query".equals(v.getString("type"))) continue;
      Object q = v.getValue("query");
      String query = q instanceof JsonObject j ? j.getString("query") : (String) q;
      Matcher m = LABEL_VALUES.matcher(query);
      assertThat(m.matches()).as("variable %s is label_values(selector, label): %s", v.getString("name"), query).isTrue();
      exprs.put("variable " + v.getString("name"), m.group(1));
      variables.add(new VariableQuery(v.getString("name"), m.group(1), m.group(2)));
    }
  }

  private static void alertExpressions(Map<String, Object> file, Map<String, String> exprs) {
    for (Map<String, Object> group : list(file.get("groups"))) {
      for (Map<String, Object> rule : list(group.get("rules"))) {
        exprs.put("alert " + rule.get("alert"), (String) rule.get("expr"));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<Map<String, Object>>) o;
  }
}
