package io.cvmavs.chainbasedb.validate;

import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import java.util.List;

/** The records of ChainbaseDB's state that validation reads and writes. */
public final class StateModel {
  private StateModel() {}

  /**
   * A database. {@code contract} and {@code abi} are set only for an external database (created by
   * CREATE_EXTERNAL).
   */
  public record Database(
      Identity address,
      Identity owner,
      String name,
      String description,
      Identity contract,
      String abi) {
    public boolean external() {
      return contract != null;
    }
  }

  /** A collection and its declared indexes. */
  public record Collection(Identity db, String name, List<IndexSpec> indexes) {
    public Collection {
      indexes = List.copyOf(indexes);
    }
  }

  /** A stored document: its owner (the sender who added it) and its BSON bytes. */
  public record Document(Identity owner, byte[] bson) {}
}
