package io.cvmavs.chainbasedb.store;

import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.IndexValues;
import io.cvmavs.chainbasedb.format.Plain;
import io.cvmavs.chainbasedb.format.SigningHash;
import io.cvmavs.chainbasedb.validate.StateModel;
import io.cvmavs.chainbasedb.vector.HnswIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bson.BsonDocument;

/**
 * The vector indexes of a ChainbaseDB: one {@link HnswIndex} per declared {@code vector_index},
 * under {@code <db dir>/vector/<hex of the first 16 bytes of SHA-256(STRING(db) ‖
 * STRING(collection) ‖ STRING(index))>}.
 *
 * <p>They are derived from the documents (which are in the state root) and are not in the root
 * themselves: HNSW is approximate and its graph depends on insertion order and segment history.
 * After each block's RocksDB batch is durable, {@link #afterCommit} applies the block's document
 * writes and commits every index with the block height. An index whose committed height differs
 * from the store's on open (a crash between the two commits, a lost or corrupt directory) is
 * rebuilt from the documents in id order. Guarded by the store's lock.
 */
final class VectorIndexes implements AutoCloseable {
  private final Path root;
  private final Map<String, HnswIndex> open = new java.util.concurrent.ConcurrentHashMap<>();

  VectorIndexes(Path root) {
    this.root = root;
  }

  static String dirName(Identity db, String collection, String index) {
    byte[] key =
        new Plain.Writer().string(db.toString()).string(collection).string(index).toBytes();
    byte[] h = SigningHash.newSha256().digest(key);
    return HexFormat.of().formatHex(h, 0, 16);
  }

  /** The index for a declared vector_index, opened on first use. */
  HnswIndex index(StateModel.Collection c, IndexSpec spec) {
    String name = dirName(c.db(), c.name(), spec.name());
    return open.computeIfAbsent(
        name,
        n ->
            HnswIndex.open(
                root.resolve(n), spec.dimension(), HnswIndex.Metric.parse(spec.metric())));
  }

  /** The index if {@code c} declares a vector_index {@code name}, else empty. */
  Optional<IndexSpec> spec(StateModel.Collection c, String name) {
    return c.indexes().stream()
        .filter(s -> s.kind() == IndexSpec.Kind.VECTOR_INDEX && s.name().equals(name))
        .findFirst();
  }

  static List<IndexSpec> vectorSpecs(StateModel.Collection c) {
    return c.indexes().stream().filter(s -> s.kind() == IndexSpec.Kind.VECTOR_INDEX).toList();
  }

  /**
   * Applies a committed block's document writes ({@code writes}: key → value or {@link
   * Layer#DELETED}), then commits every open index at {@code height}.
   */
  void afterCommit(
      Map<byte[], byte[]> writes,
      Function<Identity, Function<String, Optional<StateModel.Collection>>> collections,
      long height) {
    for (Map.Entry<byte[], byte[]> e : writes.entrySet()) {
      byte[] k = e.getKey();
      if (StateKeys.isCollection(k) && e.getValue() != Layer.DELETED) {
        Map.Entry<Identity, String> dc = StateKeys.parseCollection(k);
        StateModel.Collection c =
            StateKeys.decodeCollection(dc.getKey(), dc.getValue(), e.getValue());
        for (IndexSpec s : vectorSpecs(c)) {
          index(c, s); // created with the collection, so it is committed at this height too
        }
      }
      if (!StateKeys.isDocument(k)) {
        continue;
      }
      StateKeys.DocumentKey dk = StateKeys.parseDocument(k);
      Optional<StateModel.Collection> c = collections.apply(dk.db()).apply(dk.collection());
      if (c.isEmpty()) {
        continue;
      }
      List<IndexSpec> specs = vectorSpecs(c.get());
      if (specs.isEmpty()) {
        continue;
      }
      BsonDocument doc =
          e.getValue() == Layer.DELETED
              ? null
              : BsonDocuments.decodeTrusted(StateKeys.decodeDocument(e.getValue()).bson());
      for (IndexSpec s : specs) {
        HnswIndex idx = index(c.get(), s);
        float[] v = doc == null ? null : IndexValues.vector(s, doc, "document");
        if (v == null) {
          idx.delete(dk.id());
        } else {
          idx.put(dk.id(), v);
        }
      }
    }
    for (HnswIndex idx : open.values()) {
      idx.commit(height);
    }
  }

  /**
   * Opens the index of every declared vector_index and rebuilds each whose committed height is not
   * {@code height}, from the collection's documents in id order ({@code documents} streams (id,
   * document record) pairs in key order).
   *
   * @return the number of indexes rebuilt
   */
  int openAll(
      List<StateModel.Collection> collections,
      Function<StateModel.Collection, Stream<Map.Entry<byte[], byte[]>>> documents,
      long height) {
    int rebuilt = 0;
    for (StateModel.Collection c : collections) {
      for (IndexSpec s : vectorSpecs(c)) {
        HnswIndex idx;
        try {
          idx = index(c, s);
        } catch (UncheckedIOException | IllegalArgumentException e) {
          // Unreadable: start from an empty directory and rebuild.
          deleteTree(root.resolve(dirName(c.db(), c.name(), s.name())));
          idx = index(c, s);
        }
        if (idx.committedHeight() == height) {
          continue;
        }
        rebuild(idx, s, documents.apply(c), height);
        rebuilt++;
      }
    }
    return rebuilt;
  }

  static void rebuild(
      HnswIndex idx, IndexSpec s, Stream<Map.Entry<byte[], byte[]>> documents, long height) {
    idx.clear();
    try (documents) {
      documents.forEach(
          d -> {
            BsonDocument doc =
                BsonDocuments.decodeTrusted(StateKeys.decodeDocument(d.getValue()).bson());
            float[] v = IndexValues.vector(s, doc, "document");
            if (v != null) {
              idx.put(d.getKey(), v);
            }
          });
    }
    idx.commit(height);
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + p, e);
    }
  }

  @Override
  public void close() {
    for (HnswIndex idx : open.values()) {
      idx.close();
    }
    open.clear();
  }
}
