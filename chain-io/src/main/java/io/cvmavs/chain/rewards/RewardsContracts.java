package io.cvmavs.chain.rewards;

/**
 * The addresses the rewards flow touches (deployments JSON keys {@code CvmServiceManager}, {@code
 * RewardsCoordinator}, {@code CvmTaskFees}); {@code rewardsCoordinator} may be null when a given
 * EigenLayer core was deployed without one.
 */
public record RewardsContracts(String serviceManager, String rewardsCoordinator, String taskFees) {}
