package io.cvmavs.operator.registration;

/**
 * Waits until the chain reaches a block (an allocation takes effect after the operator's allocation
 * delay). On a devnet the blocks are mined on demand; on a real network the waiter polls.
 */
@FunctionalInterface
public interface BlockWaiter {
  void awaitBlock(long block);
}
