package io.cvmavs.cvm.manuscript;

import io.cvmavs.cvm.manuscript.ManuscriptException.Problem;
import io.cvmavs.cvm.proof.Keccak;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Parses and validates manuscripts in Chainbase's YAML format (see the module README). Every
 * problem names the file, line, column and field path; all problems of a file are reported
 * together. Unknown fields are refused at every level, so a misspelt key never silently falls back
 * to a default.
 */
public final class ManuscriptParser {
  public static final Set<String> SPEC_VERSIONS = Set.of("v0.1.0", "v1.0.0");
  public static final Set<String> TABLES =
      Set.of(
          "blocks",
          "transactions",
          "transaction_logs",
          "token_transfers",
          "contracts",
          "trace_calls",
          "token_metas");

  /**
   * Dataset namespaces of Chainbase that cannot exist here, with the reason: everything is ingested
   * from an EVM JSON-RPC endpoint.
   */
  public static final Map<String, String> IMPOSSIBLE_CHAINS =
      Map.of(
          "sui", nonEvm("sui"),
          "aptos", nonEvm("aptos"),
          "solana", nonEvm("solana"),
          "bitcoin", nonEvm("bitcoin"),
          "ton", nonEvm("ton"),
          "starknet", nonEvm("starknet"),
          "token",
              "Chainbase's token price tables (token.*) come from off-chain price feeds, not from a"
                  + " chain; the CVM has no source for them and an operator could not attest them");

  private static String nonEvm(String chain) {
    return chain
        + " is not an EVM chain: the CVM ingests chains through the EVM JSON-RPC"
        + " (eth_getBlockByNumber, eth_getBlockReceipts), so "
        + chain
        + ".* datasets cannot be ingested";
  }

