package io.cvmavs.consensus.app.registry;

import java.util.List;

/**
 * This node's own reading of the {@code CvmManuscriptRegistry} on Ethereum. The proposer asks it in
 * PrepareProposal and every validator asks it in ProcessProposal to compare what a proposal
 * imports; it is never asked in FinalizeBlock (module README: outside data enters only through
 * consensus).
 */
@FunctionalInterface
public interface ManuscriptSource {
  /**
   * Registry changes at or after position ({@code fromBlock}, {@code fromLogIndex}), in chain
   * order, in Ethereum blocks at or below {@code finalBlock}, at most {@code max}.
   *
   * @throws RuntimeException when Ethereum cannot be read (the caller treats it as "cannot
   *     confirm")
   */
  List<ManuscriptChange> changes(long fromBlock, long fromLogIndex, long finalBlock, int max);
}
