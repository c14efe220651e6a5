package io.cvmavs.cvm.manuscript;

import java.util.Arrays;
import java.util.Optional;

/** The sink types of a manuscript, by their YAML names. */
public enum SinkType {
  /** Rows printed to standard output. */
  PRINT("print"),
  /** Rows as JSON lines in a file. */
  FILESYSTEM("filesystem"),
  /** Upsert into PostgreSQL by {@code primary_key}. */
  POSTGRES("postgres"),
  /** The attested CVM output: canonical records, Merkle root and proofs. Must be deterministic. */
  DATASET("dataset");

  private final String yamlName;

  SinkType(String yamlName) {
    this.yamlName = yamlName;
  }

  public String yamlName() {
    return yamlName;
  }

  public static Optional<SinkType> of(String yamlName) {
    return Arrays.stream(values()).filter(t -> t.yamlName.equals(yamlName)).findFirst();
  }
}
