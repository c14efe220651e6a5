package io.cvmavs.cvm.manuscript;

/** Where an element starts in the manuscript file (1-based line and column). */
public record Location(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
