package io.cvmavs.consensus.driver;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.cvmavs.consensus.light.Merkle;
import io.cvmavs.consensus.proto.abci.ExecTxResult;
import io.cvmavs.consensus.proto.types.BlockIDFlag;
import io.cvmavs.consensus.proto.types.Commit;
import io.cvmavs.consensus.proto.types.CommitSig;
import io.cvmavs.consensus.proto.types.ConsensusParams;
import io.cvmavs.consensus.proto.types.HashedParams;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The header fields CometBFT v0.38 derives from a block's contents, computed as it does: data hash
 * (Merkle over SHA-256 of each transaction), last-commit hash (Merkle over each {@code CommitSig}'s
 * protobuf bytes), consensus hash (SHA-256 of {@code HashedParams{block max bytes, max gas}}),
 * last-results hash (Merkle over each {@code ExecTxResult} reduced to code, data, gas wanted, gas
 * used), evidence hash (no evidence: the empty Merkle root), and the BFT block time (weighted
 * median of the last commit's vote times).
 */
public final class ChainHashes {
  /** Go's zero {@code time.Time} (0001-01-01T00:00:00Z), which an absent vote carries. */
  static final Timestamp GO_ZERO_TIME = Timestamp.newBuilder().setSeconds(-62135596800L).build();

  private ChainHashes() {}

  public static byte[] dataHash(List<ByteString> txs) {
    List<byte[]> leaves = new ArrayList<>(txs.size());
    for (ByteString tx : txs) {
      leaves.add(sha256(tx.toByteArray()));
    }
    return Merkle.root(leaves);
  }

  public static byte[] commitHash(Commit commit) {
    List<byte[]> leaves = new ArrayList<>();
    for (CommitSig s : commit.getSignaturesList()) {
      leaves.add(s.toByteArray());
    }
    return Merkle.root(leaves);
  }

  public static byte[] consensusHash(ConsensusParams params) {
    return sha256(
        HashedParams.newBuilder()
            .setBlockMaxBytes(params.getBlock().getMaxBytes())
            .setBlockMaxGas(params.getBlock().getMaxGas())
            .build()
            .toByteArray());
  }

  public static byte[] resultsHash(List<ExecTxResult> results) {
    List<byte[]> leaves = new ArrayList<>(results.size());
    for (ExecTxResult r : results) {
      leaves.add(
          ExecTxResult.newBuilder()
              .setCode(r.getCode())
              .setData(r.getData())
              .setGasWanted(r.getGasWanted())
              .setGasUsed(r.getGasUsed())
              .build()
              .toByteArray());
    }
    return Merkle.root(leaves);
  }

  /** No evidence: the Merkle root of nothing. */
  public static byte[] emptyEvidenceHash() {
    return Merkle.root(List.of());
  }

  /**
   * CometBFT's {@code MedianTime}: the vote times of the commit's signers, sorted, weighted by
   * their power; the time at which half the total weight is reached.
   */
  public static Timestamp medianTime(Commit commit, ProposerPriorities validators) {
    record Weighted(Timestamp time, long power) {}
    List<Weighted> times = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < commit.getSignaturesCount(); i++) {
      CommitSig s = commit.getSignatures(i);
      if (s.getBlockIdFlag() == BlockIDFlag.BLOCK_ID_FLAG_ABSENT) {
        continue;
      }
      long power = validators.entries().get(i).power();
      times.add(new Weighted(s.getTimestamp(), power));
      total += power;
    }
    times.sort(Comparator.comparing(w -> instant(w.time())));
    long median = total / 2;
    for (Weighted w : times) {
      if (median <= w.power()) {
        return w.time();
      }
      median -= w.power();
    }
    throw new IllegalStateException("commit at height " + commit.getHeight() + " has no votes");
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
