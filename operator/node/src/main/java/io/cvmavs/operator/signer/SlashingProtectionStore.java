package io.cvmavs.operator.signer;

import java.util.List;
import java.util.Optional;

/**
 * Durable record of every attestation an operator key has signed. {@link #record} returns only once
 * the record is on stable storage, so a signature is never released before it is remembered.
 */
public interface SlashingProtectionStore extends AutoCloseable {
  /** What {@code operatorId} signed for the task of {@code request}, if anything. */
  Optional<SignedAttestation> find(String operatorId, AttestationRequest request);

  /** Persists {@code attestation} durably (fsync) before returning. */
  void record(SignedAttestation attestation);

  /** Everything recorded, in recording order (for export). */
  List<SignedAttestation> all();

  /**
   * Adds {@code attestations} (an import) all-or-nothing: if any conflicts with a record already
   * held — or with another entry of the import — nothing is written.
   *
   * @return how many were new.
   * @throws SlashingProtectionException naming the first conflict.
   */
  int importAll(List<SignedAttestation> attestations);

  @Override
  void close();
}
