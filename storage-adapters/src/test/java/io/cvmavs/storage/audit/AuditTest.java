package io.cvmavs.storage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.storage.TestBlocks;
import io.cvmavs.storage.backend.LocalDiskBackend;
import io.cvmavs.storage.backend.Receipt;
import io.cvmavs.storage.chunk.AuditChunks;
import io.cvmavs.storage.group.BlockGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audits of a group kept on real disk: an honest holder passes; a flipped byte in one chunk, a
 * missing chunk and a truncated file fail and are named.
 */
class AuditTest {
  static final BlockGroup GROUP =
      BlockGroup.pack(1, TestBlocks.MANUSCRIPT, TestBlocks.chain(6, 2000, 21), List.of());
  static final byte[] SEED = Keccak.hash("finalised block 1234".getBytes());
  @TempDir Path dir;

  @Test
  void selectsFortySevenDistinctIndicesDeterministically() {
    AuditChallenge a = AuditChallenge.of(SEED, GROUP.auditRoot(), GROUP.size());
    assertThat(a.chunkCount()).isGreaterThan(47);
    assertThat(a.indices()).hasSize(47).doesNotHaveDuplicates();
    assertThat(a.indices()).allSatisfy(i -> assertThat(i).isBetween(0, a.chunkCount() - 1));
    assertThat(AuditChallenge.of(SEED, GROUP.auditRoot(), GROUP.size()).indices())
        .isEqualTo(a.indices());
    assertThat(
            AuditChallenge.of(Keccak.hash(new byte[1]), GROUP.auditRoot(), GROUP.size()).indices())
        .isNotEqualTo(a.indices());
    AuditChallenge small = AuditChallenge.of(SEED, GROUP.auditRoot(), 3 * AuditChunks.CHUNK + 5);
    assertThat(new HashSet<>(small.indices())).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(small.chunkLength(3)).isEqualTo(5);
  }

  @Test
  void anHonestHolderPassesACorruptedOrIncompleteOneFails() throws Exception {
    LocalDiskBackend operator = new LocalDiskBackend(dir);
    Receipt r = operator.put(GROUP.bytes());
    AuditChallenge challenge = AuditChallenge.of(SEED, GROUP.auditRoot(), r.size());

    byte[] held = operator.get(r.locator()).orElseThrow();
    AuditVerifier.Outcome honest =
        AuditVerifier.verify(challenge, AuditAnswer.prove(challenge, held));
    assertThat(honest.failures()).isEmpty();
    assertThat(honest.passed()).isTrue();

    int victim = challenge.indices().get(5);
    Path file = dir.resolve(r.hash().substring(0, 2)).resolve(r.hash() + ".cvmg");
    byte[] corrupted = Files.readAllBytes(file);
    corrupted[victim * AuditChunks.CHUNK + 17] ^= 1;
    Files.write(file, corrupted);
    AuditVerifier.Outcome bad =
        AuditVerifier.verify(
            challenge, AuditAnswer.prove(challenge, operator.get(r.locator()).orElseThrow()));
    assertThat(bad.passed()).isFalse();
    // the holder's own tree is built over the corrupted file: its root differs, so every path fails
    assertThat(bad.failures()).anySatisfy(f -> assertThat(f).startsWith("chunk " + victim + " "));

    AuditAnswer honestAnswer = AuditAnswer.prove(challenge, GROUP.bytes());
    List<AuditAnswer.Item> dropped = new ArrayList<>(honestAnswer.items());
    dropped.remove(3);
    AuditVerifier.Outcome missing = AuditVerifier.verify(challenge, new AuditAnswer(dropped));
    assertThat(missing.failures())
        .containsExactly("chunk " + challenge.indices().get(3) + " missing");

    List<AuditAnswer.Item> swapped = new ArrayList<>(honestAnswer.items());
    AuditAnswer.Item good = swapped.get(0);
    byte[] other = good.chunk();
    other[0] ^= (byte) 0x80;
    swapped.set(0, new AuditAnswer.Item(good.index(), other, good.proof()));
    assertThat(AuditVerifier.verify(challenge, new AuditAnswer(swapped)).failures())
        .containsExactly(
            "chunk " + good.index() + " does not hash up to the audit root (wrong content)");

    byte[] truncated = java.util.Arrays.copyOf(GROUP.bytes(), GROUP.size() - 100);
    assertThat(AuditVerifier.verify(challenge, AuditAnswer.prove(challenge, truncated)).passed())
        .isFalse();
  }
}
