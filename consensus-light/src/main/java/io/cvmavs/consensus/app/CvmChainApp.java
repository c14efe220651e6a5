package io.cvmavs.consensus.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.cvmavs.chainbasedb.Db3Exception;
import io.cvmavs.chainbasedb.query.Db3Query;
import io.cvmavs.chainbasedb.store.ChainbaseDb;
import io.cvmavs.chainbasedb.validate.Refusal;
import io.cvmavs.consensus.abci.Application;
import io.cvmavs.consensus.app.bridge.BridgeDeposit;
import io.cvmavs.consensus.app.bridge.DepositSource;
import io.cvmavs.consensus.app.bridge.Withdrawals;
import io.cvmavs.consensus.app.engine.CvmEngine;
import io.cvmavs.consensus.app.engine.EthereumHead;
import io.cvmavs.consensus.app.model.AppException;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.app.model.Checkpoint;
import io.cvmavs.consensus.app.registry.ManuscriptChange;
import io.cvmavs.consensus.app.registry.ManuscriptSource;
import io.cvmavs.consensus.app.state.Account;
import io.cvmavs.consensus.app.state.AppState;
import io.cvmavs.consensus.app.state.AppStore;
import io.cvmavs.consensus.app.state.ManuscriptHead;
import io.cvmavs.consensus.app.state.Snapshots;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.app.tx.TxRefusedException;
import io.cvmavs.consensus.app.validators.ValidatorSource;
import io.cvmavs.consensus.proto.abci.ExtendedVoteInfo;
import io.cvmavs.consensus.proto.abci.RequestApplySnapshotChunk;
import io.cvmavs.consensus.proto.abci.RequestCheckTx;
import io.cvmavs.consensus.proto.abci.RequestCommit;
import io.cvmavs.consensus.proto.abci.RequestExtendVote;
import io.cvmavs.consensus.proto.abci.RequestFinalizeBlock;
import io.cvmavs.consensus.proto.abci.RequestInfo;
import io.cvmavs.consensus.proto.abci.RequestInitChain;
import io.cvmavs.consensus.proto.abci.RequestListSnapshots;
import io.cvmavs.consensus.proto.abci.RequestLoadSnapshotChunk;
import io.cvmavs.consensus.proto.abci.RequestOfferSnapshot;
import io.cvmavs.consensus.proto.abci.RequestPrepareProposal;
import io.cvmavs.consensus.proto.abci.RequestProcessProposal;
import io.cvmavs.consensus.proto.abci.RequestQuery;
import io.cvmavs.consensus.proto.abci.RequestVerifyVoteExtension;
import io.cvmavs.consensus.proto.abci.ResponseApplySnapshotChunk;
import io.cvmavs.consensus.proto.abci.ResponseCheckTx;
import io.cvmavs.consensus.proto.abci.ResponseCommit;
import io.cvmavs.consensus.proto.abci.ResponseExtendVote;
import io.cvmavs.consensus.proto.abci.ResponseFinalizeBlock;
import io.cvmavs.consensus.proto.abci.ResponseInfo;
import io.cvmavs.consensus.proto.abci.ResponseInitChain;
import io.cvmavs.consensus.proto.abci.ResponseListSnapshots;
import io.cvmavs.consensus.proto.abci.ResponseLoadSnapshotChunk;
import io.cvmavs.consensus.proto.abci.ResponseOfferSnapshot;
import io.cvmavs.consensus.proto.abci.ResponsePrepareProposal;
import io.cvmavs.consensus.proto.abci.ResponseProcessProposal;
import io.cvmavs.consensus.proto.abci.ResponseQuery;
import io.cvmavs.consensus.proto.abci.ResponseVerifyVoteExtension;
import io.cvmavs.consensus.proto.abci.Snapshot;
import io.cvmavs.consensus.proto.abci.ValidatorUpdate;
import io.cvmavs.consensus.proto.app.Certificate;
import io.cvmavs.consensus.proto.app.CvmBlockTx;
import io.cvmavs.consensus.proto.app.Deposits;
import io.cvmavs.consensus.proto.app.EthereumFinality;
import io.cvmavs.consensus.proto.app.ManuscriptChanges;
import io.cvmavs.consensus.proto.app.SignedExtension;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.consensus.proto.app.ValidatorSetUpdate;
import io.cvmavs.consensus.proto.app.VoteExtension;
import io.cvmavs.consensus.proto.app.Withdraw;
import io.cvmavs.consensus.proto.app.WithdrawalRecord;
import io.cvmavs.consensus.proto.crypto.PublicKey;
import io.cvmavs.consensus.proto.types.BlockIDFlag;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.stake.validator.ConsensusKey;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CVM chain application: a deterministic ABCI++ state machine over RocksDB that finalises CVM
 * blocks with the dual-staked validator set and has every checkpoint signed with BLS (module
 * README, "CVM chain application"). Outside data enters only through consensus: vote extensions
 * carry each validator's Ethereum final height and its BLS signature over the checkpoint; the next
 * proposer puts what more than 2/3 of the power reported into its block, with the aggregate
 * certificate, the epoch's validator set and the next CVM block; FinalizeBlock reads nothing but
 * the block and the committed state.
 *
 * <p>The ABCI server calls one method at a time, so the app is not otherwise synchronised.
 */
