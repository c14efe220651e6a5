package io.cvmavs.operator.registration;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.RegistryWriter;
import io.cvmavs.chain.core.CoreReader;
import io.cvmavs.chain.core.CoreWriter;
import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * What a registered operator does afterwards: {@code operator deregister} (leave the AVS operator
 * set through the AllocationManager, optionally deallocate) and {@code operator update-socket}.
 * Like {@link OperatorRegistration}, every step reads the chain first and is skipped when there is
 * nothing to do, so re-running is safe.
 */
public final class OperatorLifecycle {
  private final RegistrationContracts contracts;
  private final Transactor operator;
  private final Consumer<String> progress;

  public OperatorLifecycle(
      RegistrationContracts contracts, Transactor operator, Consumer<String> progress) {
    this.contracts = contracts;
    this.operator = operator;
    this.progress = progress;
  }

  /**
   * Leaves the AVS operator set ({@code deregisterFromOperatorSets}; the registry, as the AVS
   * registrar, marks the operator inactive in the quorum and removes its stake and key from the
   * quorum's totals). The allocation is left alone unless {@code deallocate}: then the magnitude
   * allocated to the set is set to 0, which takes effect only after {@code DEALLOCATION_DELAY}
   * blocks, since the operator stays slashable for that long.
   */
  public List<RegistrationStep> deregister(boolean deallocate) {
    String me = operator.address();
    String avs = contracts.serviceManager();
    long set = contracts.operatorSetId();
    CoreReader core = contracts.coreReader(operator.reader());
    CoreWriter coreTx = contracts.coreWriter(operator);
    RegistryReader registry = new RegistryReader(operator, contracts.registry());
    long delay = core.deallocationDelay();
    List<RegistrationStep> steps = new ArrayList<>();

    if (core.isMember(me, avs, set)) {
      TransactionReceipt receipt = coreTx.deregisterFromOperatorSets(avs, List.of(set));
      long block = receipt.getBlockNumber().longValueExact();
      if (registry.isActive(me, (int) set)) {
        throw new RegistrationException(
            "deregisterFromOperatorSets was mined in block "
                + block
                + " but CvmRegistry still lists "
                + me
                + " as active in quorum "
                + set);
      }
      steps.add(
          done(
              "deregisterFromOperatorSets",
              me
                  + " left operator set "
                  + set
                  + " in block "
                  + block
                  + " (registry: inactive in quorum "
                  + set
                  + "); it stays slashable for tasks up to block "
                  + (block + delay)
                  + " (DEALLOCATION_DELAY "
                  + delay
                  + " blocks)"));
    } else {
      steps.add(
          skip(
              "deregisterFromOperatorSets",
              me
                  + (new BigInteger(1, registry.operatorId(me)).signum() == 0
                      ? " was never registered with the AVS; already deregistered from operator set "
                      : " is already deregistered from operator set ")
                  + set
                  + (core.isSlashable(me, avs, set)
                      ? " (still slashable: deregistered less than " + delay + " blocks ago)"
                      : "")));
    }

    CoreReader.Allocation a = core.allocation(me, avs, set, contracts.strategy());
    if (!deallocate) {
      if (a.targetMagnitude().signum() > 0) {
        steps.add(
            skip(
                "deallocate",
                "magnitude "
                    + a.targetMagnitude()
                    + " stays allocated to operator set "
                    + set
                    + " (not available to other sets, not withdrawable); pass --deallocate to"
                    + " free it after the deallocation delay"));
      }
    } else if (a.targetMagnitude().signum() == 0) {
      steps.add(
          skip(
              "deallocate",
              a.pendingDiff().signum() == 0
                  ? "nothing allocated to operator set " + set
                  : "deallocation already pending, effective at block " + a.effectBlock()));
    } else if (a.pendingDiff().signum() != 0) {
      throw new RegistrationException(
          "deallocate: a change of magnitude to "
              + a.targetMagnitude()
              + " is pending until block "
              + a.effectBlock()
              + "; re-run after it");
    } else {
      coreTx.modifyAllocation(avs, set, contracts.strategy(), BigInteger.ZERO);
      CoreReader.Allocation after = core.allocation(me, avs, set, contracts.strategy());
      steps.add(
          done(
              "deallocate",
              "magnitude "
                  + a.currentMagnitude()
                  + " → 0 in operator set "
                  + set
                  + (after.pendingDiff().signum() == 0
                      ? ", effective now"
                      : ", effective at block "
                          + after.effectBlock()
                          + " (slashable until then)")));
    }
    steps.forEach(s -> progress.accept(s.toString()));
    return steps;
  }

  /** Publishes {@code socket} in {@code CvmRegistry} unless it is already the registered one. */
  public RegistrationStep updateSocket(OperatorSocket socket) {
    String me = operator.address();
    RegistryReader registry = new RegistryReader(operator, contracts.registry());
    byte[] id = registry.operatorId(me);
    if (new BigInteger(1, id).signum() == 0) {
      throw new RegistrationException(
          me + " has no operatorId in CvmRegistry; register first (cvm-avs operator register)");
    }
    String current = registry.socket(id);
    String wanted = socket.toString();
    RegistrationStep step;
    if (current.equals(wanted)) {
      step = skip("updateSocket", "socket of " + Bytes32.hex(id) + " is already " + wanted);
    } else {
      new RegistryWriter(operator, contracts.registry()).updateSocket(wanted);
      step =
          done(
              "updateSocket",
              "socket of "
                  + Bytes32.hex(id)
                  + ": "
                  + (current.isEmpty() ? "(none)" : current)
                  + " → "
                  + wanted);
    }
    progress.accept(step.toString());
    return step;
  }

  private static RegistrationStep done(String name, String detail) {
    return new RegistrationStep(name, RegistrationStep.Status.DONE, detail);
  }

  private static RegistrationStep skip(String name, String detail) {
    return new RegistrationStep(name, RegistrationStep.Status.SKIPPED, detail);
  }
}
