package io.cvmavs.chainbasedb.vector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * One vector index: Lucene's HNSW graph over (document id, vector) pairs in its own directory.
 *
 * <p>Metrics: {@code l2} → Lucene EUCLIDEAN; {@code dot} → MAXIMUM_INNER_PRODUCT (any vector
 * length); {@code cosine} → vectors normalised to unit length here, then DOT_PRODUCT (what Lucene
 * recommends instead of its COSINE). Search is approximate; {@link Metric#score} gives the exact
 * value a caller re-ranks by.
 *
 * <p>Writes ({@link #put}, {@link #delete}) become visible and durable at {@link #commit}, which
 * records the ChainbaseDB height the index reflects ({@link #committedHeight}) and the index {@link
 * #FORMAT} (graph parameters, merge policy, id encoding): an index committed under another format
 * reports height -1 so that its owner rebuilds it. Determinism: one writer thread, a flush every
 * {@link #FLUSH_DOCS} documents (no RAM-triggered flushes), serial merges with a fixed merge
 * policy, fixed HNSW parameters ({@link #MAX_CONN}, {@link #BEAM_WIDTH}) and Lucene's fixed HNSW
 * level seed, so the same writes in the same order and commit points give the same segments and
 * graphs. Not thread-safe for writes; searches may run concurrently with writes.
 *
 * <p>Query cost: a search runs one HNSW search per segment, so the merge policy keeps few segments
 * ({@link #SEGMENTS_PER_TIER}); the document id of a hit is read from a doc-values column (no
 * stored-field block decompression per hit).
 */
public final class HnswIndex implements AutoCloseable {
  static final int FLUSH_DOCS = 10_000;

  /** HNSW neighbours per node (Lucene's M; layer 0 keeps twice as many). */
  public static final int MAX_CONN = 32;

  /** HNSW candidate list while inserting (Lucene's beam width, "efConstruction"). */
  public static final int BEAM_WIDTH = 200;

  /** Segments per tier of the tiered merge policy (Lucene's default is 10). */
  static final int SEGMENTS_PER_TIER = 2;

  /**
   * The on-disk format this class writes, recorded in every commit; an index committed under
   * another value (or before the value existed) is rebuilt by its owner.
   */
  public static final String FORMAT =
      "2;m=" + MAX_CONN + ";beam=" + BEAM_WIDTH + ";tier=" + SEGMENTS_PER_TIER + ";id=dv";

  private static final String ID = "id";
  private static final String VECTOR = "v";
  private static final String HEIGHT = "chainbasedb.height";
  private static final String FORMAT_KEY = "chainbasedb.vector.format";

  /** Similarity of a vector index, as named in the index spec. */
  public enum Metric {
    COSINE("cosine", VectorSimilarityFunction.DOT_PRODUCT),
    DOT("dot", VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT),
    L2("l2", VectorSimilarityFunction.EUCLIDEAN);

    private final String wire;
    private final VectorSimilarityFunction lucene;

    Metric(String wire, VectorSimilarityFunction lucene) {
      this.wire = wire;
      this.lucene = lucene;
    }

    public String wire() {
      return wire;
    }

    public static Metric parse(String s) {
      for (Metric m : values()) {
        if (m.wire.equals(s)) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown metric '" + s + "' (cosine, dot, l2)");
    }

    /**
     * The exact metric value between a query and a vector: cosine similarity, dot product, or
     * Euclidean distance (computed in double).
     */
    public double score(float[] q, float[] v) {
      double dot = 0;
      double qq = 0;
      double vv = 0;
      double d2 = 0;
      for (int i = 0; i < q.length; i++) {
        dot += (double) q[i] * v[i];
        qq += (double) q[i] * q[i];
        vv += (double) v[i] * v[i];
        double d = (double) q[i] - v[i];
        d2 += d * d;
      }
      return switch (this) {
        case COSINE -> dot / Math.sqrt(qq * vv);
        case DOT -> dot;
        case L2 -> Math.sqrt(d2);
      };
    }

    /** True when a larger {@link #score} is nearer (cosine, dot); false for l2 (a distance). */
    public boolean higherIsNearer() {
      return this != L2;
    }

    float[] prepare(float[] v) {
      if (this != COSINE) {
        return v;
      }
      double n = 0;
      for (float x : v) {
        n += (double) x * x;
      }
      n = Math.sqrt(n);
      float[] out = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        out[i] = (float) (v[i] / n);
      }
      return out;
    }
  }

  /** An approximate neighbour: the document id and Lucene's similarity score. */
  public record Candidate(byte[] id, float luceneScore) {}

  private final Path path;
  private final int dimension;
  private final Metric metric;
  private final FSDirectory dir;
  private final IndexWriter writer;
  private final SearcherManager searchers;

  private HnswIndex(Path path, int dimension, Metric metric) throws IOException {
    this.path = path;
    this.dimension = dimension;
    this.metric = metric;
    Files.createDirectories(path);
    this.dir = FSDirectory.open(path);
    KnnVectorsFormat hnsw = new Lucene99HnswVectorsFormat(MAX_CONN, BEAM_WIDTH);
    IndexWriterConfig cfg =
        new IndexWriterConfig()
            .setCodec(
                new Lucene103Codec() {
                  @Override
                  public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                    return hnsw;
                  }
                })
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
            .setMergeScheduler(new SerialMergeScheduler())
            .setMergePolicy(new TieredMergePolicy().setSegmentsPerTier(SEGMENTS_PER_TIER))
            .setMaxBufferedDocs(FLUSH_DOCS)
            .setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH)
            .setCommitOnClose(false);
    IndexWriter w;
    try {
      w = new IndexWriter(dir, cfg);
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
    this.writer = w;
    this.searchers = new SearcherManager(writer, null);
  }

  /**
   * Opens (or creates) the index at {@code path}.
   *
   * @throws UncheckedIOException when the directory cannot be opened (e.g. corrupt: delete it and
   *     rebuild)
   */
  public static HnswIndex open(Path path, int dimension, Metric metric) {
    try {
      return new HnswIndex(path, dimension, metric);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the vector index at " + path, e);
    }
  }

  public Path path() {
    return path;
  }

  public Metric metric() {
    return metric;
  }

  /**
   * The ChainbaseDB height recorded by the last commit; -1 when never committed, or committed under
   * another {@link #FORMAT} (an index written by an older build: rebuild it).
   */
  public long committedHeight() {
    try {
      if (!DirectoryReader.indexExists(dir)) {
        return -1;
      }
      Map<String, String> data = SegmentInfos.readLatestCommit(dir).getUserData();
      String h = data.get(HEIGHT);
      if (h == null || !FORMAT.equals(data.get(FORMAT_KEY))) {
        return -1;
      }
      return Long.parseLong(h);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Adds or replaces the vector of document {@code id} (visible after {@link #commit}). */
  public void put(byte[] id, float[] vector) {
    if (vector.length != dimension) {
      throw new IllegalArgumentException(
          "vector has " + vector.length + " dimensions, the index " + dimension);
    }
    Document d = new Document();
    d.add(new StringField(ID, new BytesRef(id), Field.Store.NO));
    d.add(new BinaryDocValuesField(ID, new BytesRef(id)));
    d.add(new KnnFloatVectorField(VECTOR, metric.prepare(vector), metric.lucene));
    try {
      writer.updateDocument(new Term(ID, new BytesRef(id)), d);
    } catch (IOException e) {
      throw new UncheckedIOException("vector index write failed at " + path, e);
    }
  }

  public void delete(byte[] id) {
    try {
      writer.deleteDocuments(new Term(ID, new BytesRef(id)));
    } catch (IOException e) {
      throw new UncheckedIOException("vector index write failed at " + path, e);
    }
  }

  /** Removes every vector (before a rebuild). */
  public void clear() {
    try {
      writer.deleteAll();
    } catch (IOException e) {
      throw new UncheckedIOException("vector index write failed at " + path, e);
    }
  }

  /** Makes the writes durable and visible, recording {@code height}. */
  public void commit(long height) {
    try {
      writer.setLiveCommitData(
          Map.of(HEIGHT, Long.toString(height), FORMAT_KEY, FORMAT).entrySet());
      writer.commit();
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException("vector index commit failed at " + path, e);
    }
  }

  /**
   * The approximate nearest committed vectors to {@code query}: Lucene's HNSW search with a
   * candidate list of {@code candidates} (a larger list raises recall and costs time), at most
   * {@code candidates} hits, best first by Lucene's similarity (a monotone function of the metric
   * computed in float on the indexed vector, normalised for cosine).
   */
  public List<Candidate> search(float[] query, int candidates) {
    if (query.length != dimension) {
      throw new IllegalArgumentException(
          "query has " + query.length + " dimensions, the index " + dimension);
    }
    try {
      IndexSearcher s = searchers.acquire();
      try {
        TopDocs top =
            s.search(
                new KnnFloatVectorQuery(VECTOR, metric.prepare(query), candidates), candidates);
        return withIds(s, top.scoreDocs);
      } finally {
        searchers.release(s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("vector search failed at " + path, e);
    }
  }

  /** The hits in their order, with ids read from the doc-values column (forward per segment). */
  private List<Candidate> withIds(IndexSearcher s, ScoreDoc[] hits) throws IOException {
    List<LeafReaderContext> leaves = s.getIndexReader().leaves();
    Integer[] byDoc = new Integer[hits.length];
    for (int i = 0; i < hits.length; i++) {
      byDoc[i] = i;
    }
    java.util.Arrays.sort(byDoc, (a, b) -> Integer.compare(hits[a].doc, hits[b].doc));
    byte[][] ids = new byte[hits.length][];
    int leaf = -1;
    BinaryDocValues values = null;
    for (int i : byDoc) {
      int doc = hits[i].doc;
      int l = ReaderUtil.subIndex(doc, leaves);
      if (l != leaf) {
        leaf = l;
        values = leaves.get(l).reader().getBinaryDocValues(ID);
      }
      int local = doc - leaves.get(l).docBase;
      if (values == null || !values.advanceExact(local)) {
        throw new IOException("vector index document " + doc + " has no id (rebuild the index)");
      }
      BytesRef id = values.binaryValue();
      ids[i] = java.util.Arrays.copyOfRange(id.bytes, id.offset, id.offset + id.length);
    }
    List<Candidate> out = new ArrayList<>(hits.length);
    for (int i = 0; i < hits.length; i++) {
      out.add(new Candidate(ids[i], hits[i].score));
    }
    return out;
  }

  /** Number of segments of the committed index (each is one HNSW graph searched per query). */
  public int segments() {
    try {
      IndexSearcher s = searchers.acquire();
      try {
        return s.getIndexReader().leaves().size();
      } finally {
        searchers.release(s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("vector index read failed at " + path, e);
    }
  }

  /** Number of committed vectors. */
  public int size() {
    try {
      IndexSearcher s = searchers.acquire();
      try {
        return s.getIndexReader().numDocs();
      } finally {
        searchers.release(s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("vector index read failed at " + path, e);
    }
  }

  @Override
  public void close() {
    try {
      searchers.close();
      writer.rollback();
      dir.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the vector index at " + path, e);
    }
  }
}
