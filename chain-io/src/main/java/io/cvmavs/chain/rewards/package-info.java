/**
 * EigenLayer's RewardsCoordinator (operator-directed operator-set submissions, distribution roots,
 * claims) and the AVS's task-fee escrow {@code CvmTaskFees}: ABI structs, one reader, one writer.
 */
package io.cvmavs.chain.rewards;
