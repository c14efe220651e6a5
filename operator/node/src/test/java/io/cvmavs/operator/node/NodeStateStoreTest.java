package io.cvmavs.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeStateStoreTest {
  @TempDir Path dir;

  private Stream<String> names() throws Exception {
    return Files.list(dir).map(p -> p.getFileName().toString()).sorted();
  }

  @Test
  void cursorSurvivesANewStoreAndIsReplacedWhole() throws Exception {
    NodeStateStore store = new NodeStateStore(dir);
    assertThat(store.lastProcessedBlock()).isEmpty();
    store.setLastProcessedBlock(41);
    store.setLastProcessedBlock(42);

    assertThat(new NodeStateStore(dir).lastProcessedBlock()).hasValue(42);
    assertThat(Files.readString(dir.resolve("cursor.json")))
        .isEqualTo("{\"lastProcessedBlock\":42}");
    try (Stream<String> names = names()) {
      assertThat(names).containsExactly("cursor.json");
    }
  }

  @Test
  void aFailedCursorWriteNamesTheFileAndLeavesNoTemporaryFile() throws Exception {
    NodeStateStore store = new NodeStateStore(dir);
    // A non-empty folder where the cursor should be: the final rename cannot replace it.
    Files.createDirectories(dir.resolve("cursor.json/blocker"));

    assertThatThrownBy(() -> store.setLastProcessedBlock(7))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot write " + dir.resolve("cursor.json"));
    try (Stream<String> names = names()) {
      assertThat(names).containsExactly("cursor.json");
    }
  }
}
