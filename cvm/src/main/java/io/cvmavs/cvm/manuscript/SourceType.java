package io.cvmavs.cvm.manuscript;

import java.util.Arrays;
import java.util.Optional;

/** The source types of a manuscript, by their YAML names. */
public enum SourceType {
  /** Rows of a chain dataset, optionally filtered. */
  DATASET("dataset"),
  /**
   * Rows with {@code window_start}, {@code window_end}, {@code window_time} of fixed,
   * non-overlapping windows.
   */
  TUMBLE_WINDOW_DATASET("tumble_window_dataset"),
  /**
   * Sliding windows of {@code size} every {@code slide}; a row lands in every window that covers
   * it.
   */
  HOP_WINDOW_DATASET("hop_window_dataset"),
  /** Windows growing by {@code step} up to {@code size}. */
  CUMULATIVE_WINDOW_DATASET("cumulative_window_dataset"),
  /** A dataset joined by key (dimension table); batch mode reads it whole, like {@code dataset}. */
  LOOKUP_DATASET("lookup_dataset");

  private final String yamlName;

  SourceType(String yamlName) {
    this.yamlName = yamlName;
  }

  public String yamlName() {
    return yamlName;
  }

  public boolean windowed() {
    return this == TUMBLE_WINDOW_DATASET
        || this == HOP_WINDOW_DATASET
        || this == CUMULATIVE_WINDOW_DATASET;
  }

  public static Optional<SourceType> of(String yamlName) {
    return Arrays.stream(values()).filter(t -> t.yamlName.equals(yamlName)).findFirst();
  }
}
