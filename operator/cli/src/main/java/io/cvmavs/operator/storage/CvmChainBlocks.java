package io.cvmavs.operator.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.cvmavs.consensus.app.model.AbiWords;
import io.cvmavs.consensus.app.model.IncrementalMerkleTree;
import io.cvmavs.consensus.app.state.AppState;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.app.tx.TxRefusedException;
import io.cvmavs.consensus.driver.ChainHashes;
import io.cvmavs.consensus.light.Bisection;
import io.cvmavs.consensus.light.HeaderHash;
import io.cvmavs.consensus.light.LightBlock;
import io.cvmavs.consensus.light.LightVerifier;
import io.cvmavs.consensus.light.Result;
import io.cvmavs.consensus.light.Verdict;
import io.cvmavs.consensus.proto.app.CvmBlockTx;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.consensus.proto.types.Header;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.consensus.rpc.RpcException;
import io.cvmavs.consensus.rpc.RpcProvider;
import io.cvmavs.consensus.rpc.RpcTypes;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.storage.anchor.AnchoringService;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The finalised CVM blocks of one manuscript as the CVM chain committed them — the anchoring
 * service's {@link AnchoringService.BlockSource} when {@code anchor.yaml} names {@code
 * cvm_rpc_url}. It reads the chain through its node's RPC only (no copy of the chain's storage):
 * the committed CometBFT blocks in height order ({@code block}), each {@code CvmBlockTx} in them
 * rebuilt into a {@link CvmBlock} ({@link TxCodec#block}: datasets from their columns, key and
 * records, every root recomputed), and each one checked against the hash the app committed for it
 * ({@code abci_query /cvm/block/<cvmHeight>}); a transaction the app refused (no committed block
 * with its hash at that position) is skipped. A CometBFT block is final once committed (no forks),
 * so every block at or below the app's committed height counts. With a {@link Trust} (anchor.yaml
 * {@code cvm_trusted_height} / {@code cvm_trusted_hash}, required by {@code cvm-avs anchor}) no
 * answer of the node is taken on its word: headers are verified by the light client, transactions
 * against {@code data_hash}, and the CVM blocks the app accepted against the app hash's {@code
 * cvmBlocksRoot} / {@code cvmBlockCount} leaves (docs/STORAGE.md, "Light-client-checked reading");
 * the node's {@code /cvm/block} answers are then only hints.
 *
 * <p>Lives in the operator module because storage-adapters may not depend on consensus-light
 * (enforcer rule). A fresh source scans from CometBFT height 1 (the index is held in memory: stream
 * height → CometBFT height); blocks found but not yet handed out are cached until the service asks
 * for them. After a restart the anchoring service hands back the {@link #position} it saved with
 * its last closed group ({@link #resume}): the scan then starts at the CometBFT block that
 * finalised that group's last block, with the app's CVM height counter as it stood before that
 * block, and checks that the block is still there with the hash saved — so a restart reads only the
 * blocks committed since, and heights at or below the resumed one are not readable. Not thread-safe
 * (one anchoring loop).
 */
public final class CvmChainBlocks implements AnchoringService.BlockSource {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The reads of a CVM chain node this source needs. */
  public interface Node {
    /** The highest height whose block and app state are committed. */
    long committedHeight();

    /** The transactions of the committed block at {@code height}. */
    List<byte[]> txs(long height);

    /** What the app committed at CVM height {@code cvmHeight} (its position in the chain). */
    Optional<Committed> committed(long cvmHeight);

    /**
     * The committed block at {@code height}: its header and transactions (what the checked source
     * reads; the header is then tied to a light-client-verified one by hash).
     */
    ChainBlock block(long height);

    /**
     * The header of the committed block at {@code height} alone (what the checked source reads to
     * walk the hash chain down from a trusted header above the blocks it reads); by default the
     * header of {@link #block}.
     */
    default Header header(long height) {
      return block(height).header();
    }

    /** The signed header and validator sets at {@code height}, for the light client. */
    LightBlock lightBlock(long height) throws IOException;

    /**
     * The app-hash leaves after {@code height} in {@link AppState#COMPONENTS} order ({@code
     * abci_query /state/root/<height>}); empty when the node has none for that height.
     */
    Optional<List<byte[]>> stateLeaves(long height);

    /** Over a CometBFT(-shaped) RPC endpoint. */
    static Node rpc(CometRpcClient rpc) {
      RpcProvider light = new RpcProvider(rpc);
      return new Node() {
        @Override
        public ChainBlock block(long height) {
          try {
            RpcTypes.Block b = rpc.block(height);
            return new ChainBlock(b.header(), b.txs());
          } catch (RpcException e) {
            throw unreachable(e);
          }
        }

        @Override
        public Header header(long height) {
          try {
            return rpc.commit(height).header();
          } catch (RpcException e) {
            throw unreachable(e);
          }
        }

        @Override
        public LightBlock lightBlock(long height) throws IOException {
          return light.lightBlock(height);
        }

        @Override
        public Optional<List<byte[]>> stateLeaves(long height) {
          try {
            RpcTypes.Query q = rpc.abciQuery("/state/root/" + height, new byte[0], 0, false);
            if (q.code() != 0) {
              return Optional.empty();
            }
            JsonNode c = JSON.readTree(q.value()).path("components");
            List<byte[]> leaves = new ArrayList<>();
            for (String name : AppState.COMPONENTS) {
              JsonNode v = c.get(name);
              if (v == null) {
                break; // a node of an older format answers fewer leaves
              }
              byte[] leaf = hex(v.asText());
              if (leaf.length != 32) {
                throw new CvmChainSourceException(
                    "the CVM chain node's /state/root/"
                        + height
                        + " leaf "
                        + name
                        + " is not 32 bytes");
              }
              leaves.add(leaf);
            }
            return Optional.of(leaves);
          } catch (IOException | IllegalArgumentException e) {
            throw new CvmChainSourceException(
                "the CVM chain node "
                    + rpc
                    + " answered /state/root/"
                    + height
                    + " badly: "
                    + e.getMessage(),
                e);
          }
        }

        @Override
        public long committedHeight() {
          try {
            long latest = rpc.status().latestBlockHeight();
            RpcTypes.Query q = rpc.abciQuery("/state/root", new byte[0], 0, false);
            if (q.code() != 0) {
              throw new CvmChainSourceException(
                  "the CVM chain node answers /state/root with code " + q.code() + ": " + q.log());
            }
            return Math.min(latest, JSON.readTree(q.value()).path("height").asLong());
          } catch (IOException e) {
            throw unreachable(e);
          }
        }

        @Override
        public List<byte[]> txs(long height) {
          try {
            return rpc.block(height).txs();
          } catch (RpcException e) {
            throw unreachable(e);
          }
        }

        @Override
        public Optional<Committed> committed(long cvmHeight) {
          try {
            RpcTypes.Query q = rpc.abciQuery("/cvm/block/" + cvmHeight, new byte[0], 0, false);
            if (q.code() != 0) {
              return Optional.empty(); // "no CVM block at CVM height …"
            }
            JsonNode o = JSON.readTree(q.value());
            return Optional.of(
                new Committed(
                    cvmHeight,
                    hex(o.path("manuscript_hash").asText()),
                    o.path("height").asLong(),
                    hex(o.path("hash").asText())));
          } catch (IOException e) {
            throw unreachable(e);
          }
        }

        private CvmChainSourceException unreachable(IOException e) {
          return new CvmChainSourceException(
              "the CVM chain node " + rpc + " failed: " + e.getMessage(), e);
        }
      };
    }
  }

  /** One committed CVM block as the app's {@code /cvm/block/<cvmHeight>} query answers it. */
  public record Committed(long cvmHeight, byte[] manuscriptHash, long height, byte[] hash) {}

  /** A committed CometBFT block as a node serves it: header and transactions. */
  public record ChainBlock(Header header, List<byte[]> txs) {}

  /**
   * The light client's root of trust (anchor.yaml {@code cvm_trusted_height}, {@code
   * cvm_trusted_hash}, {@code cvm_trusting_period} …): a header the operator got out of band.
   */
  public record Trust(long height, byte[] headerHash, LightVerifier.Options options) {
    public Trust {
      if (height < 1) {
        throw new IllegalArgumentException("the trusted height must be at least 1, got " + height);
      }
      if (headerHash.length != 32) {
        throw new IllegalArgumentException(
            "the trusted header hash must be 32 bytes, got " + headerHash.length);
      }
      headerHash = headerHash.clone();
    }
  }

  /** The most CometBFT blocks a checked scan holds in memory before handing them out. */
  static final int BATCH = 256;

  private final int batch;
  private final Node node;
  private final byte[] stream;
  private final byte[] manuscript;
  private long nextScan = 1;
  private long nextCvmHeight;
  private long finalised = -1;
  private long read;
  private Resumed resumed;
  private final TreeMap<Long, Long> chainHeightOf = new TreeMap<>();
  private final TreeMap<Long, Long> cvmHeightBefore = new TreeMap<>();
  private final TreeMap<Long, byte[]> committedHash = new TreeMap<>();
  private final TreeMap<Long, CvmBlock> waiting = new TreeMap<>();
  // the light-client checks (null: the node's answers are taken as they are)
  private final Trust trust;
  private final Clock clock;
  private LightBlock trusted;
  private Header trustedHeader;
  private IncrementalMerkleTree accumulator = new IncrementalMerkleTree();
  private final TreeMap<Long, IncrementalMerkleTree> frontierBefore = new TreeMap<>();
  private final TreeMap<Long, byte[]> headerHashOf = new TreeMap<>();
  private long statesChecked;

  /**
   * A source that takes the node's answers as they are (no light client).
   *
   * @param manuscript the stream's manuscript file (the chain holds only its hash; groups carry the
   *     file)
   */
  public CvmChainBlocks(Node node, byte[] manuscript) {
    this(node, manuscript, null, Clock.systemUTC());
  }

  /**
   * A source that trusts no node: every CometBFT block it reads is tied to a header the light
   * client verified from {@code trust}, its transactions to the header's {@code data_hash}, and the
   * CVM blocks the app accepted to the {@code cvmBlocksRoot} / {@code cvmBlockCount} leaves of the
   * app hash in the next header (docs/STORAGE.md, "Light-client-checked reading").
   *
   * @param trust the root of trust; {@code null} for an unchecked source
   * @param clock the light client's now (trusting period, clock drift)
   */
  public CvmChainBlocks(Node node, byte[] manuscript, Trust trust, Clock clock) {
    this(node, manuscript, trust, clock, BATCH);
  }

  /** With the checked scan's batch size {@code batch} instead of {@link #BATCH} (tests). */
  CvmChainBlocks(Node node, byte[] manuscript, Trust trust, Clock clock, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("the batch size must be at least 1, got " + batch);
    }
    this.batch = batch;
    this.node = node;
    this.manuscript = manuscript.clone();
    this.stream = Keccak.hash(manuscript);
    this.trust = trust;
    this.clock = clock;
  }

  /** Whether this source checks the node's answers with the light client. */
  public boolean checked() {
    return trust != null;
  }

  /** How many app-hash leaf sets (one per CometBFT block carrying a CVM block) it checked. */
  public long statesChecked() {
    return statesChecked;
  }

  /** keccak256 of the manuscript: the stream read. */
  public byte[] stream() {
    return stream.clone();
  }

  @Override
  public long finalisedHeight() {
    scan();
    return finalised;
  }

  @Override
  public CvmBlock block(long height) {
    if (height > finalised) {
      scan();
    }
    CvmBlock b = waiting.remove(height);
    waiting.headMap(height).clear();
    if (b != null) {
      return b;
    }
    Long at = chainHeightOf.get(height);
    if (at == null && resumed != null && height <= resumed.height) {
      throw new CvmChainSourceException(
          "block "
              + height
              + " of stream "
              + shortHex(stream)
              + " is not readable: this source resumed after block "
              + resumed.height);
    }
    if (at == null) {
      throw new CvmChainSourceException(
          "the CVM chain has not finalised block " + height + " of stream " + shortHex(stream));
    }
    for (byte[] raw : node.txs(at)) {
      Optional<CvmBlockTx> tx = cvmBlockTx(raw);
      if (tx.isPresent()
          && tx.get().getHeight() == height
          && Arrays.equals(tx.get().getManuscriptHash().toByteArray(), stream)) {
        return checked(tx.get(), at);
      }
    }
    throw new CvmChainSourceException(
        "CometBFT block " + at + " no longer carries CVM block " + height + " (node changed?)");
  }

  @Override
  public byte[] manuscript() {
    return manuscript.clone();
  }

  /** The hash the chain committed for the stream's block at {@code height}, if finalised. */
  public Optional<byte[]> committedHash(long height) {
    if (height > finalised) {
      scan();
    }
    return Optional.ofNullable(committedHash.get(height)).map(byte[]::clone);
  }

  /**
   * Checks a block store's blocks of this stream against the chain's committed hashes: every height
   * from 0 to the store's head must be finalised on the chain with the same hash.
   *
   * @return how many blocks were checked
   * @throws CvmChainSourceException naming the first height that differs or that the chain has not
   *     finalised
   */
  public long verify(CvmBlockStore store) {
    scan();
    long head = store.head(stream).map(h -> h.height()).orElse(-1L);
    for (long h = 0; h <= head; h++) {
      long at = h;
      byte[] mine =
          store
              .blockHashAt(stream, h)
              .orElseThrow(() -> new CvmChainSourceException("the block store has no block " + at));
      byte[] chain = committedHash.get(h);
      if (chain == null) {
        throw new CvmChainSourceException(
            "block "
                + h
                + " of stream "
                + shortHex(stream)
                + " is not finalised on the CVM chain (it has finalised 0.."
                + finalised
                + ")");
      }
      if (!Arrays.equals(chain, mine)) {
        throw new CvmChainSourceException(
            "block "
                + h
                + " of stream "
                + shortHex(stream)
                + " has hash "
                + shortHex(mine)
                + " but the CVM chain committed "
                + shortHex(chain));
      }
    }
    return head + 1;
  }

  /**
   * Where a restart resumes once {@code height} is handed out: {@code <CometBFT height>:<CVM height
   * counter before that block>:<block hash>}; a checked source adds {@code :<accumulator
   * frontier>:<header hash>} — the CVM-block accumulator's branch words before that block (one
   * 32-byte word per set bit of the counter, hex) and the hash of that block's verified header, so
   * a restart neither rescans nor needs the configured trust root again. Empty for a height not
   * read by this source.
   */
  @Override
  public Optional<String> position(long height) {
    Long at = chainHeightOf.get(height);
    if (at == null) {
      return Optional.empty();
    }
    String p =
        at
            + ":"
            + cvmHeightBefore.get(at)
            + ":"
            + HexFormat.of().formatHex(committedHash.get(height));
    if (trust != null) {
      p +=
          ":"
              + frontierHex(frontierBefore.get(at))
              + ":"
              + HexFormat.of().formatHex(headerHashOf.get(at));
    }
    return Optional.of(p);
  }

  /**
   * Resumes after block {@code height}: the next scan starts at the CometBFT block {@code position}
   * names (see {@link #position}) and fails unless that block still finalises {@code height} with
   * the saved hash. A checked source given a position of an unchecked one (three fields: no
   * accumulator frontier) rebuilds the frontier by reading the chain from CometBFT height 1 once,
   * handing out nothing at or below {@code height}.
   *
   * @throws CvmChainSourceException if the position is malformed or the source has read already
   */
  @Override
  public void resume(long height, String position) {
    if (read > 0 || resumed != null) {
      throw new IllegalStateException("resume before the first read, once");
    }
    String[] parts = position.split(":", -1);
    try {
      if (parts.length != 3 && parts.length != 5) {
        throw new IllegalArgumentException(
            "expected <CometBFT height>:<CVM height>:<hash>[:<accumulator frontier>:<header hash>]");
      }
      long at = Long.parseLong(parts[0]);
      long cvm = Long.parseLong(parts[1]);
      byte[] hash = HexFormat.of().parseHex(parts[2]);
      if (at < 1 || cvm < 0 || height < 0 || hash.length != 32) {
        throw new IllegalArgumentException("a height is out of range or the hash is not 32 bytes");
      }
      IncrementalMerkleTree frontier = null;
      byte[] header = null;
      if (parts.length == 5) {
        frontier = frontier(cvm, parts[3]);
        header = HexFormat.of().parseHex(parts[4]);
        if (header.length != 32) {
          throw new IllegalArgumentException("the header hash is not 32 bytes");
        }
      }
      resumed = new Resumed(height, at, hash);
      finalised = height;
      if (trust != null && frontier == null) {
        // saved by an unchecked source: rebuild the accumulator from the start, once
        resumed.rescan = true;
        nextScan = 1;
        nextCvmHeight = 0;
        return;
      }
      nextScan = at;
      nextCvmHeight = cvm;
      if (trust != null) {
        accumulator = frontier;
        if (at > trust.height()) {
          resumeTrust = new Trust(at, header, trust.options());
        }
      }
    } catch (IllegalArgumentException e) {
      throw new CvmChainSourceException(
          "cannot resume the CVM chain source after block "
              + height
              + " from the saved position '"
              + position
              + "': "
              + e.getMessage(),
          e);
    }
  }

  /** The CometBFT height a restart resumed scanning at, if it did. */
  public Optional<Long> resumedAt() {
    return Optional.ofNullable(resumed).map(r -> r.rescan ? 1L : r.chainHeight);
  }

  /** How many CometBFT blocks the scan has read so far. */
  public long blocksRead() {
    return read;
  }

  /** The block a restart resumes after; {@code confirmed} once its CometBFT block is re-read. */
  private static final class Resumed {
    final long height;
    final long chainHeight;
    final byte[] hash;
    boolean confirmed;
    boolean rescan;

    Resumed(long height, long chainHeight, byte[] hash) {
      this.height = height;
      this.chainHeight = chainHeight;
      this.hash = hash;
    }
  }

  private Trust resumeTrust;
  private Header verifiedTop;
  private boolean carriedCvm;
  // the verified root of trust (fixed once checked) and, below it, the hash ladder: the verified
  // header hash at every height ladderBase + k·batch (k ≥ 1) below the root, walked down once
  private Header rootHeader;
  private long ladderBase = -1;
  private byte[] ladder;
  private int peakHeld;

  /** One block of the stream a CometBFT block finalised. */
  private record Found(long height, CvmBlock block, byte[] hash) {}

  /** Reads every committed CometBFT block not read yet. */
  private void scan() {
    long top = node.committedHeight();
    if (resumed != null && !resumed.confirmed && top < resumed.chainHeight) {
      throw new CvmChainSourceException(
          "the CVM chain node has committed up to CometBFT height "
              + top
              + ", below height "
              + resumed.chainHeight
              + " where the anchoring state says block "
              + resumed.height
              + " of stream "
              + shortHex(stream)
              + " was finalised (another chain, or a node not synced?)");
    }
    if (trust != null) {
      scanChecked(top);
      return;
    }
    for (long h = nextScan; h <= top; h++) {
      long cvmBefore = nextCvmHeight;
      List<byte[]> txs = node.txs(h);
      read++;
      publish(h, cvmBefore, null, null, readBlock(h, txs));
      nextScan = h + 1;
    }
  }

  /**
   * The checked scan: reads CometBFT blocks up to {@code top - 1} (block h needs header h + 1,
   * whose {@code app_hash} is the app hash after h) in batches of at most {@link #BATCH}. The light
   * client verifies the header above each batch (skipping verification from the latest trusted
   * header); the blocks below are tied to it by hash, each header's hash being the next one's
   * {@code last_block_id}, and their transactions to their {@code data_hash}. Below the root of
   * trust a batch ends just below a rung of the hash ladder ({@link #rungAbove}) and is tied to the
   * rung's remembered hash instead, so a root far above the start never makes a batch larger. After
   * a block that carries a CVM block, the node's app-hash leaves at its height must merklise to the
   * next header's {@code app_hash} and hold the accumulator of the CVM blocks read so far. A
   * block's CVM blocks are handed out once it passed every check; a refused block and everything
   * above it never are.
   */
  private void scanChecked(long top) {
    long last = top - 1;
    if (nextScan > last) {
      return;
    }
    ensureTrustRoot();
    while (nextScan <= last) {
      long first = nextScan;
      long end = Math.min(last, first + batch - 1);
      if (first < rootHeader.getHeight()) {
        end = Math.min(end, rungAbove(first) - 1); // batches below the root end below a rung
      }
      Header anchor = verifiedHeader(end + 1);
      int n = (int) (end - first + 1);
      peakHeld = Math.max(peakHeld, n);
      ChainBlock[] blocks = new ChainBlock[n];
      Header upper = anchor;
      for (long h = end; h >= first; h--) {
        ChainBlock b = node.block(h);
        linked(h, b.header(), upper);
        blocks[(int) (h - first)] = b;
        upper = b.header();
      }
      for (long h = first; h <= end; h++) {
        ChainBlock b = blocks[(int) (h - first)];
        Header next = h == end ? anchor : blocks[(int) (h - first + 1)].header();
        dataHash(h, b);
        read++;
        long cvmBefore = nextCvmHeight;
        IncrementalMerkleTree accBefore = accumulator.copy();
        try {
          List<Found> found = readBlock(h, b.txs());
          if (carriedCvm) {
            appState(h, next);
          }
          publish(h, cvmBefore, accBefore, HeaderHash.of(b.header()), found);
        } catch (RuntimeException e) {
          nextCvmHeight = cvmBefore;
          accumulator = accBefore;
          throw e;
        }
        nextScan = h + 1;
      }
    }
  }

  /** Verifies the root of trust (the configured one, or the header saved with a resume) once. */
  private void ensureTrustRoot() {
    if (trusted != null) {
      return;
    }
    Trust root = resumeTrust != null ? resumeTrust : trust;
    String what =
        root == resumeTrust
            ? "the header saved with the anchoring state"
            : "the trusted header (anchor.yaml cvm_trusted_height / cvm_trusted_hash)";
    LightBlock b;
    try {
      b = node.lightBlock(root.height());
    } catch (IOException e) {
      throw new CvmChainSourceException(
          "the CVM chain node cannot serve "
              + what
              + " at height "
              + root.height()
              + ": "
              + e.getMessage(),
          e);
    }
    Result r =
        LightVerifier.verifyTrustRoot(b, root.headerHash(), trust.options(), clock.instant());
    if (r.verdict() != Verdict.SUCCESS) {
      throw new CvmChainSourceException(
          what
              + " at height "
              + root.height()
              + " is refused (light client): "
              + r.reason()
              + (root == resumeTrust
                  ? "; past the trusting period, set a newer cvm_trusted_height and cvm_trusted_hash"
                  : ""));
    }
    if (b.nextValidators() == null) {
      throw new CvmChainSourceException(
          "the CVM chain node gives no validator set for height "
              + (root.height() + 1)
              + ", which the light client needs to go on from "
              + what);
    }
    trusted = b;
    verifiedTop = b.signedHeader().header();
    rootHeader = verifiedTop;
  }

  /** The most CometBFT blocks the checked scan held at once (at most the batch size). */
  int peakHeld() {
    return peakHeld;
  }

  /**
   * The lowest rung of the hash ladder above {@code height} (below the root), or the root's height;
   * builds the ladder on first use: walks the headers from the root down to the scan's start once
   * (each tied by hash to the one above, {@link #linked}), keeping only the hash at every batch-th
   * height — O((root − start) / batch × 32 bytes). Each batch then ends just below a rung, so its
   * top is checked against the remembered hash and its blocks walked down from there.
   */
  private long rungAbove(long height) {
    long top = rootHeader.getHeight();
    if (ladder == null || height < ladderBase) {
      long base = height;
      long rungs = (top - 1 - base) / batch; // rungs base + k·batch < top, k = 1 … rungs
      if (rungs > Integer.MAX_VALUE / 32) {
        throw new CvmChainSourceException(
            "the trusted header (height "
                + top
                + ") is too far above CometBFT height "
                + base
                + " to walk down to it; set a lower cvm_trusted_height");
      }
      byte[] hashes = new byte[(int) rungs * 32];
      Header upper = rootHeader;
      for (long k = top - 1; k >= base + batch; k--) {
        Header h = node.header(k);
        linked(k, h, upper);
        if ((k - base) % batch == 0) {
          System.arraycopy(HeaderHash.of(h), 0, hashes, (int) ((k - base) / batch - 1) * 32, 32);
        }
        upper = h;
      }
      ladder = hashes;
      ladderBase = base;
    }
    return Math.min(top, ladderBase + ((height - ladderBase) / batch + 1) * batch);
  }

  /**
   * Header {@code height} below the root, verified: the node's header at the rung at or above it
   * must hash to the ladder's hash, then the headers down to {@code height} are tied by hash.
   */
  private Header belowRoot(long height) {
    long top = rootHeader.getHeight();
    if (ladder == null || height <= ladderBase) {
      rungAbove(height - 1);
    }
    long rung = Math.min(top, ladderBase + Math.ceilDiv(height - ladderBase, batch) * batch);
    Header upper = rootHeader;
    if (rung < top) {
      upper = node.header(rung);
      byte[] hash = HeaderHash.of(upper);
      byte[] named =
          Arrays.copyOfRange(
              ladder,
              (int) ((rung - ladderBase) / batch - 1) * 32,
              (int) ((rung - ladderBase) / batch) * 32);
      if (upper.getHeight() != rung || !Arrays.equals(hash, named)) {
        throw refused(
            rung,
            "header",
            "the node's header "
                + upper.getHeight()
                + " hashes to "
                + shortHex(hash)
                + ", but the header chain down from the verified header "
                + top
                + " names "
                + shortHex(named)
                + " as block "
                + rung
                + " (a tampered block or header)");
      }
    }
    for (long k = rung - 1; k >= height; k--) {
      Header h = node.header(k);
      linked(k, h, upper);
      upper = h;
    }
    return upper;
  }

  /**
   * Header {@code height}, verified: by the light client above the highest verified one, else by
   * hash.
   */
  private Header verifiedHeader(long height) {
    if (height == verifiedTop.getHeight()) {
      return verifiedTop;
    }
    if (height < rootHeader.getHeight()) {
      return belowRoot(height);
    }
    if (height < verifiedTop.getHeight()) {
      Header upper = verifiedTop;
      for (long k = verifiedTop.getHeight() - 1; k >= height; k--) {
        Header h = node.header(k);
        linked(k, h, upper);
        upper = h;
      }
      return upper;
    }
    try {
      List<LightBlock> trace =
          new Bisection(node::lightBlock, trust.options())
              .verifyTo(trusted, height, clock.instant());
      for (LightBlock b : trace) {
        if (b.nextValidators() != null) {
          trusted = b;
        }
      }
      verifiedTop = trace.getLast().signedHeader().header();
      return verifiedTop;
    } catch (Bisection.VerificationFailed e) {
      throw new CvmChainSourceException(
          "CometBFT block "
              + e.height()
              + " refused (light client): "
              + e.getMessage()
              + "; nothing from it is anchored",
          e);
    } catch (IOException e) {
      throw new CvmChainSourceException(
          "the CVM chain node failed to serve light blocks up to height "
              + height
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The header the node gave for {@code height} must be the one the verified {@code upper} names.
   */
  private void linked(long height, Header header, Header upper) {
    byte[] named = upper.getLastBlockId().getHash().toByteArray();
    byte[] hash = HeaderHash.of(header);
    if (header.getHeight() != height || !Arrays.equals(hash, named)) {
      throw refused(
          height,
          "header",
          "the node's header "
              + header.getHeight()
              + " hashes to "
              + shortHex(hash)
              + ", but the verified header "
              + upper.getHeight()
              + " names "
              + shortHex(named)
              + " as block "
              + height
              + " (a tampered block or header)");
    }
  }

  /** The block's transactions must hash to its header's {@code data_hash}. */
  private static void dataHash(long height, ChainBlock b) {
    List<ByteString> txs = new ArrayList<>(b.txs().size());
    for (byte[] tx : b.txs()) {
      txs.add(ByteString.copyFrom(tx));
    }
    byte[] mine = ChainHashes.dataHash(txs);
    byte[] header = b.header().getDataHash().toByteArray();
    if (!Arrays.equals(mine, header)) {
      throw refused(
          height,
          "data_hash",
          "its "
              + txs.size()
              + " transaction(s) hash to "
              + shortHex(mine)
              + ", but its verified header carries data_hash "
              + shortHex(header)
              + " (a transaction added, dropped or changed)");
    }
  }

  /**
   * The node's app-hash leaves after {@code height} must merklise to the {@code app_hash} of the
   * verified header {@code next} and hold the CVM blocks read so far ({@code cvmBlocksRoot}, {@code
   * cvmBlockCount}).
   */
  private void appState(long height, Header next) {
    List<byte[]> leaves =
        node.stateLeaves(height)
            .orElseThrow(
                () ->
                    refused(
                        height,
                        "app hash",
                        "the node has no app-hash leaves for height "
                            + height
                            + " (/state/root/"
                            + height
                            + ")"));
    byte[] appHash = next.getAppHash().toByteArray();
    byte[] mine = AppState.appHashOf(leaves);
    if (!Arrays.equals(mine, appHash)) {
      throw refused(
          height,
          "app hash",
          "the node's app-hash leaves merklise to "
              + shortHex(mine)
              + ", but the verified header "
              + next.getHeight()
              + " carries app_hash "
              + shortHex(appHash));
    }
    int rootAt = AppState.COMPONENTS.indexOf("cvmBlocksRoot");
    int countAt = AppState.COMPONENTS.indexOf("cvmBlockCount");
    byte[] count = AbiWords.of().uint(accumulator.count()).bytes();
    if (leaves.size() <= countAt || !Arrays.equals(leaves.get(countAt), count)) {
      throw refused(
          height,
          "cvmBlockCount",
          "the app counts "
              + (leaves.size() <= countAt
                  ? "nothing"
                  : new java.math.BigInteger(1, leaves.get(countAt)).toString())
              + " CVM block(s) after it, the blocks read give "
              + accumulator.count()
              + " (a CVM block the node calls accepted was refused, or the reverse)");
    }
    if (!Arrays.equals(leaves.get(rootAt), accumulator.root())) {
      throw refused(
          height,
          "cvmBlocksRoot",
          "the app's CVM-block accumulator root is "
              + shortHex(leaves.get(rootAt))
              + ", the CVM blocks read give "
              + shortHex(accumulator.root())
              + " (a CVM block changed, or accepted at another position)");
    }
    statesChecked++;
  }

  private static CvmChainSourceException refused(long height, String check, String detail) {
    return new CvmChainSourceException(
        "CometBFT block "
            + height
            + " refused ("
            + check
            + " check): "
            + detail
            + "; nothing from it is anchored");
  }

  /**
   * The CVM blocks of the stream one CometBFT block finalised, in order; advances the CVM height
   * counter (and, checked, the accumulator) over every CVM block the app accepted in it.
   */
  private List<Found> readBlock(long h, List<byte[]> txs) {
    List<Found> found = new ArrayList<>();
    carriedCvm = false;
    for (byte[] raw : txs) {
      Optional<CvmBlockTx> tx = cvmBlockTx(raw);
      if (tx.isEmpty()) {
        continue;
      }
      carriedCvm = true;
      byte[] hash = TxCodec.header(tx.get()).hash();
      Optional<Committed> c = node.committed(nextCvmHeight);
      if (c.isEmpty() || !Arrays.equals(c.get().hash(), hash)) {
        continue; // the app refused this CVM block (its FinalizeBlock result code)
      }
      if (trust != null) {
        // the node's word that it was accepted is checked against the app hash (appState)
        accumulator.append(
            AbiWords.of()
                .uint(nextCvmHeight)
                .bytes32(hash)
                .bytes32(CvmTaskComputer.datasetRoot(TxCodec.header(tx.get())))
                .keccak());
      }
      nextCvmHeight++;
      byte[] manuscriptHash =
          trust != null ? tx.get().getManuscriptHash().toByteArray() : c.get().manuscriptHash();
      if (!Arrays.equals(manuscriptHash, stream)) {
        continue;
      }
      long height = tx.get().getHeight();
      if (resumed != null && h <= resumed.chainHeight && height <= resumed.height) {
        if (h == resumed.chainHeight && height == resumed.height) {
          if (!Arrays.equals(hash, resumed.hash)) {
            throw new CvmChainSourceException(
                "CometBFT block "
                    + h
                    + " finalises block "
                    + height
                    + " of stream "
                    + shortHex(stream)
                    + " with hash "
                    + shortHex(hash)
                    + ", but the anchoring state saved "
                    + shortHex(resumed.hash)
                    + " (another chain?)");
          }
          resumed.confirmed = true;
        }
        continue; // packed before the restart
      }
      long expected = (found.isEmpty() ? finalised : found.getLast().height()) + 1;
      if (height != expected) {
        throw new CvmChainSourceException(
            "CometBFT block "
                + h
                + " finalises CVM block "
                + height
                + " of stream "
                + shortHex(stream)
                + " after block "
                + (expected - 1));
      }
      found.add(new Found(height, checked(tx.get(), h), hash));
    }
    if (resumed != null && h == resumed.chainHeight && !resumed.confirmed) {
      throw new CvmChainSourceException(
          "CometBFT block "
              + h
              + " does not finalise block "
              + resumed.height
              + " of stream "
              + shortHex(stream)
              + " as the anchoring state says (another chain?)");
    }
    return found;
  }

  /** Hands out what CometBFT block {@code h} finalised. */
  private void publish(
      long h,
      long cvmBefore,
      IncrementalMerkleTree accBefore,
      byte[] headerHash,
      List<Found> found) {
    for (Found f : found) {
      waiting.put(f.height(), f.block());
      chainHeightOf.put(f.height(), h);
      cvmHeightBefore.put(h, cvmBefore);
      committedHash.put(f.height(), f.hash());
      if (accBefore != null) {
        frontierBefore.put(h, accBefore);
        headerHashOf.put(h, headerHash);
      }
      finalised = f.height();
    }
  }

  /** The accumulator's branch words at the set bits of its count, hex (see {@link #position}). */
  private static String frontierHex(IncrementalMerkleTree tree) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      tree.writeTo(out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    byte[] all = bytes.toByteArray(); // count (8 bytes), then 32 branch words
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < IncrementalMerkleTree.DEPTH; i++) {
      if ((tree.count() >>> i & 1) == 1) {
        s.append(HexFormat.of().formatHex(all, 8 + 32 * i, 8 + 32 * (i + 1)));
      }
    }
    return s.toString();
  }

  /** The accumulator of {@code count} leaves from its {@link #frontierHex} words. */
  private static IncrementalMerkleTree frontier(long count, String hex) {
    byte[] words = HexFormat.of().parseHex(hex);
    if (count >= 1L << IncrementalMerkleTree.DEPTH || words.length != 32 * Long.bitCount(count)) {
      throw new IllegalArgumentException(
          "the accumulator frontier of "
              + count
              + " CVM blocks has "
              + Long.bitCount(count)
              + " words of 32 bytes, got "
              + words.length
              + " bytes");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(count);
      int w = 0;
      for (int i = 0; i < IncrementalMerkleTree.DEPTH; i++) {
        if ((count >>> i & 1) == 1) {
          out.write(words, 32 * w++, 32);
        } else {
          out.write(new byte[32]);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    try {
      return IncrementalMerkleTree.readFrom(
          new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private CvmBlock checked(CvmBlockTx tx, long at) {
    CvmBlock b;
    try {
      b = TxCodec.block(tx);
    } catch (TxRefusedException e) {
      throw new CvmChainSourceException(
          "CometBFT block " + at + ": its CVM block cannot be rebuilt: " + e.getMessage(), e);
    }
    byte[] committed = committedHash.get(tx.getHeight());
    if (committed != null && !Arrays.equals(committed, b.hash())) {
      throw new CvmChainSourceException(
          "CometBFT block "
              + at
              + ": CVM block "
              + tx.getHeight()
              + " hashes to "
              + shortHex(b.hash())
              + ", the chain committed "
              + shortHex(committed));
    }
    return b;
  }

  /** The CVM block a transaction carries; empty for other kinds or bytes that do not decode. */
  private static Optional<CvmBlockTx> cvmBlockTx(byte[] raw) {
    try {
      TxEnvelope env = TxCodec.decode(raw);
      return env.hasCvmBlock() ? Optional.of(env.getCvmBlock()) : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty(); // refused by the app as malformed: changed nothing
    }
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.startsWith("0x") ? s.substring(2) : s);
  }

  static String shortHex(byte[] b) {
    return StorageSetup.shortHex(b);
  }
}
