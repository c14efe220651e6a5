package io.cvmavs.cvm.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.cvm.proof.Keccak;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block store on a real RocksDB in a temporary directory. */
class CvmBlockStoreTest {
  @TempDir Path dir;
  static final byte[] MANUSCRIPT = "name: m\n".getBytes(StandardCharsets.UTF_8);
  final CvmBlockBuilder builder = new CvmBlockBuilder();

  CvmBlock block(Optional<CvmBlockHeader> parent, long from, long to) {
    return builder.build(
        parent,
        Keccak.hash(MANUSCRIPT),
        CvmBlockTest.source(from, to),
        Map.of(
            "transfers",
            CvmBlockTest.transfers(from, to, 4),
            "empty",
            CvmBlockTest.transfers(1, 0, 0)),
        1_700_000_000L + from);
  }

  @Test
  void storesAChainAndReadsItBackAfterReopening() {
    CvmBlock b0 = block(Optional.empty(), 0, 9);
    CvmBlock b1 = block(Optional.of(b0.header()), 10, 19);
    try (CvmBlockStore store = CvmBlockStore.open(dir)) {
      assertThat(store.putManuscript(MANUSCRIPT)).isEqualTo(Keccak.hash(MANUSCRIPT));
      store.append(b0);
      store.append(b1);
    }
    try (CvmBlockStore store = CvmBlockStore.open(dir)) {
      byte[] m = Keccak.hash(MANUSCRIPT);
      assertThat(store.manuscriptHashes()).singleElement().isEqualTo(m);
      assertThat(store.manuscript(m)).contains(MANUSCRIPT);
      assertThat(store.head(m)).get().satisfies(h -> assertThat(h.hash()).isEqualTo(b1.hash()));
      assertThat(store.blockHashAt(m, 0)).contains(b0.hash());
      CvmBlock back = store.block(b1.hash()).orElseThrow();
      assertThat(back.hash()).isEqualTo(b1.hash());
      assertThat(back.datasets().get("transfers").root())
          .isEqualTo(b1.datasets().get("transfers").root());
      assertThat(back.datasets().get("empty").size()).isZero();
      back.prove("transfers", 17).verify(b1.hash());
      assertThat(store.block(new byte[32])).isEmpty();
    }
  }

  @Test
  void refusesBlocksThatDoNotExtendTheHead() {
    CvmBlock b0 = block(Optional.empty(), 0, 9);
    try (CvmBlockStore store = CvmBlockStore.open(dir)) {
      assertThatThrownBy(() -> store.append(b0))
          .isInstanceOf(BlockException.class)
          .hasMessageContaining("is not stored");
      store.putManuscript(MANUSCRIPT);
      CvmBlock orphan = block(Optional.of(b0.header()), 10, 19);
      assertThatThrownBy(() -> store.append(orphan))
          .hasMessageContaining("the first block has height 0");
      store.append(b0);
      assertThatThrownBy(() -> store.append(b0)).hasMessageContaining("head: block 0");
    }
  }
}
