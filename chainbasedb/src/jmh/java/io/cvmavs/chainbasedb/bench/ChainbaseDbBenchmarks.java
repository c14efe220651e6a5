package io.cvmavs.chainbasedb.bench;

import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.DerivedIds;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.Payload;
import io.cvmavs.chainbasedb.signature.MutationSigner;
import io.cvmavs.chainbasedb.store.ChainbaseDb;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.web3j.crypto.ECKeyPair;

/**
 * ChainbaseDB on RocksDB (a temp dir): FinalizeBlock throughput for signed 1 KiB AddDocuments
 * mutations, and ordered-index queries returning 100 documents out of a large collection.
 */
public class ChainbaseDbBenchmarks {
  private static final long CHAIN = 1;

  static Path tempDir() {
    try {
      return Files.createTempDirectory("chainbasedb-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] doc(Random rnd, int payload) {
    BsonDocument d = new BsonDocument();
    d.put("k", new BsonInt64(rnd.nextInt(1_000_000)));
    d.put("g", new BsonInt32(rnd.nextInt(100)));
    d.put("payload", new BsonString("p".repeat(payload)));
    return BsonDocuments.encode(d);
  }

  /**
   * Blocks of 1,000 AddDocuments mutations, each with one 1 KiB document and its own signature,
   * applied with one synced RocksDB write per block. One invocation = one block; the score is per
   * mutation.
   */
  @State(Scope.Benchmark)
  public static class ApplyState {
    static final int PER_BLOCK = 1000;
    static final int BLOCKS = 40;

    @Param({"eth", "near"})
    public String scheme;

    Path dir;
    ChainbaseDb db;
    List<List<byte[]>> blocks = new ArrayList<>();
    int next;

    @Setup(Level.Trial)
    public void setup() {
      Random rnd = new Random(5);
      MutationSigner owner =
          scheme.equals("eth")
              ? MutationSigner.eth(ECKeyPair.create(new BigInteger(250, rnd)))
              : MutationSigner.near(new byte[32]);
      Identity dbId = DerivedIds.database(owner.identity(), 1, 0);
      dir = tempDir();
      db = ChainbaseDb.open(dir, CHAIN);
      db.apply(
          1,
          List.of(
              owner
                  .sign(
                      CHAIN,
                      1,
                      new Payload.Group(
                          List.of(
                              new Payload.CreateDatabase("bench", "", List.of(), List.of()),
                              new Payload.CreateCollection(
                                  dbId, "c", List.of(IndexSpec.ordered("k", "k"))))))
                  .encode()));
      long nonce = 1;
      for (int b = 0; b < BLOCKS; b++) {
        List<byte[]> block = new ArrayList<>(PER_BLOCK);
        for (int i = 0; i < PER_BLOCK; i++) {
          block.add(
              owner
                  .sign(CHAIN, ++nonce, new Payload.AddDocuments(dbId, "c", List.of(doc(rnd, 980))))
                  .encode());
        }
        blocks.add(block);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      db.close();
      delete(dir);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 10)
  @Measurement(iterations = 30)
  @OperationsPerInvocation(ApplyState.PER_BLOCK)
  @Fork(1)
  public byte[] applyAddDocuments1KiB(ApplyState s) {
    ChainbaseDb.BlockResult r = s.db.apply(s.db.height() + 1, s.blocks.get(s.next++));
    if (r.results().stream().anyMatch(t -> t.refusal().isPresent())) {
      throw new IllegalStateException("a benchmark mutation was refused");
    }
    return r.stateRoot();
  }

  /** A collection of {@code docs} documents with ordered indexes on k and on (g, k). */
  @State(Scope.Benchmark)
  public static class QueryState {
    @Param({"1000000"})
    public int docs;

    Path dir;
    ChainbaseDb db;
    Identity dbId;
    Random rnd = new Random(9);

    @Setup(Level.Trial)
    public void setup() {
      Random r = new Random(6);
      MutationSigner owner = MutationSigner.eth(ECKeyPair.create(new BigInteger(250, r)));
      dbId = DerivedIds.database(owner.identity(), 1, 0);
      dir = tempDir();
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
                                  "c",
                                  List.of(
                                      IndexSpec.ordered("k", "k"),
                                      IndexSpec.ordered("gk", "g", "k"))))))
                  .encode()));
      int added = 0;
      while (added < docs) {
        List<byte[]> block = new ArrayList<>();
        for (int m = 0; m < 20 && added < docs; m++) {
          List<byte[]> batch = new ArrayList<>();
          for (int i = 0; i < 1000 && added < docs; i++, added++) {
            batch.add(doc(r, 60));
          }
          block.add(
              owner.sign(CHAIN, ++nonce, new Payload.AddDocuments(dbId, "c", batch)).encode());
        }
        db.apply(db.height() + 1, block);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      db.close();
      delete(dir);
    }
  }

  /** The first 100 documents with k ≥ a random value, through the ordered index "k". */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  @Fork(1)
  public int rangeQuery100(QueryState s) {
    ChainbaseDb.Bound low = ChainbaseDb.Bound.inclusive(new BsonInt64(s.rnd.nextInt(990_000)));
    return s.db.range(s.dbId, "c", "k", low, null, 100).size();
  }

  /** A prefix scan on g (≈ 1 % of the collection), first 100 in k order. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  @Fork(1)
  public int prefixQuery100(QueryState s) {
    return s.db.prefix(s.dbId, "c", "gk", List.of(new BsonInt32(s.rnd.nextInt(100))), 100).size();
  }
}
