package io.cvmavs.operator.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.app.tx.TxRefusedException;
import io.cvmavs.consensus.proto.app.CvmBlockTx;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.consensus.rpc.RpcException;
import io.cvmavs.consensus.rpc.RpcTypes;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.storage.anchor.AnchoringService;
import java.io.IOException;
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
 * so every block at or below the app's committed height counts.
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

    /** Over a CometBFT(-shaped) RPC endpoint. */
    static Node rpc(CometRpcClient rpc) {
      return new Node() {
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

  /**
   * @param manuscript the stream's manuscript file (the chain holds only its hash; groups carry the
   *     file)
   */
  public CvmChainBlocks(Node node, byte[] manuscript) {
    this.node = node;
    this.manuscript = manuscript.clone();
    this.stream = Keccak.hash(manuscript);
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
   * counter before that block>:<block hash>}; empty for a height not read by this source.
   */
  @Override
  public Optional<String> position(long height) {
    Long at = chainHeightOf.get(height);
    if (at == null) {
      return Optional.empty();
    }
    return Optional.of(
        at
            + ":"
            + cvmHeightBefore.get(at)
            + ":"
            + HexFormat.of().formatHex(committedHash.get(height)));
  }

  /**
   * Resumes after block {@code height}: the next scan starts at the CometBFT block {@code position}
   * names (see {@link #position}) and fails unless that block still finalises {@code height} with
   * the saved hash.
   *
   * @throws CvmChainSourceException if the position is malformed or the source has read already
   */
  @Override
  public void resume(long height, String position) {
    if (read > 0 || resumed != null) {
      throw new IllegalStateException("resume before the first read, once");
    }
    String[] parts = position.split(":");
    try {
      if (parts.length != 3) {
        throw new IllegalArgumentException("expected <CometBFT height>:<CVM height>:<hash>");
      }
      long at = Long.parseLong(parts[0]);
      long cvm = Long.parseLong(parts[1]);
      byte[] hash = HexFormat.of().parseHex(parts[2]);
      if (at < 1 || cvm < 0 || height < 0 || hash.length != 32) {
        throw new IllegalArgumentException("a height is out of range or the hash is not 32 bytes");
      }
      resumed = new Resumed(height, at, hash);
      nextScan = at;
      nextCvmHeight = cvm;
      finalised = height;
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
    return Optional.ofNullable(resumed).map(Resumed::chainHeight);
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

    Resumed(long height, long chainHeight, byte[] hash) {
      this.height = height;
      this.chainHeight = chainHeight;
      this.hash = hash;
    }

    long chainHeight() {
      return chainHeight;
    }
  }

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
    for (long h = nextScan; h <= top; h++) {
      long cvmBefore = nextCvmHeight;
      List<byte[]> txs = node.txs(h);
      read++;
      for (byte[] raw : txs) {
        Optional<CvmBlockTx> tx = cvmBlockTx(raw);
        if (tx.isEmpty()) {
          continue;
        }
        byte[] hash = TxCodec.header(tx.get()).hash();
        Optional<Committed> c = node.committed(nextCvmHeight);
        if (c.isEmpty() || !Arrays.equals(c.get().hash(), hash)) {
          continue; // the app refused this CVM block (its FinalizeBlock result code)
        }
        nextCvmHeight++;
        if (!Arrays.equals(c.get().manuscriptHash(), stream)) {
          continue;
        }
        long height = tx.get().getHeight();
        if (resumed != null && h == resumed.chainHeight && height <= resumed.height) {
          if (height == resumed.height) {
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
        if (height != finalised + 1) {
          throw new CvmChainSourceException(
              "CometBFT block "
                  + h
                  + " finalises CVM block "
                  + height
                  + " of stream "
                  + shortHex(stream)
                  + " after block "
                  + finalised);
        }
        waiting.put(height, checked(tx.get(), h));
        chainHeightOf.put(height, h);
        cvmHeightBefore.put(h, cvmBefore);
        committedHash.put(height, hash);
        finalised = height;
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
      nextScan = h + 1;
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
