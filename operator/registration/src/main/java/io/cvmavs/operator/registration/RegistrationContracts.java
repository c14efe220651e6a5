package io.cvmavs.operator.registration;

import io.cvmavs.chain.core.CoreReader;
import io.cvmavs.chain.core.CoreWriter;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.operator.config.OperatorConfig;

/** The addresses registration touches (deploy script names). */
public record RegistrationContracts(
    String delegationManager,
    String strategyManager,
    String allocationManager,
    String strategy,
    String underlyingToken,
    String cToken,
    String cStaking,
    String serviceManager,
    String registry,
    String taskManager,
    long operatorSetId) {

  public static RegistrationContracts from(OperatorConfig c) {
    return new RegistrationContracts(
        c.address("DelegationManager"),
        c.address("StrategyManager"),
        c.address("AllocationManager"),
        c.address("Strategy"),
        c.address("UnderlyingToken"),
        c.address("CToken"),
        c.address("CStaking"),
        c.address("CvmServiceManager"),
        c.address("CvmRegistry"),
        c.address("CvmTaskManager"),
        0);
  }

  /** The EigenLayer core reads of these contracts. */
  public CoreReader coreReader(RpcClient rpc) {
    return new CoreReader(rpc, delegationManager, allocationManager);
  }

  /** The EigenLayer core transactions of these contracts, sent by {@code sender}. */
  public CoreWriter coreWriter(Transactor sender) {
    return new CoreWriter(sender, delegationManager, strategyManager, allocationManager);
  }
}
