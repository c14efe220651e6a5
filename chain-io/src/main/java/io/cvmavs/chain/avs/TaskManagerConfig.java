package io.cvmavs.chain.avs;

import java.math.BigInteger;

/**
 * {@code CvmTaskManager.config()}: windows in blocks, slash amounts in WAD (1e18 = 100 %), the
 * challenge bond in wei. A wrong-result challenge must come within {@code challengeWindowBlock} of
 * the response; a signature challenge by block {@code taskCreatedBlock + taskResponseWindowBlock +
 * challengeWindowBlock}; a request can be fulfilled once {@code vetoWindowBlock} blocks after it
 * passed.
 */
public record TaskManagerConfig(
    long taskResponseWindowBlock,
    long challengeWindowBlock,
    long vetoWindowBlock,
    int maxMissedResponses,
    BigInteger equivocationSlashWad,
    BigInteger wrongResultSlashWad,
    BigInteger challengeBond) {

  /** The last block in which a signature challenge against {@code task} is accepted. */
  public long signatureChallengeDeadline(CvmTask task) {
    return task.taskCreatedBlock() + taskResponseWindowBlock + challengeWindowBlock;
  }
}
