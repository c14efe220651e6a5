package io.cvmavs.cvm.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.CanonicalEncoding;
import io.cvmavs.cvm.proof.InclusionProof;
import io.cvmavs.cvm.proof.Keccak;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CvmBlockTest {
  static final byte[] MANUSCRIPT = Keccak.hash("manuscript".getBytes());
  final CvmBlockBuilder builder = new CvmBlockBuilder();

  static CanonicalDataset transfers(long fromBlock, long toBlock, int perBlock) {
    List<Object[]> rows = new ArrayList<>();
    for (long b = fromBlock; b <= toBlock; b++) {
      for (long i = 0; i < perBlock; i++) {
        rows.add(
            new Object[] {
              String.format("0x%064x", b * 1000 + i), i, b, "0xfrom", "0xto", String.valueOf(b * i)
            });
      }
    }
    return CanonicalDataset.of(
        List.of(
            "transaction_hash",
            "log_index",
            "block_number",
            "from_address",
            "to_address",
            "amount"),
        List.of("transaction_hash", "log_index"),
        rows);
  }

  static SourceCommitment source(long from, long to) {
    return SourceCommitment.of("eth", from, to, Map.of(ChainTable.BLOCKS, List.of()));
  }

  CvmBlock block(Optional<CvmBlockHeader> parent, long from, long to) {
    return builder.build(
        parent,
        MANUSCRIPT,
        source(from, to),
        Map.of("transfers", transfers(from, to, 3)),
        1_700_000_000L + from);
  }

  @Test
  void proofsOfEveryRecordVerifyAgainstTheBlockHash() {
    CvmBlock b = block(Optional.empty(), 0, 9);
    assertThat(b.header().height()).isZero();
    assertThat(b.header().parentHash()).isEqualTo(CvmBlockHeader.ZERO_HASH);
    byte[] hash = b.hash();
    for (int i = 0; i < 30; i++) {
      RecordProof p = b.prove("transfers", i);
      p.verify(hash);
      RecordProof back = RecordProofJson.read(RecordProofJson.write(p));
      back.verify(hash);
      assertThat(back.record()).isEqualTo(p.record());
    }
    RecordProof byKey = b.proveKey("transfers", String.format("0x%064x", 5002), 2L);
    assertThat(RecordProofJson.write(byKey))
        .contains("\"values\" : [ \"0x" + "0".repeat(60) + "138a\", 2, 5,");
  }

  @Test
  void tamperedProofsAreRefusedWithTheReason() {
    CvmBlock b = block(Optional.empty(), 0, 9);
    byte[] hash = b.hash();
    RecordProof p = b.prove("transfers", 4);
    assertThatThrownBy(
            () ->
                new RecordProof(p.header(), "transfers", CanonicalEncoding.encode("x"), p.proof())
                    .verify(hash))
        .isInstanceOf(BlockException.class)
        .hasMessageContaining("not leaf 4");
    InclusionProof wrongCount = new InclusionProof(4, 32, p.proof().siblings());
    assertThatThrownBy(
            () -> new RecordProof(p.header(), "transfers", p.record(), wrongCount).verify(hash))
        .hasMessageContaining("tree of 32 records but dataset 'transfers' has 30");
    CvmBlockHeader forged =
        new CvmBlockHeader(
            0,
            p.header().parentHash(),
            p.header().input(),
            p.header().manuscriptHash(),
            List.of(new DatasetEntry("transfers", 30, new byte[32], new byte[32])),
            p.header().stateRoot(),
            p.header().timestamp());
    assertThatThrownBy(
            () -> new RecordProof(forged, "transfers", p.record(), p.proof()).verify(hash))
        .hasMessageContaining("does not hash to the expected block hash");
    assertThatThrownBy(() -> p.verify(new byte[32])).hasMessageContaining("expected block hash");
    assertThatThrownBy(() -> b.prove("nope", 0)).hasMessageContaining("no dataset 'nope'");
    assertThatThrownBy(() -> b.prove("transfers", 30))
        .hasMessageContaining("has 30 records, no record 30");
  }

  @Test
  void blocksChainByParentHashAndAccumulateState() {
    CvmBlock b0 = block(Optional.empty(), 0, 9);
    CvmBlock b1 = block(Optional.of(b0.header()), 10, 19);
    assertThat(b1.header().height()).isEqualTo(1);
    assertThat(b1.header().parentHash()).isEqualTo(b0.hash());
    assertThat(b1.header().stateRoot())
        .isEqualTo(
            CvmBlockHeader.nextStateRoot(b0.header().stateRoot(), b1.header().datasetsRoot()));
    // Same inputs, same block: the hash is a pure function of them.
    assertThat(block(Optional.of(b0.header()), 10, 19).hash()).isEqualTo(b1.hash());
    assertThatThrownBy(() -> block(Optional.of(b0.header()), 11, 19))
        .isInstanceOf(BlockException.class)
        .hasMessageContaining("does not follow the parent's 0-9");
    assertThatThrownBy(
            () ->
                builder.build(
                    Optional.of(b0.header()),
                    Keccak.hash(new byte[1]),
                    source(10, 19),
                    Map.of(),
                    0))
        .hasMessageContaining("another manuscript");
  }

  @Test
  void everyHeaderFieldChangesTheHash() {
    CvmBlockHeader h = block(Optional.empty(), 0, 9).header();
    byte[] hash = h.hash();
    byte[] other = Keccak.hash(new byte[] {7});
    List<CvmBlockHeader> variants =
        List.of(
            new CvmBlockHeader(
                1,
                h.parentHash(),
                h.input(),
                h.manuscriptHash(),
                h.datasets(),
                h.stateRoot(),
                h.timestamp()),
            new CvmBlockHeader(
                0,
                other,
                h.input(),
                h.manuscriptHash(),
                h.datasets(),
                h.stateRoot(),
                h.timestamp()),
            new CvmBlockHeader(
                0,
                h.parentHash(),
                new InputCommitment("eth", 0, 10, h.input().sourceRoot()),
                h.manuscriptHash(),
                h.datasets(),
                h.stateRoot(),
                h.timestamp()),
            new CvmBlockHeader(
                0,
                h.parentHash(),
                new InputCommitment("eth", 0, 9, other),
                h.manuscriptHash(),
                h.datasets(),
                h.stateRoot(),
                h.timestamp()),
            new CvmBlockHeader(
                0, h.parentHash(), h.input(), other, h.datasets(), h.stateRoot(), h.timestamp()),
            new CvmBlockHeader(
                0,
                h.parentHash(),
                h.input(),
                h.manuscriptHash(),
                List.of(),
                h.stateRoot(),
                h.timestamp()),
            new CvmBlockHeader(
                0,
                h.parentHash(),
                h.input(),
                h.manuscriptHash(),
                h.datasets(),
                other,
                h.timestamp()),
            new CvmBlockHeader(
                0,
                h.parentHash(),
                h.input(),
                h.manuscriptHash(),
                h.datasets(),
                h.stateRoot(),
                h.timestamp() + 1));
    assertThat(variants).allSatisfy(v -> assertThat(v.hash()).isNotEqualTo(hash));
  }

  @Test
  void buildsAndProvesTwentyThousandRecords() {
    CanonicalDataset ds = transfers(0, 99, 200);
    CvmBlock b =
        builder.build(Optional.empty(), MANUSCRIPT, source(0, 99), Map.of("transfers", ds), 0);
    byte[] hash = b.hash();
    for (int i = 0; i < ds.size(); i++) {
      b.prove("transfers", i).verify(hash);
    }
    assertThat(ds.size()).isEqualTo(20_000);
    // Timing lives in CvmBenchmarks (docs/BENCHMARKS.md), not in a test.
  }
}
