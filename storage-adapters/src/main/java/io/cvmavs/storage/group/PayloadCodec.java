package io.cvmavs.storage.group;

import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.block.DatasetEntry;
import io.cvmavs.cvm.block.InputCommitment;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.CanonicalDecoding;
import io.cvmavs.cvm.proof.CanonicalEncoding;
import io.cvmavs.cvm.proof.Keccak;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The uncompressed payload of a block group (docs/STORAGE.md "Payload"), big-endian:
 *
 * <pre>
 * payload    = u32 len ‖ manuscript file bytes ‖ block × blockCount
 * block      = blockHash [32] ‖ u32 len ‖ headerRec ‖ u32 datasetCount ‖ dataset*   (datasets by name)
 * headerRec  = canonical(height, parentHash, chain, fromBlock, toBlock, sourceRoot, stateRoot, timestamp)
 * dataset    = u32 len ‖ metaRec ‖ u32 recordCount ‖ (u32 len ‖ canonical record)*  (canonical order)
 * metaRec    = canonical(name, columnCount, column…, keyCount, keyColumn…)
 * </pre>
 *
 * {@code canonical} is the CVM's {@link CanonicalEncoding}; the manuscript hash of every block is
 * the header's. Decoding rebuilds every dataset and header and checks the stored block hash.
 */
public final class PayloadCodec {
  private PayloadCodec() {}

  /** The encoding of one block (the {@code block} production). */
  public static byte[] encodeBlock(CvmBlock block) {
    CvmBlockHeader h = block.header();
    InputCommitment in = h.input();
    byte[] header =
        CanonicalEncoding.encode(
            h.height(),
            h.parentHash(),
            in.chain(),
            in.fromBlock(),
            in.toBlock(),
            in.sourceRoot(),
            h.stateRoot(),
            h.timestamp());
    Out out = new Out(64 + header.length);
    out.put(h.hash());
    out.putInt(header.length).put(header);
    out.putInt(h.datasets().size());
    for (DatasetEntry e : h.datasets()) {
      CanonicalDataset ds = block.datasets().get(e.name());
      if (ds == null) {
        throw new GroupFormatException(
            "block " + h.height() + " lists dataset '" + e.name() + "' but does not carry it");
      }
      List<Object> meta = new ArrayList<>();
      meta.add(e.name());
      meta.add((long) ds.columns().size());
      meta.addAll(ds.columns());
      meta.add((long) ds.primaryKey().size());
      meta.addAll(ds.primaryKey());
      byte[] metaRec = CanonicalEncoding.encode(meta);
      out.putInt(metaRec.length).put(metaRec);
      out.putInt(ds.size());
      for (int i = 0; i < ds.size(); i++) {
        byte[] r = ds.record(i);
        out.putInt(r.length).put(r);
      }
    }
    return out.toByteArray();
  }

  /** The manuscript section. */
  public static byte[] encodeManuscript(byte[] manuscript) {
    return new Out(4 + manuscript.length).putInt(manuscript.length).put(manuscript).toByteArray();
  }

  /** What a payload holds, verified. */
  public record Decoded(byte[] manuscript, List<CvmBlock> blocks) {}

  /**
   * Decodes and verifies a payload: the manuscript hashes to {@code manuscriptHash}, every block's
   * recomputed hash equals its stored hash, heights run from {@code firstHeight} one by one and
   * every block's parent is the block before it.
   */
  public static Decoded decode(
      byte[] payload, byte[] manuscriptHash, long firstHeight, int blockCount) {
    ByteBuffer in = ByteBuffer.wrap(payload);
    try {
      byte[] manuscript = bytes(in, len(in, "manuscript"));
      if (!Arrays.equals(Keccak.hash(manuscript), manuscriptHash)) {
        throw new GroupFormatException(
            "payload manuscript does not hash to the header's manuscriptHash");
      }
      List<CvmBlock> blocks = new ArrayList<>(blockCount);
      byte[] parent = null;
      for (int b = 0; b < blockCount; b++) {
        long height = firstHeight + b;
        CvmBlock block = block(in, manuscriptHash, height);
        if (parent != null && !Arrays.equals(block.header().parentHash(), parent)) {
          throw new GroupFormatException(
              "block " + height + " does not name block " + (height - 1) + " as its parent");
        }
        parent = block.hash();
        blocks.add(block);
      }
      if (in.hasRemaining()) {
        throw new GroupFormatException(
            in.remaining() + " bytes after the last block of the payload");
      }
      return new Decoded(manuscript, List.copyOf(blocks));
    } catch (BufferUnderflowException e) {
      throw new GroupFormatException("payload is truncated at byte " + in.position());
    } catch (GroupFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      // a record of the wrong shape (ClassCastException, ProofException, BlockException, ...)
      throw new GroupFormatException(
          "payload is malformed near byte " + in.position() + ": " + e.getMessage());
    }
  }

