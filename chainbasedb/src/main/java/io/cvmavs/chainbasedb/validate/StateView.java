package io.cvmavs.chainbasedb.validate;

import io.cvmavs.chainbasedb.format.Identity;
import java.util.Optional;

/**
 * The reads validation needs (point reads only). The store implements it over its committed state
 * plus the writes of the block (or CheckTx scratch) so far.
 */
public interface StateView {
  /** The sender's last used nonce; 0 when it never sent a mutation. */
  long nonce(Identity sender);

  Optional<StateModel.Database> database(Identity db);

  boolean isMember(Identity db, Identity user);

  Optional<StateModel.Collection> collection(Identity db, String name);

  Optional<StateModel.Document> document(Identity db, String collection, byte[] id);
}
