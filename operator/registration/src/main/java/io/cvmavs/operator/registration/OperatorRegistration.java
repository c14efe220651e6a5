package io.cvmavs.operator.registration;

import io.cvmavs.chain.avs.RegistrationData;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.core.CoreReader;
import io.cvmavs.chain.core.CoreWriter;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.staking.StakingReader;
import io.cvmavs.chain.staking.StakingWriter;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bls.ProofOfPossession;
import io.cvmavs.crypto.bn254.G1Point;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code operator register}: performs what is missing of, in the order of the contracts' fixture
 * ({@code CvmFixture._newOperator} + {@code _register}): EigenLayer {@code registerAsOperator} →
 * deposit into the strategy → allocation of the strategy's magnitude to the AVS operator set
 * (waiting out the allocation delay) → {@code $C} stake with a consensus key → {@code
 * registerForOperatorSets} with the BLS key, its proof of possession and the socket. Every step
 * first reads the chain and is skipped when it is already done, so a re-run is safe.
 */
public final class OperatorRegistration {
  /** What to register with. Amounts in wei; {@code magnitude} in WAD (1e18 = everything). */
  public record Request(
      BigInteger deposit,
      BigInteger cStake,
      Optional<byte[]> consensusKey,
      BigInteger magnitude,
      String socket,
      String metadataUri) {}

  private final RegistrationContracts contracts;
  private final Transactor operator;
  private final Optional<Transactor> devnetFunder;
  private final BlsKeyPair blsKey;
  private final BlockWaiter blocks;
  private final Consumer<String> progress;

  /** What devnet funding sent in the current {@link #register} call (it takes effect on chain). */
  private final List<String> funded = new ArrayList<>();

  /**
   * @param devnetFunder on a devnet only: the account that owns the devnet token and may mint
   *     {@code $C} (the deploy script's deployer); it tops up the operator's balances.
   */
  public OperatorRegistration(
      RegistrationContracts contracts,
      Transactor operator,
      Optional<Transactor> devnetFunder,
      BlsKeyPair blsKey,
      BlockWaiter blocks,
      Consumer<String> progress) {
    this.contracts = contracts;
    this.operator = operator;
    this.devnetFunder = devnetFunder;
    this.blsKey = blsKey;
    this.blocks = blocks;
    this.progress = progress;
  }

  /**
   * Performs the missing steps, printing each through {@code progress} as it completes. On a
   * failure, a last line says which steps already took effect on chain (a re-run skips them).
   */
  public List<RegistrationStep> register(Request request) {
    List<RegistrationStep> steps = new ArrayList<>();
    funded.clear();
    try {
      return register(request, steps);
    } catch (RuntimeException e) {
      progress.accept(failureSummary(steps));
      throw e;
    }
  }

  /** The last line of a failed run: the steps and the devnet funding that are on chain. */
  private String failureSummary(List<RegistrationStep> steps) {
    List<String> done =
        new ArrayList<>(
            steps.stream()
                .filter(s -> s.status() == RegistrationStep.Status.DONE)
                .map(RegistrationStep::name)
                .toList());
    if (!funded.isEmpty()) {
      done.add("devnet funding (" + String.join("; ", funded) + ")");
    }
    return done.isEmpty()
        ? "failed before any registration step took effect"
        : "failed after "
            + String.join(", ", done)
            + " took effect on chain; fix the problem and re-run (done steps are skipped, and"
            + " funding tops up only what is missing)";
  }

