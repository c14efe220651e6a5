package io.cvmavs.chainbasedb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chainbasedb.Db3Fixtures;
import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.DerivedIds;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.IndexValues;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.Payload;
import io.cvmavs.chainbasedb.signature.MutationSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ChainbaseDB end to end on RocksDB: the same blocks on two instances give the same state root (and
 * a third instance with other block boundaries the same final root), the incremental root equals
 * one recomputed from a full scan, a reopened store keeps height and root, and ordered index range
 * / prefix queries equal a brute-force filter-and-sort over the documents (written without the byte
 * encoding) on random data with ties, nulls, mixed types and deletions.
 */
class ChainbaseDbTest {
  private static final long CHAIN = 4242;
  private static final HexFormat HEX = HexFormat.of();
  @TempDir Path dir;

  /** A random but reproducible history of blocks. */
  private static List<List<byte[]>> history(long seed) {
    Db3Fixtures fx = new Db3Fixtures(seed);
    Random rnd = fx.random();
    List<MutationSigner> users = List.of(fx.ethSigner(), fx.nearSigner(), fx.ethSigner());
    long[] nonce = new long[users.size()];
    List<List<byte[]>> blocks = new ArrayList<>();
    MutationSigner owner = users.get(0);
    Identity db = DerivedIds.database(owner.identity(), 1, 0);
    List<byte[]> first = new ArrayList<>();
    first.add(
        owner
            .sign(
                CHAIN,
                ++nonce[0],
                new Payload.Group(
                    List.of(
                        new Payload.CreateDatabase(
                            "hist", "", List.of(users.get(1).identity()), List.of()),
                        new Payload.CreateCollection(
                            db,
                            "c",
                            List.of(
                                IndexSpec.ordered("ab", "a", "b"), IndexSpec.ordered("c", "c"))))))
            .encode());
    blocks.add(first);
    Map<String, Integer> docOwner = new LinkedHashMap<>();
    for (int b = 0; b < 12; b++) {
      List<byte[]> block = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        int u = rnd.nextInt(users.size());
        MutationSigner s = users.get(u);
        List<String> mine =
            docOwner.entrySet().stream()
                .filter(e -> e.getValue() == u)
                .map(Map.Entry::getKey)
                .toList();
        Payload p;
        int kind = rnd.nextInt(4);
        if (kind == 0 && !mine.isEmpty()) {
          p =
              new Payload.DeleteDocuments(
                  db, "c", List.of(HEX.parseHex(mine.get(rnd.nextInt(mine.size())))));
        } else if (kind == 1 && !mine.isEmpty()) {
          p =
              new Payload.UpdateDocuments(
                  db,
                  "c",
                  List.of(
                      new Payload.Update(
                          HEX.parseHex(mine.get(rnd.nextInt(mine.size()))), fx.document(10))));
        } else {
          List<byte[]> docs = new ArrayList<>();
          for (int i = 0; i < 1 + rnd.nextInt(20); i++) {
            docs.add(fx.document(rnd.nextInt(40)));
          }
          p = new Payload.AddDocuments(db, "c", docs);
        }
        // Sometimes a stale nonce: refused, and must be refused identically everywhere.
        long n = rnd.nextInt(10) == 0 ? nonce[u] : ++nonce[u];
        Mutation m = s.sign(CHAIN, n, p);
        block.add(m.encode());
        // Track ids optimistically (user 2 is no member: its adds are refused); whether each
        // mutation applies is decided by the stores, identically.
        if (p instanceof Payload.AddDocuments a && u != 2) {
          for (int i = 0; i < a.documents().size(); i++) {
            docOwner.put(HEX.formatHex(DerivedIds.document(m.signingRoot(), 0, i)), u);
          }
        }
      }
      blocks.add(block);
    }
    return blocks;
  }

  @Test
  void sameBlocksSameRootOnTwoInstancesAndAcrossRestarts() {
    List<List<byte[]>> blocks = history(11);
    List<byte[]> roots = new ArrayList<>();
    int refused = 0;
    int applied = 0;
    try (ChainbaseDb a = ChainbaseDb.open(dir.resolve("a"), CHAIN);
        ChainbaseDb b = ChainbaseDb.open(dir.resolve("b"), CHAIN)) {
      for (int h = 0; h < blocks.size(); h++) {
        ChainbaseDb.BlockResult ra = a.apply(h + 1, blocks.get(h));
        ChainbaseDb.BlockResult rb = b.apply(h + 1, blocks.get(h));
        assertThat(rb.stateRoot()).as("block %d", h + 1).isEqualTo(ra.stateRoot());
        assertThat(rb.results().stream().map(ChainbaseDb.TxResult::code).toList())
            .isEqualTo(ra.results().stream().map(ChainbaseDb.TxResult::code).toList());
        assertThat(a.recomputeStateRoot()).isEqualTo(ra.stateRoot());
        for (ChainbaseDb.TxResult t : ra.results()) {
          if (t.refusal().isPresent()) {
            refused++;
          } else {
            applied++;
          }
        }
        roots.add(ra.stateRoot());
      }
      assertThat(roots.stream().map(HEX::formatHex).distinct().count()).isGreaterThan(5);
      assertThatThrownBy(() -> a.apply(5, List.of())).isInstanceOf(StoreException.class);
    }
    assertThat(applied).isGreaterThan(20);
    assertThat(refused).isGreaterThan(3);
    try (ChainbaseDb a = ChainbaseDb.open(dir.resolve("a"), CHAIN)) {
      assertThat(a.height()).isEqualTo(blocks.size());
      assertThat(a.stateRoot()).isEqualTo(roots.get(roots.size() - 1));
    }
    // Other block boundaries, same mutations in the same order: same final root.
    try (ChainbaseDb c = ChainbaseDb.open(dir.resolve("c"), CHAIN)) {
      List<byte[]> all = blocks.stream().flatMap(List::stream).toList();
      c.apply(1, all.subList(0, 7));
      c.apply(2, all.subList(7, all.size()));
      assertThat(c.stateRoot()).isEqualTo(roots.get(roots.size() - 1));
    }
  }

  @Test
  void anAppliedBlockReplaysItsStoredOutcomeAndAnEmptyStoreStartsAtAHeight() {
    MutationSigner s = new Db3Fixtures(5).ethSigner();
    List<byte[]> block =
        List.of(
            s.sign(CHAIN, 1, new Payload.CreateDatabase("d", "", List.of(), List.of())).encode(),
            s.sign(CHAIN, 3, new Payload.CreateDatabase("e", "", List.of(), List.of())).encode());
    ChainbaseDb.BlockResult first;
    byte[] root;
    try (ChainbaseDb a = ChainbaseDb.open(dir.resolve("r"), CHAIN)) {
      assertThat(a.isEmpty()).isTrue();
      a.startAt(4);
      assertThat(a.height()).isEqualTo(4);
      first = a.apply(5, block);
      root = a.stateRoot();
      assertThat(a.isEmpty()).isFalse();
      assertThat(first.results().get(1).refusal().orElseThrow().code().name())
          .isEqualTo("NONCE_GAP");
      assertThatThrownBy(() -> a.startAt(9)).hasMessageContaining("holds state");
    }
    try (ChainbaseDb a = ChainbaseDb.open(dir.resolve("r"), CHAIN)) {
      ChainbaseDb.BlockResult again = a.apply(5, block); // replay: nothing applied twice
      assertThat(again.stateRoot()).isEqualTo(root).isEqualTo(a.recomputeStateRoot());
      assertThat(again.results()).hasSize(2);
      assertThat(again.results().get(0).refusal()).isEmpty();
      assertThat(again.results().get(1).refusal().orElseThrow().getMessage())
          .isEqualTo(first.results().get(1).refusal().orElseThrow().getMessage());
      assertThat(a.height()).isEqualTo(5);
      assertThatThrownBy(() -> a.apply(5, block.subList(0, 1)))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("already applied with other mutations");
      assertThatThrownBy(() -> a.apply(4, block)).isInstanceOf(StoreException.class);
    }
  }

  @Test
  void emptyStoreRootIsTheTreeOfEmptyBuckets() {
    try (ChainbaseDb a = ChainbaseDb.open(dir.resolve("e"), CHAIN)) {
      assertThat(a.stateRoot()).isEqualTo(a.recomputeStateRoot());
      byte[] r0 = a.stateRoot();
      a.apply(1, List.of());
      assertThat(a.stateRoot()).isEqualTo(r0);
    }
  }

  // ---------------------------------------------------------------- brute force

  private static int rank(BsonValue v) {
    return switch (v.getBsonType()) {
      case NULL -> 0;
      case BOOLEAN -> 1;
      case INT32, INT64 -> 2;
      case DOUBLE -> 3;
      case STRING -> 4;
      default -> throw new IllegalArgumentException();
    };
  }

  static int compare(BsonValue x, BsonValue y) {
    int c = Integer.compare(rank(x), rank(y));
    if (c != 0) {
      return c;
    }
    return switch (rank(x)) {
      case 0 -> 0;
      case 1 -> Boolean.compare(x.asBoolean().getValue(), y.asBoolean().getValue());
      case 2 -> Long.compare(x.asNumber().longValue(), y.asNumber().longValue());
      case 3 -> Double.compare(x.asDouble().getValue(), y.asDouble().getValue());
      default ->
          Arrays.compareUnsigned(
              x.asString().getValue().getBytes(StandardCharsets.UTF_8),
              y.asString().getValue().getBytes(StandardCharsets.UTF_8));
    };
  }

  static int comparePrefix(List<BsonValue> tuple, List<BsonValue> bound) {
    for (int i = 0; i < bound.size(); i++) {
      int c = compare(tuple.get(i), bound.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  @Test
  void orderedIndexQueriesMatchBruteForce() {
    Db3Fixtures fx = new Db3Fixtures(99);
    Random rnd = fx.random();
    MutationSigner owner = fx.ethSigner();
    Identity db = DerivedIds.database(owner.identity(), 1, 0);
    IndexSpec ab = IndexSpec.ordered("ab", "a", "b");
    IndexSpec c = IndexSpec.ordered("c", "c");
    Map<String, BsonDocument> model = new LinkedHashMap<>();
    try (ChainbaseDb store = ChainbaseDb.open(dir.resolve("q"), CHAIN)) {
      long nonce = 0;
      store.apply(
          1,
          List.of(
              owner
                  .sign(
                      CHAIN,
                      ++nonce,
                      new Payload.Group(
                          List.of(
                              new Payload.CreateDatabase("q", "", List.of(), List.of()),
                              new Payload.CreateCollection(db, "c", List.of(ab, c)))))
                  .encode()));
      for (int b = 0; b < 6; b++) {
        List<byte[]> docs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          docs.add(fx.document(0));
        }
        Mutation m = owner.sign(CHAIN, ++nonce, new Payload.AddDocuments(db, "c", docs));
        List<byte[]> block = new ArrayList<>(List.of(m.encode()));
        for (int i = 0; i < docs.size(); i++) {
          model.put(
              HEX.formatHex(DerivedIds.document(m.signingRoot(), 0, i)),
              BsonDocuments.decodeTrusted(docs.get(i)));
        }
        // Delete and update some earlier documents.
        List<String> ids = new ArrayList<>(model.keySet());
        List<byte[]> del = new ArrayList<>();
        List<Payload.Update> ups = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          String id = ids.get(rnd.nextInt(ids.size()));
          if (!model.containsKey(id)
              || del.stream().anyMatch(d -> HEX.formatHex(d).equals(id))
              || ups.stream().anyMatch(u -> HEX.formatHex(u.id()).equals(id))) {
            continue;
          }
          if (rnd.nextBoolean()) {
            del.add(HEX.parseHex(id));
          } else {
            byte[] nd = fx.document(0);
            ups.add(new Payload.Update(HEX.parseHex(id), nd));
          }
        }
        block.add(owner.sign(CHAIN, ++nonce, new Payload.DeleteDocuments(db, "c", del)).encode());
        block.add(owner.sign(CHAIN, ++nonce, new Payload.UpdateDocuments(db, "c", ups)).encode());
        ChainbaseDb.BlockResult r = store.apply(b + 2, block);
        assertThat(r.results()).allSatisfy(t -> assertThat(t.refusal()).isEmpty());
        del.forEach(d -> model.remove(HEX.formatHex(d)));
        ups.forEach(
            u -> model.put(HEX.formatHex(u.id()), BsonDocuments.decodeTrusted(u.document())));
      }
      assertThat(store.range(db, "c", "ab", null, null, Integer.MAX_VALUE)).hasSize(model.size());
      int nonEmpty = 0;
      for (int q = 0; q < 400; q++) {
        IndexSpec spec = rnd.nextBoolean() ? ab : c;
        ChainbaseDb.Bound low = randomBound(fx, spec);
        ChainbaseDb.Bound high = randomBound(fx, spec);
        int limit = rnd.nextInt(5) == 0 ? 5 : Integer.MAX_VALUE;
        List<String> expected = bruteForce(model, spec, low, high, limit);
        List<String> actual =
            store.range(db, "c", spec.name(), low, high, limit).stream()
                .map(h -> HEX.formatHex(h.id()))
                .toList();
        assertThat(actual)
            .as("query %d on %s low=%s high=%s", q, spec.name(), low, high)
            .isEqualTo(expected);
        if (!expected.isEmpty()) {
          nonEmpty++;
        }
        // Prefix scan = both bounds inclusive on the same values.
        if (low != null) {
          List<String> px =
              store.prefix(db, "c", spec.name(), low.values(), Integer.MAX_VALUE).stream()
                  .map(h -> HEX.formatHex(h.id()))
                  .toList();
          ChainbaseDb.Bound eq = new ChainbaseDb.Bound(low.values(), true);
          assertThat(px).isEqualTo(bruteForce(model, spec, eq, eq, Integer.MAX_VALUE));
        }
      }
      assertThat(nonEmpty).isGreaterThan(200);
      // KV by id.
      for (Map.Entry<String, BsonDocument> e : model.entrySet()) {
        assertThat(
                BsonDocuments.decodeTrusted(
                    store.document(db, "c", HEX.parseHex(e.getKey())).orElseThrow().bson()))
            .isEqualTo(e.getValue());
      }
    }
  }

  private static ChainbaseDb.Bound randomBound(Db3Fixtures fx, IndexSpec spec) {
    Random rnd = fx.random();
    if (rnd.nextInt(5) == 0) {
      return null;
    }
    int k = 1 + rnd.nextInt(spec.fields().size());
    List<BsonValue> vals = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      vals.add(fx.smallValue());
    }
    return new ChainbaseDb.Bound(vals, rnd.nextBoolean());
  }

  private static List<String> bruteForce(
      Map<String, BsonDocument> model,
      IndexSpec spec,
      ChainbaseDb.Bound low,
      ChainbaseDb.Bound high,
      int limit) {
    record Row(String id, List<BsonValue> t) {}
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, BsonDocument> e : model.entrySet()) {
      List<BsonValue> t = IndexValues.of(spec, e.getValue(), "doc");
      if (low != null) {
        int cmp = comparePrefix(t, low.values());
        if (cmp < 0 || (cmp == 0 && !low.inclusive())) {
          continue;
        }
      }
      if (high != null) {
        int cmp = comparePrefix(t, high.values());
        if (cmp > 0 || (cmp == 0 && !high.inclusive())) {
          continue;
        }
      }
      rows.add(new Row(e.getKey(), t));
    }
    Comparator<Row> order =
        (x, y) -> {
          int cmp = comparePrefix(x.t(), y.t());
          return cmp != 0 ? cmp : x.id().compareTo(y.id());
        };
    return rows.stream().sorted(order).limit(limit).map(Row::id).toList();
  }
}
