package io.cvmavs.operator.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.storage.StorageAuditClient;
import io.cvmavs.common.retry.Backoff;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.keystore.BlsKeystore;
import io.cvmavs.crypto.keystore.EcdsaKeystore;
import io.cvmavs.crypto.keystore.ScryptParams;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.operator.cli.CvmAvsCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.registration.OperatorRegistration;
import io.cvmavs.operator.registration.RegistrationContracts;
import io.cvmavs.operator.registration.RegistrationStep;
import io.cvmavs.storage.TestBlocks;
import io.cvmavs.storage.anchor.AnchorRegistryClient;
import io.cvmavs.storage.anchor.AnchoredGroup;
import io.cvmavs.storage.anchor.AnchoringService;
import io.cvmavs.storage.anchor.AttestedAudit;
import io.cvmavs.storage.anchor.HolderAssigner;
import io.cvmavs.storage.anchor.HolderAssignment;
import io.cvmavs.storage.anchor.ReplicationPolicy;
import io.cvmavs.storage.backend.LocalDiskBackend;
import io.cvmavs.storage.backend.StorageBackend;
import io.cvmavs.storage.chunk.AuditChunks;
import io.cvmavs.storage.outbox.Outbox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameterNumber;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import picocli.CommandLine;

/**
 * Storage audits held to account on the real contracts (forge deploy script on anvil): three
 * operators of equal stake registered through {@link OperatorRegistration}; the anchoring service
 * (local-disk backend) anchors CVM block groups and records two holders per group in {@code
 * StorageAudit} (the deployer is the anchor submitter); the operators attest audit rounds with
 * their BLS keys; a failed round and an unanswered dispute slash the holder through CvmSlasher. The
 * deploy script's defaults hold (bond 0.01 ether, cooldown one day, grace 300 blocks): the test
 * mines past the grace period after the assignment.
 */
