package io.cvmavs.chain.bridge;

import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.util.List;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Transactions to {@code CvmCheckpoints} through the one {@link Transactor} (estimated first, so a
 * checkpoint the contract would refuse — a lost race's {@code StaleHeight} included — costs no gas
 * and surfaces as {@code ChainException.Reverted} with {@code mined() == false}).
 */
public record CheckpointsWriter(Transactor tx, String checkpoints) {

  /**
   * {@code submitCheckpoint(cp, sigma, apkG2, nonSignerIndices)}; indices strictly ascending into
   * the current set.
   */
  public TransactionReceipt submitCheckpoint(
      CheckpointData cp, G1Point sigma, G2Point apkG2, List<Integer> nonSignerIndices) {
    return tx.invoke(
        checkpoints,
        "CvmCheckpoints",
        CheckpointsAbi.SUBMIT_CHECKPOINT,
        new CheckpointsAbi.CheckpointStruct(cp),
        CheckpointsAbi.G1Struct.of(sigma),
        CheckpointsAbi.G2Struct.of(apkG2),
        CheckpointsAbi.indices(nonSignerIndices));
  }

  /** Anyone: writes the set the last accepted checkpoint committed; entries must hash to it. */
  public TransactionReceipt rotateValidatorSet(List<ValidatorEntry> entries) {
    return tx.invoke(
        checkpoints,
        "CvmCheckpoints",
        CheckpointsAbi.ROTATE_VALIDATOR_SET,
        CheckpointsAbi.entries(entries));
  }

  /** Owner, once: the first validator set, signing from {@code startHeight} (≥ 1) on. */
  public TransactionReceipt setGenesisValidatorSet(List<ValidatorEntry> entries, long startHeight) {
    return tx.invoke(
        checkpoints,
        "CvmCheckpoints",
        CheckpointsAbi.SET_GENESIS_VALIDATOR_SET,
        CheckpointsAbi.entries(entries),
        new Uint64(startHeight));
  }
}
