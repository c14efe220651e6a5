package io.cvmavs.operator.devnet;

import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.staking.StakingWriter;
import io.cvmavs.consensus.app.GenesisState;
import io.cvmavs.consensus.app.engine.CvmEngine;
import io.cvmavs.consensus.app.engine.TaskComputerEngine;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.devnet.CvmChainNet;
import io.cvmavs.consensus.devnet.FaultyEngine;
import io.cvmavs.consensus.driver.RoundRecord;
import io.cvmavs.consensus.driver.ValidatorKey;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.operator.consensus.ChainInputs;
import io.cvmavs.operator.consensus.ConsensusGenesisCommand;
import io.cvmavs.stake.config.StakeConfig;
import io.cvmavs.stake.config.StakeConfigLoader;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;

/**
 * The devnet's CVM chain: one {@link io.cvmavs.consensus.app.CvmChainApp} per operator, in this
 * JVM, behind the local consensus driver (a test harness, not a consensus engine). Genesis is what
 * {@code cvm-avs consensus genesis} writes — the stake aggregator's set with the operators'
 * registered Ed25519 and BLS keys; each validator's CVM is its operator node's own task computer
 * (the blocks it attests, on the JVM's one warm Flink), a faulty operator's validator proposes
 * wrong CVM blocks ({@link FaultyEngine}). One validator is killed and restarted mid-run and must
 * catch up. Details go to the run's log; the console gets a few short lines.
 */
