package io.cvmavs.consensus.app.engine;

/**
 * The Ethereum block this validator's own node sees as final: what it reports in its vote
 * extension. Only ExtendVote asks; the chain acts on what more than 2/3 of the power reported.
 */
@FunctionalInterface
public interface EthereumHead {
  long finalizedBlock();
}
