package io.cvmavs.storage.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.storage.TestBlocks;
import io.cvmavs.storage.group.BlockGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDiskBackendTest {
  @TempDir Path dir;

  @Test
  void storesContentAddressedAndRepairsADamagedCopy() throws Exception {
    LocalDiskBackend local = new LocalDiskBackend(dir);
    BlockGroup g = BlockGroup.pack(1, TestBlocks.MANUSCRIPT, TestBlocks.chain(2, 10, 1), List.of());
    Receipt r = local.put(g.bytes());
    assertThat(r).isEqualTo(new Receipt("local", g.fileHashHex(), g.size(), g.fileHashHex()));
    Path file = dir.resolve(r.hash().substring(0, 2)).resolve(r.hash() + ".cvmg");
    assertThat(file).exists();
    assertThat(local.exists(r.locator())).isTrue();
    assertThat(local.put(g.bytes())).isEqualTo(r);
    try (var files = Files.list(file.getParent())) {
      assertThat(files).hasSize(1); // no temporary files left, no second copy
    }

    Files.write(file, java.util.Arrays.copyOf(g.bytes(), 100)); // damaged on disk
    assertThatThrownBy(() -> local.get(r)).hasMessageContaining("truncated download");
    local.put(g.bytes());
    assertThat(local.get(r)).hasValueSatisfying(b -> assertThat(b).isEqualTo(g.bytes()));

    assertThat(local.get("ab".repeat(32))).isEmpty();
    assertThatThrownBy(() -> local.get("../etc/passwd")).hasMessageContaining("SHA-256");
  }
}
