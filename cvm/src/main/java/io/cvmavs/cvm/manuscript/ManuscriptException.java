package io.cvmavs.cvm.manuscript;

import io.cvmavs.cvm.CvmException;
import java.util.List;

/**
 * A manuscript that was refused: malformed YAML, an unknown or missing field, a bad value, or a
 * construct that would make an attested dataset non-deterministic. {@link #problems()} lists every
 * problem found, each with the file, line, column and field path.
 */
public class ManuscriptException extends CvmException {
  private final List<Problem> problems;

  public ManuscriptException(List<Problem> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  private ManuscriptException(String message, Problem problem, Throwable cause) {
    super(message, cause);
    this.problems = List.of(problem);
  }

  /**
   * The manuscript file cannot be read at all ({@code no such file: PATH}, {@code cannot read PATH:
   * …}): {@code message} is the whole message, with no position; {@link #problems()} holds it as
   * one problem of {@code file}.
   */
  public static ManuscriptException unreadable(String file, String message, Throwable cause) {
    return new ManuscriptException(message, new Problem(file, 0, 0, "", message), cause);
  }

  public List<Problem> problems() {
    return problems;
  }

  private static String message(List<Problem> problems) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        problems.size() == 1
            ? "manuscript refused:"
            : "manuscript refused (" + problems.size() + " problems):");
    for (Problem p : problems) {
      sb.append("\n  ").append(p);
    }
    return sb.toString();
  }

  /**
   * One problem: {@code file:line:column: field: reason}. Line and column are 1-based; 0 when
   * unknown, and then left out ({@code file: reason}).
   */
  public record Problem(String file, int line, int column, String field, String reason) {
    @Override
    public String toString() {
      return file
          + (line > 0 ? ":" + line + ":" + column : "")
          + ": "
          + (field.isEmpty() ? "" : field + ": ")
          + reason;
    }
  }
}
