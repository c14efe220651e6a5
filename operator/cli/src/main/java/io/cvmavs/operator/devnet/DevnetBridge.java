package io.cvmavs.operator.devnet;

import io.cvmavs.chain.bridge.CheckpointsWriter;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.common.retry.Backoff;
import io.cvmavs.common.retry.Sleeper;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.operator.relayer.CometCvmChain;
import io.cvmavs.operator.relayer.CommittedSet;
import io.cvmavs.operator.relayer.ContractCheckpointChain;
import io.cvmavs.operator.relayer.Relayer;
import io.cvmavs.operator.relayer.RelayerLoop;
import io.cvmavs.operator.relayer.RelayerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The devnet's bridge (issue 19): the owner writes the CVM chain's genesis BLS set into {@code
 * CvmCheckpoints} (deployed for the devnet's CVM chain id), then the relayer ({@code cvm-avs
 * relayer run}'s {@link Relayer} and {@link RelayerLoop}, in this JVM) carries the chain's
 * checkpoints to Ethereum while the devnet runs, from its own account. {@link #outcome} is what the
 * summary shows.
 */
final class DevnetBridge implements AutoCloseable {
  /** A checkpoint at least every this many CVM heights. */
  static final long EVERY = 3;

  /**
   * What the summary shows: checkpoints landed, the contract's last height, gas per checkpoint,
   * validator-set rotations ({@code rotateValidatorSet}) and checkpoints landed after the first.
   */
  record Outcome(
      long relayed,
      long lastHeight,
      long medianGas,
      long rotations,
      long relayedAfterRotation,
      long misbehaviourRecords,
      long misbehaviourGas) {
    Outcome(long relayed, long lastHeight, long medianGas) {
      this(relayed, lastHeight, medianGas, 0, 0, 0, 0);
    }
  }

  private final ContractCheckpointChain contract;
  private final CometCvmChain cvm;
  private final Thread loop;
  private final List<Long> gas = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicLong relayed = new AtomicLong();
  private final AtomicLong rotations = new AtomicLong();
  private final AtomicLong relayedAfterRotation = new AtomicLong();
  private final AtomicLong misbehaviourRecords = new AtomicLong();
  private final AtomicLong misbehaviourGas = new AtomicLong();

  private DevnetBridge(
      ContractCheckpointChain contract, CometCvmChain cvm, Relayer relayer, Consumer<String> step) {
    this.contract = contract;
    this.cvm = cvm;
    this.loop =
        Thread.ofPlatform()
            .daemon()
            .name("devnet-relayer")
            .unstarted(
                new RelayerLoop(
                    relayer,
                    Duration.ofMillis(500),
                    Backoff.of(Duration.ofSeconds(1), Duration.ofSeconds(10)),
                    Sleeper.threadSleep(),
                    e -> {}));
  }

  /**
   * Writes {@code genesisSet} as the contract's first set (from account 0, the deployer and owner)
   * and starts relaying from {@code relayerAccount}.
   */
  static DevnetBridge start(
      AnvilNode anvil,
      String checkpoints,
      BlsValidatorSet genesisSet,
      URI cvmRpc,
      int relayerAccount,
      Path dataDirectory,
      Optional<String> misbehaviourSlasher,
      Consumer<String> step) {
    new CheckpointsWriter(transactor(anvil, 0), checkpoints)
        .setGenesisValidatorSet(CommittedSet.entriesOf(genesisSet), 1);
    ContractCheckpointChain contract =
        new ContractCheckpointChain(transactor(anvil, relayerAccount), checkpoints);
    CometCvmChain cvm = CometCvmChain.connect(cvmRpc, Duration.ofSeconds(10));
    DevnetBridge[] self = new DevnetBridge[1];
    Relayer relayer =
        new Relayer(
            new Relayer.Settings(EVERY, dataDirectory),
            cvm,
            contract,
            checkpoints,
            new RelayerMetrics(new SimpleMeterRegistry()),
            e -> self[0].onEvent(e, step));
    // CometBFT misbehaviour (the faulty validator's double-signed precommit) goes to
    // CvmMisbehaviourSlasher once a relayed checkpoint covers it, from the relayer's account.
    misbehaviourSlasher.ifPresent(
        a -> {
          Transactor tx = transactor(anvil, relayerAccount);
          relayer.reportingMisbehaviour(
              new io.cvmavs.operator.relayer.MisbehaviourReporter(
                  cvm,
                  new io.cvmavs.chain.bridge.CheckpointsReader(tx, checkpoints),
                  new io.cvmavs.chain.bridge.MisbehaviourSlasherClient(tx, a)));
        });
    self[0] = new DevnetBridge(contract, cvm, relayer, step);
    step.accept(
        String.format(
            "bridge: genesis set of %d validators in CvmCheckpoints %s; relayer running from %s"
                + " (a checkpoint at least every %d CVM heights)",
            genesisSet.entries().size(),
            checkpoints,
            anvil.account(relayerAccount).address(),
            EVERY));
    self[0].loop.start();
    return self[0];
  }

  private void onEvent(Relayer.Event e, Consumer<String> step) {
    if (e.kind() == Relayer.Event.Kind.MISBEHAVIOUR_REPORTED) {
      misbehaviourRecords.addAndGet(Long.parseLong(e.detail().split(" ", 2)[0]));
      misbehaviourGas.addAndGet(e.gasUsed());
      step.accept(
          String.format(
              "bridge: CometBFT misbehaviour slashed through CvmMisbehaviourSlasher: %s, proven"
                  + " against the checkpoint of CVM height %d (%d gas)",
              e.detail(), e.height(), e.gasUsed()));
      return;
    }
    if (e.kind() == Relayer.Event.Kind.ROTATED) {
      long n = rotations.incrementAndGet();
      step.accept(
          String.format(
              "bridge: CvmCheckpoints rotated to the CVM chain's new validator set after CVM height"
                  + " %d (rotation %d, %d gas)",
              e.height(), n, e.gasUsed()));
      return;
    }
    if (e.kind() != Relayer.Event.Kind.SUBMITTED) {
      return;
    }
    if (rotations.get() > 0) {
      relayedAfterRotation.incrementAndGet();
    }
    gas.add(e.gasUsed());
    if (relayed.incrementAndGet() == 1) {
      step.accept(
          String.format(
              "bridge: first checkpoint landed on Ethereum (CVM height %d, %d gas, %s)",
              e.height(), e.gasUsed(), e.detail()));
    }
  }

  /** The figures so far (the relayer keeps running: with --keep-running it relays on). */
  Outcome outcome() {
    // The chain has run since before the first task; give a slow first submission 30 s more.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    // After a rotation, likewise for the first checkpoint signed by the new set.
    while ((relayed.get() == 0 || (rotations.get() > 0 && relayedAfterRotation.get() == 0))
        && loop.isAlive()
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    long last;
    try {
      last = contract.latestHeight();
    } catch (RuntimeException e) {
      last = -1;
    }
    return new Outcome(
        relayed.get(),
        last,
        DevnetSummary.percentile(new ArrayList<>(gas), 50),
        rotations.get(),
        relayedAfterRotation.get(),
        misbehaviourRecords.get(),
        misbehaviourGas.get());
  }

  private void stop() {
    loop.interrupt();
    try {
      loop.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A transactor of anvil account {@code account} (also the round trip's). */
  static Transactor transactor(AnvilNode anvil, int account) {
    return ChainAccess.open(
        URI.create(anvil.rpcUrl()),
        anvil.account(account).credentials().getEcKeyPair(),
        Optional.of(anvil.chainId()));
  }

  @Override
  public void close() {
    stop();
    cvm.close();
  }
}
