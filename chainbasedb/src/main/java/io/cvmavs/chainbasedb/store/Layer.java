package io.cvmavs.chainbasedb.store;

import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.IndexValues;
import io.cvmavs.chainbasedb.validate.StateModel;
import io.cvmavs.chainbasedb.validate.StateWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Uncommitted writes over a parent (another layer, or the committed store): a mutation's writes
 * over its block's, a block's over RocksDB. A refused mutation's layer is dropped; an accepted one
 * is merged into its parent. Keeps ordered indexes in step with document writes. Not thread-safe.
 */
final class Layer implements StateWriter {
  static final byte[] DELETED = new byte[0];

  private final Function<byte[], byte[]> parent;
  private final Layer parentLayer;
  final TreeMap<byte[], byte[]> writes = new TreeMap<>(Arrays::compareUnsigned);

  Layer(Function<byte[], byte[]> committed) {
    this.parent = committed;
    this.parentLayer = null;
  }

  Layer(Layer parentLayer) {
    this.parent = parentLayer::get;
    this.parentLayer = parentLayer;
  }

  /** The value, or null when absent or deleted. */
  byte[] get(byte[] key) {
    byte[] v = writes.get(key);
    if (v != null) {
      return v == DELETED ? null : v;
    }
    return parent.apply(key);
  }

  void put(byte[] key, byte[] value) {
    writes.put(key, value);
  }

  void delete(byte[] key) {
    writes.put(key, DELETED);
  }

  void mergeIntoParent() {
    parentLayer.writes.putAll(writes);
  }

  // -------------------------------------------------------------- StateView

  @Override
  public long nonce(Identity sender) {
    byte[] v = get(StateKeys.nonce(sender));
    return v == null ? 0 : StateKeys.readU64(v);
  }

  @Override
  public Optional<StateModel.Database> database(Identity db) {
    byte[] v = get(StateKeys.database(db));
    return v == null ? Optional.empty() : Optional.of(StateKeys.decodeDatabase(db, v));
  }

  @Override
  public boolean isMember(Identity db, Identity user) {
    return get(StateKeys.member(db, user)) != null;
  }

  @Override
  public Optional<StateModel.Collection> collection(Identity db, String name) {
    byte[] v = get(StateKeys.collection(db, name));
    return v == null ? Optional.empty() : Optional.of(StateKeys.decodeCollection(db, name, v));
  }

  @Override
  public Optional<StateModel.Document> document(Identity db, String collection, byte[] id) {
    byte[] v = get(StateKeys.document(db, collection, id));
    return v == null ? Optional.empty() : Optional.of(StateKeys.decodeDocument(v));
  }

  // -------------------------------------------------------------- StateWriter

  @Override
  public void putNonce(Identity sender, long nonce) {
    put(StateKeys.nonce(sender), StateKeys.u64(nonce));
  }

  @Override
  public void putDatabase(StateModel.Database db) {
    put(StateKeys.database(db.address()), StateKeys.encodeDatabase(db));
  }

  @Override
  public void putMember(Identity db, Identity user) {
    put(StateKeys.member(db, user), new byte[] {1});
  }

  @Override
  public void putCollection(StateModel.Collection c) {
    put(StateKeys.collection(c.db(), c.name()), StateKeys.encodeCollection(c));
  }

  @Override
  public void putDocument(StateModel.Collection c, byte[] id, StateModel.Document doc) {
    removeIndexEntries(c, id);
    put(StateKeys.document(c.db(), c.name(), id), StateKeys.encodeDocument(doc));
    BsonDocument d = BsonDocuments.decodeTrusted(doc.bson());
    for (IndexSpec s : c.indexes()) {
      for (byte[] k : indexKeys(c, s, d, id)) {
        put(k, INDEX_ENTRY);
      }
    }
  }

  @Override
  public void deleteDocument(StateModel.Collection c, byte[] id) {
    removeIndexEntries(c, id);
    delete(StateKeys.document(c.db(), c.name(), id));
  }

  /** The value of an index entry (its key says everything). */
  static final byte[] INDEX_ENTRY = new byte[] {1};

  private void removeIndexEntries(StateModel.Collection c, byte[] id) {
    Optional<StateModel.Document> old = document(c.db(), c.name(), id);
    if (old.isEmpty()) {
      return;
    }
    BsonDocument d = BsonDocuments.decodeTrusted(old.get().bson());
    for (IndexSpec s : c.indexes()) {
      for (byte[] k : indexKeys(c, s, d, id)) {
        delete(k);
      }
    }
  }

  /**
   * The RocksDB entries of one index for one document: an ordered index has one; a graph index has
   * two (the edge forwards and backwards) when both endpoints are non-null, else none; a vector
   * index has none (it lives in Lucene, see {@link VectorIndexes}).
   */
  static List<byte[]> indexKeys(StateModel.Collection c, IndexSpec s, BsonDocument d, byte[] id) {
    return switch (s.kind()) {
      case ORDERED_INDEX -> List.of(indexKey(c, s, d, id));
      case GRAPH_INDEX -> {
        List<BsonValue> ends = IndexValues.of(s, d, "document");
        if (ends.get(0).isNull() || ends.get(1).isNull()) {
          yield List.of();
        }
        byte[] from = OrderedKeys.encode(List.of(ends.get(0)));
        byte[] to = OrderedKeys.encode(List.of(ends.get(1)));
        yield List.of(
            StateKeys.edge(StateKeys.INDEX, c.db(), c.name(), s.name(), from, to, id),
            StateKeys.edge(StateKeys.REVERSE_EDGE, c.db(), c.name(), s.name(), to, from, id));
      }
      case VECTOR_INDEX -> List.of();
    };
  }

  static byte[] indexKey(StateModel.Collection c, IndexSpec s, BsonDocument d, byte[] id) {
    byte[] prefix = StateKeys.indexPrefix(c.db(), c.name(), s.name());
    byte[] values = OrderedKeys.encode(IndexValues.of(s, d, "document"));
    byte[] key = Arrays.copyOf(prefix, prefix.length + values.length + id.length);
    System.arraycopy(values, 0, key, prefix.length, values.length);
    System.arraycopy(id, 0, key, prefix.length + values.length, id.length);
    return key;
  }

  Map<byte[], byte[]> writes() {
    return writes;
  }
}
