package io.cvmavs.chainbasedb.store;

import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.validate.CheckedMutation;
import io.cvmavs.chainbasedb.validate.MutationValidator;
import io.cvmavs.chainbasedb.validate.Refusal;
import io.cvmavs.chainbasedb.validate.StateModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.bson.BsonValue;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * ChainbaseDB: databases, collections and BSON documents on RocksDB, with ordered indexes and a
 * deterministic state root (docs/DB3-FORMAT.md §9). The CVM chain app calls:
 *
 * <ul>
 *   <li>{@link #checkSession()} for CheckTx (a scratch layer over the committed state that
 *       accumulates the mempool's accepted mutations, so a sender's nonce n+1 passes after n);
 *   <li>{@link #apply(long, List)} for FinalizeBlock: the mutations of block {@code height} in
 *       order; refused ones are skipped with their code; one synced RocksDB write per block;
 *       returns the new state root for the app hash.
 * </ul>
 *
 * Reads: {@link #document}, {@link #range}, {@link #prefix}. Reads and CheckTx may run concurrently
 * with each other; {@code apply} is serialised.
 */
public final class ChainbaseDb implements AutoCloseable {
  static {
    RocksDB.loadLibrary();
  }

  private static final byte[] HEIGHT = StateKeys.meta("height");

  private final Options options;
  private final RocksDB db;
  private final WriteOptions syncWrite;
  private final MutationValidator validator;
  private final StateRoot root = new StateRoot();
  private final VectorIndexes vectors;
  private volatile long height;

  private ChainbaseDb(Options options, RocksDB db, MutationValidator validator, Path dir) {
    this.options = options;
    this.db = db;
    this.syncWrite = new WriteOptions().setSync(true);
    this.validator = validator;
    this.vectors = new VectorIndexes(dir.resolve(VECTOR_DIR));
  }

  /** Sub-directory of the store's directory that holds the vector indexes (not RocksDB's). */
  public static final String VECTOR_DIR = "vector";

  /** Opens (or creates) the store at {@code dir} for the CVM chain {@code chainId}. */
  public static ChainbaseDb open(Path dir, long chainId) {
    return open(dir, chainId, true);
  }

  /**
   * Opens an existing store with the chain id recorded when it was created (tools that read or
   * append to a node's store).
   *
   * @throws StoreException when {@code dir} holds no ChainbaseDB
   */
  public static ChainbaseDb openExisting(Path dir) {
    if (!Files.isRegularFile(dir.resolve("CURRENT"))) {
      throw new StoreException("no ChainbaseDB at " + dir + " (no RocksDB CURRENT file)");
    }
    return open(dir, -1, false);
  }

  private static final byte[] CHAIN_ID = StateKeys.meta("chain_id");

  private static ChainbaseDb open(Path dir, long chainId, boolean create) {
    // RocksDB defaults. Tried and measured worse (docs/BENCHMARKS.md): bloom filters + a block
    // cache holding index/filter blocks + L0 compaction at 2 files.
    Options options = new Options().setCreateIfMissing(create);
    RocksDB rocks;
    try {
      Files.createDirectories(dir);
      rocks = RocksDB.open(options, dir.toString());
    } catch (RocksDBException | IOException e) {
      options.close();
      throw new StoreException("cannot open ChainbaseDB at " + dir + ": " + e.getMessage(), e);
    }
    long chain;
    try {
      byte[] recorded = rocks.get(CHAIN_ID);
      if (recorded == null) {
        if (!create) {
          throw new StoreException(
              "the ChainbaseDB at " + dir + " records no chain id; open it with its chain id");
        }
        try (WriteOptions sync = new WriteOptions().setSync(true)) {
          rocks.put(sync, CHAIN_ID, StateKeys.u64(chainId));
        }
        chain = chainId;
      } else {
        chain = StateKeys.readU64(recorded);
        if (create && chain != chainId) {
          throw new StoreException(
              "the ChainbaseDB at "
                  + dir
                  + " belongs to chain "
                  + Long.toUnsignedString(chain)
                  + ", not "
                  + Long.toUnsignedString(chainId));
        }
      }
    } catch (RocksDBException | RuntimeException e) {
      rocks.close();
      options.close();
      throw e instanceof StoreException se
          ? se
          : new StoreException("cannot open ChainbaseDB at " + dir + ": " + e.getMessage(), e);
    }
    ChainbaseDb s = new ChainbaseDb(options, rocks, new MutationValidator(chain), dir);
    try {
      s.load();
      s.vectors.openAll(s.collections(), s::documentRecords, s.height);
    } catch (RocksDBException | RuntimeException e) {
      s.close();
      throw e instanceof StoreException se
          ? se
          : new StoreException("cannot open ChainbaseDB at " + dir + ": " + e.getMessage(), e);
    }
    return s;
  }

  private void load() throws RocksDBException {
    byte[] h = db.get(HEIGHT);
    height = h == null ? 0 : StateKeys.readU64(h);
    Map<Integer, byte[]> buckets = new HashMap<>();
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(new byte[] {StateKeys.BUCKET}); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k[0] != StateKeys.BUCKET) {
          break;
        }
        buckets.put(((k[1] & 0xFF) << 8) | (k[2] & 0xFF), it.value());
      }
    }
    root.update(buckets);
  }

  public MutationValidator validator() {
    return validator;
  }

  /** The last applied block height (0 before the first). */
  public long height() {
    return height;
  }

  /** The state root after {@link #height()}. */
  public synchronized byte[] stateRoot() {
    return root.root();
  }

  private byte[] committed(byte[] key) {
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ CheckTx

  /**
   * A CheckTx session over the committed state: each accepted mutation's writes stay in the
   * session, so later checks see them (the mempool's view). Start a new session after each commit.
   */
  public CheckSession checkSession() {
    return new CheckSession(new Layer(this::committed));
  }

  /** CheckTx against the committed state and the mutations this session accepted. */
  public final class CheckSession {
    private final Layer pending;

    private CheckSession(Layer pending) {
      this.pending = pending;
    }

    /**
     * @return the checked mutation
     * @throws Refusal with the code and the field at fault; the session is unchanged
     */
    public synchronized CheckedMutation check(byte[] encoded) {
      CheckedMutation cm = validator.checkStateless(encoded);
      Layer tx = new Layer(pending);
      validator.apply(cm, tx);
      tx.mergeIntoParent();
      return cm;
    }
  }

  // ------------------------------------------------------------------ FinalizeBlock

  /** Outcome of one mutation in a block: refusal empty when applied. */
  public record TxResult(int index, Optional<Refusal> refusal) {
    public int code() {
      return refusal.map(r -> r.code().code()).orElse(0);
    }
  }

  /** A block's outcome: the new state root and one result per mutation. */
  public record BlockResult(long height, byte[] stateRoot, List<TxResult> results) {}

  /**
   * Applies the mutations of block {@code height} (= {@link #height()} + 1) in order. Signatures
   * are checked in parallel first; nonces, permissions and writes then run in block order. A
   * refused mutation changes nothing. The block's writes, index entries, root buckets, the height
   * and the block's outcome (a digest of its mutations and every result) go to RocksDB in one
   * synced batch.
   *
   * <p><b>Replay</b>: {@code height} = {@link #height()} (a consensus app that crashed after this
   * call and before its own commit is handed the same block again) applies nothing and returns the
   * stored outcome, after checking that the mutations are the ones applied at that height.
   *
   * @throws StoreException for any other height, or a replay with other mutations (the store and
   *     the chain have diverged)
   */
  public synchronized BlockResult apply(long height, List<byte[]> mutations) {
    if (height == this.height && height > 0) {
      return replay(height, mutations);
    }
    if (height != this.height + 1) {
      throw new StoreException(
          "block " + height + " does not follow the last applied block " + this.height);
    }
    List<Object> checked =
        mutations.parallelStream()
            .map(
                m -> {
                  try {
                    return (Object) validator.checkStateless(m);
                  } catch (Refusal r) {
                    return r;
                  }
                })
            .toList();
    Layer block = new Layer(this::committed);
    List<TxResult> results = new ArrayList<>(mutations.size());
    for (int i = 0; i < checked.size(); i++) {
      if (checked.get(i) instanceof Refusal r) {
        results.add(new TxResult(i, Optional.of(r)));
        continue;
      }
      Layer tx = new Layer(block);
      try {
        validator.apply((CheckedMutation) checked.get(i), tx);
        tx.mergeIntoParent();
        results.add(new TxResult(i, Optional.empty()));
      } catch (Refusal r) {
        results.add(new TxResult(i, Optional.of(r)));
      }
    }
    commit(block, height, lastBlockRecord(height, mutations, results));
    return new BlockResult(height, root.root(), List.copyOf(results));
  }

  private static final byte[] LAST_BLOCK = StateKeys.meta("last_block");

  /** SHA-256 over each mutation's u32 length and bytes, in block order. */
  private static byte[] blockDigest(List<byte[]> mutations) {
    java.security.MessageDigest md = io.cvmavs.chainbasedb.format.SigningHash.newSha256();
    for (byte[] m : mutations) {
      md.update(new io.cvmavs.chainbasedb.format.Plain.Writer().u32(m.length).toBytes());
      md.update(m);
    }
    return md.digest();
  }

  /** height ‖ digest ‖ LIST of (code name, field, detail; "" when applied). */
  private static byte[] lastBlockRecord(
      long height, List<byte[]> mutations, List<TxResult> results) {
    return new io.cvmavs.chainbasedb.format.Plain.Writer()
        .u64(height)
        .fixed(blockDigest(mutations), 32)
        .list(
            results,
            (w, r) -> {
              w.string(r.refusal().map(x -> x.code().name()).orElse(""));
              w.string(r.refusal().map(Refusal::field).orElse(""));
              w.string(r.refusal().map(Refusal::detail).orElse(""));
            })
        .toBytes();
  }

  private BlockResult replay(long height, List<byte[]> mutations) {
    byte[] rec = committed(LAST_BLOCK);
    if (rec == null) {
      throw new StoreException(
          "block " + height + " is already applied and this store keeps no record of its outcome");
    }
    io.cvmavs.chainbasedb.format.Plain.Reader in =
        new io.cvmavs.chainbasedb.format.Plain.Reader(rec);
    long h = in.u64("last_block.height");
    byte[] digest = in.fixed("last_block.digest", 32);
    if (h != height || !Arrays.equals(digest, blockDigest(mutations))) {
      throw new StoreException(
          "block "
              + height
              + " was already applied with other mutations (stored digest of height "
              + h
              + " differs): this store has diverged from the chain");
    }
    List<Optional<Refusal>> outcomes =
        in.list(
            "last_block.results",
            1 << 24,
            f -> {
              String code = in.string(f + ".code", 64);
              String field = in.string(f + ".field", 1 << 16);
              String detail = in.string(f + ".detail", 1 << 20);
              return code.isEmpty()
                  ? Optional.empty()
                  : Optional.of(
                      new Refusal(
                          io.cvmavs.chainbasedb.validate.RefusalCode.valueOf(code), field, detail));
            });
    List<TxResult> results = new ArrayList<>(outcomes.size());
    for (Optional<Refusal> o : outcomes) {
      results.add(new TxResult(results.size(), o));
    }
    in.end("last_block");
    if (results.size() != mutations.size()) {
      throw new StoreException(
          "the stored outcome of block " + height + " does not match its mutations");
    }
    return new BlockResult(height, root.root(), List.copyOf(results));
  }

  /** The state root of a store that holds no state. */
  public static byte[] emptyRoot() {
    return new StateRoot().root();
  }

  /** True while the store holds no state (its root is {@link #emptyRoot()}). */
  public synchronized boolean isEmpty() {
    return Arrays.equals(root.root(), EMPTY_ROOT);
  }

  private static final byte[] EMPTY_ROOT = emptyRoot();

  /**
   * Moves a store that holds no state to {@code height} without applying blocks (a consensus node
   * that joins by state sync, or a chain that had no DB3 data before this store was created): the
   * next block is {@code height + 1}.
   *
   * @throws StoreException when the store holds state or is already past {@code height}
   */
  public synchronized void startAt(long height) {
    if (!isEmpty() || height < this.height) {
      throw new StoreException(
          "cannot start the store at height "
              + height
              + ": it "
              + (isEmpty() ? "is at height " + this.height : "holds state"));
    }
    try (WriteBatch batch = new WriteBatch()) {
      batch.put(HEIGHT, StateKeys.u64(height));
      batch.delete(LAST_BLOCK);
      db.write(syncWrite, batch);
      this.height = height;
    } catch (RocksDBException e) {
      throw new StoreException("cannot set height " + height + ": " + e.getMessage(), e);
    }
  }

  private void commit(Layer block, long newHeight, byte[] lastBlock) {
    Map<Integer, TreeMap<byte[], byte[]>> leafChanges = new TreeMap<>();
    try (WriteBatch batch = new WriteBatch();
        RocksIterator leaves = db.newIterator()) {
      for (Map.Entry<byte[], byte[]> e : block.writes().entrySet()) {
        byte[] k = e.getKey();
        byte[] v = e.getValue();
        if (v == Layer.DELETED) {
          batch.delete(k);
        } else {
          batch.put(k, v);
        }
        if (k[0] == StateKeys.STATE) {
          byte[] kh = StateRoot.sha256(k);
          leafChanges
              .computeIfAbsent(StateRoot.bucketOf(kh), b -> new TreeMap<>(Arrays::compareUnsigned))
              .put(kh, v == Layer.DELETED ? Layer.DELETED : StateRoot.sha256(v));
        }
      }
      Map<Integer, byte[]> bucketHashes = new HashMap<>();
      for (Map.Entry<Integer, TreeMap<byte[], byte[]>> b : leafChanges.entrySet()) {
        byte[] prefix = {StateKeys.LEAF, (byte) (b.getKey() >> 8), (byte) (int) b.getKey()};
        SortedMap<byte[], byte[]> pairs = readBucket(leaves, prefix);
        for (Map.Entry<byte[], byte[]> c : b.getValue().entrySet()) {
          byte[] leafKey = concat(prefix, c.getKey());
          if (c.getValue() == Layer.DELETED) {
            pairs.remove(c.getKey());
            batch.delete(leafKey);
          } else {
            pairs.put(c.getKey(), c.getValue());
            batch.put(leafKey, c.getValue());
          }
        }
        byte[] h = StateRoot.bucketHash(pairs);
        bucketHashes.put(b.getKey(), h);
        batch.put(new byte[] {StateKeys.BUCKET, prefix[1], prefix[2]}, h);
      }
      batch.put(HEIGHT, StateKeys.u64(newHeight));
      batch.put(LAST_BLOCK, lastBlock);
      db.write(syncWrite, batch);
      root.update(bucketHashes);
      height = newHeight;
    } catch (RocksDBException e) {
      throw new StoreException("cannot write block " + newHeight + ": " + e.getMessage(), e);
    }
    try {
      vectors.afterCommit(block.writes(), d -> name -> collection(d, name), newHeight);
    } catch (RuntimeException e) {
      throw new StoreException(
          "block "
              + newHeight
              + " is committed but its vector index update failed ("
              + e.getMessage()
              + "); reopening the store rebuilds the vector indexes from the documents",
          e);
    }
  }

  /** Every collection of the committed state, in key order. */
  List<StateModel.Collection> collections() {
    List<StateModel.Collection> out = new ArrayList<>();
    byte[] prefix = StateKeys.collectionPrefix();
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
        Map.Entry<Identity, String> dc = StateKeys.parseCollection(it.key());
        out.add(StateKeys.decodeCollection(dc.getKey(), dc.getValue(), it.value()));
      }
    }
    return out;
  }

  /** The committed (id, document record) pairs of a collection in id order; close the stream. */
  java.util.stream.Stream<Map.Entry<byte[], byte[]>> documentRecords(StateModel.Collection c) {
    byte[] prefix = StateKeys.documentPrefix(c.db(), c.name());
    RocksIterator it = db.newIterator();
    it.seek(prefix);
    java.util.Iterator<Map.Entry<byte[], byte[]>> iter =
        new java.util.Iterator<>() {
          @Override
          public boolean hasNext() {
            return it.isValid() && startsWith(it.key(), prefix);
          }

          @Override
          public Map.Entry<byte[], byte[]> next() {
            if (!hasNext()) {
              throw new java.util.NoSuchElementException();
            }
            byte[] k = it.key();
            Map.Entry<byte[], byte[]> e =
                Map.entry(Arrays.copyOfRange(k, prefix.length, k.length), it.value());
            it.next();
            return e;
          }
        };
    return java.util.stream.StreamSupport.stream(
            java.util.Spliterators.spliteratorUnknownSize(iter, java.util.Spliterator.ORDERED),
            false)
        .onClose(it::close);
  }

  /** The committed leaves of one bucket; buckets are read in ascending order with one iterator. */
  private static SortedMap<byte[], byte[]> readBucket(RocksIterator it, byte[] prefix) {
    SortedMap<byte[], byte[]> out = new TreeMap<>(Arrays::compareUnsigned);
    for (it.seek(prefix); it.isValid(); it.next()) {
      byte[] k = it.key();
      if (!startsWith(k, prefix)) {
        break;
      }
      out.put(Arrays.copyOfRange(k, prefix.length, k.length), it.value());
    }
    return out;
  }

  /**
   * Recomputes the state root from a full scan of the state (not from the stored buckets): an
   * integrity check, and the reference for the incremental root in tests.
   */
  public byte[] recomputeStateRoot() {
    List<Map.Entry<byte[], byte[]>> all = new ArrayList<>();
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(new byte[] {StateKeys.STATE}); it.isValid(); it.next()) {
        byte[] k = it.key();
        if (k[0] != StateKeys.STATE) {
          break;
        }
        all.add(new AbstractMap.SimpleImmutableEntry<>(k, it.value()));
      }
    }
    return StateRoot.fromScratch(all);
  }

  // ------------------------------------------------------------------ reads

  public Optional<StateModel.Database> database(Identity db) {
    return new Layer(this::committed).database(db);
  }

  public Optional<StateModel.Collection> collection(Identity db, String name) {
    return new Layer(this::committed).collection(db, name);
  }

  /** KV by id. */
  public Optional<StateModel.Document> document(Identity db, String collection, byte[] id) {
    return new Layer(this::committed).document(db, collection, id);
  }

  /** A bound on the leading index fields: k ≤ the index's field count values. */
  public record Bound(List<BsonValue> values, boolean inclusive) {
    public Bound {
      values = List.copyOf(values);
    }

    public static Bound inclusive(BsonValue... values) {
      return new Bound(List.of(values), true);
    }

    public static Bound exclusive(BsonValue... values) {
      return new Bound(List.of(values), false);
    }
  }

  /** One query result: the document id, its owner and its BSON. */
  public record Hit(byte[] id, Identity owner, byte[] bson) {}

  /**
   * Documents of {@code collection} whose index tuple t satisfies low ≤ t[0..k) ≤ high (strict
   * where a bound is exclusive; null = unbounded), in index order, then by id; at most {@code
   * limit}.
   */
  public List<Hit> range(
      Identity dbId, String collection, String index, Bound low, Bound high, int limit) {
    StateModel.Collection c =
        collection(dbId, collection)
            .orElseThrow(() -> new StoreException("no collection '" + collection + "' in " + dbId));
    IndexSpec spec =
        c.indexes().stream()
            .filter(s -> s.name().equals(index))
            .findFirst()
            .orElseThrow(
                () ->
                    new StoreException(
                        "collection '" + collection + "' has no index '" + index + "'"));
    checkBound(spec, low, "low");
    checkBound(spec, high, "high");
    byte[] prefix = StateKeys.indexPrefix(dbId, collection, index);
    byte[] start;
    if (low == null) {
      start = prefix;
    } else {
      byte[] p = concat(prefix, OrderedKeys.encode(low.values()));
      start = low.inclusive() ? p : OrderedKeys.successor(p);
    }
    byte[] end;
    if (high == null) {
      end = OrderedKeys.successor(prefix);
    } else {
      byte[] p = concat(prefix, OrderedKeys.encode(high.values()));
      end = high.inclusive() ? OrderedKeys.successor(p) : p;
    }
    List<Hit> out = new ArrayList<>(Math.min(limit, 1024));
    List<byte[]> ids = new ArrayList<>();
    try (Slice upper = new Slice(end);
        ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
        RocksIterator it = db.newIterator(ro)) {
      for (it.seek(start); it.isValid() && ids.size() < limit; it.next()) {
        byte[] k = it.key();
        ids.add(Arrays.copyOfRange(k, k.length - 16, k.length));
      }
    }
    if (ids.isEmpty()) {
      return out;
    }
    List<byte[]> keys = new ArrayList<>(ids.size());
    for (byte[] id : ids) {
      keys.add(StateKeys.document(dbId, collection, id));
    }
    try {
      List<byte[]> values = db.multiGetAsList(keys);
      for (int i = 0; i < ids.size(); i++) {
        StateModel.Document d = StateKeys.decodeDocument(values.get(i));
        out.add(new Hit(ids.get(i), d.owner(), d.bson()));
      }
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    }
    return out;
  }

  /** Documents whose first k index values equal {@code values}. */
  public List<Hit> prefix(
      Identity dbId, String collection, String index, List<BsonValue> values, int limit) {
    Bound b = new Bound(values, true);
    return range(dbId, collection, index, b, b, limit);
  }

  private static void checkBound(IndexSpec spec, Bound b, String which) {
    if (b == null) {
      return;
    }
    if (b.values().isEmpty() || b.values().size() > spec.fields().size()) {
      throw new StoreException(
          which
              + " bound has "
              + b.values().size()
              + " values; index '"
              + spec.name()
              + "' has "
              + spec.fields().size()
              + " fields (give 1.."
              + spec.fields().size()
              + ")");
    }
    for (int i = 0; i < b.values().size(); i++) {
      if (!io.cvmavs.chainbasedb.format.IndexValues.indexable(b.values().get(i))) {
        throw new StoreException(
            which
                + " bound value "
                + i
                + " has type "
                + b.values().get(i).getBsonType()
                + ", not indexable");
      }
    }
  }

  // ------------------------------------------------------------------ vector and graph reads

  /** Largest k, limit or candidate list a vector or graph query takes. */
  public static final int MAX_RESULTS = 10_000;

  /** Largest number of hops of a traversal or path query. */
  public static final int MAX_HOPS = 16;

  /** Candidate list of a k-NN search when the caller gives none (recall, docs/BENCHMARKS.md). */
  public static final int DEFAULT_CANDIDATES = 100;

  /**
   * A k-NN result: the document, and its exact metric value to the query (see {@link #nearest}).
   */
  public record Near(byte[] id, Identity owner, byte[] bson, double score) {}

  private StateModel.Collection existing(Identity dbId, String collection) {
    return collection(dbId, collection)
        .orElseThrow(() -> new StoreException("no collection '" + collection + "' in " + dbId));
  }

  private static IndexSpec indexOf(StateModel.Collection c, String index, IndexSpec.Kind kind) {
    IndexSpec spec =
        c.indexes().stream()
            .filter(s -> s.name().equals(index))
            .findFirst()
            .orElseThrow(
                () ->
                    new StoreException(
                        "collection '" + c.name() + "' has no index '" + index + "'"));
    if (spec.kind() != kind) {
      throw new StoreException(
          "index '" + index + "' is a " + spec.kind().wire() + ", not a " + kind.wire());
    }
    return spec;
  }

  private static void checkCount(String what, int n, int min, int max) {
    if (n < min || n > max) {
      throw new StoreException(what + " must be " + min + ".." + max + ", got " + n);
    }
  }

  /**
   * The approximate {@code k} nearest documents to {@code query} by the vector index {@code index}:
   * HNSW with a candidate list of {@code max(k, candidates)}, the first {@code k} hits by Lucene's
   * similarity (the metric in float on the indexed vector), returned ranked by the exact metric
   * value computed in double from each document's current vector: cosine similarity and dot product
   * descending, l2 distance ascending, ties by id. Results are approximate and may differ between
   * nodes (the graph depends on history); they are not part of consensus.
   */
  public List<Near> nearest(
      Identity dbId, String collection, String index, float[] query, int k, int candidates) {
    StateModel.Collection c = existing(dbId, collection);
    IndexSpec spec = indexOf(c, index, IndexSpec.Kind.VECTOR_INDEX);
    checkCount("k", k, 1, MAX_RESULTS);
    checkCount("candidates", candidates, 1, MAX_RESULTS);
    if (query.length != spec.dimension()) {
      throw new StoreException(
          "query vector has "
              + query.length
              + " dimensions; index '"
              + index
              + "' has "
              + spec.dimension());
    }
    boolean zero = true;
    for (int i = 0; i < query.length; i++) {
      if (!Float.isFinite(query[i])) {
        throw new StoreException("query vector element " + i + " is not finite");
      }
      zero &= query[i] == 0f;
    }
    if (zero && spec.metric().equals("cosine")) {
      throw new StoreException("query vector is all zeros, which has no direction (cosine)");
    }
    io.cvmavs.chainbasedb.vector.HnswIndex idx = vectors.index(c, spec);
    List<io.cvmavs.chainbasedb.vector.HnswIndex.Candidate> cands =
        idx.search(query, Math.max(k, candidates));
    // Hits come best first by Lucene's similarity; only the first k (and, for a hit deleted or
    // emptied by a block whose index update is not visible yet, the next ones) are read back from
    // RocksDB, decoded and scored exactly.
    List<Near> out = new ArrayList<>(Math.min(k, cands.size()));
    int next = 0;
    while (out.size() < k && next < cands.size()) {
      int take = Math.min(k - out.size(), cands.size() - next);
      List<byte[]> keys = new ArrayList<>(take);
      for (int i = next; i < next + take; i++) {
        keys.add(StateKeys.document(dbId, collection, cands.get(i).id()));
      }
      List<byte[]> values;
      try {
        values = db.multiGetAsList(keys);
      } catch (RocksDBException e) {
        throw new StoreException("read failed: " + e.getMessage(), e);
      }
      for (int i = 0; i < take; i++) {
        if (values.get(i) == null) {
          continue; // deleted by a block whose index update is not visible yet
        }
        StateModel.Document d = StateKeys.decodeDocument(values.get(i));
        float[] v =
            io.cvmavs.chainbasedb.format.IndexValues.vector(
                spec,
                io.cvmavs.chainbasedb.format.BsonDocuments.decodeTrusted(d.bson()),
                "document");
        if (v == null) {
          continue;
        }
        out.add(
            new Near(cands.get(next + i).id(), d.owner(), d.bson(), idx.metric().score(query, v)));
      }
      next += take;
    }
    Comparator<Near> byScore = Comparator.comparingDouble(Near::score);
    if (idx.metric().higherIsNearer()) {
      byScore = byScore.reversed();
    }
    out.sort(byScore.thenComparing(Near::id, Arrays::compareUnsigned));
    return out;
  }

  /**
   * Number of Lucene segments of a vector index (one HNSW graph each; a k-NN query searches every
   * one), for diagnostics and benchmarks.
   */
  public int vectorIndexSegments(Identity dbId, String collection, String index) {
    StateModel.Collection c = existing(dbId, collection);
    return vectors.index(c, indexOf(c, index, IndexSpec.Kind.VECTOR_INDEX)).segments();
  }

  /** Which edges a graph query follows from a node. */
  public enum Direction {
    /** from the edge's source field to its target field */
    OUT,
    /** backwards, target to source */
    IN,
    /** both */
    BOTH
  }

  /**
   * An edge of a graph index: its endpoints (integers come back as int64) and the id of the
   * document that declares it.
   */
  public record Edge(BsonValue from, BsonValue to, byte[] id) {}

  /** A node reached by a traversal, with its distance in hops from the start. */
  public record Reached(BsonValue node, int hops) {}

  /**
   * The edges at {@code node} in {@code direction}, in (direction, other node, edge id) order; at
   * most {@code limit}.
   */
  public List<Edge> neighbours(
      Identity dbId,
      String collection,
      String index,
      BsonValue node,
      Direction direction,
      int limit) {
    StateModel.Collection c = existing(dbId, collection);
    indexOf(c, index, IndexSpec.Kind.GRAPH_INDEX);
    checkCount("limit", limit, 1, MAX_RESULTS);
    byte[] n = encodeNode(node, "node");
    List<Edge> out = new ArrayList<>();
    adjacent(dbId, collection, index, n, direction, limit, out);
    return out;
  }

  private static byte[] encodeNode(BsonValue v, String what) {
    if (v == null || v.isNull() || !io.cvmavs.chainbasedb.format.IndexValues.indexable(v)) {
      throw new StoreException(
          what
              + " has type "
              + (v == null ? "none" : v.getBsonType())
              + "; graph nodes are boolean, integer, double or string values");
    }
    return OrderedKeys.encode(List.of(v));
  }

  /**
   * The encoded nodes adjacent to {@code node}, at most {@code limit} edges read; when {@code
   * edges} is non-null the edges are added to it.
   */
  private List<byte[]> adjacent(
      Identity dbId,
      String collection,
      String index,
      byte[] node,
      Direction direction,
      int limit,
      List<Edge> edges) {
    List<byte[]> out = new ArrayList<>();
    for (Direction d :
        direction == Direction.BOTH ? List.of(Direction.OUT, Direction.IN) : List.of(direction)) {
      byte space = d == Direction.OUT ? StateKeys.INDEX : StateKeys.REVERSE_EDGE;
      byte[] prefix = StateKeys.edgePrefix(space, dbId, collection, index, node);
      byte[] end = OrderedKeys.successor(prefix);
      try (Slice upper = new Slice(end);
          ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
          RocksIterator it = db.newIterator(ro)) {
        for (it.seek(prefix); it.isValid() && out.size() < limit; it.next()) {
          byte[] k = it.key();
          byte[] other = Arrays.copyOfRange(k, prefix.length, k.length - 16);
          out.add(other);
          if (edges != null) {
            BsonValue self = OrderedKeys.decode(node, 0, new int[1]);
            BsonValue o = OrderedKeys.decode(other, 0, new int[1]);
            byte[] id = Arrays.copyOfRange(k, k.length - 16, k.length);
            edges.add(d == Direction.OUT ? new Edge(self, o, id) : new Edge(o, self, id));
          }
        }
      }
    }
    return out;
  }

  /** A traversal's outcome: the nodes reached, and whether a limit cut it short. */
  public record Traversal(List<Reached> nodes, boolean truncated) {}

  /**
   * Breadth-first from {@code start} up to {@code maxHops}: every node reached (not the start),
   * ordered by hops, then by value order (§9.2); at most {@code limit} nodes. {@code truncated}
   * when more were reachable within the hops, or when reading more than {@link #MAX_RESULTS} × 10
   * edges stopped the search.
   */
  public Traversal traverse(
      Identity dbId,
      String collection,
      String index,
      BsonValue start,
      Direction direction,
      int maxHops,
      int limit) {
    StateModel.Collection c = existing(dbId, collection);
    indexOf(c, index, IndexSpec.Kind.GRAPH_INDEX);
    checkCount("hops", maxHops, 1, MAX_HOPS);
    checkCount("limit", limit, 1, MAX_RESULTS);
    byte[] s = encodeNode(start, "start node");
    java.util.Set<java.nio.ByteBuffer> seen = new java.util.HashSet<>();
    seen.add(java.nio.ByteBuffer.wrap(s));
    java.util.TreeSet<byte[]> frontier = new java.util.TreeSet<>(Arrays::compareUnsigned);
    frontier.add(s);
    List<Reached> out = new ArrayList<>();
    long edgeBudget = (long) MAX_RESULTS * 10;
    for (int hop = 1; hop <= maxHops && !frontier.isEmpty(); hop++) {
      java.util.TreeSet<byte[]> next = new java.util.TreeSet<>(Arrays::compareUnsigned);
      for (byte[] n : frontier) {
        List<byte[]> adj =
            adjacent(
                dbId,
                collection,
                index,
                n,
                direction,
                (int) Math.min(edgeBudget, MAX_RESULTS * 10),
                null);
        edgeBudget -= adj.size();
        for (byte[] o : adj) {
          if (seen.add(java.nio.ByteBuffer.wrap(o))) {
            next.add(o);
          }
        }
        if (edgeBudget <= 0) {
          break;
        }
      }
      for (byte[] n : next) {
        if (out.size() == limit) {
          return new Traversal(out, true);
        }
        out.add(new Reached(OrderedKeys.decode(n, 0, new int[1]), hop));
      }
      if (edgeBudget <= 0) {
        return new Traversal(out, true);
      }
      frontier = next;
    }
    return new Traversal(out, false);
  }

  /**
   * A shortest path from {@code from} to {@code to} of at most {@code maxHops} edges (breadth
   * first; among equally short paths the one through the smallest nodes in value order), as the
   * list of nodes from {@code from} to {@code to}; empty when there is none within the hops.
   */
  public Optional<List<BsonValue>> shortestPath(
      Identity dbId,
      String collection,
      String index,
      BsonValue from,
      BsonValue to,
      Direction direction,
      int maxHops) {
    StateModel.Collection c = existing(dbId, collection);
    indexOf(c, index, IndexSpec.Kind.GRAPH_INDEX);
    checkCount("hops", maxHops, 1, MAX_HOPS);
    byte[] s = encodeNode(from, "from");
    byte[] t = encodeNode(to, "to");
    if (Arrays.equals(s, t)) {
      return Optional.of(List.of(OrderedKeys.decode(s, 0, new int[1])));
    }
    Map<java.nio.ByteBuffer, byte[]> parent = new HashMap<>();
    parent.put(java.nio.ByteBuffer.wrap(s), null);
    java.util.TreeSet<byte[]> frontier = new java.util.TreeSet<>(Arrays::compareUnsigned);
    frontier.add(s);
    long edgeBudget = (long) MAX_RESULTS * 10;
    for (int hop = 1; hop <= maxHops && !frontier.isEmpty() && edgeBudget > 0; hop++) {
      java.util.TreeSet<byte[]> next = new java.util.TreeSet<>(Arrays::compareUnsigned);
      for (byte[] n : frontier) {
        List<byte[]> adj =
            adjacent(
                dbId,
                collection,
                index,
                n,
                direction,
                (int) Math.min(edgeBudget, MAX_RESULTS * 10),
                null);
        edgeBudget -= adj.size();
        for (byte[] o : adj) {
          java.nio.ByteBuffer key = java.nio.ByteBuffer.wrap(o);
          if (!parent.containsKey(key)) {
            parent.put(key, n);
            if (Arrays.equals(o, t)) {
              List<BsonValue> path = new ArrayList<>();
              for (byte[] p = o; p != null; p = parent.get(java.nio.ByteBuffer.wrap(p))) {
                path.add(0, OrderedKeys.decode(p, 0, new int[1]));
              }
              return Optional.of(path);
            }
            next.add(o);
          }
        }
      }
      frontier = next;
    }
    return Optional.empty();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static boolean startsWith(byte[] k, byte[] p) {
    return k.length >= p.length && Arrays.equals(k, 0, p.length, p, 0, p.length);
  }

  @Override
  public synchronized void close() {
    vectors.close();
    syncWrite.close();
    db.close();
    options.close();
  }
}