public final class CvmChainApp implements Application, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CvmChainApp.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  /**
   * What this node brings besides its state.
   *
   * @param blsKey this validator's BLS key (empty on a non-validator node: it extends votes with
   *     nothing)
   * @param ethereum this node's view of Ethereum finality (ExtendVote only)
   * @param engine the CVM (PrepareProposal and ProcessProposal only)
   * @param validators the stake aggregator's sets (PrepareProposal and ProcessProposal only)
   * @param maxBlockRecords a CVM block with more dataset records is not proposed
   */
  public record Settings(
      Optional<BlsKeyPair> blsKey,
      EthereumHead ethereum,
      Optional<CvmEngine> engine,
      Optional<ValidatorSource> validators,
      int maxBlockRecords,
      long snapshotInterval,
      int snapshotChunkBytes,
      Optional<DepositSource> deposits,
      Optional<ManuscriptSource> registry) {
    /** Without snapshots. */
    public Settings(
        Optional<BlsKeyPair> blsKey,
        EthereumHead ethereum,
        Optional<CvmEngine> engine,
        Optional<ValidatorSource> validators,
        int maxBlockRecords) {
      this(
          blsKey,
          ethereum,
          engine,
          validators,
          maxBlockRecords,
          0,
          1 << 20,
          Optional.empty(),
          Optional.empty());
    }

    /** Takes a snapshot every {@code interval} heights (the newest two are kept). */
    public Settings withSnapshots(long interval, int chunkBytes) {
      if (interval < 0 || chunkBytes < 1) {
        throw new AppException("snapshot interval must be >= 0 and chunk size >= 1");
      }
      return new Settings(
          blsKey,
          ethereum,
          engine,
          validators,
          maxBlockRecords,
          interval,
          chunkBytes,
          deposits,
          registry);
    }

    /**
     * Credits {@code CBridge} deposits read through {@code source} (PrepareProposal proposes them,
     * ProcessProposal compares); without it this node proposes none and rejects blocks with any.
     */
    public Settings withDeposits(DepositSource source) {
      return new Settings(
          blsKey,
          ethereum,
          engine,
          validators,
          maxBlockRecords,
          snapshotInterval,
          snapshotChunkBytes,
          Optional.of(source),
          registry);
    }

    /**
     * Imports {@code CvmManuscriptRegistry} changes read through {@code source} (PrepareProposal
     * proposes them, ProcessProposal compares); without it this node proposes none and rejects
     * blocks with any.
     */
    public Settings withManuscripts(ManuscriptSource source) {
      return new Settings(
          blsKey,
          ethereum,
          engine,
          validators,
          maxBlockRecords,
          snapshotInterval,
          snapshotChunkBytes,
          deposits,
          Optional.of(source));
    }
  }

  /** At most this many withdrawals are proposed per block. */
  static final int MAX_WITHDRAWALS_PER_BLOCK = 256;

  private static final byte[] SNAPSHOT_PREFIX = AppStore.bytes("snap");
  private static final String SNAPSHOT_META = "snapm/";
  private static final String SNAPSHOT_CHUNK = "snapc/";

  /** A snapshot being restored: what CometBFT offered and the chunks applied so far. */
  private record Restore(Snapshot snapshot, byte[] appHash, byte[][] chunks) {}

  private Restore restoring;

  /** Why this node last REJECTed a proposal (tests and logs). */
  private String lastRejection = "";

  /** Why this node last REJECTed a proposal (empty if it never did). */
  public String lastRejection() {
    return lastRejection;
  }

  private final AppStore store;
  private final Path dir;

  /** This node's ChainbaseDB (DB3 mutations), open once the chain id is known (after genesis). */
  private ChainbaseDb db;

  /** CheckTx's view of the DB3 mempool over the committed ChainbaseDB; new after each commit. */
  private ChainbaseDb.CheckSession db3Session;

  /** Sub-directory of the app's directory that holds its ChainbaseDB. */
  public static final String CHAINBASEDB_DIR = "chainbasedb";

  private final Settings settings;
  private AppState committed;
  private BlockExecutor.Result pending;
  private BlockExecutor executor;

  /** CVM block hash of each proposal seen in ProcessProposal (block hash → hash), newest 64. */
  private final Map<ByteString, byte[]> proposals =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteString, byte[]> eldest) {
          return size() > 64;
        }
      };

  private CvmChainApp(AppStore store, Path dir, Settings settings) {
    this.store = store;
    this.dir = dir;
    this.settings = settings;
    this.committed = store.load().orElse(null);
    if (committed != null) {
      this.executor = executor(committed.chainIdForDigest);
      try {
        openChainbaseDb(committed);
      } catch (RuntimeException e) {
        // open() closes the app store; the ChainbaseDB (and its RocksDB lock) is closed here.
        if (db != null) {
          db.close();
        }
        throw e;
      }
      LOG.info(
          "CVM chain app: committed height {}, app hash 0x{}",
          committed.height,
          HEX.formatHex(committed.appHash));
    }
  }

  /** Opens (or creates) the app's RocksDB under {@code dir}. */
  public static CvmChainApp open(Path dir, Settings settings) {
    AppStore store = AppStore.open(dir);
    try {
      return new CvmChainApp(store, dir, settings);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * The DB3 {@code chain_id} of the CVM chain {@code chainId} (docs/DB3-FORMAT.md §1): the first 8
   * bytes, big-endian, of keccak256(UTF-8 chain id) — the checkpoints' cvmChainId — as an unsigned
   * 64-bit number.
   */
  public static long db3ChainId(String chainId) {
    return ByteBuffer.wrap(
            io.cvmavs.cvm.proof.Keccak.hash(
                chainId.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .getLong();
  }

  /**
   * Opens this node's ChainbaseDB for {@code s}'s chain and checks that it belongs to {@code s}: at
   * the same height with the root {@code s} records; one block ahead (applied by a FinalizeBlock
   * whose Commit a crash cut off: the block is replayed and not applied again); or behind while
   * neither holds DB3 data (a new store, a node restored from a snapshot), when it starts at {@code
   * s}'s height. Anything else refuses to start the node.
   */
  private void openChainbaseDb(AppState s) {
    if (db == null) {
      try {
        db = ChainbaseDb.open(dir.resolve(CHAINBASEDB_DIR), db3ChainId(s.chainIdForDigest));
      } catch (Db3Exception e) {
        throw new AppException("cannot open the ChainbaseDB: " + e.getMessage(), e);
      }
    }
    db3Session = null;
    long h = db.height();
    if (h == s.height) {
      if (!java.util.Arrays.equals(db3Leaf(), s.chainbasedbRoot)) {
        throw new AppException(
            "the ChainbaseDB at "
                + dir.resolve(CHAINBASEDB_DIR)
                + " has root 0x"
                + HEX.formatHex(db3Leaf())
                + " at height "
                + h
                + " but the committed app state records 0x"
                + HEX.formatHex(s.chainbasedbRoot)
                + ": the store does not belong to this chain state");
      }
    } else if (h == s.height + 1) {
      LOG.info(
          "ChainbaseDB is at height {}, one block past the committed app state: that block is"
              + " replayed without applying it again",
          h);
    } else if (h < s.height && db.isEmpty() && !s.hasDb3Data()) {
      db.startAt(s.height);
    } else {
      throw new AppException(
          "the ChainbaseDB at "
              + dir.resolve(CHAINBASEDB_DIR)
              + " is at height "
              + h
              + (db.isEmpty() ? " (empty)" : "")
              + " but the app state at height "
              + s.height
              + (s.hasDb3Data() ? " holds DB3 data" : "")
              + ": restore both from the same node and height (snapshots carry no DB3 data)");
    }
  }

  /** The {@code chainbasedb} leaf of the ChainbaseDB as it is now (zero while it is empty). */
  private byte[] db3Leaf() {
    return db.isEmpty() ? new byte[32] : db.stateRoot();
  }

  /** FinalizeBlock: the block's DB3 mutations applied (or, on a replay, their stored outcome). */
  private BlockExecutor.Db3Stage db3Apply() {
    return (height, mutations) -> {
      boolean replay = db.height() == height;
      ChainbaseDb.BlockResult res;
      try {
        res = db.apply(height, mutations);
      } catch (Db3Exception e) {
        throw new AppException("ChainbaseDB, block " + height + ": " + e.getMessage(), e);
      }
      if (replay) {
        LOG.info(
            "FinalizeBlock {}: the ChainbaseDB applied this block before a restart; its stored"
                + " outcome is used",
            height);
      }
      return new BlockExecutor.Db3Outcome(
          db3Leaf(), res.results().stream().map(ChainbaseDb.TxResult::refusal).toList());
    };
  }

  /**
   * ProcessProposal and PrepareProposal's trial runs: the mutations checked in order against the
   * committed ChainbaseDB, nothing written.
   */
  private BlockExecutor.Db3Stage db3Check(AppState s) {
    return (height, mutations) -> {
      ChainbaseDb.CheckSession session = db.checkSession();
      List<Optional<Refusal>> out = new ArrayList<>(mutations.size());
      for (byte[] m : mutations) {
        try {
          session.check(m);
          out.add(Optional.empty());
        } catch (Refusal r) {
          out.add(Optional.of(r));
        }
      }
      return new BlockExecutor.Db3Outcome(s.chainbasedbRoot, out);
    };
  }

  private BlockExecutor executor(String chainId) {
    return new BlockExecutor(
        chainId,
        settings.engine(),
        settings.validators(),
        settings.deposits(),
        settings.registry());
  }

  /** The last committed state's height (0 before genesis). */
  public long height() {
    return committed == null ? 0 : committed.height;
  }

  /** The last committed app hash (empty before genesis). */
  public byte[] appHash() {
    return committed == null ? new byte[0] : committed.appHash();
  }

  /** The last committed state (a copy). */
  public AppState state() {
    return requireGenesis().copy();
  }

  @Override
  public ResponseInfo info(RequestInfo request) {
    ResponseInfo.Builder r = ResponseInfo.newBuilder().setVersion("cvm-avs/1").setAppVersion(1);
    if (committed != null) {
      r.setLastBlockHeight(committed.height)
          .setLastBlockAppHash(ByteString.copyFrom(committed.appHash));
    }
    return r.build();
  }

  @Override
  public ResponseInitChain initChain(RequestInitChain request) {
    GenesisState g = GenesisState.parse(request.getAppStateBytes().toByteArray());
    if (request.getValidatorsCount() > 0) {
      List<io.cvmavs.stake.validator.Validator> comet = new ArrayList<>();
      for (ValidatorUpdate u : request.getValidatorsList()) {
        if (!u.getPubKey().hasEd25519()) {
          throw new AppException("genesis validator without an Ed25519 key: " + u);
        }
        comet.add(
            new io.cvmavs.stake.validator.Validator(
                ConsensusKey.of(u.getPubKey().getEd25519().toByteArray()), u.getPower()));
      }
      if (!io.cvmavs.stake.validator.ValidatorSet.of(comet).equals(g.validators().cometSet())) {
        throw new AppException(
            "genesis validators differ from app_state.validators (keys and powers must match)");
      }
    }
    AppState s = new AppState();
    s.height = Math.max(0, request.getInitialHeight() - 1);
    s.chainIdForDigest = request.getChainId();
    s.chain = g.chain();
    s.scheduleGenesisBlock = g.scheduleGenesisBlock();
    s.blocksPerCvmBlock = g.blocksPerCvmBlock();
    s.epochGenesisBlock = g.epochGenesisBlock();
    s.epochLengthBlocks = g.epochLengthBlocks();
    s.ethFinalHeight = g.ethFinalHeight();
    s.epoch = g.epoch();
    for (byte[] m : g.manuscripts()) {
      s.manuscripts.put(HEX.formatHex(m), ManuscriptHead.fresh(m));
    }
    s.signingSet = g.validators();
    s.currentSet = g.validators();
    s.nextSet = g.validators();
    s.appHash = s.computeAppHash();
    openChainbaseDb(s);
    store.commit(s, AppStore.records());
    committed = s;
    pending = null;
    executor = executor(request.getChainId());
    LOG.info(
        "CVM chain {} initialised: {} validators, {} manuscripts, app hash 0x{}",
        request.getChainId(),
        g.validators().size(),
        g.manuscripts().size(),
        HEX.formatHex(s.appHash));
    return ResponseInitChain.newBuilder().setAppHash(ByteString.copyFrom(s.appHash)).build();
  }

  @Override
  public ResponseCheckTx checkTx(RequestCheckTx request) {
    try {
      TxEnvelope env = TxCodec.decode(request.getTx().toByteArray());
      if (env.hasWithdraw()) {
        checkWithdraw(requireGenesis(), env.getWithdraw());
        return ResponseCheckTx.newBuilder().setCode(0).build();
      }
      if (env.hasDb3Mutation()) {
        requireGenesis();
        if (db3Session == null) {
          db3Session = db.checkSession();
        }
        try {
          db3Session.check(env.getDb3Mutation().getMutation().toByteArray());
          return ResponseCheckTx.newBuilder().setCode(0).build();
        } catch (Refusal r) {
          TxRefusedException e = BlockExecutor.db3Refusal("", r);
          LOG.info("CheckTx refused (code {}): {}", e.code(), e.getMessage());
          return ResponseCheckTx.newBuilder()
              .setCode(e.code())
              .setCodespace(TxRefusedException.DB3_CODESPACE)
              .setLog(e.getMessage())
              .build();
        }
      }
      String log = env.getKindCase() + " transactions are put in blocks by proposers only";
      LOG.debug("CheckTx refused: {}", log);
      return ResponseCheckTx.newBuilder()
          .setCode(TxRefusedException.PROPOSER_ONLY)
          .setLog(log)
          .build();
    } catch (TxRefusedException e) {
      LOG.info("CheckTx refused (code {}): {}", e.code(), e.getMessage());
      return ResponseCheckTx.newBuilder().setCode(e.code()).setLog(e.getMessage()).build();
    }
  }

  /**
   * A withdrawal against the committed state, as far as the mempool can tell: the signature, a
   * sequence not yet used and a balance that covers it (FinalizeBlock needs the exact sequence).
   */
  private void checkWithdraw(AppState s, Withdraw w) {
    java.math.BigInteger amount = TxCodec.amount("withdraw.amount", w.getAmount());
    byte[] digest =
        Withdrawals.digest(
            s.chainIdForDigest, w.getSequence(), w.getRecipient().toByteArray(), amount);
    byte[] signer;
    try {
      signer = Withdrawals.recover(digest, w.getSignature().toByteArray());
    } catch (AppException e) {
      throw new TxRefusedException(
          TxRefusedException.INVALID, "withdraw.signature: " + e.getMessage());
    }
    if (!java.util.Arrays.equals(signer, w.getAccount().toByteArray())) {
      throw new TxRefusedException(
          TxRefusedException.INVALID, "withdraw.signature is not withdraw.account's");
    }
    Account a = s.account(Withdrawals.account(w.getAccount().toByteArray()));
    if (w.getSequence() < a.sequence()) {
      throw new TxRefusedException(
          TxRefusedException.INVALID,
          "withdraw.sequence " + w.getSequence() + " is already used (next " + a.sequence() + ")");
    }
    if (a.balance().compareTo(amount) < 0) {
      throw new TxRefusedException(
          TxRefusedException.INVALID,
          "withdraw.amount " + amount + " exceeds the account's balance " + a.balance());
    }
  }

  @Override
  public ResponsePrepareProposal prepareProposal(RequestPrepareProposal request) {
    AppState s = requireGenesis();
    List<ByteString> txs = new ArrayList<>();
    long ethFinal = s.ethFinalHeight;
    if (s.lastCheckpoint != null) {
      Optional<Aggregated> agg = aggregate(s, request);
      if (agg.isPresent()) {
        txs.add(agg.get().finality);
        txs.add(agg.get().certificate);
        ethFinal = Math.max(ethFinal, agg.get().agreedHeight);
      } else {
        LOG.warn(
            "PrepareProposal {}: the extensions of height {} carry no 2/3 quorum; proposing without finality",
            request.getHeight(),
            s.height);
      }
    }
    final long finalHeight = ethFinal;
    settings
        .validators()
        .ifPresent(
            source -> {
              long next = s.epoch + 1;
              long boundary = s.epochGenesisBlock + next * s.epochLengthBlocks;
              if (boundary <= finalHeight) {
                try {
                  BlsValidatorSet set = source.epochSet(next);
                  ValidatorSetUpdate.Builder u =
                      ValidatorSetUpdate.newBuilder().setEpoch(next).setEthBlock(boundary);
                  set.entries().forEach(v -> u.addValidators(TxCodec.entry(v)));
                  txs.add(
                      ByteString.copyFrom(
                          TxCodec.envelope(TxEnvelope.newBuilder().setValidatorSet(u))));
                } catch (RuntimeException e) {
                  LOG.warn(
                      "PrepareProposal: cannot read the validator set of epoch {}: {}",
                      next,
                      e.getMessage());
                }
              }
            });
    nextDeposits(s, finalHeight).ifPresent(txs::add);
    Optional<List<ManuscriptChange>> changes = nextManuscriptChanges(s, finalHeight);
    changes.ifPresent(
        cs -> {
          ManuscriptChanges.Builder m = ManuscriptChanges.newBuilder();
          cs.forEach(c -> m.addChanges(TxCodec.manuscriptChange(c)));
          txs.add(
              ByteString.copyFrom(
                  TxCodec.envelope(TxEnvelope.newBuilder().setManuscriptChanges(m))));
        });
    java.util.Set<String> retired = new java.util.HashSet<>();
    changes.ifPresent(
        cs ->
            cs.stream()
                .filter(c -> c.status() != ManuscriptChange.ACTIVE)
                .forEach(c -> retired.add(HEX.formatHex(c.manuscriptHash()))));
    nextCvmBlock(s, finalHeight, retired).ifPresent(txs::add);
    txs.addAll(withdrawals(s, request, txs));
    int firstDb3 = txs.size();
    txs.addAll(db3Mutations(request));
    long budget = request.getMaxTxBytes() > 0 ? request.getMaxTxBytes() : Long.MAX_VALUE;
    List<ByteString> out = new ArrayList<>();
    long used = 0;
    for (int i = 0; i < txs.size(); i++) {
      ByteString tx = txs.get(i);
      if (used + tx.size() > budget && i >= firstDb3) {
        LOG.info(
            "PrepareProposal {}: {} DB3 mutation(s) left for a later block (max_tx_bytes {})",
            request.getHeight(),
            txs.size() - i,
            budget);
        break; // a later one may depend on this one (its nonce, its database)
      }
      if (used + tx.size() > budget) {
        LOG.warn(
            "PrepareProposal {}: a {} byte transaction does not fit max_tx_bytes {}",
            request.getHeight(),
            tx.size(),
            budget);
        continue;
      }
      used += tx.size();
      out.add(tx);
    }
    return ResponsePrepareProposal.newBuilder().addAllTxs(out).build();
  }

  /**
   * The mempool's DB3 mutations in mempool order, checked one after another against the committed
   * ChainbaseDB (as ProcessProposal will): a refused one is left out.
   */
  private List<ByteString> db3Mutations(RequestPrepareProposal request) {
    ChainbaseDb.CheckSession session = db.checkSession();
    List<ByteString> out = new ArrayList<>();
    for (ByteString tx : request.getTxsList()) {
      if (out.size() == BlockExecutor.MAX_DB3_MUTATIONS_PER_BLOCK) {
        break;
      }
      TxEnvelope env;
      try {
        env = TxCodec.decode(tx.toByteArray());
      } catch (TxRefusedException e) {
        continue; // the mempool's CheckTx refused it already
      }
      if (!env.hasDb3Mutation()) {
        continue;
      }
      try {
        session.check(env.getDb3Mutation().getMutation().toByteArray());
        out.add(tx);
      } catch (Refusal r) {
        LOG.info(
            "PrepareProposal {}: DB3 mutation left out: {}",
            request.getHeight(),
            BlockExecutor.db3Refusal("", r).getMessage());
      }
    }
    return out;
  }

  /** The deposits final at {@code ethFinal} that are not credited yet (one transaction). */
  private Optional<ByteString> nextDeposits(AppState s, long ethFinal) {
    if (settings.deposits().isEmpty()) {
      return Optional.empty();
    }
    try {
      List<BridgeDeposit> ds =
          settings
              .deposits()
              .get()
              .deposits(s.depositNonce, ethFinal, BlockExecutor.MAX_DEPOSITS_PER_BLOCK);
      if (ds.isEmpty()) {
        return Optional.empty();
      }
      Deposits.Builder d = Deposits.newBuilder();
      ds.forEach(x -> d.addDeposits(TxCodec.deposit(x)));
      return Optional.of(
          ByteString.copyFrom(TxCodec.envelope(TxEnvelope.newBuilder().setDeposits(d))));
    } catch (RuntimeException e) {
      LOG.warn(
          "PrepareProposal: cannot read CBridge deposits from nonce {}: {}",
          s.depositNonce,
          e.getMessage());
      return Optional.empty();
    }
  }

  /** The registry changes final at {@code ethFinal} that are not imported yet. */
  private Optional<List<ManuscriptChange>> nextManuscriptChanges(AppState s, long ethFinal) {
    if (settings.registry().isEmpty()) {
      return Optional.empty();
    }
    try {
      List<ManuscriptChange> cs =
          settings
              .registry()
              .get()
              .changes(
                  s.registryNextBlock,
                  s.registryNextLogIndex,
                  ethFinal,
                  BlockExecutor.MAX_REGISTRY_CHANGES_PER_BLOCK);
      return cs.isEmpty() ? Optional.empty() : Optional.of(cs);
    } catch (RuntimeException e) {
      LOG.warn(
          "PrepareProposal: cannot read the manuscript registry from block {}: {}",
          s.registryNextBlock,
          e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The mempool's withdrawals that apply after {@code before} (run here, never against Ethereum):
   * one that would be refused — a stale sequence, a spent balance — is left out.
   */
  private List<ByteString> withdrawals(
      AppState s, RequestPrepareProposal request, List<ByteString> before) {
    List<ByteString> candidates = new ArrayList<>();
    for (ByteString tx : request.getTxsList()) {
      try {
        if (TxCodec.decode(tx.toByteArray()).hasWithdraw()) {
          candidates.add(tx);
        }
      } catch (TxRefusedException e) {
        // Not ours to propose: the mempool's CheckTx refused it already.
      }
    }
    if (candidates.isEmpty()) {
      return List.of();
    }
    // Run them after the block's other transactions; drop the refused ones and run again (a
    // dropped one can strand a later sequence of the same account) until all apply.
    List<ByteString> accepted =
        new ArrayList<>(
            candidates.subList(0, Math.min(candidates.size(), MAX_WITHDRAWALS_PER_BLOCK)));
    while (!accepted.isEmpty()) {
      List<ByteString> trial = new ArrayList<>(before);
      trial.addAll(accepted);
      BlockExecutor.Result r =
          executor.execute(s, trial, request.getHeight(), List.of(), false, db3Check(s));
      List<ByteString> kept = new ArrayList<>();
      for (int i = 0; i < accepted.size(); i++) {
        var result = r.txResults.get(before.size() + i);
        if (result.getCode() == 0) {
          kept.add(accepted.get(i));
        } else {
          LOG.info(
              "PrepareProposal {}: withdrawal left out: {}", request.getHeight(), result.getLog());
        }
      }
      if (kept.size() == accepted.size()) {
        break;
      }
      accepted = kept;
    }
    return accepted;
  }

  /** The finality and certificate transactions built from the previous height's extensions. */
  private record Aggregated(ByteString finality, ByteString certificate, long agreedHeight) {}

  private Optional<Aggregated> aggregate(AppState s, RequestPrepareProposal request) {
    Checkpoint cp = s.lastCheckpoint;
    byte[] digest = cp.digest(s.chainIdForDigest);
    BlsValidatorSet set = s.signingSet;
    EthereumFinality.Builder f =
        EthereumFinality.newBuilder()
            .setHeight(s.height)
            .setRound(request.getLocalLastCommit().getRound());
    byte[] bitmap = new byte[(set.size() + 7) / 8];
    List<G1Point> sigs = new ArrayList<>();
    List<long[]> reports = new ArrayList<>();
    long power = 0;
    for (ExtendedVoteInfo v : request.getLocalLastCommit().getVotesList()) {
      if (v.getBlockIdFlag() != BlockIDFlag.BLOCK_ID_FLAG_COMMIT
          || v.getVoteExtension().isEmpty()) {
        continue;
      }
      byte[] address = v.getValidator().getAddress().toByteArray();
      Optional<Integer> idx = set.indexOfAddress(address);
      if (idx.isEmpty() || BlsValidatorSet.bit(bitmap, idx.get())) {
        continue;
      }
      BlsValidator val = set.entries().get(idx.get());
      VoteExtension ve;
      try {
        ve = TxCodec.decodeExtension(v.getVoteExtension().toByteArray(), "vote_extension");
        G1Point sig = TxCodec.g1("bls_signature", ve.getBlsSignature());
        if (!Bls.verify(val.g2(), digest, sig)) {
          LOG.warn(
              "PrepareProposal: extension of {} does not verify; left out", HEX.formatHex(address));
          continue;
        }
        sigs.add(sig);
      } catch (RuntimeException e) {
        LOG.warn(
            "PrepareProposal: extension of {} refused: {}", HEX.formatHex(address), e.getMessage());
        continue;
      }
      bitmap[idx.get() / 8] |= (byte) (1 << (idx.get() % 8));
      power += val.power();
      reports.add(new long[] {ve.getEthFinalHeight(), val.power()});
      f.addExtensions(
          SignedExtension.newBuilder()
              .setValidatorAddress(ByteString.copyFrom(address))
              .setVoteExtension(v.getVoteExtension())
              .setExtensionSignature(v.getExtensionSignature()));
    }
    if (!set.isQuorum(power)) {
      return Optional.empty();
    }
    G2Point apk = set.aggregateG2(bitmap);
    Certificate c =
        Certificate.newBuilder()
            .setHeight(cp.height())
            .setAppHash(ByteString.copyFrom(cp.appHash()))
            .setCvmBlockHash(ByteString.copyFrom(cp.cvmBlockHash()))
            .setCumulativeRoot(ByteString.copyFrom(cp.cumulativeRoot()))
            .setWithdrawalsRoot(ByteString.copyFrom(cp.withdrawalsRoot()))
            .setNextValidatorSetHash(ByteString.copyFrom(cp.nextValidatorSetHash()))
            .setAggregateSignature(ByteString.copyFrom(Bls.aggregateSignatures(sigs).toBytes()))
            .setAggregatePublicKeyG2(ByteString.copyFrom(apk.toEvmBytes()))
            .setSignerBitmap(ByteString.copyFrom(bitmap))
            .build();
    return Optional.of(
        new Aggregated(
            ByteString.copyFrom(TxCodec.envelope(TxEnvelope.newBuilder().setEthereumFinality(f))),
            ByteString.copyFrom(TxCodec.envelope(TxEnvelope.newBuilder().setCertificate(c))),
            BlockExecutor.agreedHeight(reports, set)));
  }

  /**
   * The next CVM block whose Ethereum range ends at or below {@code ethFinal}: of the active
   * manuscripts (registered, not deprecated or revoked — {@code retired} are being deactivated by
   * this very proposal), the first whose block is ready, trying them by next height (the one
   * furthest behind first), then by manuscript hash; at most one per CometBFT block, so the
   * checkpoint names one CVM block hash. A manuscript whose block is not ready does not hold back
   * the others.
   */
  private Optional<ByteString> nextCvmBlock(
      AppState s, long ethFinal, java.util.Set<String> retired) {
    if (settings.engine().isEmpty()) {
      return Optional.empty();
    }
    List<ManuscriptHead> candidates = new ArrayList<>();
    for (var e : s.manuscripts.entrySet()) {
      if (s.isActive(e.getKey()) && !retired.contains(e.getKey())) {
        candidates.add(e.getValue());
      }
    }
    candidates.sort(java.util.Comparator.comparingLong(ManuscriptHead::nextHeight));
    for (ManuscriptHead h : candidates) {
      long from = s.scheduleGenesisBlock + h.nextHeight() * s.blocksPerCvmBlock;
      long to = from + s.blocksPerCvmBlock - 1;
      if (to > ethFinal) {
        continue;
      }
      Optional<ByteString> tx = cvmBlockTx(h, from, to);
      if (tx.isPresent()) {
        return tx;
      }
    }
    return Optional.empty();
  }

  private Optional<ByteString> cvmBlockTx(ManuscriptHead best, long from, long to) {
    try {
      Optional<CvmBlock> ready =
          settings.engine().get().ready(best.manuscriptHash(), best.nextHeight(), from, to);
      if (ready.isEmpty()) {
        LOG.debug(
            "PrepareProposal: CVM block {} of 0x{} is not built yet; proposed at a later height",
            best.nextHeight(),
            HEX.formatHex(best.manuscriptHash()));
        return Optional.empty();
      }
      CvmBlock block = ready.get();
      long records = block.header().datasets().stream().mapToLong(d -> d.recordCount()).sum();
      if (records > settings.maxBlockRecords()) {
        LOG.warn(
            "PrepareProposal: CVM block {} has {} records, more than {}; not proposed",
            best.nextHeight(),
            records,
            settings.maxBlockRecords());
        return Optional.empty();
      }
      CvmBlockTx tx = TxCodec.cvmBlock(block);
      return Optional.of(
          ByteString.copyFrom(TxCodec.envelope(TxEnvelope.newBuilder().setCvmBlock(tx))));
    } catch (RuntimeException e) {
      LOG.warn(
          "PrepareProposal: the CVM cannot build block {} of 0x{} yet: {}",
          best.nextHeight(),
          HEX.formatHex(best.manuscriptHash()),
          e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public ResponseProcessProposal processProposal(RequestProcessProposal request) {
    AppState s = requireGenesis();
    try {
      BlockExecutor.Result r =
          executor.execute(
              s, request.getTxsList(), request.getHeight(), List.of(), true, db3Check(s));
      proposals.put(request.getHash(), r.cvmBlockHash);
      return ResponseProcessProposal.newBuilder()
          .setStatus(ResponseProcessProposal.ProposalStatus.ACCEPT)
          .build();
    } catch (
        RuntimeException
            e) { // TxRefusedException names the tx and field; anything else is a bug here
      LOG.warn("ProcessProposal {} REJECT: {}", request.getHeight(), e.getMessage());
      lastRejection = e.getMessage();
      return ResponseProcessProposal.newBuilder()
          .setStatus(ResponseProcessProposal.ProposalStatus.REJECT)
          .build();
    }
  }

  /** The checkpoint this node signs at {@code height} for a proposal carrying {@code txs}. */
  public Checkpoint checkpoint(long height, List<ByteString> txs) {
    AppState s = requireGenesis();
    if (height != s.height + 1) {
      throw new AppException("checkpoint " + height + " asked at committed height " + s.height);
    }
    return BlockExecutor.checkpoint(s, height, BlockExecutor.cvmBlockHashOf(txs));
  }

  @Override
  public ResponseExtendVote extendVote(RequestExtendVote request) {
    if (settings.blsKey().isEmpty()) {
      return ResponseExtendVote.getDefaultInstance();
    }
    AppState s = requireGenesis();
    Checkpoint cp = checkpoint(request.getHeight(), request.getTxsList());
    long eth;
    try {
      eth = settings.ethereum().finalizedBlock();
    } catch (RuntimeException e) {
      eth = s.ethFinalHeight;
      LOG.warn(
          "ExtendVote {}: Ethereum finality unavailable ({}); reporting {}",
          request.getHeight(),
          e.getMessage(),
          eth);
    }
    G1Point sig = settings.blsKey().get().sign(cp.digest(s.chainIdForDigest));
    VoteExtension ve =
        VoteExtension.newBuilder()
            .setVersion(TxCodec.VERSION)
            .setEthFinalHeight(eth)
            .setBlsSignature(ByteString.copyFrom(sig.toBytes()))
            .build();
    return ResponseExtendVote.newBuilder().setVoteExtension(ve.toByteString()).build();
  }

  @Override
  public ResponseVerifyVoteExtension verifyVoteExtension(RequestVerifyVoteExtension request) {
    String who = HEX.formatHex(request.getValidatorAddress().toByteArray());
    try {
      AppState s = requireGenesis();
      if (request.getHeight() != s.height + 1) {
        throw new AppException(
            "extension for height " + request.getHeight() + " at committed height " + s.height);
      }
      BlsValidator v =
          s.currentSet
              .indexOfAddress(request.getValidatorAddress().toByteArray())
              .map(i -> s.currentSet.entries().get(i))
              .orElseThrow(
                  () ->
                      new AppException(
                          "validator " + who + " is not in the set of " + request.getHeight()));
      VoteExtension ve =
          TxCodec.decodeExtension(request.getVoteExtension().toByteArray(), "vote_extension");
      byte[] cvmHash = proposals.get(request.getHash());
      if (cvmHash == null) {
        throw new AppException(
            "block 0x"
                + HEX.formatHex(request.getHash().toByteArray())
                + " was not processed here");
      }
      Checkpoint cp = BlockExecutor.checkpoint(s, request.getHeight(), cvmHash);
      G1Point sig = TxCodec.g1("vote_extension.bls_signature", ve.getBlsSignature());
      if (!Bls.verify(v.g2(), cp.digest(s.chainIdForDigest), sig)) {
        throw new AppException(
            "vote_extension.bls_signature does not verify over checkpoint " + request.getHeight());
      }
      return ResponseVerifyVoteExtension.newBuilder()
          .setStatus(ResponseVerifyVoteExtension.VerifyStatus.ACCEPT)
          .build();
    } catch (AppException | io.cvmavs.crypto.CryptoException e) {
      LOG.warn("VerifyVoteExtension REJECT from {}: {}", who, e.getMessage());
      return ResponseVerifyVoteExtension.newBuilder()
          .setStatus(ResponseVerifyVoteExtension.VerifyStatus.REJECT)
          .build();
    }
  }

  @Override
  public ResponseFinalizeBlock finalizeBlock(RequestFinalizeBlock request) {
    AppState s = requireGenesis();
    BlockExecutor.Result r =
        executor.execute(
            s,
            request.getTxsList(),
            request.getHeight(),
            request.getMisbehaviorList(),
            false,
            db3Apply());
    pending = r;
    ResponseFinalizeBlock.Builder out =
        ResponseFinalizeBlock.newBuilder()
            .addAllTxResults(r.txResults)
            .addAllEvents(r.events)
            .setAppHash(ByteString.copyFrom(r.state.appHash));
    for (io.cvmavs.stake.validator.ValidatorUpdate u : r.validatorUpdates) {
      out.addValidatorUpdates(
          ValidatorUpdate.newBuilder()
              .setPubKey(PublicKey.newBuilder().setEd25519(ByteString.copyFrom(u.pubKey().bytes())))
              .setPower(u.power()));
    }
    for (int i = 0; i < r.txResults.size(); i++) {
      if (r.txResults.get(i).getCode() != 0) {
        LOG.warn(
            "FinalizeBlock {}: tx {} refused (code {}): {}",
            request.getHeight(),
            i,
            r.txResults.get(i).getCode(),
            r.txResults.get(i).getLog());
      }
    }
    return out.build();
  }

  @Override
  public ResponseCommit commit(RequestCommit request) {
    if (pending == null) {
      throw new AppException("Commit without a FinalizeBlock to commit");
    }
    store.commit(pending.state, pending.records);
    committed = pending.state;
    pending = null;
    db3Session = null; // CheckTx rechecks the mempool against the new state
    if (settings.snapshotInterval() > 0 && committed.height % settings.snapshotInterval() == 0) {
      takeSnapshot();
    }
    return ResponseCommit.getDefaultInstance();
  }

  private void takeSnapshot() {
    if (committed.hasDb3Data()) {
      // Snapshots carry the app store only; a node restored from one could not rebuild the
      // ChainbaseDB, so none is taken once DB3 data exists (module README, "snapshots").
      LOG.info(
          "no snapshot of height {}: the state holds DB3 data, which snapshots do not carry",
          committed.height);
      return;
    }
    Snapshots.Snapshot snap =
        Snapshots.make(
            committed.height, store.entriesExcept(SNAPSHOT_PREFIX), settings.snapshotChunkBytes());
    Map<byte[], byte[]> puts = AppStore.records();
    ByteBuffer meta = ByteBuffer.allocate(4 + snap.metadata().length + 32);
    meta.putInt(snap.chunks().size()).put(snap.metadata()).put(snap.hash());
    puts.put(AppStore.key(SNAPSHOT_META, snap.height()), meta.array());
    for (int i = 0; i < snap.chunks().size(); i++) {
      puts.put(chunkKey(snap.height(), i), snap.chunks().get(i));
    }
    List<byte[]> deletes = new ArrayList<>();
    List<byte[]> metas = store.keys(AppStore.bytes(SNAPSHOT_META));
    for (int i = 0; i < metas.size() - 1; i++) { // keep the newest stored one and the new one
      long h = ByteBuffer.wrap(metas.get(i), SNAPSHOT_META.length(), 8).getLong();
      deletes.add(metas.get(i));
      deletes.addAll(store.keys(AppStore.key(SNAPSHOT_CHUNK, h)));
    }
    store.write(puts, deletes);
    LOG.info("snapshot of height {}: {} chunks", snap.height(), snap.chunks().size());
  }

  private static byte[] chunkKey(long height, int index) {
    byte[] p = AppStore.key(SNAPSHOT_CHUNK, height);
    return ByteBuffer.allocate(p.length + 4).put(p).putInt(index).array();
  }

  @Override
  public ResponseQuery query(RequestQuery request) {
    String path = request.getPath();
    try {
      AppState s = requireGenesis();
      byte[] value;
      if (path.startsWith(StateRootHistory.PATH)) {
        value = StateRootHistory.query(store, path.substring(StateRootHistory.PATH.length()));
      } else if (path.startsWith(MisbehaviourProofs.PATH)) {
        value = MisbehaviourProofs.query(store, path.substring(MisbehaviourProofs.PATH.length()));
      } else if (path.startsWith(CvmBlockProofs.PATH)) {
        value = CvmBlockProofs.query(store, path.substring(CvmBlockProofs.PATH.length()));
      } else if (path.startsWith("/cvm/block/")) {
        long h = Long.parseLong(path.substring("/cvm/block/".length()));
        byte[] raw =
            store
                .get(AppStore.key("cvm/", h))
                .orElseThrow(() -> new AppException("no CVM block at CVM height " + h));
        value = cvmBlockJson(h, CvmBlockTx.parseFrom(raw), CvmBlockProofs.finalizedAt(store, h));
      } else if (path.startsWith("/certificate/")) {
        long h = Long.parseLong(path.substring("/certificate/".length()));
        byte[] raw =
            store
                .get(AppStore.key("cert/", h))
                .orElseThrow(() -> new AppException("no certificate of height " + h));
        value = certificateJson(Certificate.parseFrom(raw));
      } else if (path.equals("/validators/bls")) {
        ObjectNode o = JSON.createObjectNode();
        o.put("height", s.height + 1);
        o.set("validators", setJson(s.currentSet));
        o.put("hash", "0x" + HEX.formatHex(s.currentSet.hash()));
        o.set("next_validators", setJson(s.nextSet));
        o.put("next_hash", "0x" + HEX.formatHex(s.nextSet.hash()));
        value = JSON.writeValueAsBytes(o);
      } else if (path.equals("/state/root")) {
        ObjectNode o = JSON.createObjectNode();
        o.put("height", s.height);
        o.put("app_hash", "0x" + HEX.formatHex(s.appHash));
        ObjectNode c = o.putObject("components");
        List<byte[]> leaves = s.componentLeaves();
        for (int i = 0; i < leaves.size(); i++) {
          c.put(AppState.COMPONENTS.get(i), "0x" + HEX.formatHex(leaves.get(i)));
        }
        o.put("eth_final_height", s.ethFinalHeight);
        o.put("epoch", s.epoch);
        o.put("cvm_blocks", s.cvmBlocks.count());
        o.put("misbehaviour_count", s.misbehaviourCount);
        value = JSON.writeValueAsBytes(o);
      } else if (path.equals("/db3/root")) {
        Db3Answer a =
            db3Read(
                d -> {
                  ObjectNode r = JSON.createObjectNode();
                  r.put("chain_id", Long.toUnsignedString(db3ChainId(s.chainIdForDigest)));
                  r.put("state_root", "0x" + HEX.formatHex(d.stateRoot()));
                  r.put("chainbasedb_leaf", "0x" + HEX.formatHex(db3Leaf()));
                  r.put("empty", d.isEmpty());
                  return r;
                });
        return db3Response(a);
      } else if (path.equals("/db3/query")) {
        String q =
            new String(request.getData().toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
        try {
          return db3Response(db3Read(d -> new Db3Query(d).run(q)));
        } catch (Db3Exception e) {
          throw new AppException(e.getMessage(), e);
        }
      } else if (path.startsWith("/bridge/")) {
        value = bridgeQuery(s, path.substring("/bridge/".length()));
      } else if (path.equals("/manuscripts")) {
        ObjectNode o = JSON.createObjectNode();
        o.put("height", s.height);
        o.put("registry_next_block", s.registryNextBlock);
        o.put("registry_next_log_index", s.registryNextLogIndex);
        o.put("registry_changes_imported", s.registryImported);
        ArrayNode ms = o.putArray("manuscripts");
        for (var e : s.manuscripts.entrySet()) {
          ObjectNode m = ms.addObject();
          m.put("hash", "0x" + e.getKey());
          io.cvmavs.consensus.app.state.RegistryEntry r = s.registry.get(e.getKey());
          m.put("status", r == null ? "active" : ManuscriptChange.statusName(r.status()));
          m.put("active", s.isActive(e.getKey()));
          m.put("source", r == null ? "genesis" : "registry");
          m.put("next_height", e.getValue().nextHeight());
          m.put("head_hash", "0x" + HEX.formatHex(e.getValue().headHash()));
          if (r != null) {
            m.put("content_hash", "0x" + HEX.formatHex(r.contentHash()));
            m.put("locator", r.locator());
            m.put("eth_block", r.ethBlock());
            m.put("imported_at", r.importedAt());
          }
        }
        value = JSON.writeValueAsBytes(o);
      } else {
        throw new AppException(
            "unknown query path '"
                + path
                + "' (known: /cvm/block/<h>, /cvm/block-proof/<cvmHeight>/<checkpointHeight>,"
                + " /certificate/<h>, /validators/bls, /state/root, /state/root/<h>, /manuscripts,"
                + " /misbehaviour/<from>/<checkpointHeight>,"
                + " /db3/root, /db3/query (data: a DB3 query in JSON),"
                + " /bridge/status, /bridge/account/<address>, /bridge/withdrawal/<nonce>,"
                + " /bridge/proof/<nonce>/<checkpoint height>)");
      }
      return ResponseQuery.newBuilder()
          .setCode(0)
          .setValue(ByteString.copyFrom(value))
          .setHeight(s.height)
          .build();
    } catch (AppException | NumberFormatException | java.io.IOException e) {
      return ResponseQuery.newBuilder().setCode(1).setLog(path + ": " + e.getMessage()).build();
    } catch (RuntimeException e) {
      // Queries only read, and abci_query is open to any RPC client: an unexpected failure in one
      // (e.g. a DB3 query the store cannot answer) is that query's error, never an ABCI exception
      // (which stops CometBFT).
      LOG.warn("query {} failed", path, e);
      return ResponseQuery.newBuilder()
          .setCode(1)
          .setLog(path + ": " + e.getClass().getSimpleName() + ": " + e.getMessage())
          .build();
    }
  }

  /**
   * A DB3 read and the height it reflects. The ChainbaseDB applies a block's mutations in
   * FinalizeBlock (one synced batch), i.e. once CometBFT has decided the block, so between
   * FinalizeBlock and Commit — or after a crash between the two, until the replay commits — it is
   * one block ahead of the app state's committed height; the answer then reflects that decided
   * block and says so: {@code height} in the JSON and the query response's height are the
   * ChainbaseDB's height (module README). Queries never overlap an apply: the ABCI server runs
   * every request of every connection under one lock.
   */
  private record Db3Answer(ObjectNode json, long height) {}

  private Db3Answer db3Read(java.util.function.Function<ChainbaseDb, ObjectNode> read) {
    long h = db.height();
    ObjectNode o = read.apply(db);
    o.put("height", h);
    return new Db3Answer(o, h);
  }

  private static ResponseQuery db3Response(Db3Answer a) throws java.io.IOException {
    return ResponseQuery.newBuilder()
        .setCode(0)
        .setValue(ByteString.copyFrom(JSON.writeValueAsBytes(a.json())))
        .setHeight(a.height())
        .build();
  }

  /** The bridge's queries (module README, "Bridge"). */
  private byte[] bridgeQuery(AppState s, String rest) throws java.io.IOException {
    String[] parts = rest.split("/", -1);
    ObjectNode o = JSON.createObjectNode();
    switch (parts[0]) {
      case "status" -> {
        o.put("height", s.height);
        o.put("next_deposit_nonce", s.depositNonce);
        o.put("eth_final_height", s.ethFinalHeight);
        o.put("supply", s.supply.toString());
        o.put("withdrawn", s.withdrawn.toString());
        o.put("withdrawals", s.withdrawals.count());
        o.put("withdrawals_root", "0x" + HEX.formatHex(s.withdrawals.root()));
        o.put("accounts", s.accounts.size());
      }
      case "account" -> {
        byte[] raw = hexArg(parts, 1, "account");
        if (raw.length != 20 && raw.length != 32) {
          throw new AppException("an account is a 20-byte address or a 32-byte word");
        }
        byte[] word = Withdrawals.account(raw);
        Account a = s.account(word);
        o.put("account", "0x" + HEX.formatHex(word));
        o.put("balance", a.balance().toString());
        o.put("sequence", a.sequence());
      }
      case "withdrawal" -> {
        WithdrawalRecord w = withdrawal(longArg(parts, 1, "nonce"));
        withdrawalJson(o, w);
      }
      case "proof" -> {
        long nonce = longArg(parts, 1, "nonce");
        long height = longArg(parts, 2, "checkpoint height");
        Certificate c =
            Certificate.parseFrom(
                store
                    .get(AppStore.key("cert/", height))
                    .orElseThrow(
                        () ->
                            new AppException(
                                "no certificate of height "
                                    + height
                                    + " (a checkpoint is certified in the next block)")));
        // The checkpoint of H carries the withdrawals root after H-1.
        List<byte[]> leaves = new ArrayList<>();
        WithdrawalRecord target = null;
        for (long n = 0; ; n++) {
          Optional<byte[]> raw = store.get(AppStore.key("wd/", n));
          if (raw.isEmpty()) {
            break;
          }
          WithdrawalRecord w = WithdrawalRecord.parseFrom(raw.get());
          if (w.getHeight() >= height) {
            break;
          }
          leaves.add(
              Withdrawals.leaf(
                  n,
                  w.getRecipient().toByteArray(),
                  new java.math.BigInteger(1, w.getAmount().toByteArray())));
          if (n == nonce) {
            target = w;
          }
        }
        if (target == null) {
          throw new AppException(
              "withdrawal "
                  + nonce
                  + " is not covered by the checkpoint of height "
                  + height
                  + " (it covers nonces below "
                  + leaves.size()
                  + "; use a later checkpoint)");
        }
        Withdrawals.Proof proof = Withdrawals.proof(leaves, (int) nonce);
        if (!java.util.Arrays.equals(proof.root(), c.getWithdrawalsRoot().toByteArray())) {
          throw new AppException(
              "the stored withdrawals do not reach the withdrawals root of checkpoint " + height);
        }
        withdrawalJson(o, target);
        o.put("leaf", "0x" + HEX.formatHex(leaves.get((int) nonce)));
        ObjectNode cp = o.putObject("checkpoint");
        cp.put("height", c.getHeight());
        cp.put("app_hash", "0x" + HEX.formatHex(c.getAppHash().toByteArray()));
        cp.put("cvm_block_hash", "0x" + HEX.formatHex(c.getCvmBlockHash().toByteArray()));
        cp.put("cumulative_root", "0x" + HEX.formatHex(c.getCumulativeRoot().toByteArray()));
        cp.put("withdrawals_root", "0x" + HEX.formatHex(c.getWithdrawalsRoot().toByteArray()));
        cp.put(
            "next_validator_set_hash",
            "0x" + HEX.formatHex(c.getNextValidatorSetHash().toByteArray()));
        ArrayNode sib = o.putArray("siblings");
        proof.siblings().forEach(x -> sib.add("0x" + HEX.formatHex(x)));
      }
      default ->
          throw new AppException(
              "unknown bridge query '"
                  + rest
                  + "' (known: status, account/<address>, withdrawal/<nonce>,"
                  + " proof/<nonce>/<checkpoint height>)");
    }
    return JSON.writeValueAsBytes(o);
  }

  private WithdrawalRecord withdrawal(long nonce) throws java.io.IOException {
    return WithdrawalRecord.parseFrom(
        store
            .get(AppStore.key("wd/", nonce))
            .orElseThrow(() -> new AppException("no withdrawal with nonce " + nonce)));
  }

  private static void withdrawalJson(ObjectNode o, WithdrawalRecord w) {
    o.put("nonce", w.getNonce());
    o.put("recipient", "0x" + HEX.formatHex(w.getRecipient().toByteArray()));
    o.put("amount", new java.math.BigInteger(1, w.getAmount().toByteArray()).toString());
    o.put("account", "0x" + HEX.formatHex(w.getAccount().toByteArray()));
    o.put("height", w.getHeight());
    o.put("sequence", w.getSequence());
  }

  private static long longArg(String[] parts, int i, String what) {
    if (parts.length <= i || parts[i].isEmpty()) {
      throw new AppException("missing " + what);
    }
    try {
      long v = Long.parseLong(parts[i]);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new AppException(what + " '" + parts[i] + "' is not a number >= 0");
    }
  }

  private static byte[] hexArg(String[] parts, int i, String what) {
    if (parts.length <= i || parts[i].isEmpty()) {
      throw new AppException("missing " + what);
    }
    String h = parts[i].startsWith("0x") ? parts[i].substring(2) : parts[i];
    try {
      return HEX.parseHex(h);
    } catch (IllegalArgumentException e) {
      throw new AppException(what + " '" + parts[i] + "' is not hex");
    }
  }

  private static byte[] cvmBlockJson(long cvmHeight, CvmBlockTx b, Optional<Long> finalizedAt)
      throws java.io.IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("cvm_height", cvmHeight);
    finalizedAt.ifPresent(f -> o.put("finalized_height", f));
    o.put("hash", "0x" + HEX.formatHex(TxCodec.header(b).hash()));
    o.put("manuscript_hash", "0x" + HEX.formatHex(b.getManuscriptHash().toByteArray()));
    o.put("height", b.getHeight());
    o.put("parent_hash", "0x" + HEX.formatHex(b.getParentHash().toByteArray()));
    o.put("chain", b.getChain());
    o.put("from_block", b.getFromBlock());
    o.put("to_block", b.getToBlock());
    o.put("source_root", "0x" + HEX.formatHex(b.getSourceRoot().toByteArray()));
    o.put("state_root", "0x" + HEX.formatHex(b.getStateRoot().toByteArray()));
    o.put("timestamp", b.getTimestamp());
    ArrayNode ds = o.putArray("datasets");
    b.getDatasetsList()
        .forEach(
            d ->
                ds.addObject()
                    .put("name", d.getName())
                    .put("record_count", d.getRecordCount())
                    .put("root", "0x" + HEX.formatHex(d.getRoot().toByteArray()))
                    .put("schema_hash", "0x" + HEX.formatHex(d.getSchemaHash().toByteArray())));
    return JSON.writeValueAsBytes(o);
  }

  private static byte[] certificateJson(Certificate c) throws java.io.IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("height", c.getHeight());
    o.put("app_hash", "0x" + HEX.formatHex(c.getAppHash().toByteArray()));
    o.put("cvm_block_hash", "0x" + HEX.formatHex(c.getCvmBlockHash().toByteArray()));
    o.put("cumulative_root", "0x" + HEX.formatHex(c.getCumulativeRoot().toByteArray()));
    o.put("withdrawals_root", "0x" + HEX.formatHex(c.getWithdrawalsRoot().toByteArray()));
    o.put(
        "next_validator_set_hash", "0x" + HEX.formatHex(c.getNextValidatorSetHash().toByteArray()));
    o.put("aggregate_signature", "0x" + HEX.formatHex(c.getAggregateSignature().toByteArray()));
    o.put(
        "aggregate_public_key_g2", "0x" + HEX.formatHex(c.getAggregatePublicKeyG2().toByteArray()));
    o.put("signer_bitmap", "0x" + HEX.formatHex(c.getSignerBitmap().toByteArray()));
    return JSON.writeValueAsBytes(o);
  }

  private static ArrayNode setJson(BlsValidatorSet set) {
    ArrayNode a = JSON.createArrayNode();
    for (BlsValidator v : set.entries()) {
      a.addObject()
          .put("operator_id", "0x" + HEX.formatHex(v.operatorId()))
          .put("consensus_key", v.consensusKey().hex())
          .put("address", v.consensusKey().addressHex())
          .put("g1", "0x" + HEX.formatHex(v.g1().toBytes()))
          .put("g2", "0x" + HEX.formatHex(v.g2().toEvmBytes()))
          .put("power", v.power());
    }
    return a;
  }

  @Override
  public ResponseListSnapshots listSnapshots(RequestListSnapshots request) {
    ResponseListSnapshots.Builder r = ResponseListSnapshots.newBuilder();
    for (byte[] key : store.keys(AppStore.bytes(SNAPSHOT_META))) {
      long h = ByteBuffer.wrap(key, SNAPSHOT_META.length(), 8).getLong();
      ByteBuffer meta = ByteBuffer.wrap(store.get(key).orElseThrow());
      int chunks = meta.getInt();
      byte[] metadata = new byte[chunks * 32];
      byte[] hash = new byte[32];
      meta.get(metadata).get(hash);
      r.addSnapshots(
          Snapshot.newBuilder()
              .setHeight(h)
              .setFormat(Snapshots.FORMAT)
              .setChunks(chunks)
              .setHash(ByteString.copyFrom(hash))
              .setMetadata(ByteString.copyFrom(metadata)));
    }
    return r.build();
  }

  @Override
  public ResponseOfferSnapshot offerSnapshot(RequestOfferSnapshot request) {
    Snapshot s = request.getSnapshot();
    ResponseOfferSnapshot.Result result;
    if (committed != null && committed.height > 0) {
      LOG.warn("OfferSnapshot refused: this app already has height {}", committed.height);
      result = ResponseOfferSnapshot.Result.ABORT;
    } else if (s.getFormat() != Snapshots.FORMAT) {
      result = ResponseOfferSnapshot.Result.REJECT_FORMAT;
    } else if (s.getChunks() < 1
        || s.getMetadata().size() != 32L * s.getChunks()
        || !java.util.Arrays.equals(
            Snapshots.sha256(s.getMetadata().toByteArray()), s.getHash().toByteArray())
        || request.getAppHash().size() != 32) {
      LOG.warn(
          "OfferSnapshot of height {} refused: metadata does not hash to the snapshot hash",
          s.getHeight());
      result = ResponseOfferSnapshot.Result.REJECT;
    } else {
      restoring = new Restore(s, request.getAppHash().toByteArray(), new byte[s.getChunks()][]);
      result = ResponseOfferSnapshot.Result.ACCEPT;
    }
    return ResponseOfferSnapshot.newBuilder().setResult(result).build();
  }

  @Override
  public ResponseLoadSnapshotChunk loadSnapshotChunk(RequestLoadSnapshotChunk request) {
    if (request.getFormat() != Snapshots.FORMAT) {
      return ResponseLoadSnapshotChunk.getDefaultInstance();
    }
    return ResponseLoadSnapshotChunk.newBuilder()
        .setChunk(
            ByteString.copyFrom(
                store.get(chunkKey(request.getHeight(), request.getChunk())).orElse(new byte[0])))
        .build();
  }

  @Override
  public ResponseApplySnapshotChunk applySnapshotChunk(RequestApplySnapshotChunk request) {
    Restore r = restoring;
    if (r == null || request.getIndex() >= r.chunks().length) {
      return ResponseApplySnapshotChunk.newBuilder()
          .setResult(ResponseApplySnapshotChunk.Result.ABORT)
          .build();
    }
    int i = request.getIndex();
    byte[] expected = r.snapshot().getMetadata().substring(32 * i, 32 * i + 32).toByteArray();
    if (!java.util.Arrays.equals(Snapshots.sha256(request.getChunk().toByteArray()), expected)) {
      LOG.warn(
          "snapshot chunk {} from '{}' does not match its hash; refetching",
          i,
          request.getSender());
      ResponseApplySnapshotChunk.Builder b =
          ResponseApplySnapshotChunk.newBuilder()
              .setResult(ResponseApplySnapshotChunk.Result.RETRY)
              .addRefetchChunks(i);
      if (!request.getSender().isEmpty()) {
        b.addRejectSenders(request.getSender());
      }
      return b.build();
    }
    r.chunks()[i] = request.getChunk().toByteArray();
    for (byte[] c : r.chunks()) {
      if (c == null) {
        return ResponseApplySnapshotChunk.newBuilder()
            .setResult(ResponseApplySnapshotChunk.Result.ACCEPT)
            .build();
      }
    }
    restoring = null;
    try {
      Map<byte[], byte[]> entries = Snapshots.entries(List.of(r.chunks()));
      byte[] stateBytes = null;
      for (Map.Entry<byte[], byte[]> e : entries.entrySet()) {
        if (java.util.Arrays.equals(e.getKey(), AppStore.bytes("state"))) {
          stateBytes = e.getValue();
        }
      }
      if (stateBytes == null) {
        throw new AppException("the snapshot holds no state");
      }
      AppState s = AppState.decode(stateBytes);
      if (s.hasDb3Data()) {
        throw new AppException(
            "the snapshot's state holds DB3 data (chainbasedb root 0x"
                + HEX.formatHex(s.chainbasedbRoot)
                + "), which snapshots do not carry: sync this node from blocks instead");
      }
      if (s.height != r.snapshot().getHeight()
          || !java.util.Arrays.equals(s.appHash, r.appHash())
          || !java.util.Arrays.equals(s.computeAppHash(), r.appHash())) {
        throw new AppException(
            "the restored state (height "
                + s.height
                + ") does not hash to the trusted app hash of height "
                + r.snapshot().getHeight());
      }
      // The ChainbaseDB check can still refuse the snapshot: run it before anything is written, so
      // a refused snapshot leaves the store and the committed state as they were.
      openChainbaseDb(s);
      store.write(entries, List.of());
      committed = s;
      pending = null;
      executor = executor(s.chainIdForDigest);
      LOG.info(
          "restored height {} from a snapshot, app hash 0x{}", s.height, HEX.formatHex(s.appHash));
      return ResponseApplySnapshotChunk.newBuilder()
          .setResult(ResponseApplySnapshotChunk.Result.ACCEPT)
          .build();
    } catch (AppException e) {
      LOG.warn("snapshot of height {} refused: {}", r.snapshot().getHeight(), e.getMessage());
      return ResponseApplySnapshotChunk.newBuilder()
          .setResult(ResponseApplySnapshotChunk.Result.REJECT_SNAPSHOT)
          .build();
    }
  }

  private AppState requireGenesis() {
    if (committed == null) {
      throw new AppException("the chain has no genesis yet (InitChain first)");
    }
    return committed;
  }

  @Override
  public void close() {
    if (db != null) {
      db.close();
    }
    store.close();
  }
}
