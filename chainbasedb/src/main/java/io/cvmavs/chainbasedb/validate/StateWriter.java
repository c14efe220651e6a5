package io.cvmavs.chainbasedb.validate;

import io.cvmavs.chainbasedb.format.Identity;

/**
 * The writes a mutation makes, after the validator has checked them. The store keeps indexes in
 * step with document writes.
 */
public interface StateWriter extends StateView {
  void putNonce(Identity sender, long nonce);

  void putDatabase(StateModel.Database db);

  void putMember(Identity db, Identity user);

  void putCollection(StateModel.Collection c);

  void putDocument(StateModel.Collection c, byte[] id, StateModel.Document doc);

  void deleteDocument(StateModel.Collection c, byte[] id);
}
