package io.cvmavs.consensus.bench;

import com.google.protobuf.ByteString;
import io.cvmavs.consensus.app.CvmChainApp;
import io.cvmavs.consensus.app.GenesisState;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.proto.abci.RequestFinalizeBlock;
import io.cvmavs.consensus.proto.abci.RequestInitChain;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.block.DatasetEntry;
import io.cvmavs.cvm.block.InputCommitment;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.stake.validator.ConsensusKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CVM chain app's {@code FinalizeBlock} of a block carrying one CVM block of {@code records}
 * token-transfer-shaped records (≈ 230 bytes each): decode, per-field checks, the dataset root
 * recomputed from every record, header/state-root checks, accumulator append, app hash. Not
 * committed (each invocation finalises the same height again). Target (issue 17): ≤ 100 ms for 20k
 * records.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class FinalizeBlockBenchmark {
  @Param({"20000"})
  public int records;

  private Path dir;
  private CvmChainApp app;
  private RequestFinalizeBlock request;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("finalize-bench");
    byte[] manuscript = Keccak.hash("bench manuscript".getBytes());
    List<BlsValidator> vs = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      BlsKeyPair kp = BlsKeyPair.fromSecret(BigInteger.valueOf(i));
      byte[] key = new byte[32];
      key[0] = (byte) i;
      vs.add(new BlsValidator(ConsensusKey.of(key), kp.publicKeyG1(), kp.publicKeyG2(), 10));
    }
    GenesisState g =
        new GenesisState(
            "eth", 0, 100, 0, 1000, 1_000, 0, List.of(manuscript), BlsValidatorSet.of(vs));
    app =
        CvmChainApp.open(
            dir,
            new CvmChainApp.Settings(
                Optional.empty(), () -> 0L, Optional.empty(), Optional.empty(), records));
    app.initChain(
        RequestInitChain.newBuilder()
            .setChainId("bench")
            .setInitialHeight(1)
            .setAppStateBytes(ByteString.copyFrom(g.toJsonBytes()))
            .build());
    List<Object[]> rows = new ArrayList<>(records);
    for (int i = 0; i < records; i++) {
      long block = i / 200;
      rows.add(
          new Object[] {
            block,
            (long) (i % 200),
            String.format("0x%064x", i * 7919L),
            String.format("0x%040x", i % 997),
            String.format("0x%040x", (i * 31) % 1009),
            Long.toString(i * 1_000_000_007L),
            "0x5fbdb2315678afecb367f032d93f642f64180aa3"
          });
    }
    CanonicalDataset ds =
        CanonicalDataset.of(
            List.of(
                "block_number",
                "log_index",
                "transaction_hash",
                "from_address",
                "to_address",
                "value",
                "token_address"),
            List.of("block_number", "log_index"),
            rows);
    DatasetEntry e = new DatasetEntry("transfers", ds.size(), ds.root(), ds.schemaHash());
    CvmBlockHeader h =
        new CvmBlockHeader(
            0,
            CvmBlockHeader.ZERO_HASH,
            new InputCommitment("eth", 0, 99, Keccak.hash(new byte[] {1})),
            manuscript,
            List.of(e),
            CvmBlockHeader.nextStateRoot(
                CvmBlockHeader.ZERO_HASH, CvmBlockHeader.datasetsRoot(List.of(e))),
            1_700_000_000L);
    byte[] tx =
        TxCodec.envelope(
            TxEnvelope.newBuilder()
                .setCvmBlock(TxCodec.cvmBlock(new CvmBlock(h, Map.of("transfers", ds)))));
    request =
        RequestFinalizeBlock.newBuilder().setHeight(1).addTxs(ByteString.copyFrom(tx)).build();
    if (app.finalizeBlock(request).getTxResults(0).getCode() != 0) {
      throw new IllegalStateException("the benchmark block is refused");
    }
    System.out.println("# CVM block transaction: " + tx.length + " bytes, " + records + " records");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    app.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public Object finalizeBlock() {
    return app.finalizeBlock(request);
  }
}