  private List<RegistrationStep> register(Request request, List<RegistrationStep> steps) {
    String me = operator.address();
    CoreReader core = contracts.coreReader(operator.reader());
    CoreWriter coreTx = contracts.coreWriter(operator);
    StakingReader staking = new StakingReader(operator, contracts.cStaking());
    StakingWriter stakingTx = new StakingWriter(operator, contracts.cStaking());
    RegistryReader registry = new RegistryReader(operator, contracts.registry());
    // A $C stake needs a consensus key: found out before anything is sent, not after the deposit.
    if (request.cStake().signum() > 0
        && request.consensusKey().isEmpty()
        && staking.operatorStake(me).compareTo(request.cStake()) < 0
        && new BigInteger(1, staking.consensusKeyOf(me)).signum() == 0) {
      throw new RegistrationException(
          "stake $C: "
              + me
              + " has no consensus key yet; pass --consensus-key 0x<32 bytes> (the Ed25519 public"
              + " key of its validator: cvm-avs keys create --type ed25519); nothing was sent");
    }
    devnetFunder.ifPresent(funder -> fundGas(funder, me));

    // 1. EigenLayer operator.
    if (core.isOperator(me)) {
      record(steps, skip("registerAsOperator", me + " is already an EigenLayer operator"));
    } else {
      coreTx.registerAsOperator(0, request.metadataUri());
      record(steps, done("registerAsOperator", me + " registered (allocation delay 0 blocks)"));
    }

    // 2. Deposit into the strategy.
    BigInteger shares = core.operatorShares(me, contracts.strategy());
    if (request.deposit().signum() == 0) {
      record(steps, skip("deposit", "no --deposit given (operator shares: " + shares + ")"));
    } else if (shares.compareTo(request.deposit()) >= 0) {
      record(
          steps,
          skip("deposit", "operator already has " + shares + " shares ≥ " + request.deposit()));
    } else {
      BigInteger missing = request.deposit().subtract(shares);
      topUp(staking, contracts.underlyingToken(), me, missing);
      stakingTx.approve(contracts.underlyingToken(), contracts.strategyManager(), missing);
      coreTx.depositIntoStrategy(contracts.strategy(), contracts.underlyingToken(), missing);
      record(
          steps,
          done("deposit", "deposited " + missing + " into strategy " + contracts.strategy()));
    }

    // 3. Allocation to the AVS operator set.
    CoreReader.Allocation allocation =
        core.allocation(
            me, contracts.serviceManager(), contracts.operatorSetId(), contracts.strategy());
    if (allocation.targetMagnitude().equals(request.magnitude())) {
      record(
          steps,
          skip(
              "allocate",
              "magnitude "
                  + allocation.targetMagnitude()
                  + " already allocated to operator set "
                  + contracts.operatorSetId()));
    } else {
      Optional<Long> delay = core.allocationDelay(me);
      if (delay.isEmpty()) {
        throw new RegistrationException(
            "allocate: the allocation delay of "
                + me
                + " is not in effect yet (ALLOCATION_CONFIGURATION_DELAY); re-run later");
      }
      coreTx.modifyAllocation(
          contracts.serviceManager(),
          contracts.operatorSetId(),
          contracts.strategy(),
          request.magnitude());
      allocation =
          core.allocation(
              me, contracts.serviceManager(), contracts.operatorSetId(), contracts.strategy());
      record(
          steps,
          done(
              "allocate",
              "magnitude "
                  + request.magnitude()
                  + " to operator set "
                  + contracts.operatorSetId()
                  + (allocation.pendingDiff().signum() == 0
                      ? ", effective immediately"
                      : ", effective at block " + allocation.effectBlock())));
    }
    if (allocation.pendingDiff().signum() != 0) {
      progress.accept("waiting for block " + allocation.effectBlock() + " (allocation delay)");
      blocks.awaitBlock(allocation.effectBlock());
    }

    // 4. $C stake with a consensus key.
    BigInteger cStaked = staking.operatorStake(me);
    if (request.cStake().signum() == 0) {
      record(steps, skip("stake $C", "no --c-stake given (staked: " + cStaked + ")"));
    } else if (cStaked.compareTo(request.cStake()) >= 0) {
      record(
          steps, skip("stake $C", "already " + cStaked + " $C wei staked ≥ " + request.cStake()));
    } else {
      if (new BigInteger(1, staking.consensusKeyOf(me)).signum() == 0) {
        byte[] key =
            request
                .consensusKey()
                .orElseThrow(
                    () ->
                        new RegistrationException(
                            "stake $C: "
                                + me
                                + " has no consensus key yet; pass --consensus-key 0x<32 bytes> (the ed25519 public key of its validator)"));
        stakingTx.setConsensusKey(key);
        progress.accept("consensus key set");
      }
      BigInteger missing = request.cStake().subtract(cStaked);
      topUp(staking, contracts.cToken(), me, missing);
      stakingTx.approve(contracts.cToken(), contracts.cStaking(), missing);
      stakingTx.stake(me, missing);
      record(steps, done("stake $C", "staked " + missing + " $C wei to " + me));
    }

    // 5. AVS operator set, BLS key + proof of possession + socket.
    if (core.isMember(me, contracts.serviceManager(), contracts.operatorSetId())) {
      record(
          steps,
          skip(
              "registerForOperatorSets",
              me + " is already a member of operator set " + contracts.operatorSetId()));
    } else {
      G1Point message = registry.pubkeyRegistrationMessageHash(me);
      G1Point pop = blsKey.signPoint(message);
      if (!ProofOfPossession.verify(blsKey.publicKeyG1(), blsKey.publicKeyG2(), pop, message)) {
        throw new RegistrationException("proof of possession does not verify locally for " + me);
      }
      byte[] data =
          RegistrationData.encode(
              request.socket(), pop, blsKey.publicKeyG1(), blsKey.publicKeyG2());
      coreTx.registerForOperatorSets(
          contracts.serviceManager(), List.of(contracts.operatorSetId()), data);
      record(
          steps,
          done(
              "registerForOperatorSets",
              "operator set "
                  + contracts.operatorSetId()
                  + ", socket "
                  + request.socket()
                  + ", operatorId "
                  + io.cvmavs.chain.abi.Bytes32.hex(blsKey.operatorId())));
    }
    return steps;
  }