  private static CvmBlock block(ByteBuffer in, byte[] manuscriptHash, long height) {
    byte[] stored = bytes(in, 32);
    Object[] h = CanonicalDecoding.decode(bytes(in, len(in, "header of block " + height)));
    if (h.length != 8) {
      throw new GroupFormatException(
          "header record of block " + height + " has " + h.length + " fields, not 8");
    }
    if (!(h[0] instanceof Long actual) || actual != height) {
      throw new GroupFormatException("block at height " + height + " says height " + h[0]);
    }
    int datasetCount = in.getInt();
    if (datasetCount < 0 || datasetCount > in.remaining()) {
      throw new GroupFormatException("block " + height + " claims " + datasetCount + " datasets");
    }
    Map<String, CanonicalDataset> datasets = new LinkedHashMap<>();
    List<DatasetEntry> entries = new ArrayList<>();
    for (int d = 0; d < datasetCount; d++) {
      Object[] meta = CanonicalDecoding.decode(bytes(in, len(in, "dataset meta")));
      String name = (String) meta[0];
      int cols = Math.toIntExact((Long) meta[1]);
      List<String> columns = new ArrayList<>();
      for (int c = 0; c < cols; c++) {
        columns.add((String) meta[2 + c]);
      }
      int keys = Math.toIntExact((Long) meta[2 + cols]);
      List<String> key = new ArrayList<>();
      for (int k = 0; k < keys; k++) {
        key.add((String) meta[3 + cols + k]);
      }
      int n = in.getInt();
      if (n < 0 || n > in.remaining()) {
        throw new GroupFormatException(
            "dataset '" + name + "' of block " + height + " claims " + n + " records");
      }
      List<Object[]> rows = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        rows.add(CanonicalDecoding.decode(bytes(in, len(in, "record"))));
      }
      CanonicalDataset ds = CanonicalDataset.of(columns, key, rows);
      datasets.put(name, ds);
      entries.add(new DatasetEntry(name, ds.size(), ds.root(), ds.schemaHash()));
    }
    CvmBlockHeader header =
        new CvmBlockHeader(
            height,
            (byte[]) h[1],
            new InputCommitment((String) h[2], (Long) h[3], (Long) h[4], (byte[]) h[5]),
            manuscriptHash,
            entries,
            (byte[]) h[6],
            (Long) h[7]);
    if (!Arrays.equals(header.hash(), stored)) {
      throw new GroupFormatException(
          "block "
              + height
              + " does not hash to its stored hash 0x"
              + HexFormat.of().formatHex(stored)
              + " (content altered)");
    }
    return new CvmBlock(header, datasets);
  }

  private static int len(ByteBuffer in, String what) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new GroupFormatException(
          "length " + n + " of the " + what + " at byte " + (in.position() - 4) + " is too large");
    }
    return n;
  }

  private static byte[] bytes(ByteBuffer in, int n) {
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  /** A growable big-endian byte buffer. */
  static final class Out {
    private byte[] buf;
    private int size;

    Out(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(int n) {
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
      }
    }

    Out put(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, size, b.length);
      size += b.length;
      return this;
    }

    Out putInt(int v) {
      ensure(4);
      buf[size++] = (byte) (v >>> 24);
      buf[size++] = (byte) (v >>> 16);
      buf[size++] = (byte) (v >>> 8);
      buf[size++] = (byte) v;
      return this;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }
  }
}