@WithAnvil
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageAuditChainIT {
  static final String PASSWORD = "storage-audit-test-password";
  static final List<CvmBlock> CHAIN = TestBlocks.chain(12, 40, 21);
  static final byte[] STREAM = Keccak.hash(TestBlocks.MANUSCRIPT);
  static final String OPERATOR_SLASHED_TOPIC =
      Abi.topic("OperatorSlashed(address,(address,uint32),address[],uint256[],string)");

  AnvilNode anvil;
  Deployments d;
  long deploymentBlock;
  Transactor deployer;
  RegistryReader registry;
  StorageAuditClient audit;
  final List<BlsKeyPair> keys = new ArrayList<>();
  final List<String> operators = new ArrayList<>();
  final List<Transactor> operatorTx = new ArrayList<>();
  AnchoringService service;
  List<AnchoredGroup> anchors;
  LocalDiskBackend disk;
  Path diskDir;
  Path cliDir;
  Path nodeDir;
  Path anchorDir;

  @BeforeAll
  void deployRegisterAndAnchor(AnvilNode anvil, @TempDir Path dir) throws Exception {
    this.anvil = anvil;
    d = Deployments.read(ForgeDeploy.deploy(anvil));
    deploymentBlock = Long.parseLong(d.values().get("deploymentBlock"));
    URI rpc = URI.create(anvil.rpcUrl());
    long chainId = anvil.chainId();
    deployer = ChainAccess.open(rpc, ChainAccess.devnetDeployer(), Optional.of(chainId));
    registry = new RegistryReader(deployer, d.address("CvmRegistry"));
    audit = new StorageAuditClient(deployer.reader(), d.address("StorageAudit"));
    RegistrationContracts contracts =
        new RegistrationContracts(
            d.address("DelegationManager"),
            d.address("StrategyManager"),
            d.address("AllocationManager"),
            d.address("Strategy"),
            d.address("UnderlyingToken"),
            d.address("CToken"),
            d.address("CStaking"),
            d.address("CvmServiceManager"),
            d.address("CvmRegistry"),
            d.address("CvmTaskManager"),
            0);
    for (int i = 1; i <= 3; i++) {
      BlsKeyPair bls = BlsKeyPair.fromSecret(BigInteger.valueOf(47_000 + i));
      Transactor op =
          ChainAccess.open(
              rpc, anvil.account(i).credentials().getEcKeyPair(), Optional.of(chainId));
      List<RegistrationStep> steps =
          new OperatorRegistration(
                  contracts, op, Optional.of(deployer), bls, this::mineTo, line -> {})
              .register(
                  new OperatorRegistration.Request(
                      new BigInteger("100000000000000000000"),
                      new BigInteger("50000000000000000000"),
                      Optional.of(Hash.sha3(("storage-audit-" + i).getBytes())),
                      BigInteger.TEN.pow(18),
                      "127.0.0.1:940" + i,
                      "https://op.invalid"));
      assertThat(steps).allMatch(s -> s.status() == RegistrationStep.Status.DONE);
      keys.add(bls);
      operators.add(op.address().toLowerCase(Locale.ROOT));
      operatorTx.add(op);
    }

    diskDir = dir.resolve("disk");
    nodeDir = dir.resolve("node");
    anchorDir = dir.resolve("anchor");
    disk = new LocalDiskBackend("local", diskDir);
    AnchorRegistryClient anchorRegistry =
        new AnchorRegistryClient(deployer.reader(), d.address("AnchorRegistry"));
    long fromBlock = anvil.blockNumber();
    try (CvmBlockStore store = CvmBlockStore.open(dir.resolve("node"))) {
      store.putManuscript(TestBlocks.MANUSCRIPT);
      CHAIN.forEach(store::append);
      service =
          new AnchoringService(
                  new AnchoringService.Settings(
                      dir.resolve("anchor"), 1, STREAM, 16 * 1024, Duration.ofHours(1)),
                  AnchoringService.BlockSource.of(store, STREAM),
                  new Outbox(
                      dir.resolve("anchor").resolve("outbox"),
                      List.<StorageBackend>of(disk),
                      Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(10)),
                      Clock.systemUTC()),
                  ReplicationPolicy.all(List.of("local")),
                  anchorRegistry,
                  deployer,
                  Clock.systemUTC())
              .assignHolders(
                  new HolderAssigner(
                      audit, HolderAssigner.registeredOperators(registry, 0, deploymentBlock), 2));
      AnchoringService.Step step = service.flush();
      assertThat(step.failures()).isEmpty();
      assertThat(step.anchored()).hasSizeGreaterThanOrEqualTo(2);
    }
    anchors = anchorRegistry.anchors(Optional.of(STREAM), fromBlock, anvil.blockNumber());
    assertThat(anchors).hasSizeGreaterThanOrEqualTo(2);
    assertThat(audit.challengeBond()).isEqualTo(new BigInteger("10000000000000000"));
    assertThat(audit.slashCooldown()).isEqualTo(86_400L);
    assertThat(audit.challengeGrace()).isEqualTo(300L);
    anvil.mine((int) audit.challengeGrace() + 1); // no round can fail within the grace period

    // what the CLI reads: the submitter's and the operators' keystores, anchor.yaml
    cliDir = dir.resolve("cli");
    Files.createDirectories(cliDir);
    EcdsaKeystore.write(
        cliDir.resolve("submitter.json"),
        anvil.account(0).credentials().getEcKeyPair(),
        PASSWORD.toCharArray(),
        ScryptParams.LIGHT,
        new SecureRandom());
    for (int i = 0; i < keys.size(); i++) {
      BlsKeystore.write(
          cliDir.resolve("bls-" + i + ".json"),
          keys.get(i),
          PASSWORD.toCharArray(),
          ScryptParams.LIGHT,
          new SecureRandom());
    }
    Files.writeString(
        cliDir.resolve("anchor.yaml"),
        """
        eth_rpc_url: %s
        deployment_file: %s
        submitter_keystore: submitter.json
        block_store: %s
        data_dir: anchor
        replication: [local]
        backends:
          - name: local
            type: local
            dir: %s
        """
            .formatted(
                anvil.rpcUrl(),
                d.source().toAbsolutePath(),
                dir.resolve("node").toAbsolutePath(),
                diskDir.toAbsolutePath()));
  }

  @Test
  void anchoredGroupsHaveTheirRendezvousHoldersOnChain() {
    for (AnchoredGroup g : anchors) {
      List<String> expected = HolderAssignment.holders(g.groupHash(), operators, 2);
      assertThat(audit.holdersOf(g.groupHash())).containsExactlyElementsOf(expected);
      StorageAuditClient.Group onChain = audit.group(g.groupHash());
      assertThat(onChain.auditRoot()).isEqualTo(g.auditRoot());
      assertThat(onChain.fileSize()).isEqualTo(g.fileSize());
      assertThat(service.holders(fileHashOf(g))).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void javaDigestEqualsTheContracts() {
    AnchoredGroup g = anchors.getFirst();
    String holder = audit.holdersOf(g.groupHash()).getFirst();
    byte[] seed = Hash.sha3("seed".getBytes());
    for (boolean passed : new boolean[] {true, false}) {
      assertThat(audit.outcomeDigest(g.groupHash(), holder, seed, g.auditRoot(), passed))
          .isEqualTo(
              audit.outcomeDigestOnChain(g.groupHash(), holder, seed, g.auditRoot(), passed));
    }
  }

  /** All three operators audit the holder's intact copy and attest PASS: recorded, no slash. */
  @Test
  void honestHolderPassesAnAttestedAudit() throws Exception {
    AnchoredGroup g = anchors.getFirst();
    String holder = audit.holdersOf(g.groupHash()).getFirst();
    BigInteger before = stake(holder);
    long seedBlock = anvil.blockNumber();
    anvil.mine(1);
    byte[] seed = blockHash(seedBlock);
    List<AttestedAudit.Attestation> atts = new ArrayList<>();
    for (BlsKeyPair k : keys) {
      atts.add(AttestedAudit.attest(k, audit, g, holder, disk, seed));
    }
    assertThat(atts).allMatch(AttestedAudit.Attestation::passed);
    AttestedAudit.Aggregate agg = aggregate(g, holder, seedBlock, seed, atts);
    assertThat(agg.outcome().passed()).isTrue();
    assertThat(agg.nonSigners()).isEmpty();
    audit.submitOutcome(deployer, agg.outcome(), agg.signature());
    assertThat(audit.result(g.groupHash(), holder, seed))
        .isEqualTo(StorageAuditClient.Result.PASSED);
    assertThat(stake(holder)).isEqualTo(before);
    assertThatThrownBy(() -> audit.submitOutcome(deployer, agg.outcome(), agg.signature()))
        .isInstanceOf(ChainException.class)
        .hasMessageContaining("OutcomeRecorded");
  }

  /**
   * A holder with a corrupted copy: the other two operators attest FAIL (the holder's own PASS is
   * outvoted); the outcome is recorded and the holder's allocation slashed once.
   */
  @Test
  void holderWithCorruptedCopyFailsAndIsSlashed(@TempDir Path dir) throws Exception {
    AnchoredGroup g = anchors.get(1);
    String holder = audit.holdersOf(g.groupHash()).getFirst();
    String locator = g.locatorOn("local").orElseThrow();
    Path corruptDir = dir.resolve("corrupt");
    copyTree(diskDir, corruptDir);
    Path copy = findFile(corruptDir, locator);
    byte[] file = Files.readAllBytes(copy);
    file[file.length / 2] ^= 0x01;
    Files.write(copy, file);
    LocalDiskBackend corrupt = new LocalDiskBackend("local", corruptDir);
    assertThat(corrupt.get(locator)).isPresent();

    BigInteger before = stake(holder);
    long seedBlock = anvil.blockNumber();
    anvil.mine(1);
    byte[] seed = blockHash(seedBlock);
    List<AttestedAudit.Attestation> atts = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (operators.get(i).equals(holder)) {
        // the holder vouches for itself: signs PASS over its own digest
        byte[] digest = audit.outcomeDigest(g.groupHash(), holder, seed, g.auditRoot(), true);
        atts.add(
            new AttestedAudit.Attestation(
                keys.get(i).operatorId(), true, keys.get(i).sign(digest)));
      } else {
        atts.add(AttestedAudit.attest(keys.get(i), audit, g, holder, corrupt, seed));
      }
    }
    AttestedAudit.Aggregate agg = aggregate(g, holder, seedBlock, seed, atts);
    assertThat(agg.outcome().passed()).isFalse();
    assertThat(agg.nonSigners()).containsExactly(holder);
    TransactionReceipt r = audit.submitOutcome(deployer, agg.outcome(), agg.signature());
    assertThat(slashes(r)).isEqualTo(1);
    assertThat(audit.result(g.groupHash(), holder, seed))
        .isEqualTo(StorageAuditClient.Result.FAILED);
    assertThat(audit.slashed(g.groupHash(), holder, seed)).isTrue();
    assertThat(stake(holder)).isLessThan(before);
    assertThatThrownBy(() -> audit.challenge(deployer, g.groupHash(), holder, seedBlock, 0))
        .isInstanceOf(ChainException.class)
        .hasMessageContaining("AlreadySlashed");
  }

  /** A single-chunk dispute the holder does not answer expires after the window and slashes. */
  @Test
  void unansweredDisputeExpiresAndSlashes() throws Exception {
    AnchoredGroup g = anchors.getLast();
    String holder = audit.holdersOf(g.groupHash()).getLast();
    BigInteger before = stake(holder);
    long seedBlock = anvil.blockNumber();
    anvil.mine(1);
    BigInteger credit = audit.credit(deployer.address());
    audit.challenge(deployer, g.groupHash(), holder, seedBlock, 0);
    assertThatThrownBy(() -> audit.expire(deployer, g.groupHash(), holder))
        .isInstanceOf(ChainException.class)
        .hasMessageContaining("DeadlineNotReached");
    increaseTime(3601);
    TransactionReceipt r = audit.expire(deployer, g.groupHash(), holder);
    assertThat(slashes(r)).isEqualTo(1);
    assertThat(audit.slashed(g.groupHash(), holder, blockHash(seedBlock))).isTrue();
    assertThat(stake(holder)).isLessThan(before);
    // the bond comes back to the challenger; a second slash inside the cooldown is refused
    assertThat(audit.credit(deployer.address())).isEqualTo(credit.add(audit.challengeBond()));
    long next = anvil.blockNumber();
    anvil.mine(1);
    assertThatThrownBy(() -> audit.challenge(deployer, g.groupHash(), holder, next, 0))
        .isInstanceOf(ChainException.class)
        .hasMessageContaining("SlashCooldown");
    audit.withdraw(deployer);
    assertThat(audit.credit(deployer.address())).isZero();
  }

  /**
   * A dispute answered by an operator that is not the holder (the chunk and its path verify
   * themselves): closed, the bond credited to the holder, who withdraws it; nobody slashed.
   */
  @Test
  void anyoneAnswersADispute_TheHolderGetsTheBond() throws Exception {
    AnchoredGroup g = anchors.getFirst();
    List<String> holders = audit.holdersOf(g.groupHash());
    String holder = holders.getLast();
    int responder = -1;
    int holderIndex = -1;
    for (int i = 0; i < operators.size(); i++) {
      if (!holders.contains(operators.get(i))) {
        responder = i;
      }
      if (operators.get(i).equals(holder)) {
        holderIndex = i;
      }
    }
    assertThat(responder).isNotNegative();
    assertThat(holderIndex).isNotNegative();
    AuditChunks file = AuditChunks.of(disk.get(g.locatorOn("local").orElseThrow()).orElseThrow());
    assertThat(file.root()).isEqualTo(g.auditRoot());
    int index = file.count() - 1;
    BigInteger before = stake(holder);
    long seedBlock = anvil.blockNumber();
    anvil.mine(1);
    assertThatThrownBy(
            () -> audit.challenge(deployer, g.groupHash(), holder, seedBlock, file.count()))
        .isInstanceOf(ChainException.class)
        .hasMessageContaining("IndexOutOfRange");
    audit.challenge(deployer, g.groupHash(), holder, seedBlock, index);
    BigInteger credit = audit.credit(holder);
    audit.respond(
        operatorTx.get(responder),
        g.groupHash(),
        holder,
        file.chunk(index),
        file.proof(index).siblings());
    assertThat(audit.credit(holder)).isEqualTo(credit.add(audit.challengeBond()));
    assertThatThrownBy(() -> audit.expire(deployer, g.groupHash(), holder))
        .isInstanceOf(ChainException.class)
        .hasMessageContaining("NoDispute");
    audit.withdraw(operatorTx.get(holderIndex));
    assertThat(audit.credit(holder)).isZero();
    assertThat(stake(holder)).isEqualTo(before);
  }

  /** {@code cvm-avs storage assign} and {@code storage attest} as a user runs them. */
  @Test
  void cliListsTheHoldersAndAttestsARound() {
    String config = cliDir.resolve("anchor.yaml").toString();
    String deployment = d.source().toAbsolutePath().toString();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertThat(cli(out, err, "storage", "assign", "--config", config, "--deployment", deployment))
        .as(err.toString())
        .isZero();
    AnchoredGroup g = anchors.getFirst();
    List<String> holders = audit.holdersOf(g.groupHash());
    assertThat(out.toString())
        .contains("[assign] group " + g.heights())
        .contains(String.join(", ", holders))
        .contains("[assign] " + anchors.size() + " group(s)");

    out.getBuffer().setLength(0);
    List<String> args =
        new ArrayList<>(
            List.of(
                "storage",
                "attest",
                "--config",
                config,
                "--deployment",
                deployment,
                "--from",
                "local",
                "--holder",
                holders.getFirst(),
                "--height",
                Long.toString(g.lastHeight())));
    for (int i = 0; i < keys.size(); i++) {
      args.add("--bls-keystore");
      args.add(cliDir.resolve("bls-" + i + ".json").toString());
    }
    assertThat(cli(out, err, args.toArray(String[]::new))).as(err.toString()).isZero();
    assertThat(out.toString()).contains(": PASS (").contains("3 of 3 operators signed");

    // a holder that is not recorded for the group is refused by name
    String stranger =
        operators.stream().filter(o -> !holders.contains(o)).findFirst().orElseThrow();
    args.set(args.indexOf(holders.getFirst()), stranger);
    assertThat(cli(out, err, args.toArray(String[]::new))).isEqualTo(1);
    assertThat(err.toString()).contains(stranger + " is not a recorded holder of group");
  }

  /**
   * {@code cvm-avs anchor --once} with a {@code holders:} section, on the data directory the
   * service above left: the new blocks' group is anchored and its rendezvous holders recorded;
   * after a crash between the assignment and the state write (simulated by removing the holders
   * from anchor-state.json) a restart finds them on chain instead of sending them again. Runs last:
   * it anchors more blocks.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void anchorCommandAssignsTheHoldersOfEachNewGroupOnce() throws Exception {
    List<CvmBlock> longer = TestBlocks.chain(CHAIN.size() + 4, 40, 21);
    assertThat(longer.get(CHAIN.size() - 1).hash()).isEqualTo(CHAIN.getLast().hash());
    try (CvmBlockStore store = CvmBlockStore.open(nodeDir)) {
      longer.subList(CHAIN.size(), longer.size()).forEach(store::append);
    }
    Path config = cliDir.resolve("anchor-holders.yaml");
    Files.writeString(
        config,
        """
        eth_rpc_url: %s
        deployment_file: %s
        submitter_keystore: submitter.json
        block_store: %s
        data_dir: %s
        group_target_bytes: 16384
        replication: [local]
        backends:
          - name: local
            type: local
            dir: %s
        holders:
          replication: 2
        """
            .formatted(
                anvil.rpcUrl(),
                d.source().toAbsolutePath(),
                nodeDir.toAbsolutePath(),
                anchorDir.toAbsolutePath(),
                diskDir.toAbsolutePath()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertThat(cli(out, err, "anchor", "--once", "--config", config.toString()))
        .as(out + "\n" + err)
        .isZero();
    AnchorRegistryClient anchorRegistry =
        new AnchorRegistryClient(deployer.reader(), d.address("AnchorRegistry"));
    List<AnchoredGroup> added =
        anchorRegistry.anchors(Optional.of(STREAM), deploymentBlock, anvil.blockNumber()).stream()
            .filter(g -> g.firstHeight() >= CHAIN.size())
            .toList();
    assertThat(added).isNotEmpty();
    assertThat(added.getLast().lastHeight()).isEqualTo(longer.size() - 1);
    assertThat(out.toString()).contains("[anchor] holders: 2 per group, recorded in StorageAudit");
    for (AnchoredGroup g : added) {
      List<String> expected = HolderAssignment.holders(g.groupHash(), operators, 2);
      assertThat(audit.holdersOf(g.groupHash())).containsExactlyElementsOf(expected);
      assertThat(out.toString())
          .contains(
              "[anchor] group "
                  + g.firstHeight()
                  + ".."
                  + g.lastHeight()
                  + " holders: "
                  + String.join(", ", expected));
    }

    // a crash after the assignment was mined, before the state recorded it
    ObjectMapper json = new ObjectMapper();
    Path stateFile = anchorDir.resolve("anchor-state.json");
    ObjectNode state = (ObjectNode) json.readTree(stateFile.toFile());
    ObjectNode last = (ObjectNode) state.get("groups").get(state.get("groups").size() - 1);
    assertThat(last.has("holders")).isTrue();
    last.remove("holders");
    json.writeValue(stateFile.toFile(), state);
    long blockBefore = anvil.blockNumber();
    out.getBuffer().setLength(0);
    assertThat(cli(out, err, "anchor", "--once", "--config", config.toString()))
        .as(out + "\n" + err)
        .isZero();
    AnchoredGroup g = added.getLast();
    assertThat(out.toString())
        .doesNotContain("holders of group")
        .contains(
            "[anchor] group "
                + g.firstHeight()
                + ".."
                + g.lastHeight()
                + " holders: "
                + String.join(", ", audit.holdersOf(g.groupHash())));
    assertThat(anvil.blockNumber()).as("no transaction sent again").isEqualTo(blockBefore);
    JsonNode again = json.readTree(stateFile.toFile()).get("groups");
    assertThat(again.get(again.size() - 1).has("holders")).as("holders recorded again").isTrue();
  }

  private static int cli(StringWriter out, StringWriter err, String... args) {
    CommandLine cli =
        CvmAvsCommand.commandLine(
            new CliContext(
                Map.of(
                        "OPERATOR_ECDSA_KEY_PASSWORD", PASSWORD,
                        "OPERATOR_BLS_KEY_PASSWORD", PASSWORD)
                    ::get));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  // ------------------------------------------------------------ helpers

  private AttestedAudit.Aggregate aggregate(
      AnchoredGroup g,
      String holder,
      long seedBlock,
      byte[] seed,
      List<AttestedAudit.Attestation> atts) {
    List<AttestedAudit.Member> members =
        AttestedAudit.members(registry, 0, deploymentBlock, seedBlock);
    assertThat(members).hasSize(3);
    return AttestedAudit.aggregate(registry, audit, 0, members, g, holder, seedBlock, seed, atts);
  }

  private BigInteger stake(String operator) {
    return registry.currentStake(registry.operatorId(operator), 0);
  }

  private long slashes(TransactionReceipt r) {
    return r.getLogs().stream()
        .filter(l -> l.getAddress().equalsIgnoreCase(d.address("AllocationManager")))
        .filter(l -> OPERATOR_SLASHED_TOPIC.equalsIgnoreCase(l.getTopics().get(0)))
        .count();
  }

  private byte[] blockHash(long block) throws Exception {
    String h =
        anvil
            .web3j()
            .ethGetBlockByNumber(new DefaultBlockParameterNumber(block), false)
            .send()
            .getBlock()
            .getHash();
    return Bytes32.parse("block hash", h);
  }

  private void increaseTime(long seconds) throws Exception {
    new Request<>(
            "evm_increaseTime", List.of(seconds), new HttpService(anvil.rpcUrl()), Response.class)
        .send();
    anvil.mine(1);
  }

  private void mineTo(long block) {
    long now = anvil.blockNumber();
    if (now < block) {
      anvil.mine((int) (block - now));
    }
  }

  private String fileHashOf(AnchoredGroup g) {
    return service.groups().stream()
        .filter(s -> java.util.Arrays.equals(s.groupHash(), g.groupHash()))
        .findFirst()
        .orElseThrow()
        .fileHash();
  }

  /** The file a local-disk backend keeps for {@code locator} (its layout is its own business). */
  private static Path findFile(Path root, String locator) throws Exception {
    try (var files = Files.walk(root)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(locator))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no file for " + locator + " under " + root));
    }
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (var files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