final class DevnetConsensus implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DevnetConsensus.class);

  /** The CVM chain's id; the devnet deploys {@code CvmCheckpoints} for it (CVM_CHAIN_ID). */
  static final String CHAIN_ID = "cvm-devnet-1";

  /** One operator's validator. */
  record Member(
      String name,
      ValidatorKey consensusKey,
      BlsKeyPair bls,
      CvmTaskComputer cvm,
      boolean faulty,
      Credentials account) {}

  /**
   * Stake epochs of the devnet's CVM chain, in Ethereum blocks: short, so that a run sees a stake
   * change reach the chain (the set of epoch e is read at its first block; the chain adopts it once
   * that block is agreed final, and CometBFT applies it two heights later).
   */
  static final long EPOCH_BLOCKS = 10;

  /**
   * $C (wei) the stake-change operator unstakes at the start: its power drops at the next epoch.
   */
  static final BigInteger UNSTAKE = new BigInteger("25000000000000000000");

  private final CvmChainNet chain;
  private final List<Member> members;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private volatile String stakeChange = "no stake change";
  private final Consumer<String> step;
  private final Thread drill;
  private final Path details;
  private volatile String drillOutcome = "no validator was killed (fewer than 4 validators)";
  private volatile boolean drillOk;

  private DevnetConsensus(
      CvmChainNet chain, List<Member> members, Consumer<String> step, Path details) {
    this.details = details;
    this.chain = chain;
    this.members = members;
    this.step = step;
    this.drill =
        members.size() >= 4
            ? Thread.ofPlatform().daemon().name("devnet-consensus-drill").unstarted(this::drill)
            : null;
  }

  /** The validator killed and restarted: a faulty one if any (the honest rest keep > 2/3). */
  private int victim() {
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).faulty()) {
        return i;
      }
    }
    return members.size() - 1;
  }

  static DevnetConsensus start(
      AnvilNode anvil,
      Path deploymentFile,
      Path runDirectory,
      byte[] manuscriptHash,
      long cvmGenesisBlock,
      long span,
      List<Member> members,
      Consumer<String> step)
      throws Exception {
    Path dir = runDirectory.resolve("consensus");
    Files.createDirectories(dir);
    // The stake aggregator over the devnet's contracts, epoch 0 starting at the current block (so
    // its set holds every operator registered so far), then an epoch every EPOCH_BLOCKS blocks.
    Path stakeYaml =
        Files.writeString(
            dir.resolve("stake.yaml"),
            """
            eth_rpc_url: %s
            deployment_file: %s
            epoch: {genesis_block: %d, length_blocks: %d}
            power: {unit: 1}
            prices:
              c_per_eth: {value: "4"}
              strategies:
                default: {value: "1"}
            """
                .formatted(
                    anvil.rpcUrl(),
                    deploymentFile.toAbsolutePath(),
                    anvil.blockNumber(),
                    EPOCH_BLOCKS));
    StakeConfig cfg = StakeConfigLoader.load(stakeYaml);
    ConsensusGenesisCommand.Genesis g =
        ConsensusGenesisCommand.genesis(cfg, null, List.of(manuscriptHash), cvmGenesisBlock, span);
    GenesisState genesis = g.app();
    List<CvmChainNet.Validator> validators = new ArrayList<>();
    List<AutoCloseable> resources = new ArrayList<>();
    Deployments deployments = Deployments.read(deploymentFile);
    URI ethereum = URI.create(anvil.rpcUrl());
    ChainInputs shared = null;
    for (Member m : members) {
      CvmEngine engine = new TaskComputerEngine(m.cvm());
      // Each validator reads the stake aggregator's set of every new epoch itself (its own RPC
      // batch client; the registry's BLS keys), as `consensus serve` does: the proposer proposes
      // it, the others compare.
      ChainInputs inputs =
          ChainInputs.open(
              cfg, ethereum, deployments.addresses(), ChainInputs.deploymentBlock(deployments));
      resources.add(inputs);
      shared = shared == null ? inputs : shared;
      validators.add(
          new CvmChainNet.Validator(
              m.name(),
              m.consensusKey(),
              m.bls(),
              m.faulty() ? new FaultyEngine(engine) : engine,
              Optional.of(inputs.validators())));
    }
    // Validators report Ethereum final 2 CVM spans behind the head. A proposer proposes a CVM block
    // only once its node's CVM has built it (CvmEngine.ready), so heights never wait for Flink; the
    // nodes share Flink job results (JobResults), so the other validators have it too by then.
    // Every validator credits CBridge deposits final at the agreed height and imports
    // CvmManuscriptRegistry's changes final there (issue 14; the devnet's manuscript is in genesis
    // and registered, so it is imported in place): the proposer proposes them, the others compare
    // with their reading of the logs (the first validator's readers, shared in this JVM).
    CvmChainNet.Settings chainSettings =
        new CvmChainNet.Settings(
            CHAIN_ID,
            genesis,
            validators,
            () -> Math.max(0, anvil.blockNumber() - 2 * span),
            dir.resolve("data"),
            Duration.ofSeconds(1),
            Duration.ofSeconds(30));
    if (shared.deposits().isPresent()) {
      chainSettings = chainSettings.withDeposits(shared.deposits().get());
    }
    if (shared.manuscripts().isPresent()) {
      chainSettings = chainSettings.withManuscripts(shared.manuscripts().get());
    }
    CvmChainNet chain = CvmChainNet.start(chainSettings);
    DevnetConsensus c = new DevnetConsensus(chain, members, step, dir.resolve("chain.log"));
    c.resources.addAll(resources);
    c.genesisSet = genesis.validators();
    step.accept(
        String.format(
            "CVM chain: %d validators (stake aggregator's set, operators' Ed25519 + BLS keys),"
                + " local consensus driver, RPC %s; details in %s",
            genesis.validators().size(), chain.rpc(), dir.resolve("chain.log")));
    c.changeStake(anvil, Deployments.read(deploymentFile).address("CStaking"));
    // The faulty validator also double-signs one precommit (the driver's harness fault): CometBFT
    // DUPLICATE_VOTE evidence the app records and the relayer reports to CvmMisbehaviourSlasher.
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).faulty()) {
        // The driver names its nodes itself, in the order of the validators given.
        chain.driver().doubleSignNextPrecommit(chain.driver().nodes().get(i).name());
        step.accept(
            String.format(
                "CVM chain: %s (faulty) double-signs its next precommit (DUPLICATE_VOTE evidence"
                    + " in the block after)",
                members.get(i).name()));
        break;
      }
    }
    if (c.drill != null) {
      c.drill.start();
    }
    return c;
  }

  /**
   * The run's stake change: the first honest operator that is not the drill's victim unstakes
   * {@link #UNSTAKE} of its $C (unbonding $C does not count), so its power drops at the next stake
   * epoch and the CVM chain, then the bridge, must rotate to the new set.
   */
  private void changeStake(AnvilNode anvil, String cStaking) {
    int victim = drill == null ? -1 : victim();
    Member m = null;
    for (int i = 0; i < members.size() && m == null; i++) {
      if (!members.get(i).faulty() && i != victim) {
        m = members.get(i);
      }
    }
    if (m == null) {
      return;
    }
    try {
      Transactor tx =
          ChainAccess.open(
              URI.create(anvil.rpcUrl()), m.account().getEcKeyPair(), Optional.of(anvil.chainId()));
      long block =
          new StakingWriter(tx, cStaking)
              .unstake(m.account().getAddress(), UNSTAKE)
              .getBlockNumber()
              .longValueExact();
      tx.web3j().shutdown();
      stakeChange =
          String.format(
              "%s unstaked 25 $C at Ethereum block %d (stake epochs of %d blocks)",
              m.name(), block, EPOCH_BLOCKS);
    } catch (RuntimeException e) {
      stakeChange = m.name() + " could not unstake: " + e.getMessage();
      LOG.warn("devnet stake change failed", e);
    }
    step.accept("CVM chain: " + stakeChange + "; the set must follow at the next epoch");
  }

  /**
   * Kills one validator once CVM blocks flow (the first one finalised, or height 20 at the latest),
   * restarts it three heights later, waits for its catch-up; each step is a console line.
   */
  private void drill() {
    int v = victim();
    String name = members.get(v).name();
    try {
      while (chain.driver().latestHeight() < 20 && chain.status().cvmBlocks() == 0) {
        Thread.sleep(250);
      }
      chain.kill(v);
      long killedAt = chain.driver().latestHeight();
      step.accept(
          String.format(
              "CVM chain: validator %s killed at height %d (%d CVM blocks finalised so far)",
              name, killedAt, chain.status().cvmBlocks()));
      awaitHeight(killedAt + 3);
      chain.restart(v);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        if (chain.driver().isUp(v) && chain.app(v).height() >= killedAt + 3) {
          drillOutcome =
              String.format(
                  "validator %s killed at height %d, restarted at %d, caught up by replay (up at"
                      + " height %d)",
                  name, killedAt, killedAt + 3, chain.app(v).height());
          drillOk = true;
          step.accept(
              String.format(
                  "CVM chain: validator %s restarted at height %d; handshake (Info) + replay of"
                      + " the blocks it missed: caught up at height %d",
                  name, killedAt + 3, chain.app(v).height()));
          return;
        }
        Thread.sleep(200);
      }
      drillOutcome = "validator " + name + " did NOT catch up within 30 s of its restart";
    } catch (InterruptedException e) {
      drillOutcome = "validator " + name + ": the kill/restart drill was stopped early";
    } catch (Exception e) {
      drillOutcome = "validator " + name + ": kill/restart failed: " + e.getMessage();
      LOG.warn("CVM chain drill failed", e);
    }
  }

  private void awaitHeight(long h) throws InterruptedException {
    while (chain.driver().latestHeight() < h) {
      Thread.sleep(100);
    }
  }

  /** What the devnet's summary shows of the CVM chain ({@link #summarise}'s figures). */
  record Outcome(
      long height,
      long cvmBlocks,
      int validators,
      int certificates,
      long rejectedRounds,
      long lightSyncedTo,
      int setChanges,
      long firstSetChangeHeight,
      boolean ok) {}

  private Outcome outcome;
  private io.cvmavs.consensus.app.model.BlsValidatorSet genesisSet;

  /** The first block that can hold the deployment's logs (the deploy script records it). */
  static long deploymentBlock(Deployments d) {
    return ChainInputs.deploymentBlock(d);
  }

  /** The genesis BLS set (the bridge's first committed set). */
  io.cvmavs.consensus.app.model.BlsValidatorSet genesisSet() {
    return genesisSet;
  }

  /** The chain's CometBFT-shaped RPC (what the relayer reads). */
  /**
   * The hash of the chain's first header, from the devnet's own driver (not over RPC): the root of
   * trust the anchoring's light client starts from.
   */
  byte[] firstHeaderHash() {
    return io.cvmavs.consensus.light.HeaderHash.of(chain.driver().block(1).orElseThrow().header());
  }

  java.net.URI rpc() {
    return chain.rpc();
  }

  /** The figures of the last {@link #summarise}, if it ran. */
  java.util.Optional<Outcome> outcome() {
    return java.util.Optional.ofNullable(outcome);
  }

  /**
   * Prints the chain's summary lines and one {@code light sync} from height 1 to the head. Its
   * figures, and whether the chain finalised CVM blocks with certificates, the drill's validator
   * caught up and the light client verified the head, are {@link #outcome}.
   */
  void summarise(int cvmBlocksAttested) throws Exception {
    if (drill != null) {
      drill.join(Duration.ofSeconds(20));
    }
    // The chain shares the nodes' CVMs (one Flink lane per JVM), so it trails the attestations:
    // give it at most 15 s to finalise the CVM blocks the AVS attested (at least one).
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    CvmChainNet.Status s = chain.status();
    while (s.cvmBlocks() < Math.max(1, cvmBlocksAttested) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      s = chain.status();
    }
    String hash = s.appHash().length() > 12 ? s.appHash().substring(0, 12) + "…" : s.appHash();
    step.accept(
        String.format(
            "CVM chain: height %d, %d CVM blocks finalised by %d validators (%d up), app hash %s,"
                + " %d certificates",
            s.height(), s.cvmBlocks(), s.validators(), s.validatorsUp(), hash, s.certificates()));
    long faulty = members.stream().filter(Member::faulty).count();
    step.accept(
        String.format(
            "CVM chain: %d round(s) REJECTED%s; %s",
            s.rejectedRounds(),
            faulty == 0
                ? ""
                : s.rejectedRounds() > 0
                    ? " (wrong CVM blocks of the faulty validator)"
                    : " (the faulty validator proposed no CVM block this run)",
            drillOutcome));
    step.accept(setChangeLine(s));
    step.accept(manuscriptsLine());
    CvmChainNet.LightSync sync = chain.lightSync(s.height());
    writeDetails(s, sync);
    boolean synced = sync.exitCode() == 0 && sync.height() == s.height();
    step.accept(
        synced
            ? String.format(
                "CVM chain: light sync --rpc %s verified 1 → %d (%d headers checked)",
                chain.rpc(), sync.height(), sync.lines())
            : String.format(
                "CVM chain: light sync FAILED (exit %d): %s",
                sync.exitCode(), sync.output().strip()));
    // A REJECTed round needs the faulty validator to be the proposer when a CVM block is due; in a
    // short run that may not happen, so it is reported but not required (CvmChainNetIT forces it).
    boolean ok = s.cvmBlocks() > 0 && synced && (drill == null || drillOk) && s.certificates() > 0;
    outcome =
        new Outcome(
            s.height(),
            s.cvmBlocks(),
            s.validators(),
            s.certificates(),
            s.rejectedRounds(),
            synced ? sync.height() : -1,
            s.setChanges().size(),
            s.setChanges().isEmpty() ? -1 : s.setChanges().get(0).height(),
            ok);
  }

  /** What the chain imported from CvmManuscriptRegistry ({@code /manuscripts}). */
  private String manuscriptsLine() {
    try {
      com.fasterxml.jackson.databind.JsonNode m = chain.query("/manuscripts");
      List<String> each = new ArrayList<>();
      for (com.fasterxml.jackson.databind.JsonNode e : m.path("manuscripts")) {
        String hash = e.path("hash").asText();
        each.add(
            String.format(
                "%s… %s%s, next CVM height %d",
                hash.substring(0, Math.min(10, hash.length())),
                e.path("status").asText(),
                e.path("source").asText().equals("registry")
                    ? " (registered at Ethereum block "
                        + e.path("eth_block").asLong()
                        + ", imported at height "
                        + e.path("imported_at").asLong()
                        + ")"
                    : " (genesis only)",
                e.path("next_height").asLong()));
      }
      return String.format(
          "CVM chain: %d change(s) imported from CvmManuscriptRegistry; manuscripts: %s",
          m.path("registry_changes_imported").asLong(), String.join("; ", each));
    } catch (Exception e) {
      return "CVM chain: cannot read its manuscripts: " + e.getMessage();
    }
  }

  private String setChangeLine(CvmChainNet.Status s) {
    if (s.setChanges().isEmpty()) {
      return "CVM chain: validator set unchanged (" + stakeChange + ")";
    }
    List<String> at = new ArrayList<>();
    for (CvmChainNet.SetChange c : s.setChanges()) {
      at.add(
          String.format(
              "height %d (%d update%s, %s at %d)",
              c.height(),
              c.updates(),
              c.updates() == 1 ? "" : "s",
              c.effective() ? "in effect" : "not yet in effect",
              c.height() + 2));
    }
    return String.format(
        "CVM chain: validator set changed %d time(s) by stake epoch: %s; %s",
        s.setChanges().size(), String.join(", ", at), stakeChange);
  }

  /** Every round, every decided block, the drill and the light sync's output: the run's log. */
  private void writeDetails(CvmChainNet.Status s, CvmChainNet.LightSync sync) {
    StringBuilder b = new StringBuilder();
    b.append("CVM chain ").append(chain.driver().chainId()).append(", RPC ").append(chain.rpc());
    b.append("\nvalidators:\n");
    for (int i = 0; i < members.size(); i++) {
      b.append(
          String.format(
              "  %s address %s%s%n",
              members.get(i).name(),
              chain.driver().addressHex(i),
              members.get(i).faulty() ? " (faulty: proposes wrong CVM blocks)" : ""));
    }
    b.append("rounds:\n");
    for (RoundRecord r : chain.driver().rounds()) {
      b.append(
          String.format(
              "  height %d round %d proposer %s %s %s%n",
              r.height(), r.round(), r.proposer(), r.outcome(), r.detail()));
    }
    b.append("blocks:\n");
    for (long h = 1; h <= s.height(); h++) {
      chain
          .driver()
          .block(h)
          .ifPresent(
              blk -> {
                b.append(
                    String.format(
                        "  height %d: %d txs, app hash after %s%n",
                        blk.height(),
                        blk.txs().size(),
                        HexFormat.of()
                            .formatHex(blk.finalizeResponse().getAppHash().toByteArray())));
                // Each transaction's kind and FinalizeBlock result: a refused deposit, withdrawal
                // or CVM block shows here with the app's reason.
                for (int i = 0; i < blk.txs().size(); i++) {
                  String kind;
                  try {
                    kind = TxCodec.decode(blk.txs().get(i).toByteArray()).getKindCase().name();
                  } catch (RuntimeException e) {
                    kind = "undecodable";
                  }
                  var res =
                      i < blk.finalizeResponse().getTxResultsCount()
                          ? blk.finalizeResponse().getTxResults(i)
                          : null;
                  b.append(
                      String.format(
                          "    tx %d %s: %s%n",
                          i,
                          kind,
                          res == null
                              ? "no result"
                              : res.getCode() == 0
                                  ? "ok"
                                  : "code " + res.getCode() + " " + res.getLog()));
                }
              });
    }
    b.append("status: ").append(s).append('\n');
    b.append("drill: ").append(drillOutcome).append('\n');
    b.append("light sync (exit ").append(sync.exitCode()).append("):\n").append(sync.output());
    try {
      Files.writeString(details, b.toString());
    } catch (java.io.IOException e) {
      LOG.warn("cannot write {}: {}", details, e.getMessage());
    }
  }

  @Override
  public void close() {
    if (drill != null) {
      drill.interrupt();
    }
    chain.close();
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        LOG.debug("closing {}: {}", r, e.getMessage());
      }
    }
  }
}
