package io.cvmavs.cvm.manuscript;

import io.cvmavs.cvm.manuscript.ManuscriptException.Problem;
import io.cvmavs.cvm.manuscript.SqlTokens.Token;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Refuses constructs that make a {@code dataset} sink's rows depend on when or how the job ran:
 * processing time, the wall clock, randomness, and {@code LIMIT}/{@code FETCH} without an {@code
 * ORDER BY} in the same query (which rows survive would depend on arrival order). Only the sources
 * and transforms a dataset sink reads from, directly or through other transforms, are checked;
 * other sinks (print, postgres) may use anything.
 */
final class DeterminismCheck {
  /** Function or keyword → why it is refused. */
  static final Map<String, String> REFUSED =
      Map.ofEntries(
          Map.entry("PROCTIME", "processing time differs between runs"),
          Map.entry("NOW", "reads the wall clock"),
          Map.entry("CURRENT_TIMESTAMP", "reads the wall clock"),
          Map.entry("CURRENT_DATE", "reads the wall clock"),
          Map.entry("CURRENT_TIME", "reads the wall clock"),
          Map.entry("LOCALTIME", "reads the wall clock"),
          Map.entry("LOCALTIMESTAMP", "reads the wall clock"),
          Map.entry("CURRENT_ROW_TIMESTAMP", "reads the wall clock"),
          Map.entry("CURRENT_WATERMARK", "depends on how far the job has progressed"),
          Map.entry("RAND", "is random"),
          Map.entry("RAND_INTEGER", "is random"),
          Map.entry("UUID", "is random"),
          Map.entry(
              "GET_TOKEN_META",
              "is a network UDF (it asks a JSON-RPC node for the latest state, which changes and"
                  + " differs between nodes); attested token metadata comes from the"
                  + " <chain>.token_metas dataset"),
          Map.entry(
              "ETH_CALL",
              "is a network UDF (its answer depends on the node asked and when); allowed for"
                  + " print, filesystem and postgres sinks only"),
          Map.entry(
              "RPCREQUEST",
              "is a network UDF (its answer depends on the node asked and when); allowed for"
                  + " print, filesystem and postgres sinks only"));

  private DeterminismCheck() {}

  static List<Problem> check(Manuscript m) {
    List<Problem> problems = new ArrayList<>();
    Set<String> checked = new LinkedHashSet<>();
    for (Sink sink : m.datasetSinks()) {
      Deque<String> todo = new ArrayDeque<>(List.of(sink.from()));
      while (!todo.isEmpty()) {
        String rel = todo.pop();
        if (!checked.add(rel.toLowerCase(Locale.ROOT))) {
          continue;
        }
        for (Source s : m.sources()) {
          if (s.name().equalsIgnoreCase(rel) && s.filter().isPresent()) {
            check(
                s.filter().get(), "sources." + s.name() + ".filter", s.location(), sink, problems);
          }
        }
        for (Transform t : m.transforms()) {
          if (t.name().equalsIgnoreCase(rel)) {
            List<Token> tokens =
                check(t.sql(), "transforms." + t.name() + ".sql", t.location(), sink, problems);
            for (Token tok : tokens) {
              if (tok.kind() == SqlTokens.Kind.WORD
                  || tok.kind() == SqlTokens.Kind.QUOTED_IDENTIFIER) {
                todo.push(tok.text());
              }
            }
          }
        }
      }
    }
    return problems;
  }

  private static List<Token> check(
      String sql, String field, Location at, Sink sink, List<Problem> problems) {
    List<Token> tokens = SqlTokens.tokenize(sql);
    String why =
        " — refused because dataset sink '"
            + sink.name()
            + "' reads it and attested results must be reproducible";
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.kind() != SqlTokens.Kind.WORD) {
        continue;
      }
      String word = t.upper();
      String reason = REFUSED.get(word);
      if (reason != null) {
        problems.add(
            new Problem(at.file(), at.line(), at.column(), field, word + " " + reason + why));
      }
      if (word.equals("UNIX_TIMESTAMP")
          && i + 2 < tokens.size()
          && tokens.get(i + 1).isSymbol("(")
          && tokens.get(i + 2).isSymbol(")")) {
        problems.add(
            new Problem(
                at.file(),
                at.line(),
                at.column(),
                field,
                "UNIX_TIMESTAMP() without an argument reads the wall clock" + why));
      }
    }
    limitWithoutOrder(tokens, field, at, why, problems);
    return tokens;
  }

  /**
   * LIMIT or FETCH FIRST/NEXT at a nesting depth where no ORDER BY appeared since that depth's last
   * SELECT.
   */
  private static void limitWithoutOrder(
      List<Token> tokens, String field, Location at, String why, List<Problem> problems) {
    Deque<boolean[]> ordered = new ArrayDeque<>();
    ordered.push(new boolean[] {false});
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.isSymbol("(")) {
        ordered.push(new boolean[] {false});
      } else if (t.isSymbol(")")) {
        if (ordered.size() > 1) {
          ordered.pop();
        }
      } else if (t.isWord("SELECT")) {
        ordered.peek()[0] = false;
      } else if (t.isWord("ORDER") && i + 1 < tokens.size() && tokens.get(i + 1).isWord("BY")) {
        ordered.peek()[0] = true;
      } else if ((t.isWord("LIMIT")
              || (t.isWord("FETCH")
                  && i + 1 < tokens.size()
                  && (tokens.get(i + 1).isWord("FIRST") || tokens.get(i + 1).isWord("NEXT"))))
          && !ordered.peek()[0]) {
        problems.add(
            new Problem(
                at.file(),
                at.line(),
                at.column(),
                field,
                t.upper() + " without ORDER BY keeps whichever rows arrive first" + why));
      }
    }
  }
}