  private static final Pattern TEMPORAL =
      Pattern.compile(
          "(?i)([A-Za-z_][A-Za-z0-9_]*|`[^`]+`)\\s+(FOR\\s+SYSTEM_TIME\\s+AS\\s+OF\\s+"
              + "(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]+`)(?:\\s*\\.\\s*(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]+`))*)");
  private static final Pattern SQL_INTERVAL =
      Pattern.compile(
          "(?i)\\s*INTERVAL\\s*'\\s*(\\d+)\\s*'\\s*(SECOND|MINUTE|HOUR|DAY)S?\\s*(?:\\(\\s*\\d+\\s*\\))?\\s*");
  public static final int MAX_PARALLELISM = 256;

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.]*)}");
  private static final Pattern INTERVAL =
      Pattern.compile(
          "(?i)\\s*(\\d+)\\s*(second|seconds|s|minute|minutes|min|m|hour|hours|h|day|days|d)\\s*");

  private final Map<String, String> environment;

  /** A parser whose {@code ${env.NAME}} placeholders read the process environment. */
  public ManuscriptParser() {
    this(System.getenv());
  }

  /** A parser with an explicit environment for {@code ${env.NAME}} placeholders in sink configs. */
  public ManuscriptParser(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  public Manuscript parse(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw ManuscriptException.unreadable(file.toString(), "no such file: " + file, null);
    } catch (IOException e) {
      throw ManuscriptException.unreadable(
          file.toString(), "cannot read " + file + ": " + e.getMessage(), e);
    }
    return parse(file.toString(), bytes);
  }

  /** Parses a manuscript's bytes; {@code file} names it in problems. */
  public Manuscript parse(String file, byte[] bytes) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ManuscriptException(List.of(new Problem(file, 0, 0, "", "the file is not UTF-8")));
    }
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(0);
      options.setCodePointLimit(4 * 1024 * 1024);
      root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = mark == null ? 0 : mark.getLine() + 1;
      int column = mark == null ? 0 : mark.getColumn() + 1;
      String reason =
          "malformed YAML: " + (e.getProblem() != null ? e.getProblem() : e.getMessage());
      throw new ManuscriptException(List.of(new Problem(file, line, column, "", reason)));
    } catch (YAMLException e) {
      throw new ManuscriptException(
          List.of(new Problem(file, 0, 0, "", "malformed YAML: " + e.getMessage())));
    }
    if (root == null) {
      throw new ManuscriptException(
          List.of(new Problem(file, 1, 1, "", "the manuscript is empty")));
    }
    Walk walk = new Walk(file, text);
    Manuscript manuscript = walk.manuscript(root, Keccak.hash(bytes));
    if (!walk.problems.isEmpty()) {
      throw new ManuscriptException(walk.problems);
    }
    List<Problem> determinism = DeterminismCheck.check(manuscript);
    if (!determinism.isEmpty()) {
      throw new ManuscriptException(determinism);
    }
    return manuscript;
  }

  /** One pass over the node tree, collecting problems. */
  private final class Walk {
    final String file;
    final String text;
    final int[] lineStarts;
    final List<Problem> problems = new ArrayList<>();
    final List<Source> sourcesSoFar = new ArrayList<>();

    Walk(String file, String text) {
      this.file = file;
      this.text = text;
      List<Integer> starts = new ArrayList<>();
      starts.add(0);
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          starts.add(i + 1);
        }
      }
      this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    int lineOf(int index) {
      int i = java.util.Arrays.binarySearch(lineStarts, index);
      return i >= 0 ? i : -i - 2;
    }

    void problem(Node at, String field, String reason) {
      Mark m = at == null ? null : at.getStartMark();
      problems.add(
          new Problem(
              file,
              m == null ? 0 : m.getLine() + 1,
              m == null ? 0 : m.getColumn() + 1,
              field,
              reason));
    }

    Location location(Node node) {
      Mark m = node.getStartMark();
      return new Location(file, m.getLine() + 1, m.getColumn() + 1);
    }

    /**
     * The fields of a mapping, refusing unknown and duplicate keys; null when {@code node} is no
     * mapping.
     */
    Map<String, Node> fields(Node node, String path, Set<String> allowed) {
      if (!(node instanceof MappingNode mapping)) {
        problem(node, path, "expected a mapping with fields " + sorted(allowed));
        return null;
      }
      Map<String, Node> out = new LinkedHashMap<>();
      for (NodeTuple t : mapping.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode key)) {
          problem(t.getKeyNode(), path, "field names must be plain strings");
          continue;
        }
        String name = key.getValue();
        String fieldPath = path.isEmpty() ? name : path + "." + name;
        if (!allowed.contains(name)) {
          problem(
              key, fieldPath, "unknown field '" + name + "' (allowed: " + sorted(allowed) + ")");
        } else if (out.containsKey(name)) {
          problem(key, fieldPath, "duplicate field '" + name + "'");
        } else {
          out.put(name, t.getValueNode());
        }
      }
      return out;
    }

    Optional<String> string(
        Map<String, Node> fields, String key, String path, boolean required, Node owner) {
      Node n = fields.get(key);
      String fieldPath = path.isEmpty() ? key : path + "." + key;
      if (n == null) {
        if (required) {
          problem(owner, fieldPath, "missing required field '" + key + "'");
        }
        return Optional.empty();
      }
      if (!(n instanceof ScalarNode s)) {
        problem(n, fieldPath, "expected a string");
        return Optional.empty();
      }
      if (s.getValue().isBlank()) {
        problem(n, fieldPath, "must not be empty");
        return Optional.empty();
      }
      return Optional.of(s.getValue());
    }

    Optional<String> identifier(Map<String, Node> fields, String key, String path, Node owner) {
      Optional<String> v = string(fields, key, path, true, owner);
      if (v.isPresent() && !IDENTIFIER.matcher(v.get()).matches()) {
        problem(
            fields.get(key),
            path.isEmpty() ? key : path + "." + key,
            "'" + v.get() + "' is not a SQL identifier ([A-Za-z_][A-Za-z0-9_]*)");
        return Optional.empty();
      }
      return v;
    }

    List<Node> list(Map<String, Node> fields, String key, boolean required, Node owner) {
      Node n = fields.get(key);
      if (n == null) {
        if (required) {
          problem(owner, key, "missing required field '" + key + "'");
        }
        return List.of();
      }
      if (!(n instanceof SequenceNode seq)) {
        problem(n, key, "expected a list");
        return List.of();
      }
      return seq.getValue();
    }

    Manuscript manuscript(Node root, byte[] hash) {
      Map<String, Node> top =
          fields(
              root,
              "",
              Set.of("name", "specVersion", "parallelism", "sources", "transforms", "sinks"));
      if (top == null) {
        return new Manuscript(file, "", "", 1, List.of(), List.of(), List.of(), hash);
      }
      String name = identifier(top, "name", "", root).orElse("");
      String spec = string(top, "specVersion", "", true, root).orElse("");
      if (!spec.isEmpty() && !SPEC_VERSIONS.contains(spec)) {
        problem(
            top.get("specVersion"),
            "specVersion",
            "unsupported spec version '" + spec + "' (supported: " + sorted(SPEC_VERSIONS) + ")");
      }
      int parallelism = 1;
      Optional<String> p = string(top, "parallelism", "", false, root);
      if (p.isPresent()) {
        try {
          parallelism = Integer.parseInt(p.get().trim());
        } catch (NumberFormatException e) {
          parallelism = -1;
        }
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
          problem(
              top.get("parallelism"),
              "parallelism",
              "must be an integer from 1 to " + MAX_PARALLELISM + ", got '" + p.get() + "'");
          parallelism = 1;
        }
      }
      Set<String> names = new HashSet<>();
      List<Source> sources = new ArrayList<>();
      List<Node> sourceNodes = list(top, "sources", true, root);
      if (top.containsKey("sources")
          && sourceNodes.isEmpty()
          && top.get("sources") instanceof SequenceNode) {
        problem(top.get("sources"), "sources", "a manuscript needs at least one source");
      }
      for (int i = 0; i < sourceNodes.size(); i++) {
        source(sourceNodes.get(i), "sources[" + i + "]", names).ifPresent(sources::add);
      }
      sourcesSoFar.addAll(sources);
      List<Transform> transforms = new ArrayList<>();
      List<Node> transformNodes = list(top, "transforms", false, root);
      for (int i = 0; i < transformNodes.size(); i++) {
        transform(transformNodes.get(i), "transforms[" + i + "]", names).ifPresent(transforms::add);
      }
      List<Sink> sinks = new ArrayList<>();
      List<Node> sinkNodes = list(top, "sinks", true, root);
      if (top.containsKey("sinks")
          && sinkNodes.isEmpty()
          && top.get("sinks") instanceof SequenceNode) {
        problem(top.get("sinks"), "sinks", "a manuscript needs at least one sink");
      }
      Set<String> sinkNames = new HashSet<>();
      for (int i = 0; i < sinkNodes.size(); i++) {
        sink(sinkNodes.get(i), "sinks[" + i + "]", names, sinkNames).ifPresent(sinks::add);
      }
      return new Manuscript(file, name, spec, parallelism, sources, transforms, sinks, hash);
    }

    Optional<Source> source(Node node, String path, Set<String> names) {
      Map<String, Node> f =
          fields(
              node,
              path,
              Set.of(
                  "name",
                  "type",
                  "dataset",
                  "filter",
                  "timecol",
                  "size",
                  "slide",
                  "step",
                  "parallelism",
                  "cache-rows",
                  "cache-ttl"));
      if (f == null) {
        return Optional.empty();
      }
      int before = problems.size();
      Optional<String> name = identifier(f, "name", path, node);
      name.ifPresent(n -> unique(names, n, f.get("name"), path + ".name"));
      Optional<SourceType> type = Optional.empty();
      Optional<String> typeName = string(f, "type", path, true, node);
      if (typeName.isPresent()) {
        type = SourceType.of(typeName.get());
        if (type.isEmpty()) {
          problem(
              f.get("type"),
              path + ".type",
              "unknown source type '"
                  + typeName.get()
                  + "' (expected one of "
                  + java.util.Arrays.stream(SourceType.values()).map(SourceType::yamlName).toList()
                  + ")");
        }
      }
      String chain = "";
      String table = "";
      Optional<String> dataset = string(f, "dataset", path, true, node);
      if (dataset.isPresent()) {
        String[] parts = dataset.get().split("\\.", -1);
        String impossible = IMPOSSIBLE_CHAINS.get(parts[0].toLowerCase(Locale.ROOT));
        if (impossible != null) {
          problem(
              f.get("dataset"),
              path + ".dataset",
              "'" + dataset.get() + "' cannot exist here: " + impossible);
        } else if (parts.length != 2
            || !IDENTIFIER.matcher(parts[0]).matches()
            || !TABLES.contains(parts[1])) {
          problem(
              f.get("dataset"),
              path + ".dataset",
              "expected <chain>.<table> with table one of "
                  + sorted(TABLES)
                  + ", got '"
                  + dataset.get()
                  + "'");
        } else {
          chain = parts[0];
          table = parts[1];
        }
      }
      Optional<String> filter = string(f, "filter", path, false, node);
      Optional<Window> window = Optional.empty();
      if (type.isPresent()) {
        window = window(f, path, node, type.get());
      }
      Optional<Integer> parallelism = Optional.empty();
      Optional<String> p = string(f, "parallelism", path, false, node);
      if (p.isPresent()) {
        int v;
        try {
          v = Integer.parseInt(p.get().trim());
        } catch (NumberFormatException e) {
          v = -1;
        }
        if (v < 1 || v > MAX_PARALLELISM) {
          problem(
              f.get("parallelism"),
              path + ".parallelism",
              "must be an integer from 1 to " + MAX_PARALLELISM + ", got '" + p.get() + "'");
        } else {
          parallelism = Optional.of(v);
        }
      }
      for (String k : List.of("cache-rows", "cache-ttl")) {
        if (f.containsKey(k) && type.isPresent() && type.get() != SourceType.LOOKUP_DATASET) {
          problem(
              f.get(k),
              path + "." + k,
              "'" + k + "' applies only to lookup_dataset, not to " + type.get().yamlName());
        }
      }
      Optional<String> rows = string(f, "cache-rows", path, false, node);
      if (rows.isPresent() && !rows.get().trim().matches("[1-9][0-9]{0,9}")) {
        problem(
            f.get("cache-rows"),
            path + ".cache-rows",
            "expected a positive row count, got '" + rows.get() + "'");
      }
      if (f.containsKey("cache-ttl")) {
        interval(f, "cache-ttl", path, false, node);
      }
      if (problems.size() > before || name.isEmpty() || type.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          new Source(
              name.get(), type.get(), chain, table, filter, window, parallelism, location(node)));
    }

    Optional<Window> window(Map<String, Node> f, String path, Node node, SourceType type) {
      if (!type.windowed()) {
        for (String k : List.of("timecol", "size", "slide", "step")) {
          if (f.containsKey(k)) {
            problem(
                f.get(k),
                path + "." + k,
                "'" + k + "' applies only to window sources, not to " + type.yamlName());
          }
        }
        return Optional.empty();
      }
      Optional<String> timecol = string(f, "timecol", path, true, node);
      timecol
          .filter(t -> !IDENTIFIER.matcher(t).matches())
          .ifPresent(
              t ->
                  problem(f.get("timecol"), path + ".timecol", "'" + t + "' is not a column name"));
      Optional<Duration> size = interval(f, "size", path, true, node);
      Optional<Duration> slide = Optional.empty();
      Optional<Duration> step = Optional.empty();
      if (type == SourceType.HOP_WINDOW_DATASET) {
        slide = interval(f, "slide", path, true, node);
      } else if (f.containsKey("slide")) {
        problem(f.get("slide"), path + ".slide", "'slide' applies only to hop_window_dataset");
      }
      if (type == SourceType.CUMULATIVE_WINDOW_DATASET) {
        step = interval(f, "step", path, true, node);
        if (step.isPresent()
            && size.isPresent()
            && size.get().toSeconds() % step.get().toSeconds() != 0) {
          problem(
              f.get("step"),
              path + ".step",
              "the window size must be a whole multiple of the step");
        }
      } else if (f.containsKey("step")) {
        problem(f.get("step"), path + ".step", "'step' applies only to cumulative_window_dataset");
      }
      if (timecol.isEmpty() || size.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Window(timecol.get(), size.get(), slide, step));
    }

    Optional<Duration> interval(
        Map<String, Node> f, String key, String path, boolean required, Node node) {
      Optional<String> s = string(f, key, path, required, node);
      if (s.isEmpty()) {
        return Optional.empty();
      }
      Optional<Duration> d = parseInterval(s.get());
      if (d.isEmpty() || d.get().isZero() || d.get().isNegative()) {
        problem(
            f.get(key),
            path + "." + key,
            "expected a positive interval such as INTERVAL '1' HOUR, '1 hour', '30 seconds', '5m'"
                + " or 'PT1H', got '"
                + s.get()
                + "'");
        return Optional.empty();
      }
      return d;
    }

    Optional<Transform> transform(Node node, String path, Set<String> names) {
      Map<String, Node> f = fields(node, path, Set.of("name", "sql", "params"));
      if (f == null) {
        return Optional.empty();
      }
      int before = problems.size();
      Optional<String> name = identifier(f, "name", path, node);
      name.ifPresent(n -> unique(names, n, f.get("name"), path + ".name"));
      Optional<String> sql = string(f, "sql", path, true, node);
      Map<String, String> params = new LinkedHashMap<>();
      Node paramsNode = f.get("params");
      if (paramsNode != null) {
        if (!(paramsNode instanceof MappingNode pm)) {
          problem(paramsNode, path + ".params", "expected a mapping of parameter names to values");
        } else {
          for (NodeTuple t : pm.getValue()) {
            String k = t.getKeyNode() instanceof ScalarNode ks ? ks.getValue() : null;
            if (k == null || !IDENTIFIER.matcher(k).matches()) {
              problem(t.getKeyNode(), path + ".params", "parameter names must be identifiers");
            } else if (!(t.getValueNode() instanceof ScalarNode vs)) {
              problem(
                  t.getValueNode(), path + ".params." + k, "a parameter value must be a scalar");
            } else if (params.put(k, vs.getValue()) != null) {
              problem(t.getKeyNode(), path + ".params." + k, "duplicate parameter '" + k + "'");
            }
          }
        }
      }
      String resolved = null;
      if (sql.isPresent()) {
        resolved =
            substitute(sql.get(), key -> params.get(key), f.get("sql"), path + ".sql", "params");
      }
      if (problems.size() > before || name.isEmpty() || resolved == null) {
        return Optional.empty();
      }
      SqlMap map = sqlMap((ScalarNode) f.get("sql"), sql.get(), params);
      String runnable = temporalJoins(trailingSemicolon(resolved), f.get("sql"), path + ".sql");
      if (runnable == null) {
        return Optional.empty();
      }
      return Optional.of(new Transform(name.get(), runnable, params, location(node), map));
    }

    /**
     * {@code t FOR SYSTEM_TIME AS OF x} on a lookup_dataset source {@code t} is blanked out (same
     * length, so SQL error offsets still map into the file): a batch run reads the lookup source
     * whole, so the temporal join is the plain join against it. On anything else it is refused.
     */
    String temporalJoins(String sql, Node at, String path) {
      Matcher m = TEMPORAL.matcher(sql);
      StringBuilder out = new StringBuilder(sql);
      boolean ok = true;
      while (m.find()) {
        String table = m.group(1).replace("`", "");
        boolean lookup =
            sourcesSoFar.stream()
                .anyMatch(
                    src ->
                        src.name().equalsIgnoreCase(table)
                            && src.type() == SourceType.LOOKUP_DATASET);
        if (!lookup) {
          problem(
              at,
              path,
              "temporal join '"
                  + m.group(1)
                  + " "
                  + m.group(2).replaceAll("\\s+", " ")
                  + "': FOR SYSTEM_TIME AS OF is supported only on lookup_dataset sources ('"
                  + table
                  + "' is not one)");
          ok = false;
          continue;
        }
        for (int i = m.start(2); i < m.end(2); i++) {
          if (out.charAt(i) != '\n') {
            out.setCharAt(i, ' ');
          }
        }
      }
      return ok ? out.toString() : null;
    }

    SqlMap sqlMap(ScalarNode node, String raw, Map<String, String> params) {
      int start = Math.min(node.getStartMark().getIndex(), text.length());
      var style = node.getScalarStyle();
      if (style == org.yaml.snakeyaml.DumperOptions.ScalarStyle.FOLDED
          || style == org.yaml.snakeyaml.DumperOptions.ScalarStyle.LITERAL) {
        int nl = text.indexOf('\n', start);
        start = nl < 0 ? text.length() : nl + 1;
      } else if (style != org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN) {
        start++;
      }
      // Folding and indentation change only whitespace: the k-th non-blank character of the value
      // is the k-th non-blank character of the file from the value's start.
      List<Integer> filePositions = new ArrayList<>();
      for (int i = start; i < text.length() && filePositions.size() <= raw.length(); i++) {
        if (!Character.isWhitespace(text.charAt(i))) {
          filePositions.add(i);
        }
      }
      int[] rawToFile = new int[raw.length() + 1];
      int k = 0;
      for (int i = raw.length() - 1; i >= 0; i--) {
        // whitespace maps to the next non-blank character; filled below
        rawToFile[i] = -1;
      }
      for (int i = 0; i < raw.length(); i++) {
        if (!Character.isWhitespace(raw.charAt(i))) {
          rawToFile[i] =
              filePositions.isEmpty()
                  ? start
                  : filePositions.get(Math.min(k, filePositions.size() - 1));
          k++;
        }
      }
      int next = filePositions.isEmpty() ? start : filePositions.get(filePositions.size() - 1);
      rawToFile[raw.length()] = next;
      for (int i = raw.length() - 1; i >= 0; i--) {
        if (rawToFile[i] < 0) {
          rawToFile[i] = next;
        } else {
          next = rawToFile[i];
        }
      }
      // resolved offset -> raw offset (a substituted value maps to its placeholder)
      List<Integer> resolvedToRaw = new ArrayList<>();
      Matcher m = PLACEHOLDER.matcher(raw);
      int last = 0;
      while (m.find()) {
        for (int i = last; i < m.start(); i++) {
          resolvedToRaw.add(i);
        }
        String value = params.getOrDefault(m.group(1), "");
        for (int i = 0; i < value.length(); i++) {
          resolvedToRaw.add(m.start());
        }
        last = m.end();
      }
      for (int i = last; i <= raw.length(); i++) {
        resolvedToRaw.add(i);
      }
      int[] lines = new int[resolvedToRaw.size()];
      int[] columns = new int[resolvedToRaw.size()];
      for (int i = 0; i < lines.length; i++) {
        int fileIndex = rawToFile[resolvedToRaw.get(i)];
        int line = lineOf(fileIndex);
        lines[i] = line + 1;
        columns[i] = fileIndex - lineStarts[line] + 1;
      }
      return new SqlMap(file, lines, columns);
    }

    Optional<Sink> sink(Node node, String path, Set<String> relations, Set<String> sinkNames) {
      Map<String, Node> f =
          fields(
              node,
              path,
              Set.of(
                  "name",
                  "type",
                  "from",
                  "database",
                  "schema",
                  "table",
                  "primary_key",
                  "path",
                  "file_name",
                  "config",
                  "per_range"));
      if (f == null) {
        return Optional.empty();
      }
      int before = problems.size();
      Optional<String> name = identifier(f, "name", path, node);
      name.ifPresent(n -> unique(sinkNames, n, f.get("name"), path + ".name"));
      Optional<SinkType> type = Optional.empty();
      Optional<String> typeName = string(f, "type", path, true, node);
      if (typeName.isPresent()) {
        type = SinkType.of(typeName.get());
        if (type.isEmpty()) {
          problem(
              f.get("type"),
              path + ".type",
              "unknown sink type '"
                  + typeName.get()
                  + "' (expected one of "
                  + java.util.Arrays.stream(SinkType.values()).map(SinkType::yamlName).toList()
                  + ")");
        }
      }
      Optional<String> from = string(f, "from", path, true, node);
      from.filter(fr -> !relations.contains(fr))
          .ifPresent(
              fr ->
                  problem(
                      f.get("from"),
                      path + ".from",
                      "'" + fr + "' is neither a source nor a transform of this manuscript"));
      List<String> primaryKey = primaryKey(f.get("primary_key"), path + ".primary_key");
      Optional<String> database = string(f, "database", path, false, node);
      Optional<String> schema = string(f, "schema", path, false, node);
      Optional<String> table = string(f, "table", path, false, node);
      Optional<String> outPath = string(f, "path", path, false, node);
      Optional<String> fileName = string(f, "file_name", path, false, node);
      fileName
          .filter(fn -> fn.contains("/") || fn.contains("\\") || fn.equals("..") || fn.equals("."))
          .ifPresent(
              fn ->
                  problem(
                      f.get("file_name"),
                      path + ".file_name",
                      "'"
                          + fn
                          + "' is not a plain file name (the directory is the run's output"
                          + " directory; use 'path' for a full path)"));
      boolean perRange = false;
      Optional<String> perRangeText = string(f, "per_range", path, false, node);
      if (perRangeText.isPresent()) {
        if (perRangeText.get().equals("true") || perRangeText.get().equals("false")) {
          perRange = Boolean.parseBoolean(perRangeText.get());
        } else {
          problem(f.get("per_range"), path + ".per_range", "expected true or false");
        }
      }
      Optional<Sink.Connection> config = Optional.empty();
      if (type.isPresent()) {
        SinkType t = type.get();
        Set<String> allowedHere =
            switch (t) {
              case PRINT -> Set.of();
              case FILESYSTEM -> Set.of("path", "file_name");
              case DATASET -> Set.of("primary_key");
              case POSTGRES ->
                  Set.of("database", "schema", "table", "primary_key", "config", "per_range");
            };
        for (String k :
            List.of(
                "database",
                "schema",
                "table",
                "primary_key",
                "path",
                "file_name",
                "config",
                "per_range")) {
          if (f.containsKey(k) && !allowedHere.contains(k)) {
            problem(
                f.get(k),
                path + "." + k,
                "'" + k + "' does not apply to a " + t.yamlName() + " sink");
          }
        }
        if (t == SinkType.FILESYSTEM && !f.containsKey("path") && !f.containsKey("file_name")) {
          problem(
              node,
              path + ".path",
              "missing required field 'path' (or Chainbase's 'file_name') for a filesystem sink");
        }
        if (t == SinkType.FILESYSTEM && f.containsKey("path") && f.containsKey("file_name")) {
          problem(f.get("file_name"), path + ".file_name", "give either 'path' or 'file_name'");
        }
        if (t == SinkType.POSTGRES) {
          for (String k : List.of("database", "table")) {
            if (!f.containsKey(k)) {
              problem(
                  node, path + "." + k, "missing required field '" + k + "' for a postgres sink");
            }
          }
          if (!f.containsKey("primary_key")) {
            problem(
                node,
                path + ".primary_key",
                "missing required field 'primary_key': a postgres sink upserts by it");
          }
          for (Optional<String> ident : List.of(schema, table)) {
            ident
                .filter(v -> !IDENTIFIER.matcher(v).matches())
                .ifPresent(v -> problem(node, path, "'" + v + "' is not a SQL identifier"));
          }
          config = connection(f.get("config"), path + ".config", node);
        }
      }
      if (problems.size() > before || name.isEmpty() || type.isEmpty() || from.isEmpty()) {
        return Optional.empty();
      }
      SinkType sinkType = type.get();
      return Optional.of(
          new Sink(
              name.get(),
              sinkType,
              from.get(),
              database,
              schema.or(
                  () -> sinkType == SinkType.POSTGRES ? Optional.of("public") : Optional.empty()),
              table,
              primaryKey,
              outPath,
              fileName,
              config,
              perRange,
              location(node)));
    }

    List<String> primaryKey(Node n, String path) {
      if (n == null) {
        return List.of();
      }
      List<String> keys = new ArrayList<>();
      if (n instanceof ScalarNode s) {
        for (String part : s.getValue().split(",", -1)) {
          keys.add(part.trim());
        }
      } else if (n instanceof SequenceNode seq) {
        for (Node item : seq.getValue()) {
          keys.add(item instanceof ScalarNode s ? s.getValue().trim() : "");
        }
      } else {
        problem(n, path, "expected 'a,b' or a list of column names");
        return List.of();
      }
      for (String k : keys) {
        if (!IDENTIFIER.matcher(k).matches()) {
          problem(n, path, "'" + k + "' is not a column name");
          return List.of();
        }
      }
      if (new LinkedHashSet<>(keys).size() != keys.size()) {
        problem(n, path, "a column appears twice in the key " + keys);
      }
      return keys;
    }

    Optional<Sink.Connection> connection(Node n, String path, Node owner) {
      Map<String, String> defaults =
          Map.of("host", "127.0.0.1", "port", "5432", "username", "postgres", "password", "");
      Map<String, Node> f =
          n == null ? Map.of() : fields(n, path, Set.of("host", "port", "username", "password"));
      if (f == null) {
        return Optional.empty();
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (String k : List.of("host", "port", "username", "password")) {
        Node v = f.get(k);
        if (v == null) {
          values.put(k, defaults.get(k));
        } else if (!(v instanceof ScalarNode s)) {
          problem(v, path + "." + k, "expected a string");
        } else {
          String resolved =
              substitute(
                  s.getValue(),
                  key -> key.startsWith("env.") ? environment.get(key.substring(4)) : null,
                  v,
                  path + "." + k,
                  "the environment (${env.NAME})");
          if (resolved != null) {
            values.put(k, resolved);
          }
        }
      }
      if (values.size() < 4) {
        return Optional.empty();
      }
      int port;
      try {
        port = Integer.parseInt(values.get("port").trim());
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        problem(
            f.getOrDefault("port", owner),
            path + ".port",
            "expected a TCP port (1-65535), got '" + values.get("port") + "'");
        return Optional.empty();
      }
      return Optional.of(
          new Sink.Connection(
              values.get("host"), port, values.get("username"), values.get("password")));
    }

    String substitute(
        String text, UnaryOperator<String> lookup, Node at, String path, String from) {
      Matcher m = PLACEHOLDER.matcher(text);
      StringBuilder out = new StringBuilder();
      boolean ok = true;
      while (m.find()) {
        String value = lookup.apply(m.group(1));
        if (value == null) {
          problem(at, path, "placeholder ${" + m.group(1) + "} has no value in " + from);
          ok = false;
          value = "";
        }
        m.appendReplacement(out, Matcher.quoteReplacement(value));
      }
      m.appendTail(out);
      return ok ? out.toString() : null;
    }

    void unique(Set<String> names, String name, Node at, String path) {
      if (!names.add(name.toLowerCase(Locale.ROOT))) {
        problem(
            at,
            path,
            "the name '"
                + name
                + "' is already used by another source or transform (names are case-insensitive in SQL)");
      }
    }
  }

  /** {@code '1 hour'}, {@code '30 seconds'}, {@code '5m'}, or ISO-8601 such as {@code 'PT1H'}. */
  public static Optional<Duration> parseInterval(String text) {
    Matcher sql = SQL_INTERVAL.matcher(text);
    if (sql.matches()) {
      long n = Long.parseLong(sql.group(1));
      return Optional.of(
          switch (sql.group(2).toUpperCase(Locale.ROOT)) {
            case "SECOND" -> Duration.ofSeconds(n);
            case "MINUTE" -> Duration.ofMinutes(n);
            case "HOUR" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          });
    }
    Matcher m = INTERVAL.matcher(text);
    if (m.matches()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      String unit = m.group(2).toLowerCase(Locale.ROOT);
      return Optional.of(
          switch (unit.charAt(0)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          });
    }
    try {
      return Optional.of(Duration.parse(text.trim()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The SQL with a trailing {@code ;} (as Chainbase's examples end) blanked out. */
  static String trailingSemicolon(String sql) {
    int end = sql.length();
    while (end > 0 && Character.isWhitespace(sql.charAt(end - 1))) {
      end--;
    }
    if (end > 0 && sql.charAt(end - 1) == ';') {
      return sql.substring(0, end - 1) + " " + sql.substring(end);
    }
    return sql;
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }
}
