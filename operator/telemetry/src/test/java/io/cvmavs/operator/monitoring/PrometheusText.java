package io.cvmavs.operator.monitoring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4: {@code # HELP} and {@code # TYPE}
 * lines, samples {@code name{label="value",...} value [timestamp]} with the label-value escapes
 * {@code \\}, {@code \"}, {@code \n}. Anything else is an {@link IllegalArgumentException} naming
 * the line. Every sample must belong to the family declared by the {@code # TYPE} before it.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  public record Sample(String name, Map<String, String> labels, double value) {}

  public record Family(String name, String type, String help, List<Sample> samples) {}

  private PrometheusText() {}

  public static Map<String, Family> parse(String text) {
    Map<String, Family> families = new LinkedHashMap<>();
    Map<String, String> help = new LinkedHashMap<>();
    Family current = null;
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        String rest = line.substring(7);
        int sp = rest.indexOf(' ');
        String name = sp < 0 ? rest : rest.substring(0, sp);
        requireName(name, n);
        help.put(name, sp < 0 ? "" : unescapeHelp(rest.substring(sp + 1), n));
      } else if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ");
        if (parts.length != 2 || !TYPES.contains(parts[1])) {
          throw bad(n, "malformed TYPE line: " + line);
        }
        requireName(parts[0], n);
        if (families.containsKey(parts[0])) {
          throw bad(n, "family " + parts[0] + " declared twice");
        }
        current = new Family(parts[0], parts[1], help.get(parts[0]), new ArrayList<>());
        families.put(parts[0], current);
      } else if (line.startsWith("#")) {
        continue; // a comment
      } else {
        Sample s = sample(line, n);
        if (current == null || !belongs(current, s.name())) {
          throw bad(n, "sample " + s.name() + " outside its family's TYPE block");
        }
        current.samples().add(s);
      }
    }
    return families;
  }

  private static boolean belongs(Family f, String sample) {
    if (sample.equals(f.name())) {
      return true;
    }
    List<String> suffixes =
        switch (f.type()) {
          case "histogram" -> List.of("_bucket", "_count", "_sum", "_created");
          case "summary" -> List.of("_count", "_sum", "_created");
          case "counter" -> List.of("_total", "_created");
          default -> List.of();
        };
    return suffixes.stream().anyMatch(x -> sample.equals(f.name() + x));
  }

  private static Sample sample(String line, int n) {
    Matcher m = NAME.matcher(line);
    if (!m.lookingAt()) {
      throw bad(n, "no metric name: " + line);
    }
    String name = m.group();
    int i = m.end();
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        Matcher l = LABEL.matcher(line).region(i, line.length());
        if (!l.lookingAt()) {
          throw bad(n, "bad label name at column " + i);
        }
        String label = l.group();
        i = l.end();
        if (!line.startsWith("=\"", i)) {
          throw bad(n, "expected =\" after label " + label);
        }
        i += 2;
        StringBuilder value = new StringBuilder();
        while (true) {
          if (i >= line.length()) {
            throw bad(n, "unterminated label value");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char e = line.charAt(i++);
            switch (e) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw bad(n, "bad escape \\" + e);
            }
          } else {
            value.append(c);
          }
        }
        if (labels.put(label, value.toString()) != null) {
          throw bad(n, "label " + label + " repeated");
        }
        if (line.charAt(i) == ',') {
          i++;
        } else if (line.charAt(i) != '}') {
          throw bad(n, "expected , or } at column " + i);
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw bad(n, "expected a space before the value");
    }
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length < 1 || rest.length > 2) {
      throw bad(n, "expected value [timestamp]: " + line);
    }
    double value =
        switch (rest[0]) {
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          case "NaN" -> Double.NaN;
          default -> {
            try {
              yield Double.parseDouble(rest[0]);
            } catch (NumberFormatException e) {
              throw bad(n, "bad value " + rest[0]);
            }
          }
        };
    if (rest.length == 2 && !rest[1].matches("-?[0-9]+")) {
      throw bad(n, "bad timestamp " + rest[1]);
    }
    return new Sample(name, labels, value);
  }

  private static String unescapeHelp(String s, int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (++i >= s.length()) {
          throw bad(n, "dangling escape in HELP");
        }
        char e = s.charAt(i);
        switch (e) {
          case '\\' -> out.append('\\');
          case 'n' -> out.append('\n');
          default -> throw bad(n, "bad escape \\" + e + " in HELP");
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static void requireName(String name, int n) {
    if (!NAME.matcher(name).matches()) {
      throw bad(n, "bad metric name '" + name + "'");
    }
  }

  private static IllegalArgumentException bad(int line, String what) {
    return new IllegalArgumentException("line " + line + ": " + what);
  }
}
