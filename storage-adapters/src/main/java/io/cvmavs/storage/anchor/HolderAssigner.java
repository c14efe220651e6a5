package io.cvmavs.storage.anchor;

import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.storage.StorageAuditClient;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Records the holders of each anchored group in {@code StorageAudit} ({@link HolderAssignment} over
 * the AVS's registered operators, {@code replication} of them), from the AVS's authorised
 * submitter; {@link AnchoringService#assignHolders} calls it after a group is anchored. A group
 * already assigned on chain (a crash after the transaction was mined) is not sent again.
 */
public final class HolderAssigner {
  private final StorageAuditClient audit;
  private final Supplier<List<String>> operators;
  private final int replication;

  public HolderAssigner(
      StorageAuditClient audit, Supplier<List<String>> operators, int replication) {
    if (replication < 1) {
      throw new IllegalArgumentException("replication factor must be ≥ 1, got " + replication);
    }
    this.audit = audit;
    this.operators = operators;
    this.replication = replication;
  }

  public StorageAuditClient audit() {
    return audit;
  }

  public int replication() {
    return replication;
  }

  /** The holders of a group: the recorded ones, or newly assigned and recorded now. */
  public List<String> assign(Transactor tx, byte[] groupHash, byte[] auditRoot, long fileSize) {
    if (audit.group(groupHash).fileSize() != 0) {
      return audit.holdersOf(groupHash);
    }
    List<String> holders = HolderAssignment.holders(groupHash, operators.get(), replication);
    audit.assign(tx, groupHash, auditRoot, fileSize, holders);
    return holders;
  }

  /**
   * The operators registered with the AVS (a BLS key registered since {@code fromBlock}, the
   * deployment block) that are active in {@code quorum} now, lower-case, in registration order.
   */
  public static Supplier<List<String>> registeredOperators(
      RegistryReader registry, int quorum, long fromBlock) {
    return () ->
        registry.pubkeyRegistrations(fromBlock, registry.rpc().blockNumber()).stream()
            .map(r -> r.operator().toLowerCase(Locale.ROOT))
            .distinct()
            .filter(op -> registry.isActive(op, quorum))
            .toList();
  }
}
