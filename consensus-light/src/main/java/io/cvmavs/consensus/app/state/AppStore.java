package io.cvmavs.consensus.app.state;

import io.cvmavs.consensus.app.model.AppException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
 * The application's RocksDB: the committed {@link AppState} under {@code state}, and per-height
 * records (CVM block headers, certificates, misbehaviour) under their own prefixes. A commit is one
 * write batch with {@code sync}: the state of height H and everything FinalizeBlock H produced land
 * together or not at all. Thread-safe (RocksDB is).
 */
public final class AppStore implements AutoCloseable {
  private static final byte[] STATE = bytes("state");

  static {
    RocksDB.loadLibrary();
  }

  private final Options options;
  private final RocksDB db;

  private AppStore(Options options, RocksDB db) {
    this.options = options;
    this.db = db;
  }

  public static AppStore open(Path dir) {
    Options options = new Options().setCreateIfMissing(true);
    try {
      Files.createDirectories(dir);
      return new AppStore(options, RocksDB.open(options, dir.toString()));
    } catch (RocksDBException | IOException e) {
      options.close();
      throw new AppException("cannot open the app store at " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The last committed state, empty before InitChain's first commit. */
  public Optional<AppState> load() {
    return get(STATE).map(AppState::decode);
  }

  /** Writes {@code state} and {@code records} (key → value) in one synced batch. */
  public void commit(AppState state, Map<byte[], byte[]> records) {
    try (WriteBatch batch = new WriteBatch();
        WriteOptions sync = new WriteOptions().setSync(true)) {
      for (Map.Entry<byte[], byte[]> e : records.entrySet()) {
        batch.put(e.getKey(), e.getValue());
      }
      batch.put(STATE, state.encode());
      db.write(sync, batch);
    } catch (RocksDBException e) {
      throw new AppException("cannot commit height " + state.height + ": " + e.getMessage(), e);
    }
  }

  public Optional<byte[]> get(byte[] key) {
    try {
      return Optional.ofNullable(db.get(key));
    } catch (RocksDBException e) {
      throw new AppException("cannot read the app store: " + e.getMessage(), e);
    }
  }

  /** Values under {@code prefix}, in key order, at most {@code limit}. */
  public List<byte[]> scan(byte[] prefix, int limit) {
    List<byte[]> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(prefix); it.isValid() && out.size() < limit; it.next()) {
        byte[] k = it.key();
        if (k.length < prefix.length
            || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
          break;
        }
        out.add(it.value());
      }
    }
    return out;
  }

  /** Every key/value whose key does not start with {@code excludedPrefix}, in key order. */
  public Map<byte[], byte[]> entriesExcept(byte[] excludedPrefix) {
    Map<byte[], byte[]> out = new LinkedHashMap<>();
    try (RocksIterator it = db.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k.length >= excludedPrefix.length
            && Arrays.equals(
                k, 0, excludedPrefix.length, excludedPrefix, 0, excludedPrefix.length)) {
          continue;
        }
        out.put(k, it.value());
      }
    }
    return out;
  }

  /** Writes {@code puts} and deletes {@code deletes} in one synced batch. */
  public void write(Map<byte[], byte[]> puts, List<byte[]> deletes) {
    try (WriteBatch batch = new WriteBatch();
        WriteOptions sync = new WriteOptions().setSync(true)) {
      for (byte[] d : deletes) {
        batch.delete(d);
      }
      for (Map.Entry<byte[], byte[]> e : puts.entrySet()) {
        batch.put(e.getKey(), e.getValue());
      }
      db.write(sync, batch);
    } catch (RocksDBException e) {
      throw new AppException("cannot write the app store: " + e.getMessage(), e);
    }
  }

  /** Keys under {@code prefix}, in key order. */
  public List<byte[]> keys(byte[] prefix) {
    List<byte[]> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k.length < prefix.length
            || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
          break;
        }
        out.add(k);
      }
    }
    return out;
  }

  /** {@code prefix ‖ uint64 big-endian n}: keys that sort by number. */
  public static byte[] key(String prefix, long n) {
    byte[] p = bytes(prefix);
    return ByteBuffer.allocate(p.length + 8).put(p).putLong(n).array();
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** An insertion-ordered record map for {@link #commit}. */
  public static Map<byte[], byte[]> records() {
    return new LinkedHashMap<>();
  }

  @Override
  public void close() {
    db.close();
    options.close();
  }
}
