package io.cvmavs.chainbasedb.bench;

import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.DerivedIds;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.Payload;
import io.cvmavs.chainbasedb.signature.MutationSigner;
import io.cvmavs.chainbasedb.store.ChainbaseDb;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt64;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.web3j.crypto.ECKeyPair;

/**
 * ChainbaseDB vector and graph queries: k-NN (k = 10) through the Lucene HNSW vector index over
 * random {@code dim}-dimension vectors (recall@10 against brute force over 50 queries printed once
 * at setup, with the segment count), and a 3-hop traversal over a random graph of {@code edges}
 * edges (out-degree 10). The collections are built through signed mutations and FinalizeBlock, as
 * on the chain.
 *
 * <p>Vector data ({@code data}): {@code gaussian} — every element N(0, 1), isotropic, intrinsic
 * dimension = {@code dim}, the worst case for any graph index (the 2nd..10th neighbours of a query
 * are barely nearer than the rest); {@code lowrank} — {@code A·z + e} with a fixed random {@code
 * dim × 32} matrix A, z ~ N(0, I₃₂) and e ~ N(0, 0.1²·32·I), a stand-in for text embeddings, whose
 * intrinsic dimension is far below their width. Queries: a stored vector plus noise of half its
 * per-element spread (see {@link VectorState#query}).
 */
public class VectorGraphBenchmarks {
  private static final long CHAIN = 1;

  static MutationSigner owner(long seed) {
    return MutationSigner.eth(ECKeyPair.create(new BigInteger(250, new Random(seed))));
  }

  @State(Scope.Benchmark)
  public static class VectorState {
    @Param({"20000"})
    public int docs;

    @Param({"384"})
    public int dim;

    @Param({"cosine"})
    public String metric;

    @Param({"gaussian"})
    public String data;

    @Param({"100"})
    public int candidates;

    Path dir;
    ChainbaseDb db;
    Identity dbId;
    float[][] vectors;
    Random rnd = new Random(12);

    @Setup(Level.Trial)
    public void setup() {
      MutationSigner owner = owner(7);
      dbId = DerivedIds.database(owner.identity(), 1, 0);
      dir = ChainbaseDbBenchmarks.tempDir();
      db = ChainbaseDb.open(dir, CHAIN);
      long nonce = 0;
      db.apply(
          1,
          List.of(
              owner
                  .sign(
                      CHAIN,
                      ++nonce,
                      new Payload.Group(
                          List.of(
                              new Payload.CreateDatabase("bench", "", List.of(), List.of()),
                              new Payload.CreateCollection(
                                  dbId,
                                  "v",
                                  List.of(
                                      new IndexSpec(
                                          "emb",
                                          IndexSpec.Kind.VECTOR_INDEX,
                                          List.of("emb"),
                                          dim,
                                          metric))))))
                  .encode()));
      Random r = new Random(13);
      int rank = 32;
      basis = new double[dim][rank];
      for (double[] row : basis) {
        for (int t = 0; t < rank; t++) {
          row[t] = r.nextGaussian();
        }
      }
      double spread = data.equals("lowrank") ? Math.sqrt(rank) : 1;
      vectors = new float[docs][];
      long t0 = System.nanoTime();
      int added = 0;
      while (added < docs) {
        List<byte[]> block = new ArrayList<>();
        for (int m = 0; m < 10 && added < docs; m++) {
          List<byte[]> batch = new ArrayList<>();
          for (int i = 0; i < 500 && added < docs; i++, added++) {
            float[] v = new float[dim];
            BsonArray a = new BsonArray();
            double[] z = new double[rank];
            if (data.equals("lowrank")) {
              for (int t = 0; t < rank; t++) {
                z[t] = r.nextGaussian();
              }
            } else if (!data.equals("gaussian")) {
              throw new IllegalArgumentException("data: gaussian or lowrank, not " + data);
            }
            for (int j = 0; j < dim; j++) {
              if (data.equals("lowrank")) {
                double x = 0.1 * spread * r.nextGaussian();
                for (int t = 0; t < rank; t++) {
                  x += basis[j][t] * z[t];
                }
                v[j] = (float) x;
              } else {
                v[j] = (float) r.nextGaussian();
              }
              a.add(new BsonDouble(v[j]));
            }
            vectors[added] = v;
            batch.add(BsonDocuments.encode(new BsonDocument("emb", a)));
          }
          block.add(
              owner.sign(CHAIN, ++nonce, new Payload.AddDocuments(dbId, "v", batch)).encode());
        }
        db.apply(db.height() + 1, block);
      }
      long built = System.nanoTime() - t0;
      int[] lists = {50, 100, 200, 400, 800};
      double[] rec = recall(50, lists);
      StringBuilder curve = new StringBuilder();
      for (int c = 0; c < lists.length; c++) {
        curve.append(String.format(" %d: %.3f", lists[c], rec[c]));
      }
      System.err.printf(
          "%n[vector] %d x %d %s (%s) applied and indexed in %.1f s, %d segment(s); recall@10 over"
              + " 50 queries by candidate list:%s%n",
          docs, dim, data, metric, built / 1e9, db.vectorIndexSegments(dbId, "v", "emb"), curve);
    }

    double[][] basis;

    // CPU time of the benchmark thread per query, per iteration (on a shared machine the wall
    // clock includes time spent waiting for a core).
    private static final java.lang.management.ThreadMXBean THREADS =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long ops;
    long cpuStart;

