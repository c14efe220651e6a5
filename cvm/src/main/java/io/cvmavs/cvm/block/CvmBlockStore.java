package io.cvmavs.cvm.block;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.CanonicalDecoding;
import io.cvmavs.cvm.proof.Keccak;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * CVM blocks on disk (RocksDB): manuscripts by hash, blocks by hash with their datasets' records, a
 * height index and the head of every manuscript's block chain. A block is appended in one synced
 * write batch, and only on top of its manuscript's head, so the stored chain never forks and
 * survives a crash between two appends.
 *
 * <pre>
 * manuscript/&lt;manuscriptHash&gt;                 → manuscript file bytes
 * block/&lt;blockHash&gt;                           → header JSON ({@link HeaderJson})
 * dataset/&lt;blockHash&gt;/&lt;name&gt;                  → {"columns": [...], "primaryKey": [...]}
 * records/&lt;blockHash&gt;/&lt;name&gt;                  → (u32 length ‖ canonical record)* in canonical order
 * height/&lt;manuscriptHash&gt;&lt;height: u64&gt;       → block hash
 * head/&lt;manuscriptHash&gt;                       → block hash
 * </pre>
 *
 * Thread-safe (RocksDB is); appends of the same manuscript are serialised.
 */
public final class CvmBlockStore implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    RocksDB.loadLibrary();
  }

  private final Options options;
  private final RocksDB db;

  private CvmBlockStore(Options options, RocksDB db) {
    this.options = options;
    this.db = db;
  }

  public static CvmBlockStore open(Path dir) {
    Options options = new Options().setCreateIfMissing(true);
    try {
      Files.createDirectories(dir);
      return new CvmBlockStore(options, RocksDB.open(options, dir.toString()));
    } catch (RocksDBException | IOException e) {
      options.close();
      throw new BlockException("cannot open the block store at " + dir + ": " + e.getMessage());
    }
  }

  /**
   * Stores a manuscript's file bytes under their keccak256 (the manuscript hash); returns the hash.
   */
  public byte[] putManuscript(byte[] fileBytes) {
    byte[] hash = Keccak.hash(fileBytes);
    put(key("manuscript/", hash), fileBytes);
    return hash;
  }

  public Optional<byte[]> manuscript(byte[] manuscriptHash) {
    return Optional.ofNullable(get(key("manuscript/", manuscriptHash)));
  }

  /** Hashes of all stored manuscripts, in byte order. */
  public List<byte[]> manuscriptHashes() {
    List<byte[]> out = new ArrayList<>();
    byte[] prefix = "manuscript/".getBytes(StandardCharsets.US_ASCII);
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
        out.add(Arrays.copyOfRange(it.key(), prefix.length, it.key().length));
      }
    }
    return out;
  }

  /**
   * Appends {@code block} to its manuscript's chain: its parent must be the current head (or, for
   * height 0, the chain must be empty) and its manuscript must be stored.
   */
  public synchronized void append(CvmBlock block) {
    CvmBlockHeader h = block.header();
    byte[] m = h.manuscriptHash();
    if (manuscript(m).isEmpty()) {
      throw new BlockException(
          "manuscript " + HeaderJson.hex(m) + " is not stored; store it before its blocks");
    }
    Optional<CvmBlockHeader> head = head(m);
    if (head.isEmpty()
        ? h.height() != 0
        : (h.height() != head.get().height() + 1
            || !Arrays.equals(h.parentHash(), head.get().hash()))) {
      throw new BlockException(
          "block "
              + h.height()
              + " does not extend the stored chain of manuscript "
              + HeaderJson.hex(m)
              + (head.isEmpty()
                  ? " (empty: the first block has height 0)"
                  : " (head: block "
                      + head.get().height()
                      + " "
                      + HeaderJson.hex(head.get().hash())
                      + ")"));
    }
    byte[] hash = h.hash();
    try (WriteBatch batch = new WriteBatch();
        WriteOptions sync = new WriteOptions().setSync(true)) {
      batch.put(key("block/", hash), JSON.writeValueAsBytes(HeaderJson.write(h)));
      for (Map.Entry<String, CanonicalDataset> e : block.datasets().entrySet()) {
        CanonicalDataset ds = e.getValue();
        ObjectNode meta = JSON.createObjectNode();
        ds.columns().forEach(meta.putArray("columns")::add);
        ds.primaryKey().forEach(meta.putArray("primaryKey")::add);
        batch.put(key("dataset/", hash, e.getKey()), JSON.writeValueAsBytes(meta));
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (int i = 0; i < ds.size(); i++) {
          byte[] r = ds.record(i);
          records.write(ByteBuffer.allocate(4).putInt(r.length).array());
          records.write(r);
        }
        batch.put(key("records/", hash, e.getKey()), records.toByteArray());
      }
      batch.put(heightKey(m, h.height()), hash);
      batch.put(key("head/", m), hash);
      db.write(sync, batch);
    } catch (RocksDBException | IOException e) {
      throw new BlockException("cannot store block " + h.height() + ": " + e.getMessage());
    }
  }

  public Optional<CvmBlockHeader> head(byte[] manuscriptHash) {
    return Optional.ofNullable(get(key("head/", manuscriptHash))).flatMap(this::header);
  }

  public Optional<byte[]> blockHashAt(byte[] manuscriptHash, long height) {
    return Optional.ofNullable(get(heightKey(manuscriptHash, height)));
  }

  public Optional<CvmBlockHeader> header(byte[] blockHash) {
    byte[] json = get(key("block/", blockHash));
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(HeaderJson.read(JSON.readTree(json)));
    } catch (IOException e) {
      throw new BlockException(
          "stored header of " + HeaderJson.hex(blockHash) + " is corrupt: " + e.getMessage());
    }
  }

  /**
   * The block with its datasets, rebuilt from the stored records; refuses a dataset whose
   * recomputed root differs from the header's (corruption).
   */
  public Optional<CvmBlock> block(byte[] blockHash) {
    Optional<CvmBlockHeader> header = header(blockHash);
    if (header.isEmpty()) {
      return Optional.empty();
    }
    Map<String, CanonicalDataset> datasets = new HashMap<>();
    for (DatasetEntry entry : header.get().datasets()) {
      datasets.put(entry.name(), dataset(blockHash, entry));
    }
    return Optional.of(new CvmBlock(header.get(), datasets));
  }

  private CanonicalDataset dataset(byte[] blockHash, DatasetEntry entry) {
    try {
      JsonNode meta = JSON.readTree(get(key("dataset/", blockHash, entry.name())));
      List<String> columns = new ArrayList<>();
      meta.required("columns").forEach(c -> columns.add(c.asText()));
      List<String> key = new ArrayList<>();
      meta.required("primaryKey").forEach(c -> key.add(c.asText()));
      ByteBuffer in = ByteBuffer.wrap(get(key("records/", blockHash, entry.name())));
      List<Object[]> rows = new ArrayList<>();
      while (in.hasRemaining()) {
        byte[] r = new byte[in.getInt()];
        in.get(r);
        rows.add(CanonicalDecoding.decode(r));
      }
      CanonicalDataset ds = CanonicalDataset.of(columns, key, rows);
      if (!Arrays.equals(ds.root(), entry.root()) || ds.size() != entry.recordCount()) {
        throw new BlockException(
            "stored dataset '"
                + entry.name()
                + "' of block "
                + HeaderJson.hex(blockHash)
                + " does not match its header root");
      }
      return ds;
    } catch (IOException | RuntimeException e) {
      if (e instanceof BlockException be) {
        throw be;
      }
      throw new BlockException(
          "stored dataset '"
              + entry.name()
              + "' of block "
              + HeaderJson.hex(blockHash)
              + " is corrupt: "
              + e.getMessage());
    }
  }

  private void put(byte[] key, byte[] value) {
    try (WriteOptions sync = new WriteOptions().setSync(true)) {
      db.put(sync, key, value);
    } catch (RocksDBException e) {
      throw new BlockException("block store write failed: " + e.getMessage());
    }
  }

  private byte[] get(byte[] key) {
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw new BlockException("block store read failed: " + e.getMessage());
    }
  }

  private static byte[] key(String prefix, byte[] hash) {
    byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
    byte[] k = Arrays.copyOf(p, p.length + hash.length);
    System.arraycopy(hash, 0, k, p.length, hash.length);
    return k;
  }

  private static byte[] key(String prefix, byte[] hash, String name) {
    byte[] head = key(prefix, hash);
    byte[] tail = ("/" + name).getBytes(StandardCharsets.UTF_8);
    byte[] k = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, k, head.length, tail.length);
    return k;
  }

  private static byte[] heightKey(byte[] manuscriptHash, long height) {
    byte[] head = key("height/", manuscriptHash);
    return ByteBuffer.allocate(head.length + 8).put(head).putLong(height).array();
  }

  private static boolean startsWith(byte[] a, byte[] prefix) {
    return a.length >= prefix.length
        && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
  }

  @Override
  public void close() {
    db.close();
    options.close();
  }
}
