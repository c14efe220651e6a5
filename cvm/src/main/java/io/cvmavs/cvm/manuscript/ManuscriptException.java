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
   * unknown.
   */
  public record Problem(String file, int line, int column, String field, String reason) {
    @Override
    public String toString() {
      return file
          + ":"
          + line
          + ":"
          + column
          + ": "
          + (field.isEmpty() ? "" : field + ": ")
          + reason;
    }
  }
}