    @Setup(Level.Iteration)
    public void iterationStart() {
      ops = 0;
      cpuStart = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void iterationEnd() {
      long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
      System.err.printf(" [cpu %.0f us/op over %d ops]", cpu / 1e3 / Math.max(1, ops), ops);
    }

    /**
     * A stored vector plus noise of half its spread: N(0, 0.5²) per element (gaussian), A·δ with δ
     * ~ N(0, 0.5²·I₃₂) (lowrank: the query stays near the data's subspace, as embeddings do).
     */
    float[] query(Random qr) {
      float[] query = vectors[qr.nextInt(docs)].clone();
      if (data.equals("lowrank")) {
        double[] d = new double[basis[0].length];
        for (int t = 0; t < d.length; t++) {
          d[t] = 0.5 * qr.nextGaussian();
        }
        for (int j = 0; j < dim; j++) {
          double x = 0;
          for (int t = 0; t < d.length; t++) {
            x += basis[j][t] * d[t];
          }
          query[j] += (float) x;
        }
      } else {
        for (int j = 0; j < dim; j++) {
          query[j] += (float) (0.5 * qr.nextGaussian());
        }
      }
      return query;
    }

    /**
     * Mean recall@10 over {@code queries} queries for each candidate list of {@code lists}, against
     * a brute force in double over the generated vectors (written apart from the index).
     */
    double[] recall(int queries, int... lists) {
      Random qr = new Random(99);
      double[] sum = new double[lists.length];
      for (int q = 0; q < queries; q++) {
        float[] query = query(qr);
        double[] best = new double[docs];
        Integer[] order = new Integer[docs];
        for (int i = 0; i < docs; i++) {
          order[i] = i;
          double dot = 0;
          double nq = 0;
          double nv = 0;
          for (int j = 0; j < dim; j++) {
            dot += query[j] * (double) vectors[i][j];
            nq += query[j] * (double) query[j];
            nv += vectors[i][j] * (double) vectors[i][j];
          }
          best[i] =
              switch (metric) {
                case "cosine" -> -dot / Math.sqrt(nq * nv);
                case "dot" -> -dot;
                default -> {
                  double d = 0;
                  for (int j = 0; j < dim; j++) {
                    double x = query[j] - (double) vectors[i][j];
                    d += x * x;
                  }
                  yield d;
                }
              };
        }
        Arrays.sort(order, (x, y) -> Double.compare(best[x], best[y]));
        Set<String> want = new HashSet<>();
        for (int i = 0; i < 10; i++) {
          want.add(Arrays.toString(vectors[order[i]]));
        }
        for (int c = 0; c < lists.length; c++) {
          int hit = 0;
          for (ChainbaseDb.Near n : db.nearest(dbId, "v", "emb", query, 10, lists[c])) {
            BsonArray a = BsonDocuments.decodeTrusted(n.bson()).getArray("emb");
            float[] v = new float[dim];
            for (int j = 0; j < dim; j++) {
              v[j] = (float) a.get(j).asDouble().getValue();
            }
            if (want.contains(Arrays.toString(v))) {
              hit++;
            }
          }
          sum[c] += hit / 10.0;
        }
      }
      for (int c = 0; c < lists.length; c++) {
        sum[c] /= queries;
      }
      return sum;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      db.close();
      ChainbaseDbBenchmarks.delete(dir);
    }
  }

  /** k = 10 nearest to a random stored vector plus noise (candidate list {@code candidates}). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  @Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
  public int knn10(VectorState s) {
    s.ops++;
    return s.db.nearest(s.dbId, "v", "emb", s.query(s.rnd), 10, s.candidates).size();
  }

  @State(Scope.Benchmark)
  public static class GraphState {
    @Param({"100000"})
    public int edges;

    Path dir;
    ChainbaseDb db;
    Identity dbId;
    int nodes;
    Random rnd = new Random(21);

    @Setup(Level.Trial)
    public void setup() {
      MutationSigner owner = owner(8);
      dbId = DerivedIds.database(owner.identity(), 1, 0);
      dir = ChainbaseDbBenchmarks.tempDir();
      db = ChainbaseDb.open(dir, CHAIN);
      long nonce = 0;
      db.apply(
          1,
          List.of(
              owner
                  .sign(
                      CHAIN,
                      ++nonce,
                      new Payload.Group(
                          List.of(
                              new Payload.CreateDatabase("bench", "", List.of(), List.of()),
                              new Payload.CreateCollection(
                                  dbId,
                                  "e",
                                  List.of(
                                      new IndexSpec(
                                          "g",
                                          IndexSpec.Kind.GRAPH_INDEX,
                                          List.of("src", "dst"),
                                          0,
                                          ""))))))
                  .encode()));
      nodes = edges / 10;
      Random r = new Random(22);
      int added = 0;
      while (added < edges) {
        List<byte[]> block = new ArrayList<>();
        for (int m = 0; m < 20 && added < edges; m++) {
          List<byte[]> batch = new ArrayList<>();
          for (int i = 0; i < 1000 && added < edges; i++, added++) {
            batch.add(
                BsonDocuments.encode(
                    new BsonDocument("src", new BsonInt64(added / 10))
                        .append("dst", new BsonInt64(r.nextInt(nodes)))));
          }
          block.add(
              owner.sign(CHAIN, ++nonce, new Payload.AddDocuments(dbId, "e", batch)).encode());
        }
        db.apply(db.height() + 1, block);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      db.close();
      ChainbaseDbBenchmarks.delete(dir);
    }
  }

  /** Every node within 3 hops (out-degree 10: ≈ 1,100 nodes) of a random node. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  @Fork(1)
  public int threeHops(GraphState s) {
    return s.db
        .traverse(
            s.dbId,
            "e",
            "g",
            new BsonInt64(s.rnd.nextInt(s.nodes)),
            ChainbaseDb.Direction.OUT,
            3,
            ChainbaseDb.MAX_RESULTS)
        .nodes()
        .size();
  }
}
