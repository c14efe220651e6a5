package io.cvmavs.chainbasedb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chainbasedb.Db3Fixtures;
import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.DerivedIds;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.Payload;
import io.cvmavs.chainbasedb.signature.MutationSigner;
import io.cvmavs.chainbasedb.vector.HnswIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Vector indexes (Lucene HNSW) against brute force: random documents added, updated (new vector,
 * vector removed) and deleted over several blocks; recall@10 of k-NN over 40 random queries must be
 * at least 0.95 for each metric, and every returned score must equal the exact metric value that an
 * independent computation (here, in double over the model of live vectors) gives. Also: the state
 * root does not depend on the vector index (a store whose index directory is deleted or rolled back
 * to an older height reopens, rebuilds it, and answers with the same recall), and bad queries are
 * refused with a message naming the problem.
 */
class VectorIndexTest {
  private static final long CHAIN = 99;
  private static final HexFormat HEX = HexFormat.of();
  private static final int DIM = 24;
  @TempDir Path dir;

  /** Signed blocks and, beside them, the live vectors they leave (the brute-force model). */
  private record History(
      List<List<byte[]>> blocks, Identity db, Map<String, float[]> live, Random rnd) {}

  private static float[] randomVector(Random rnd) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }

  private static byte[] doc(float[] v, int k) {
    BsonDocument d = new BsonDocument("k", new BsonInt32(k));
    if (v != null) {
      BsonArray a = new BsonArray();
      for (float x : v) {
        a.add(new BsonDouble(x));
      }
      d.put("emb", a);
    } else {
      d.put("emb", BsonNull.VALUE);
    }
    return BsonDocuments.encode(d);
  }

  private static History history(long seed, String metric, int docsPerBlock, int blocksCount) {
    Db3Fixtures fx = new Db3Fixtures(seed);
    Random rnd = fx.random();
    MutationSigner owner = fx.ethSigner();
    long nonce = 0;
    Identity db = DerivedIds.database(owner.identity(), 1, 0);
    List<List<byte[]>> blocks = new ArrayList<>();
    blocks.add(
        List.of(
            owner
                .sign(
                    CHAIN,
                    ++nonce,
                    new Payload.Group(
                        List.of(
                            new Payload.CreateDatabase("vec", "", List.of(), List.of()),
                            new Payload.CreateCollection(
                                db,
                                "items",
                                List.of(
                                    new IndexSpec(
                                        "emb",
                                        IndexSpec.Kind.VECTOR_INDEX,
                                        List.of("emb"),
                                        DIM,
                                        metric))))))
                .encode()));
    Map<String, float[]> live = new LinkedHashMap<>();
    for (int b = 0; b < blocksCount; b++) {
      List<byte[]> block = new ArrayList<>();
      List<byte[]> docs = new ArrayList<>();
      List<float[]> vs = new ArrayList<>();
      for (int i = 0; i < docsPerBlock; i++) {
        float[] v = randomVector(rnd);
        vs.add(v);
        docs.add(doc(v, i));
      }
      Mutation add = owner.sign(CHAIN, ++nonce, new Payload.AddDocuments(db, "items", docs));
      block.add(add.encode());
      for (int i = 0; i < vs.size(); i++) {
        live.put(HEX.formatHex(DerivedIds.document(add.signingRoot(), 0, i)), vs.get(i));
      }
      if (b > 0) {
        List<String> ids = new ArrayList<>(live.keySet());
        // Replace some vectors, remove some vectors from the index, delete some documents.
        List<Payload.Update> updates = new ArrayList<>();
        for (int i = 0; i < docsPerBlock / 10; i++) {
          String id = ids.get(rnd.nextInt(ids.size()));
          float[] v = rnd.nextInt(4) == 0 ? null : randomVector(rnd);
          updates.add(new Payload.Update(HEX.parseHex(id), doc(v, -1)));
          if (v == null) {
            live.remove(id);
          } else {
            live.put(id, v);
          }
        }
        // Duplicated ids within one payload are fine: the last update wins, as in the model.
        block.add(
            owner.sign(CHAIN, ++nonce, new Payload.UpdateDocuments(db, "items", updates)).encode());
        List<byte[]> deletes = new ArrayList<>();
        List<String> remaining = new ArrayList<>(live.keySet());
        java.util.Set<String> chosen = new java.util.LinkedHashSet<>();
        for (int i = 0; i < docsPerBlock / 20; i++) {
          chosen.add(remaining.get(rnd.nextInt(remaining.size())));
        }
        for (String id : chosen) {
          deletes.add(HEX.parseHex(id));
          live.remove(id);
        }
        block.add(
            owner.sign(CHAIN, ++nonce, new Payload.DeleteDocuments(db, "items", deletes)).encode());
      }
      blocks.add(block);
    }
    return new History(blocks, db, live, rnd);
  }

  private static void applyAll(ChainbaseDb s, List<List<byte[]>> blocks) {
    for (List<byte[]> b : blocks) {
      ChainbaseDb.BlockResult r = s.apply(s.height() + 1, b);
      for (ChainbaseDb.TxResult t : r.results()) {
        assertThat(t.refusal()).as("block %d tx %d", r.height(), t.index()).isEmpty();
      }
    }
  }

  /** Exact metric value in double, written apart from HnswIndex.Metric.score. */
  private static double exact(String metric, float[] q, float[] v) {
    double dot = 0;
    double nq = 0;
    double nv = 0;
    double l2 = 0;
    for (int i = 0; i < q.length; i++) {
      dot += q[i] * (double) v[i];
      nq += q[i] * (double) q[i];
      nv += v[i] * (double) v[i];
      l2 += (q[i] - (double) v[i]) * (q[i] - (double) v[i]);
    }
    return switch (metric) {
      case "cosine" -> dot / Math.sqrt(nq) / Math.sqrt(nv);
      case "dot" -> dot;
      default -> Math.sqrt(l2);
    };
  }

  private static List<String> bruteForce(
      Map<String, float[]> live, String metric, float[] q, int k) {
    Comparator<Map.Entry<String, float[]>> by =
        Comparator.comparingDouble(e -> exact(metric, q, e.getValue()));
    if (!metric.equals("l2")) {
      by = by.reversed();
    }
    return live.entrySet().stream().sorted(by).limit(k).map(Map.Entry::getKey).toList();
  }

  /** Mean recall@10 over queries; also checks each returned score against the model. */
  private static double recall(ChainbaseDb s, History h, String metric, long querySeed) {
    Random rnd = new Random(querySeed);
    int queries = 40;
    double sum = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = randomVector(rnd);
      List<ChainbaseDb.Near> got =
          s.nearest(h.db(), "items", "emb", query, 10, ChainbaseDb.DEFAULT_CANDIDATES);
      assertThat(got).hasSize(10);
      List<String> want = bruteForce(h.live(), metric, query, 10);
      int hit = 0;
      for (ChainbaseDb.Near n : got) {
        String id = HEX.formatHex(n.id());
        assertThat(h.live()).as("returned id is live").containsKey(id);
        assertThat(n.score())
            .isCloseTo(
                exact(metric, query, h.live().get(id)), org.assertj.core.data.Offset.offset(1e-9));
        if (want.contains(id)) {
          hit++;
        }
      }
      for (int i = 1; i < got.size(); i++) {
        double a = got.get(i - 1).score();
        double b = got.get(i).score();
        assertThat(metric.equals("l2") ? a <= b : a >= b).as("ranked by exact score").isTrue();
      }
      sum += hit / 10.0;
    }
    return sum / queries;
  }

  @ParameterizedTest
  @ValueSource(strings = {"cosine", "dot", "l2"})
  void knnRecallAgainstBruteForceWithUpdatesAndDeletes(String metric) {
    History h = history(metric.hashCode(), metric, 400, 5);
    try (ChainbaseDb s = ChainbaseDb.open(dir.resolve("a"), CHAIN)) {
      applyAll(s, h.blocks());
      assertThat(s.recomputeStateRoot()).isEqualTo(s.stateRoot());
      double r = recall(s, h, metric, 5);
      assertThat(r).as("recall@10 (%s)", metric).isGreaterThanOrEqualTo(0.95);
    }
  }

  @Test
  void indexIsRebuiltFromTheDocumentsWhenMissingOrBehind() throws IOException {
    History h = history(3, "l2", 300, 4);
    Path a = dir.resolve("a");
    Path old = dir.resolve("old-vector");
    byte[] root;
    try (ChainbaseDb s = ChainbaseDb.open(a, CHAIN)) {
      applyAll(s, h.blocks().subList(0, 2));
      copyTree(a.resolve(ChainbaseDb.VECTOR_DIR), old);
      applyAll(s, h.blocks().subList(2, h.blocks().size()));
      root = s.stateRoot();
    }
    // A vector index left behind (as after a crash between the RocksDB and the Lucene commit).
    deleteTree(a.resolve(ChainbaseDb.VECTOR_DIR));
    copyTree(old, a.resolve(ChainbaseDb.VECTOR_DIR));
    List<List<String>> answers = new ArrayList<>();
    try (ChainbaseDb s = ChainbaseDb.open(a, CHAIN)) {
      assertThat(s.stateRoot()).isEqualTo(root);
      assertThat(recall(s, h, "l2", 8)).isGreaterThanOrEqualTo(0.95);
      answers.add(ids(s, h));
    }
    // No vector index at all.
    deleteTree(a.resolve(ChainbaseDb.VECTOR_DIR));
    try (ChainbaseDb s = ChainbaseDb.open(a, CHAIN)) {
      assertThat(s.stateRoot()).isEqualTo(root);
      answers.add(ids(s, h));
    }
    // Two rebuilds from the same state answer identically.
    assertThat(answers.get(1)).isEqualTo(answers.get(0));
    // A second store with other block boundaries: same root, rebuilt index gives equal answers.
    Path b = dir.resolve("b");
    try (ChainbaseDb s = ChainbaseDb.open(b, CHAIN)) {
      List<byte[]> all = h.blocks().stream().flatMap(List::stream).toList();
      applyAll(s, List.of(all));
      assertThat(s.stateRoot()).isEqualTo(root);
    }
    deleteTree(b.resolve(ChainbaseDb.VECTOR_DIR));
    try (ChainbaseDb s = ChainbaseDb.open(b, CHAIN)) {
      assertThat(ids(s, h)).isEqualTo(answers.get(0));
    }
  }

  @Test
  void indexWrittenUnderAnOlderFormatIsRebuilt() throws IOException {
    History h = history(5, "l2", 300, 3);
    Path a = dir.resolve("a");
    long height;
    try (ChainbaseDb s = ChainbaseDb.open(a, CHAIN)) {
      applyAll(s, h.blocks());
      height = s.height();
    }
    // The layout of the first build: ids as stored fields (no doc values), Lucene's default HNSW
    // parameters, no format in the commit data — at the store's height, so only the format differs.
    Path vdir =
        a.resolve(ChainbaseDb.VECTOR_DIR).resolve(VectorIndexes.dirName(h.db(), "items", "emb"));
    try (FSDirectory d = FSDirectory.open(vdir);
        IndexWriter w =
            new IndexWriter(
                d, new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE))) {
      for (Map.Entry<String, float[]> e : h.live().entrySet()) {
        Document doc = new Document();
        doc.add(new StringField("id", new BytesRef(HEX.parseHex(e.getKey())), Field.Store.YES));
        doc.add(new KnnFloatVectorField("v", e.getValue(), VectorSimilarityFunction.EUCLIDEAN));
        w.addDocument(doc);
      }
      w.setLiveCommitData(Map.of("chainbasedb.height", Long.toString(height)).entrySet());
      w.commit();
    }
    try (ChainbaseDb s = ChainbaseDb.open(a, CHAIN)) {
      assertThat(recall(s, h, "l2", 9)).isGreaterThanOrEqualTo(0.95);
    }
    try (FSDirectory d = FSDirectory.open(vdir)) {
      Map<String, String> data = SegmentInfos.readLatestCommit(d).getUserData();
      assertThat(data)
          .containsEntry("chainbasedb.height", Long.toString(height))
          .containsEntry("chainbasedb.vector.format", HnswIndex.FORMAT);
    }
  }

  @Test
  void manySmallBlocksLeaveFewSegments() {
    // One Lucene segment per block commit; each segment is one HNSW graph a query must search.
    // Lucene's default tiered policy lets ~10 equal small segments pile up before merging them.
    History h = history(6, "cosine", 40, 30);
    try (ChainbaseDb s = ChainbaseDb.open(dir.resolve("a"), CHAIN)) {
      int most = 0;
      for (List<byte[]> b : h.blocks()) {
        applyAll(s, List.of(b));
        if (s.height() > 1) {
          most = Math.max(most, s.vectorIndexSegments(h.db(), "items", "emb"));
        }
      }
      assertThat(most).as("segments after any block").isLessThanOrEqualTo(3);
      assertThat(recall(s, h, "cosine", 10)).isGreaterThanOrEqualTo(0.95);
    }
  }

  private static List<String> ids(ChainbaseDb s, History h) {
    Random rnd = new Random(77);
    List<String> out = new ArrayList<>();
    for (int q = 0; q < 10; q++) {
      for (ChainbaseDb.Near n : s.nearest(h.db(), "items", "emb", randomVector(rnd), 10, 50)) {
        out.add(HEX.formatHex(n.id()));
      }
    }
    return out;
  }

  @Test
  void badQueriesAreRefusedWithTheReason() {
    History h = history(4, "cosine", 20, 1);
    try (ChainbaseDb s = ChainbaseDb.open(dir.resolve("a"), CHAIN)) {
      applyAll(s, h.blocks());
      float[] ok = randomVector(h.rnd());
      assertThatThrownBy(() -> s.nearest(h.db(), "items", "emb", new float[3], 10, 10))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("3 dimensions")
          .hasMessageContaining(Integer.toString(DIM));
      assertThatThrownBy(() -> s.nearest(h.db(), "items", "emb", new float[DIM], 10, 10))
          .hasMessageContaining("all zeros");
      assertThatThrownBy(() -> s.nearest(h.db(), "items", "emb", ok, 0, 10))
          .hasMessageContaining("k must be 1..");
      assertThatThrownBy(() -> s.nearest(h.db(), "items", "nope", ok, 5, 10))
          .hasMessageContaining("no index 'nope'");
      assertThatThrownBy(() -> s.nearest(h.db(), "ghosts", "emb", ok, 5, 10))
          .hasMessageContaining("no collection 'ghosts'");
      assertThatThrownBy(
              () ->
                  s.neighbours(
                      h.db(), "items", "emb", new BsonInt32(1), ChainbaseDb.Direction.OUT, 5))
          .hasMessageContaining("is a vector_index, not a graph_index");
      // Fewer documents than k: all of them.
      assertThat(s.nearest(h.db(), "items", "emb", ok, 100, 10)).hasSize(h.live().size());
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
