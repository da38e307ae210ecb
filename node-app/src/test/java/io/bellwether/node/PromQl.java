package io.bellwether.node;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the metric names and labels a PromQL expression uses, without evaluating it: enough to check
 * a dashboard or an alert against what a node exports. A name is an identifier that is not a
 * function (followed by {@code (}), an aggregation, a keyword or a label; strings, range and subquery
 * brackets ({@code [5m]}, {@code [$__rate_interval]}), numbers, durations and Grafana variables
 * ({@code $node}, {@code ${datasource}}) are skipped. Names are returned exactly as written, suffix
 * included ({@code _bucket}, {@code _total}): a Prometheus scrape lists its series by those names.
 *
 * <p>Stateless, so safe from any thread. Throws {@link IllegalArgumentException} on unbalanced
 * brackets, an unterminated string or matchers it cannot read, naming the expression.
 */
final class PromQl {

  /** A label matcher: {@code label op "value"}, op one of {@code = != =~ !~}. */
  record Matcher(String label, String op, String value) {}

  /** A metric name with the matchers in its braces. */
  record Selector(String name, List<Matcher> matchers) {}

  /** What an expression uses: its selectors, and the labels of its by/without/on/ignoring/group_x lists. */
  record Uses(List<Selector> selectors, Set<String> groupingLabels) {
    Set<String> names() {
      Set<String> names = new LinkedHashSet<>();
      selectors.forEach(s -> names.add(s.name()));
      return names;
    }
  }

  /** Words that are PromQL syntax, never metric names (compared in lower case). */
  private static final Set<String> KEYWORDS = Set.of(
      "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
      "quantile", "limitk", "limit_ratio", "and", "or", "unless", "bool", "offset", "inf", "nan", "atan2");
  /** Keywords followed by a parenthesised list of labels. */
  private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  private PromQl() {}

  static Uses parse(String expr) {
    List<Selector> selectors = new ArrayList<>();
    Set<String> grouping = new LinkedHashSet<>();
    int depth = 0;
    int i = 0;
    int n = expr.length();
    while (i < n) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = endOfString(expr, i) + 1;
      } else if (c == '#') {
        while (i < n && expr.charAt(i) != '\n') i++;
      } else if (c == '[') {
        int close = expr.indexOf(']', i);
        if (close < 0) throw bad(expr, "a '[' is not closed");
        i = close + 1;
      } else if (c == '$') {
        // A Grafana variable: $name, ${name} or ${name:format}.
        i++;
        if (i < n && expr.charAt(i) == '{') {
          int close = expr.indexOf('}', i);
          if (close < 0) throw bad(expr, "a '${' is not closed");
          i = close + 1;
        } else {
          while (i < n && isIdentifierPart(expr.charAt(i))) i++;
        }
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
        // A number, its exponent, or a duration such as 5m or 1h30m: none of it is a name.
        while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) i++;
      } else if (isIdentifierStart(c)) {
        int start = i;
        while (i < n && isIdentifierPart(expr.charAt(i))) i++;
        String word = expr.substring(start, i);
        int next = skipSpace(expr, i);
        boolean paren = next < n && expr.charAt(next) == '(';
        String lower = word.toLowerCase(Locale.ROOT);
        if (GROUPING.contains(lower)) {
          if (paren) {
            int close = expr.indexOf(')', next);
            if (close < 0) throw bad(expr, "the label list after '" + word + "' is not closed");
            for (String label : expr.substring(next + 1, close).split(",")) {
              if (!label.isBlank()) grouping.add(label.strip());
            }
            i = close + 1;
          }
        } else if (!paren && !KEYWORDS.contains(lower)) {
          List<Matcher> matchers = List.of();
          if (next < n && expr.charAt(next) == '{') {
            int close = endOfBraces(expr, next);
            matchers = matchers(expr, expr.substring(next + 1, close));
            i = close + 1;
          }
          selectors.add(new Selector(word, matchers));
        }
        // else: a function or an aggregation; its arguments are read as the loop goes on.
      } else if (c == '{') {
        // A selector without a name ({__name__="..."}): only that matcher names a metric.
        int close = endOfBraces(expr, i);
        List<Matcher> matchers = matchers(expr, expr.substring(i + 1, close));
        matchers.stream().filter(m -> m.label().equals("__name__") && m.op().equals("="))
            .findFirst().ifPresent(m -> selectors.add(new Selector(m.value(), matchers)));
        i = close + 1;
      } else {
        if (c == '(') depth++;
        if (c == ')' && --depth < 0) throw bad(expr, "a ')' closes nothing");
        if (c == ']' || c == '}') throw bad(expr, "a '" + c + "' closes nothing");
        i++;
      }
    }
    if (depth != 0) throw bad(expr, depth + " '(' not closed");
    return new Uses(List.copyOf(selectors), grouping);
  }

  private static List<Matcher> matchers(String expr, String inside) {
    List<Matcher> out = new ArrayList<>();
    int i = 0;
    int n = inside.length();
    while (true) {
      i = skipSpace(inside, i);
      if (i >= n) return out;
      int start = i;
      while (i < n && isIdentifierPart(inside.charAt(i))) i++;
      String label = inside.substring(start, i);
      i = skipSpace(inside, i);
      int opStart = i;
      while (i < n && "=!~".indexOf(inside.charAt(i)) >= 0) i++;
      String op = inside.substring(opStart, i);
      i = skipSpace(inside, i);
      if (label.isEmpty() || !Set.of("=", "!=", "=~", "!~").contains(op) || i >= n || "\"'`".indexOf(inside.charAt(i)) < 0) {
        throw bad(expr, "cannot read the label matchers {" + inside + "}");
      }
      int end = endOfString(inside, i);
      out.add(new Matcher(label, op, inside.substring(i + 1, end).replace("\\\"", "\"").replace("\\\\", "\\")));
      i = skipSpace(inside, end + 1);
      if (i < n && inside.charAt(i) == ',') i++;
    }
  }

  /** The index of the quote that closes the string opened at {@code open}. */
  private static int endOfString(String s, int open) {
    char quote = s.charAt(open);
    for (int i = open + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && quote != '`') i++;
      else if (c == quote) return i;
    }
    throw bad(s, "a string is not closed");
  }

  private static int endOfBraces(String s, int open) {
    for (int i = open + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\'' || c == '`') i = endOfString(s, i);
      else if (c == '}') return i;
    }
    throw bad(s, "a '{' is not closed");
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    return i;
  }

  private static boolean isIdentifierStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }

  private static boolean isIdentifierPart(char c) {
    return isIdentifierStart(c) || (c >= '0' && c <= '9');
  }

  private static IllegalArgumentException bad(String expr, String why) {
    return new IllegalArgumentException("PromQL " + why + ": " + expr);
  }
}
