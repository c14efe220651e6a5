package io.cvmavs.consensus.driver;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.cvmavs.consensus.driver.AppConnections.Conn;
import io.cvmavs.consensus.driver.RoundRecord.Outcome;
import io.cvmavs.consensus.light.HeaderHash;
import io.cvmavs.consensus.light.LightJson;
import io.cvmavs.consensus.light.Merkle;
import io.cvmavs.consensus.light.Validator;
import io.cvmavs.consensus.light.ValidatorSet;
import io.cvmavs.consensus.light.VoteSignBytes;
import io.cvmavs.consensus.proto.abci.CheckTxType;
import io.cvmavs.consensus.proto.abci.CommitInfo;
import io.cvmavs.consensus.proto.abci.ExtendedCommitInfo;
import io.cvmavs.consensus.proto.abci.ExtendedVoteInfo;
import io.cvmavs.consensus.proto.abci.Request;
import io.cvmavs.consensus.proto.abci.RequestCheckTx;
import io.cvmavs.consensus.proto.abci.RequestCommit;
import io.cvmavs.consensus.proto.abci.RequestExtendVote;
import io.cvmavs.consensus.proto.abci.RequestFinalizeBlock;
import io.cvmavs.consensus.proto.abci.RequestInfo;
import io.cvmavs.consensus.proto.abci.RequestInitChain;
import io.cvmavs.consensus.proto.abci.RequestPrepareProposal;
import io.cvmavs.consensus.proto.abci.RequestProcessProposal;
import io.cvmavs.consensus.proto.abci.RequestQuery;
import io.cvmavs.consensus.proto.abci.RequestVerifyVoteExtension;
import io.cvmavs.consensus.proto.abci.ResponseCheckTx;
import io.cvmavs.consensus.proto.abci.ResponseFinalizeBlock;
import io.cvmavs.consensus.proto.abci.ResponseInfo;
import io.cvmavs.consensus.proto.abci.ResponseInitChain;
import io.cvmavs.consensus.proto.abci.ResponseProcessProposal;
import io.cvmavs.consensus.proto.abci.ResponseQuery;
import io.cvmavs.consensus.proto.abci.ResponseVerifyVoteExtension;
import io.cvmavs.consensus.proto.abci.ValidatorUpdate;
import io.cvmavs.consensus.proto.abci.VoteInfo;
import io.cvmavs.consensus.proto.crypto.PublicKey;
import io.cvmavs.consensus.proto.types.ABCIParams;
import io.cvmavs.consensus.proto.types.BlockID;
import io.cvmavs.consensus.proto.types.BlockIDFlag;
import io.cvmavs.consensus.proto.types.BlockParams;
import io.cvmavs.consensus.proto.types.Commit;
import io.cvmavs.consensus.proto.types.CommitSig;
import io.cvmavs.consensus.proto.types.ConsensusParams;
import io.cvmavs.consensus.proto.types.EvidenceParams;
import io.cvmavs.consensus.proto.types.Header;
import io.cvmavs.consensus.proto.types.PartSetHeader;
import io.cvmavs.consensus.proto.types.ValidatorParams;
import io.cvmavs.consensus.proto.version.Consensus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <b>A test harness, not a consensus engine.</b> Drives N validators' ABCI++ applications over the
 * real socket protocol (four connections each, as CometBFT opens them) in the order CometBFT
 * v0.38's ABCI++ specification lays down, so a devnet runs where no CometBFT binary can: one
 * process plays every node's consensus reactor, holds every validator's Ed25519 key and signs its
 * votes. There is no networking between validators, no gossip, no locking rules — whatever the apps
 * see is what a correct CometBFT network would hand them. The one evidence it knows is a
 * double-signed precommit it is told to produce ({@link #doubleSignNextPrecommit}).
 *
 * <p>Per height H and round r: the proposer (CometBFT's weighted priority rotation, {@link
 * ProposerPriorities}, incremented r times) gets {@code PrepareProposal} with the mempool and the
 * previous height's vote extensions ({@code local_last_commit}); every reachable app gets {@code
 * ProcessProposal}; if more than 2/3 of the power accepted (a prevote quorum), each accepting
 * validator gets {@code ExtendVote}, each extension goes to every other validator's {@code
 * VerifyVoteExtension} (a precommit whose extension some validator rejects is dropped), and with
 * more than 2/3 of the power in precommits the block is decided: each app gets {@code
 * FinalizeBlock} (with {@code decided_last_commit}) and {@code Commit}. Otherwise the next round
 * starts with the next proposer. Validator updates returned by {@code FinalizeBlock} at H take
 * effect at H+2. Headers carry every field CometBFT fills, so {@code LightVerifier} accepts the
 * chain.
 *
 * <p>A validator whose connection fails or times out is marked down and absent from votes; at every
 * height the driver tries to reconnect it and performs CometBFT's handshake ({@code Info}, then
 * {@code InitChain} if it is at height 0, then {@code FinalizeBlock} + {@code Commit} for each
 * block it is missing, checking the app hash after each).
 *
 * <p>Not thread-safe for stepping: one thread calls {@link #step()} (or {@link #runEvery}); {@link
 * #submitTx}, {@link #query} and the read accessors may be called from others.
 */
public final class LocalConsensusDriver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalConsensusDriver.class);
  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  /** CometBFT v0.38's block protocol version. */
  public static final long BLOCK_PROTOCOL = 11;

  /**
   * One node of the network: its consensus key, genesis voting power (0: a full node that follows
   * the chain and may become a validator through an update) and its app's ABCI address.
   */
  public record NodeSpec(String name, ValidatorKey key, long power, InetSocketAddress abci) {
    public NodeSpec {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(abci, "abci");
      if (power < 0) {
        throw new IllegalArgumentException(name + ": negative genesis power " + power);
      }
    }
  }

  /**
   * The network's genesis and the driver's timing.
   *
   * @param callTimeout how long a validator may take to answer one request before it counts as down
   *     (CometBFT's propose/prevote timeouts play this role)
   * @param roundsPerStep rounds tried by one {@link #step()} before it returns without a block
   */
  public record Settings(
      String chainId,
      Instant genesisTime,
      ConsensusParams consensusParams,
      ByteString appStateBytes,
      List<NodeSpec> nodes,
      Duration callTimeout,
      int roundsPerStep,
      Clock clock) {
    public Settings {
      nodes = List.copyOf(nodes);
      if (nodes.stream().noneMatch(n -> n.power() > 0)) {
        throw new IllegalArgumentException("genesis needs at least one node with positive power");
      }
      if (chainId == null || chainId.isEmpty() || chainId.length() > 50) {
        throw new IllegalArgumentException(
            "chain id must be 1-50 characters, got '" + chainId + "'");
      }
      if (roundsPerStep <= 0) {
        throw new IllegalArgumentException("roundsPerStep must be positive");
      }
    }

    /**
     * Defaults: genesis now (millisecond precision), CometBFT's default params with vote extensions
     * enabled from height 1, empty app state, 5 s per call, 10 rounds per step.
     */
    public static Settings of(String chainId, List<NodeSpec> nodes) {
      Clock clock = Clock.systemUTC();
      return new Settings(
          chainId,
          Instant.ofEpochMilli(clock.millis()),
          defaultParams(),
          ByteString.EMPTY,
          nodes,
          Duration.ofSeconds(5),
          10,
          clock);
    }

    public Settings withCallTimeout(Duration timeout) {
      return new Settings(
          chainId,
          genesisTime,
          consensusParams,
          appStateBytes,
          nodes,
          timeout,
          roundsPerStep,
          clock);
    }

    public Settings withAppStateBytes(ByteString state) {
      return new Settings(
          chainId, genesisTime, consensusParams, state, nodes, callTimeout, roundsPerStep, clock);
    }
  }

  /** CometBFT's default consensus params, with vote extensions enabled from height 1. */
  public static ConsensusParams defaultParams() {
    return ConsensusParams.newBuilder()
        .setBlock(BlockParams.newBuilder().setMaxBytes(22_020_096).setMaxGas(-1))
        .setEvidence(
            EvidenceParams.newBuilder()
                .setMaxAgeNumBlocks(100_000)
                .setMaxAgeDuration(com.google.protobuf.Duration.newBuilder().setSeconds(172_800))
                .setMaxBytes(1_048_576))
        .setValidator(ValidatorParams.newBuilder().addPubKeyTypes("ed25519"))
        .setAbci(ABCIParams.newBuilder().setVoteExtensionsEnableHeight(1))
        .build();
  }

  /** One node's connection state. */
  private final class Node {
    final int index;
    final NodeSpec spec;
    final byte[] address;
    volatile AppConnections conns;
    volatile String downReason = "not connected yet";

    Node(int index, NodeSpec spec) {
      this.index = index;
      this.spec = spec;
      this.address = spec.key().address();
    }

    boolean up() {
      return conns != null;
    }

    void markDown(String reason) {
      AppConnections c = conns;
      conns = null;
      if (c != null) {
        c.close();
        LOG.warn("validator {} is down: {}", spec.name(), reason);
      }
      downReason = reason;
    }

    AppConnections connections() throws IOException {
      AppConnections c = conns;
      if (c == null) {
        throw new IOException(spec.name() + " is down: " + downReason);
      }
      return c;
    }
  }

  private final Settings settings;
  private final List<Node> nodes = new ArrayList<>();
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<Long, StoredBlock> blocks = new ConcurrentHashMap<>();
  private final LinkedHashMap<ByteString, ByteString> mempool = new LinkedHashMap<>();

  /**
   * The connections whose app's CheckTx state holds the mempool's transactions ({@link
   * #mempoolNode()}): a node that restarts comes back on new connections, with a fresh state.
   */
  private volatile AppConnections mempoolConns;

  /** Serialises mempool hand-overs ({@link #mempoolNode()}). */
  private final Object handOver = new Object();

  private final List<RoundRecord> rounds = new CopyOnWriteArrayList<>();
  private final List<StepListener> listeners = new CopyOnWriteArrayList<>();
  private final Object stepLock = new Object();

  /**
   * The validator (by name) that double-signs its next precommit ({@link
   * #doubleSignNextPrecommit}).
   */
  private final java.util.concurrent.atomic.AtomicReference<String> doubleSigner =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** Evidence detected and not yet delivered in a FinalizeBlock (CometBFT's evidence pool). */
  private final List<io.cvmavs.consensus.proto.abci.Misbehavior> evidence =
      new CopyOnWriteArrayList<>();

  // Consensus state after the last decided height (CometBFT's sm.State).
  private volatile long lastHeight;
  private BlockID lastBlockId =
      BlockID.newBuilder().setPartSetHeader(PartSetHeader.getDefaultInstance()).build();
  private Commit lastCommit = Commit.getDefaultInstance();
  private ExtendedCommitInfo lastExtendedCommit = ExtendedCommitInfo.getDefaultInstance();
  private ByteString appHash = ByteString.EMPTY;
  private ByteString lastResultsHash;
  private ProposerPriorities lastValidators;
  private volatile ProposerPriorities validators;
  private ProposerPriorities nextValidators;
  private ByteString genesisAppHash;
  private long appVersion;
  private int round;
  private volatile Thread loop;
  private volatile boolean closed;

  /** Called after every decided block (on the stepping thread). */
  public interface StepListener {
    void decided(StoredBlock block, Duration proposalToFinality);
  }

  private LocalConsensusDriver(Settings settings) {
    this.settings = settings;
    for (int i = 0; i < settings.nodes().size(); i++) {
      nodes.add(new Node(i, settings.nodes().get(i)));
    }
    this.lastResultsHash = ByteString.copyFrom(ChainHashes.resultsHash(List.of()));
  }

  /**
   * Connects to every node's app and performs the genesis handshake ({@code Info}, {@code
   * InitChain} for an app at height 0). Nodes that cannot be reached start down and are retried at
   * every height.
   *
   * @throws DriverException no app could be reached, the apps disagree on the genesis app hash or
   *     validators, or an app is already past genesis (the driver keeps no block store on disk)
   */
  public static LocalConsensusDriver start(Settings settings) throws DriverException {
    LocalConsensusDriver d = new LocalConsensusDriver(settings);
    d.genesis();
    return d;
  }

  private void genesis() throws DriverException {
    List<ValidatorUpdate> genesisUpdates = new ArrayList<>();
    for (NodeSpec n : settings.nodes()) {
      if (n.power() > 0) {
        genesisUpdates.add(update(n.key().publicKey(), n.power()));
      }
    }
    List<ValidatorUpdate> chosen = null;
    for (Node n : nodes) {
      try {
        AppConnections c = AppConnections.open(n.spec.abci());
        ResponseInfo info = info(c);
        if (info.getLastBlockHeight() != 0) {
          c.close();
          throw new DriverException(
              n.spec.name()
                  + "'s app is at height "
                  + info.getLastBlockHeight()
                  + " but the driver starts a new chain at genesis (it keeps no block store on"
                  + " disk): give it an empty state");
        }
        if (genesisAppHash == null) {
          appVersion = info.getAppVersion();
        }
        ResponseInitChain init = initChain(c, genesisUpdates);
        List<ValidatorUpdate> vals =
            init.getValidatorsCount() > 0 ? init.getValidatorsList() : genesisUpdates;
        if (genesisAppHash == null) {
          genesisAppHash = init.getAppHash();
          chosen = vals;
        } else if (!genesisAppHash.equals(init.getAppHash()) || !chosen.equals(vals)) {
          c.close();
          throw new DriverException(
              n.spec.name()
                  + "'s app answered InitChain with app hash "
                  + HEX.formatHex(init.getAppHash().toByteArray())
                  + " and "
                  + vals.size()
                  + " validators, other apps with "
                  + HEX.formatHex(genesisAppHash.toByteArray())
                  + " and "
                  + chosen.size()
                  + ": the apps do not agree on genesis");
        }
        n.conns = c;
        n.downReason = "";
      } catch (IOException e) {
        n.downReason = "genesis handshake failed: " + e.getMessage();
        LOG.warn("validator {}: {}", n.spec.name(), n.downReason);
      }
    }
    if (genesisAppHash == null) {
      throw new DriverException(
          "no application could be reached at genesis: "
              + nodes.stream().map(n -> n.spec.name() + ": " + n.downReason).toList());
    }
    List<ProposerPriorities.Entry> entries = new ArrayList<>();
    for (ValidatorUpdate u : chosen) {
      entries.add(entry(u));
    }
    try {
      validators = ProposerPriorities.create(entries);
    } catch (IllegalArgumentException e) {
      throw new DriverException("genesis validators are invalid: " + e.getMessage(), e);
    }
    nextValidators = validators.increment(1);
    lastValidators = null;
    appHash = genesisAppHash;
  }

  private ResponseInfo info(AppConnections c) throws IOException {
    return timed(
            c,
            Conn.QUERY,
            Request.newBuilder()
                .setInfo(
                    RequestInfo.newBuilder()
                        .setVersion("0.38.17")
                        .setBlockVersion(BLOCK_PROTOCOL)
                        .setP2PVersion(8)
                        .setAbciVersion("2.0.0"))
                .build())
        .getInfo();
  }

  private ResponseInitChain initChain(AppConnections c, List<ValidatorUpdate> genesisUpdates)
      throws IOException {
    return timed(
            c,
            Conn.CONSENSUS,
            Request.newBuilder()
                .setInitChain(
                    RequestInitChain.newBuilder()
                        .setTime(ChainHashes.timestamp(settings.genesisTime()))
                        .setChainId(settings.chainId())
                        .setConsensusParams(settings.consensusParams())
                        .addAllValidators(genesisUpdates)
                        .setAppStateBytes(settings.appStateBytes())
                        .setInitialHeight(1))
                .build())
        .getInitChain();
  }

  private static ValidatorUpdate update(byte[] publicKey, long power) {
    return ValidatorUpdate.newBuilder()
        .setPubKey(PublicKey.newBuilder().setEd25519(ByteString.copyFrom(publicKey)))
        .setPower(power)
        .build();
  }

  private static ProposerPriorities.Entry entry(ValidatorUpdate u) {
    if (u.getPubKey().getSumCase() != PublicKey.SumCase.ED25519
        || u.getPubKey().getEd25519().size() != 32) {
      throw new IllegalArgumentException(
          "validator update with a "
              + u.getPubKey().getSumCase()
              + " key: only Ed25519 is accepted");
    }
    byte[] pk = u.getPubKey().getEd25519().toByteArray();
    return new ProposerPriorities.Entry(Validator.addressOf(pk), pk, u.getPower(), 0);
  }

  // ------------------------------------------------------------------ stepping

  /**
   * Decides the next height: tries up to {@code roundsPerStep} rounds (reconnecting down validators
   * first).
   *
   * @return the decided block, or empty when no round committed (the next call goes on with the
   *     following rounds of the same height, as CometBFT does)
   * @throws DriverException the chain halts: the decided block's validator updates are invalid
   */
  public Optional<StoredBlock> step() throws DriverException {
    synchronized (stepLock) {
      if (closed) {
        throw new DriverException("the driver is closed");
      }
      reconnectDown();
      for (int i = 0; i < settings.roundsPerStep(); i++) {
        Optional<StoredBlock> b = tryRound(lastHeight + 1, round);
        if (b.isPresent()) {
          round = 0;
          return b;
        }
        round++;
      }
      return Optional.empty();
    }
  }

  /** Steps every {@code interval} on a background thread until {@link #close()}. */
  public void runEvery(Duration interval) {
    if (loop != null) {
      throw new IllegalStateException("already running");
    }
    loop =
        Thread.ofPlatform()
            .daemon()
            .name("consensus-driver")
            .start(
                () -> {
                  while (!closed) {
                    try {
                      step();
                      Thread.sleep(interval.toMillis());
                    } catch (InterruptedException e) {
                      return;
                    } catch (DriverException e) {
                      if (!closed) {
                        LOG.error("the driven chain halted: {}", e.getMessage());
                      }
                      return;
                    } catch (RuntimeException e) {
                      LOG.error("the consensus driver failed", e);
                      return;
                    }
                  }
                });
  }

  private Optional<StoredBlock> tryRound(long height, int r) throws DriverException {
    ProposerPriorities roundSet = r == 0 ? validators : validators.increment(r);
    ProposerPriorities.Entry proposerEntry = roundSet.proposer();
    String proposerHex = HEX.formatHex(proposerEntry.address());
    Node proposer = nodeOf(proposerEntry.address());
    Instant proposedAt = Instant.now(settings.clock());
    if (proposer == null || !proposer.up()) {
      return fail(
          height,
          r,
          proposerHex,
          Outcome.PROPOSER_UNAVAILABLE,
          proposer == null ? "no node holds the proposer's key" : proposer.downReason);
    }
    Timestamp time =
        height == 1
            ? ChainHashes.timestamp(settings.genesisTime())
            : ChainHashes.medianTime(lastCommit, lastValidators);
    ValidatorSet nextSet = lightSet(nextValidators);
    long maxTxBytes = maxDataBytes(validators.entries().size());
    List<ByteString> candidates = reapMempool(maxTxBytes);
    RequestPrepareProposal prepare =
        RequestPrepareProposal.newBuilder()
            .setMaxTxBytes(maxTxBytes)
            .addAllTxs(candidates)
            .setLocalLastCommit(lastExtendedCommit)
            .setHeight(height)
            .setTime(time)
            .setNextValidatorsHash(ByteString.copyFrom(nextSet.hash()))
            .setProposerAddress(ByteString.copyFrom(proposer.address))
            .build();
    List<ByteString> txs;
    try {
      txs =
          callOne(
                  proposer,
                  Conn.CONSENSUS,
                  Request.newBuilder().setPrepareProposal(prepare).build())
              .getPrepareProposal()
              .getTxsList();
    } catch (IOException e) {
      proposer.markDown("PrepareProposal at height " + height + ": " + e.getMessage());
      return fail(height, r, proposerHex, Outcome.PROPOSER_UNAVAILABLE, e.getMessage());
    }
    long bytes = txs.stream().mapToLong(ByteString::size).sum();
    if (bytes > maxTxBytes) {
      return fail(
          height,
          r,
          proposerHex,
          Outcome.PROPOSAL_INVALID,
          "PrepareProposal returned "
              + bytes
              + " bytes of transactions, over max_tx_bytes "
              + maxTxBytes);
    }
    Header header =
        Header.newBuilder()
            .setVersion(Consensus.newBuilder().setBlock(BLOCK_PROTOCOL).setApp(appVersion))
            .setChainId(settings.chainId())
            .setHeight(height)
            .setTime(time)
            .setLastBlockId(lastBlockId)
            .setLastCommitHash(ByteString.copyFrom(ChainHashes.commitHash(lastCommit)))
            .setDataHash(ByteString.copyFrom(ChainHashes.dataHash(txs)))
            .setValidatorsHash(ByteString.copyFrom(lightSet(validators).hash()))
            .setNextValidatorsHash(ByteString.copyFrom(nextSet.hash()))
            .setConsensusHash(
                ByteString.copyFrom(ChainHashes.consensusHash(settings.consensusParams())))
            .setAppHash(appHash)
            .setLastResultsHash(lastResultsHash)
            .setEvidenceHash(ByteString.copyFrom(ChainHashes.emptyEvidenceHash()))
            .setProposerAddress(ByteString.copyFrom(proposer.address))
            .build();
    ByteString hash = ByteString.copyFrom(HeaderHash.of(header));
    BlockID blockId =
        BlockID.newBuilder()
            .setHash(hash)
            .setPartSetHeader(
                PartSetHeader.newBuilder()
                    .setTotal(1)
                    .setHash(ByteString.copyFrom(Merkle.root(List.of(blockBytes(header, txs))))))
            .build();
    CommitInfo proposedLastCommit = commitInfo(lastExtendedCommit);

    // ProcessProposal at every reachable node.
    Request process =
        Request.newBuilder()
            .setProcessProposal(
                RequestProcessProposal.newBuilder()
                    .addAllTxs(txs)
                    .setProposedLastCommit(proposedLastCommit)
                    .setHash(hash)
                    .setHeight(height)
                    .setTime(time)
                    .setNextValidatorsHash(header.getNextValidatorsHash())
                    .setProposerAddress(header.getProposerAddress()))
            .build();
    Map<Node, ResponseProcessProposal> verdicts =
        onAll(upNodes(), Conn.CONSENSUS, n -> process, "ProcessProposal at height " + height);
    long total = validators.totalPower();
    List<Node> accepted = new ArrayList<>();
    long acceptedPower = 0;
    for (ProposerPriorities.Entry v : validators.entries()) {
      Node n = nodeOf(v.address());
      ResponseProcessProposal pp = n == null ? null : verdicts.get(n);
      if (pp != null && pp.getStatus() == ResponseProcessProposal.ProposalStatus.ACCEPT) {
        accepted.add(n);
        acceptedPower += v.power();
      }
    }
    if (acceptedPower * 3 <= total * 2) {
      return fail(
          height,
          r,
          proposerHex,
          Outcome.REJECTED,
          "ProcessProposal accepted by " + acceptedPower + " of " + total + " voting power");
    }

    // Precommits: ExtendVote at each validator that accepted, VerifyVoteExtension at the others.
    Request extend =
        Request.newBuilder()
            .setExtendVote(
                RequestExtendVote.newBuilder()
                    .setHash(hash)
                    .setHeight(height)
                    .setTime(time)
                    .addAllTxs(txs)
                    .setProposedLastCommit(proposedLastCommit)
                    .setNextValidatorsHash(header.getNextValidatorsHash())
                    .setProposerAddress(header.getProposerAddress()))
            .build();
    Map<Node, io.cvmavs.consensus.proto.abci.Response> extensions =
        onAllRaw(accepted, Conn.CONSENSUS, n -> extend, "ExtendVote at height " + height);
    Map<Node, ByteString> valid = new HashMap<>();
    for (Node voter : accepted) {
      if (!extensions.containsKey(voter)) {
        continue;
      }
      ByteString ext = extensions.get(voter).getExtendVote().getVoteExtension();
      Request verify =
          Request.newBuilder()
              .setVerifyVoteExtension(
                  RequestVerifyVoteExtension.newBuilder()
                      .setHash(hash)
                      .setValidatorAddress(ByteString.copyFrom(voter.address))
                      .setHeight(height)
                      .setVoteExtension(ext))
              .build();
      // Only validators that accepted the proposal verify: one that REJECTed it (prevoted nil)
      // would refuse every extension of a block it did not process, and with the driver's one
      // network-wide view that would drop every precommit (in CometBFT its refusal only affects
      // its own vote set).
      List<Node> verifiers = new ArrayList<>();
      for (ProposerPriorities.Entry v : validators.entries()) {
        Node n = nodeOf(v.address());
        if (n != null && n != voter && n.up() && accepted.contains(n)) {
          verifiers.add(n);
        }
      }
      Map<Node, io.cvmavs.consensus.proto.abci.Response> checks =
          onAllRaw(
              verifiers, Conn.CONSENSUS, n -> verify, "VerifyVoteExtension at height " + height);
      boolean rejected = false;
      for (var e : checks.entrySet()) {
        if (e.getValue().getVerifyVoteExtension().getStatus()
            != ResponseVerifyVoteExtension.VerifyStatus.ACCEPT) {
          rejected = true;
          LOG.warn(
              "height {} round {}: {} rejected the vote extension of {}",
              height,
              r,
              e.getKey().spec.name(),
              voter.spec.name());
        }
      }
      if (!rejected) {
        valid.put(voter, ext);
      }
    }
    Instant now = Instant.now(settings.clock());
    Instant minVoteTime = ChainHashes.instant(time).plusMillis(1);
    Timestamp voteTime = ChainHashes.timestamp(now.isBefore(minVoteTime) ? minVoteTime : now);
    Commit.Builder commit = Commit.newBuilder().setHeight(height).setRound(r).setBlockId(blockId);
    ExtendedCommitInfo.Builder extended = ExtendedCommitInfo.newBuilder().setRound(r);
    long committedPower = 0;
    for (ProposerPriorities.Entry v : validators.entries()) {
      Node n = nodeOf(v.address());
      ByteString ext = n == null ? null : valid.get(n);
      io.cvmavs.consensus.proto.abci.Validator abciVal =
          io.cvmavs.consensus.proto.abci.Validator.newBuilder()
              .setAddress(ByteString.copyFrom(v.address()))
              .setPower(v.power())
              .build();
      if (ext == null) {
        commit.addSignatures(
            CommitSig.newBuilder()
                .setBlockIdFlag(BlockIDFlag.BLOCK_ID_FLAG_ABSENT)
                .setTimestamp(ChainHashes.GO_ZERO_TIME));
        extended.addVotes(
            ExtendedVoteInfo.newBuilder()
                .setValidator(abciVal)
                .setBlockIdFlag(BlockIDFlag.BLOCK_ID_FLAG_ABSENT));
        continue;
      }
      byte[] sig =
          n.spec
              .key()
              .sign(VoteSignBytes.precommit(settings.chainId(), height, r, blockId, voteTime));
      String faulty = doubleSigner.get();
      if (n.spec.name().equals(faulty) && doubleSigner.compareAndSet(faulty, null)) {
        BlockID other = conflicting(blockId);
        byte[] second =
            n.spec
                .key()
                .sign(VoteSignBytes.precommit(settings.chainId(), height, r, other, voteTime));
        detectDuplicateVote(
            n, v.power(), total, height, r, time, voteTime, blockId, sig, other, second);
      }
      byte[] extSig =
          n.spec.key().sign(VoteSignBytes.voteExtension(settings.chainId(), height, r, ext));
      commit.addSignatures(
          CommitSig.newBuilder()
              .setBlockIdFlag(BlockIDFlag.BLOCK_ID_FLAG_COMMIT)
              .setValidatorAddress(ByteString.copyFrom(v.address()))
              .setTimestamp(voteTime)
              .setSignature(ByteString.copyFrom(sig)));
      extended.addVotes(
          ExtendedVoteInfo.newBuilder()
              .setValidator(abciVal)
              .setVoteExtension(ext)
              .setExtensionSignature(ByteString.copyFrom(extSig))
              .setBlockIdFlag(BlockIDFlag.BLOCK_ID_FLAG_COMMIT));
      committedPower += v.power();
    }
    if (committedPower * 3 <= total * 2) {
      return fail(
          height,
          r,
          proposerHex,
          Outcome.NO_COMMIT,
          "precommits with valid vote extensions from "
              + committedPower
              + " of "
              + total
              + " voting power");
    }
    rounds.add(new RoundRecord(height, r, proposerHex, Outcome.COMMITTED, ""));
    return Optional.of(decide(header, blockId, txs, commit.build(), extended.build(), proposedAt));
  }

  /** A block id no honest validator votes for beside {@code id}. */
  private static BlockID conflicting(BlockID id) {
    byte[] hash =
        ChainHashes.sha256(
            ("conflicting " + HEX.formatHex(id.getHash().toByteArray()))
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return id.toBuilder().setHash(ByteString.copyFrom(hash)).build();
  }

  /**
   * CometBFT's duplicate-vote check: two precommits of one validator at one height and round for
   * different block ids, both signatures valid under its public key; then queued as evidence.
   */
  private void detectDuplicateVote(
      Node n,
      long power,
      long totalPower,
      long height,
      int r,
      Timestamp blockTime,
      Timestamp voteTime,
      BlockID a,
      byte[] sigA,
      BlockID b,
      byte[] sigB) {
    byte[] pub = n.spec.key().publicKey();
    boolean distinct = !a.equals(b);
    boolean validA = verifyVote(pub, sigA, height, r, a, voteTime);
    boolean validB = verifyVote(pub, sigB, height, r, b, voteTime);
    if (!distinct || !validA || !validB) {
      LOG.warn(
          "height {}: the double-signed precommits of {} are no evidence ({} {} {})",
          height,
          n.spec.name(),
          distinct,
          validA,
          validB);
      return;
    }
    evidence.add(
        io.cvmavs.consensus.proto.abci.Misbehavior.newBuilder()
            .setType(io.cvmavs.consensus.proto.abci.MisbehaviorType.DUPLICATE_VOTE)
            .setValidator(
                io.cvmavs.consensus.proto.abci.Validator.newBuilder()
                    .setAddress(ByteString.copyFrom(n.address))
                    .setPower(power))
            .setHeight(height)
            .setTime(blockTime)
            .setTotalVotingPower(totalPower)
            .build());
    LOG.warn(
        "height {} round {}: {} signed two precommits (duplicate vote evidence queued)",
        height,
        r,
        n.spec.name());
  }

  private boolean verifyVote(
      byte[] pub, byte[] sig, long height, int r, BlockID id, Timestamp voteTime) {
    byte[] msg = VoteSignBytes.precommit(settings.chainId(), height, r, id, voteTime);
    return sig.length == 64
        && org.bouncycastle.math.ec.rfc8032.Ed25519.verify(sig, 0, pub, 0, msg, 0, msg.length);
  }

  private StoredBlock decide(
      Header header,
      BlockID blockId,
      List<ByteString> txs,
      Commit commit,
      ExtendedCommitInfo extended,
      Instant proposedAt)
      throws DriverException {
    long height = header.getHeight();
    // Evidence of earlier heights (CometBFT commits evidence in a later block than the votes).
    List<io.cvmavs.consensus.proto.abci.Misbehavior> delivered = new ArrayList<>();
    for (var m : evidence) {
      if (m.getHeight() < height) {
        delivered.add(m);
      }
    }
    RequestFinalizeBlock finalize =
        RequestFinalizeBlock.newBuilder()
            .addAllTxs(txs)
            .setDecidedLastCommit(commitInfo(lastExtendedCommit))
            .setHash(blockId.getHash())
            .setHeight(height)
            .setTime(header.getTime())
            .setNextValidatorsHash(header.getNextValidatorsHash())
            .setProposerAddress(header.getProposerAddress())
            .addAllMisbehavior(delivered)
            .build();
    Request finalizeRequest = Request.newBuilder().setFinalizeBlock(finalize).build();
    Map<Node, ResponseFinalizeBlock> results =
        onAll(upNodes(), Conn.CONSENSUS, n -> finalizeRequest, "FinalizeBlock at height " + height);
    if (results.isEmpty()) {
      throw new DriverException("no application answered FinalizeBlock at height " + height);
    }
    // The app hash most apps computed; an app that computed another has diverged.
    Map<ByteString, Integer> votes = new HashMap<>();
    for (ResponseFinalizeBlock f : results.values()) {
      votes.merge(f.getAppHash(), 1, Integer::sum);
    }
    ByteString agreed =
        votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    ResponseFinalizeBlock response = null;
    List<Node> committers = new ArrayList<>();
    for (Node n : nodes) {
      ResponseFinalizeBlock f = results.get(n);
      if (f == null) {
        continue;
      }
      if (!f.getAppHash().equals(agreed)) {
        n.markDown(
            "app hash "
                + HEX.formatHex(f.getAppHash().toByteArray())
                + " at height "
                + height
                + " differs from the others' "
                + HEX.formatHex(agreed.toByteArray()));
        continue;
      }
      if (response == null) {
        response = f;
      }
      committers.add(n);
    }
    evidence.removeAll(delivered);
    Request commitRequest =
        Request.newBuilder().setCommit(RequestCommit.getDefaultInstance()).build();
    onAllRaw(committers, Conn.CONSENSUS, n -> commitRequest, "Commit at height " + height);

    // CometBFT's updateState: the updates returned at H change the set of H+2.
    ProposerPriorities afterNext = nextValidators;
    if (response.getValidatorUpdatesCount() > 0) {
      List<ProposerPriorities.Entry> changes = new ArrayList<>();
      try {
        for (ValidatorUpdate u : response.getValidatorUpdatesList()) {
          changes.add(entry(u));
        }
        afterNext = afterNext.update(changes);
      } catch (IllegalArgumentException e) {
        throw new DriverException(
            "height "
                + height
                + ": FinalizeBlock returned invalid validator updates: "
                + e.getMessage(),
            e);
      }
    }
    afterNext = afterNext.increment(1);
    StoredBlock block =
        new StoredBlock(
            header,
            blockId,
            txs,
            lastCommit,
            commit,
            validators,
            nextValidators,
            finalize,
            response);
    blocks.put(height, block);
    lastValidators = validators;
    validators = nextValidators;
    nextValidators = afterNext;
    lastBlockId = blockId;
    lastCommit = commit;
    lastExtendedCommit = extended;
    appHash = agreed;
    lastResultsHash = ByteString.copyFrom(ChainHashes.resultsHash(response.getTxResultsList()));
    lastHeight = height;
    updateMempool(txs);
    Duration took = Duration.between(proposedAt, Instant.now(settings.clock()));
    LOG.info(
        "height {} decided: {} txs, app hash {}, {} ms from proposal",
        height,
        txs.size(),
        HEX.formatHex(agreed.toByteArray()),
        took.toMillis());
    for (StepListener l : listeners) {
      l.decided(block, took);
    }
    return block;
  }

  private Optional<StoredBlock> fail(
      long height, int r, String proposer, Outcome outcome, String why) {
    LOG.info("height {} round {} (proposer {}): {} — {}", height, r, proposer, outcome, why);
    rounds.add(new RoundRecord(height, r, proposer, outcome, why));
    return Optional.empty();
  }

  /** {@code CommitInfo} of the last decided height, as FinalizeBlock and ProcessProposal see it. */
  private static CommitInfo commitInfo(ExtendedCommitInfo extended) {
    CommitInfo.Builder b = CommitInfo.newBuilder().setRound(extended.getRound());
    for (ExtendedVoteInfo v : extended.getVotesList()) {
      b.addVotes(
          VoteInfo.newBuilder().setValidator(v.getValidator()).setBlockIdFlag(v.getBlockIdFlag()));
    }
    return b.build();
  }

  /**
   * CometBFT's {@code MaxDataBytes} without evidence: the block limit minus the block overhead
   * (11), the largest header (626) and the largest commit of {@code validators} signatures (94 +
   * 109 each).
   */
  private long maxDataBytes(int validatorCount) {
    long max = settings.consensusParams().getBlock().getMaxBytes();
    return max - 11 - 626 - (94 + 109L * validatorCount);
  }

  /**
   * The driver's block encoding for the part-set header (one part): the header, then the last
   * commit, then the transactions, each uvarint-length-prefixed. Not CometBFT's {@code Block}
   * protobuf: the light client does not check part sets, and the block hash (the header's) is
   * exact.
   */
  private byte[] blockBytes(Header header, List<ByteString> txs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      header.writeDelimitedTo(out);
      lastCommit.writeDelimitedTo(out);
      for (ByteString tx : txs) {
        io.cvmavs.consensus.abci.Frames.writeVarint(out, tx.size());
        tx.writeTo(out);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  // ------------------------------------------------------------------ handshake

  private void reconnectDown() {
    for (Node n : nodes) {
      if (!n.up()) {
        handshake(n);
      }
    }
  }

  /** CometBFT's Handshaker: Info, then InitChain at height 0, then replay of missing blocks. */
  private void handshake(Node n) {
    AppConnections c;
    try {
      c = AppConnections.open(n.spec.abci());
    } catch (IOException e) {
      n.downReason = "cannot connect to " + n.spec.abci() + ": " + e.getMessage();
      return;
    }
    try {
      ResponseInfo info = info(c);
      long appHeight = info.getLastBlockHeight();
      if (appHeight > lastHeight) {
        throw new IOException(
            "app is at height " + appHeight + ", ahead of the chain at " + lastHeight);
      }
      if (appHeight == 0) {
        List<ValidatorUpdate> genesisUpdates = new ArrayList<>();
        for (NodeSpec s : settings.nodes()) {
          if (s.power() > 0) {
            genesisUpdates.add(update(s.key().publicKey(), s.power()));
          }
        }
        ResponseInitChain init = initChain(c, genesisUpdates);
        if (!init.getAppHash().equals(genesisAppHash)) {
          throw new IOException(
              "InitChain app hash "
                  + HEX.formatHex(init.getAppHash().toByteArray())
                  + " differs from genesis "
                  + HEX.formatHex(genesisAppHash.toByteArray()));
        }
      } else if (!info.getLastBlockAppHash().equals(appHashAfter(appHeight))) {
        throw new IOException(
            "app hash "
                + HEX.formatHex(info.getLastBlockAppHash().toByteArray())
                + " at height "
                + appHeight
                + " differs from the chain's "
                + HEX.formatHex(appHashAfter(appHeight).toByteArray()));
      }
      Request commit = Request.newBuilder().setCommit(RequestCommit.getDefaultInstance()).build();
      for (long h = appHeight + 1; h <= lastHeight; h++) {
        StoredBlock b = blocks.get(h);
        ResponseFinalizeBlock f =
            timed(
                    c,
                    Conn.CONSENSUS,
                    Request.newBuilder().setFinalizeBlock(b.finalizeRequest()).build())
                .getFinalizeBlock();
        if (!f.getAppHash().equals(appHashAfter(h))) {
          throw new IOException(
              "replaying height "
                  + h
                  + " gave app hash "
                  + HEX.formatHex(f.getAppHash().toByteArray())
                  + ", the chain has "
                  + HEX.formatHex(appHashAfter(h).toByteArray()));
        }
        timed(c, Conn.CONSENSUS, commit);
      }
      n.conns = c;
      n.downReason = "";
      LOG.info(
          "validator {} reconnected: handshake from height {} replayed {} blocks",
          n.spec.name(),
          appHeight,
          lastHeight - appHeight);
    } catch (IOException e) {
      c.close();
      String reason = "handshake failed: " + e.getMessage();
      if (!reason.equals(n.downReason)) {
        LOG.warn("validator {}: {}", n.spec.name(), reason);
      }
      n.downReason = reason;
    }
  }

  /** The app hash after executing height {@code h} (0: genesis). */
  private ByteString appHashAfter(long h) {
    if (h == 0) {
      return genesisAppHash;
    }
    return blocks.get(h).finalizeResponse().getAppHash();
  }

  // ------------------------------------------------------------------ mempool and queries

  /**
   * {@code CheckTx} (new) at the first reachable node's mempool connection; an accepted transaction
   * joins the mempool that the next proposer reaps.
   *
   * @throws IOException no node is reachable, or the app failed
   */
  public ResponseCheckTx submitTx(byte[] tx) throws IOException {
    ByteString t = ByteString.copyFrom(tx);
    ByteString key = ByteString.copyFrom(ChainHashes.sha256(tx));
    synchronized (mempool) {
      if (mempool.containsKey(key)) {
        return ResponseCheckTx.newBuilder().setCode(1).setLog("tx already exists in cache").build();
      }
    }
    ResponseCheckTx r = null;
    // A checking node found dead is marked down and the next reachable one takes over the mempool
    // (mempoolNode), as a network keeps accepting transactions while one node is gone.
    for (int attempt = 0; r == null; attempt++) {
      Node n = null;
      try {
        n = mempoolNode();
        r =
            timed(
                    n.connections(),
                    Conn.MEMPOOL,
                    Request.newBuilder()
                        .setCheckTx(RequestCheckTx.newBuilder().setTx(t).setType(CheckTxType.NEW))
                        .build())
                .getCheckTx();
      } catch (AppConnections.AppException e) {
        throw e;
      } catch (IOException e) {
        if (n != null) {
          n.markDown("CheckTx: " + e.getMessage());
        }
        if (attempt + 1 >= nodes.size()) {
          throw e;
        }
      }
    }
    if (r.getCode() == 0) {
      synchronized (mempool) {
        mempool.put(key, t);
      }
    }
    return r;
  }

  /** Forwards a query to the first reachable node's query connection. */
  public ResponseQuery query(RequestQuery q) throws IOException {
    Node n = firstUp();
    return timed(n.connections(), Conn.QUERY, Request.newBuilder().setQuery(q).build()).getQuery();
  }

  /**
   * The node whose mempool connection checks transactions: the first reachable one. The driver
   * keeps one network-wide mempool, so when that node changes (the previous one went down, or it
   * came back restarted), the new one first checks every pending transaction in arrival order, as
   * gossip would have delivered them to it: a sender's next transaction is then checked against its
   * earlier pending ones (a DB3 nonce n + 1 after n), not refused as a gap. Those it refuses leave
   * the mempool.
   */
  private Node mempoolNode() throws IOException {
    Node n = firstUp();
    if (n.conns == mempoolConns) {
      return n;
    }
    // One hand-over at a time (a second would check the same transactions twice in the new app's
    // session); the mempool's own lock is held only to copy and update, so proposals can reap it
    // while the new node checks.
    synchronized (handOver) {
      n = firstUp();
      AppConnections conns = n.conns;
      if (conns == mempoolConns) {
        return n;
      }
      List<ByteString> pending;
      synchronized (mempool) {
        pending = new ArrayList<>(mempool.values());
      }
      List<ByteString> refused = new ArrayList<>();
      for (ByteString tx : pending) {
        ResponseCheckTx r;
        try {
          r =
              timed(
                      n.connections(),
                      Conn.MEMPOOL,
                      Request.newBuilder()
                          .setCheckTx(
                              RequestCheckTx.newBuilder().setTx(tx).setType(CheckTxType.NEW))
                          .build())
                  .getCheckTx();
        } catch (AppConnections.AppException e) {
          throw e;
        } catch (IOException e) {
          n.markDown("CheckTx (mempool hand-over): " + e.getMessage());
          throw e;
        }
        if (r.getCode() != 0) {
          refused.add(tx);
        }
      }
      synchronized (mempool) {
        for (ByteString tx : refused) {
          mempool.remove(ByteString.copyFrom(ChainHashes.sha256(tx.toByteArray())));
        }
      }
      mempoolConns = conns;
      return n;
    }
  }

  private Node firstUp() throws IOException {
    for (Node n : nodes) {
      if (n.up()) {
        return n;
      }
    }
    throw new IOException("no validator's application is reachable");
  }

  private List<ByteString> reapMempool(long maxBytes) {
    List<ByteString> out = new ArrayList<>();
    long size = 0;
    synchronized (mempool) {
      for (ByteString tx : mempool.values()) {
        if (size + tx.size() > maxBytes) {
          break;
        }
        out.add(tx);
        size += tx.size();
      }
    }
    return out;
  }

  /** Removes the block's transactions and re-checks the rest (CometBFT's recheck). */
  private void updateMempool(List<ByteString> included) {
    List<ByteString> rest;
    synchronized (mempool) {
      for (ByteString tx : included) {
        mempool.remove(ByteString.copyFrom(ChainHashes.sha256(tx.toByteArray())));
      }
      rest = new ArrayList<>(mempool.values());
    }
    if (rest.isEmpty()) {
      return;
    }
    Node n;
    try {
      n = firstUp();
      if (n.conns != mempoolConns) {
        mempoolNode(); // a new checking node checks every pending transaction once (hand-over)
        return;
      }
    } catch (IOException e) {
      return;
    }
    for (ByteString tx : rest) {
      try {
        ResponseCheckTx r =
            timed(
                    n.connections(),
                    Conn.MEMPOOL,
                    Request.newBuilder()
                        .setCheckTx(
                            RequestCheckTx.newBuilder().setTx(tx).setType(CheckTxType.RECHECK))
                        .build())
                .getCheckTx();
        if (r.getCode() != 0) {
          synchronized (mempool) {
            mempool.remove(ByteString.copyFrom(ChainHashes.sha256(tx.toByteArray())));
          }
        }
      } catch (IOException e) {
        n.markDown("CheckTx (recheck): " + e.getMessage());
        return;
      }
    }
  }

  /** Transactions waiting in the mempool. */
  public int mempoolSize() {
    synchronized (mempool) {
      return mempool.size();
    }
  }

  // ------------------------------------------------------------------ calls

  private interface RequestFor {
    Request apply(Node n);
  }

  private List<Node> upNodes() {
    return nodes.stream().filter(Node::up).toList();
  }

  private io.cvmavs.consensus.proto.abci.Response callOne(Node n, Conn conn, Request r)
      throws IOException {
    Map<Node, io.cvmavs.consensus.proto.abci.Response> m =
        onAllRaw(List.of(n), conn, x -> r, r.getValueCase().name());
    io.cvmavs.consensus.proto.abci.Response res = m.get(n);
    if (res == null) {
      throw new IOException(n.spec.name() + ": " + n.downReason);
    }
    return res;
  }

  @SuppressWarnings("unchecked")
  private <T> Map<Node, T> onAll(List<Node> targets, Conn conn, RequestFor request, String what) {
    Map<Node, io.cvmavs.consensus.proto.abci.Response> raw = onAllRaw(targets, conn, request, what);
    Map<Node, T> out = new HashMap<>();
    for (var e : raw.entrySet()) {
      io.cvmavs.consensus.proto.abci.Response r = e.getValue();
      Object v =
          switch (r.getValueCase()) {
            case PROCESS_PROPOSAL -> r.getProcessProposal();
            case FINALIZE_BLOCK -> r.getFinalizeBlock();
            default -> r;
          };
      out.put(e.getKey(), (T) v);
    }
    return out;
  }

  /**
   * Sends one request to each target in parallel and waits up to the call timeout for each; a node
   * that fails or does not answer in time is marked down (its connections closed) and left out.
   */
  private Map<Node, io.cvmavs.consensus.proto.abci.Response> onAllRaw(
      List<Node> targets, Conn conn, RequestFor request, String what) {
    Map<Node, Future<io.cvmavs.consensus.proto.abci.Response>> pending = new LinkedHashMap<>();
    for (Node n : targets) {
      pending.put(n, calls.submit(() -> n.connections().call(conn, request.apply(n))));
    }
    Map<Node, io.cvmavs.consensus.proto.abci.Response> out = new LinkedHashMap<>();
    long deadline = System.nanoTime() + settings.callTimeout().toNanos();
    for (var e : pending.entrySet()) {
      Node n = e.getKey();
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        out.put(n, e.getValue().get(left, TimeUnit.NANOSECONDS));
      } catch (ExecutionException ex) {
        n.markDown(what + ": " + ex.getCause().getMessage());
      } catch (TimeoutException ex) {
        e.getValue().cancel(true);
        n.markDown(what + ": no answer within " + settings.callTimeout());
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        n.markDown(what + ": interrupted");
      }
    }
    return out;
  }

  /**
   * One call with the call timeout; on timeout the connections are closed (the caller marks the
   * node down) and an IOException is thrown.
   */
  private io.cvmavs.consensus.proto.abci.Response timed(AppConnections c, Conn conn, Request r)
      throws IOException {
    Future<io.cvmavs.consensus.proto.abci.Response> f = calls.submit(() -> c.call(conn, r));
    try {
      return f.get(settings.callTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(r.getValueCase() + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      f.cancel(true);
      c.close();
      throw new IOException(r.getValueCase() + ": no answer within " + settings.callTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(r.getValueCase() + ": interrupted", e);
    }
  }

  // ------------------------------------------------------------------ reads

  private Node nodeOf(byte[] address) {
    for (Node n : nodes) {
      if (Arrays.equals(n.address, address)) {
        return n;
      }
    }
    return null;
  }

  /** The light client's view of a set (canonical order, hash). */
  public static ValidatorSet lightSet(ProposerPriorities set) {
    List<Validator> vals = new ArrayList<>();
    for (ProposerPriorities.Entry e : set.entries()) {
      vals.add(new Validator(e.address(), e.publicKey(), e.power()));
    }
    return new ValidatorSet(vals);
  }

  /**
   * Harness fault: validator {@code name} signs, next time it precommits a block, a second,
   * conflicting precommit (same height and round, another block id) with its real Ed25519 key. The
   * driver checks the pair as CometBFT's evidence pool checks a {@code DuplicateVoteEvidence} (same
   * validator, height, round and vote type, different block ids, both signatures valid) and reports
   * it as {@code DUPLICATE_VOTE} misbehaviour in the next block's {@code FinalizeBlock} (height =
   * the votes' height, time = that block's time, total voting power = the set's). The header's
   * {@code evidence_hash} is not changed (the driver keeps no evidence list in its blocks).
   *
   * @throws IllegalArgumentException no validator has that name
   */
  public void doubleSignNextPrecommit(String name) {
    if (nodes.stream().noneMatch(n -> n.spec.name().equals(name))) {
      throw new IllegalArgumentException("no validator named '" + name + "'");
    }
    doubleSigner.set(
        nodes.stream()
            .filter(n -> n.spec.name().equals(name))
            .findFirst()
            .orElseThrow()
            .spec
            .name());
  }

  /** Misbehaviour detected and waiting for the next FinalizeBlock. */
  public List<io.cvmavs.consensus.proto.abci.Misbehavior> pendingEvidence() {
    return List.copyOf(evidence);
  }

  public String chainId() {
    return settings.chainId();
  }

  public Instant genesisTime() {
    return settings.genesisTime();
  }

  /** The last decided height (0 before the first block). */
  public long latestHeight() {
    return lastHeight;
  }

  /** The decided block at {@code height}, if any. */
  public Optional<StoredBlock> block(long height) {
    return Optional.ofNullable(blocks.get(height));
  }

  /**
   * The validator set (with proposer priorities) of {@code height}: known up to the latest height +
   * 1.
   */
  public Optional<ProposerPriorities> validatorsAt(long height) {
    long latest = lastHeight;
    if (height >= 1 && height <= latest) {
      return Optional.of(blocks.get(height).validators());
    }
    if (height == latest + 1) {
      StoredBlock b = blocks.get(latest);
      return Optional.of(b == null ? validators : b.nextValidators());
    }
    return Optional.empty();
  }

  /** Every round tried so far, in order. */
  public List<RoundRecord> rounds() {
    return List.copyOf(rounds);
  }

  public void addListener(StepListener l) {
    listeners.add(l);
  }

  /** Whether node {@code index} (in the order of {@link Settings#nodes()}) is connected. */
  public boolean isUp(int index) {
    return nodes.get(index).up();
  }

  /** Why node {@code index} is down ("" when up). */
  public String downReason(int index) {
    return nodes.get(index).downReason;
  }

  public List<NodeSpec> nodes() {
    return settings.nodes();
  }

  /** The address of node {@code index} in upper-case hex, as headers and logs print it. */
  public String addressHex(int index) {
    return LightJson.hex(nodes.get(index).address);
  }

  @Override
  public void close() {
    closed = true;
    // A height being decided finishes first (stepping holds the lock), so no app is left between
    // FinalizeBlock and Commit by the driver itself; then the loop's sleep is interrupted.
    synchronized (stepLock) {
      for (Node n : nodes) {
        AppConnections c = n.conns;
        n.conns = null;
        if (c != null) {
          c.close();
        }
        n.downReason = "driver closed";
      }
    }
    Thread t = loop;
    if (t != null) {
      t.interrupt();
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    calls.shutdownNow();
  }
}