  /** Keeps {@code step} and prints it at once, so a later failure leaves an honest record. */
  private void record(List<RegistrationStep> steps, RegistrationStep step) {
    steps.add(step);
    progress.accept(step.toString());
  }

  /** Devnet: a fresh operator key has no ether for gas; the deployer sends some. */
  private void fundGas(Transactor funder, String to) {
    BigInteger balance =
        Transactor.rpcCall(
                () ->
                    operator
                        .web3j()
                        .ethGetBalance(to, org.web3j.protocol.core.DefaultBlockParameterName.LATEST)
                        .send(),
                "eth_getBalance")
            .getBalance();
    BigInteger oneEther = BigInteger.TEN.pow(18);
    if (balance.compareTo(oneEther) < 0) {
      funder.send(to, "0x", oneEther.multiply(BigInteger.TEN), "devnet: ether for gas");
      funded.add("sent 10 ether for gas to " + to);
      progress.accept("devnet: sent 10 ether for gas to " + to);
    }
  }

  private void topUp(StakingReader staking, String token, String to, BigInteger needed) {
    BigInteger balance = staking.balanceOf(token, to);
    if (balance.compareTo(needed) >= 0) {
      return;
    }
    Transactor funder =
        devnetFunder.orElseThrow(
            () ->
                new RegistrationException(
                    to + " holds " + balance + " of token " + token + " but needs " + needed));
    new StakingWriter(funder, contracts.cStaking()).mint(token, to, needed.subtract(balance));
    String minted = "minted " + needed.subtract(balance) + " of " + token + " to " + to;
    funded.add(minted);
    progress.accept("devnet: " + minted);
  }

  private static RegistrationStep done(String name, String detail) {
    return new RegistrationStep(name, RegistrationStep.Status.DONE, detail);
  }

  private static RegistrationStep skip(String name, String detail) {
    return new RegistrationStep(name, RegistrationStep.Status.SKIPPED, detail);
  }
}
