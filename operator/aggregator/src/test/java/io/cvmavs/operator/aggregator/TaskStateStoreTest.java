package io.cvmavs.operator.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chain.avs.CvmTask;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskStateStoreTest {
  @TempDir Path dir;

  private static CvmTask task(long index) {
    byte[] manuscript = new byte[32];
    byte[] input = new byte[32];
    Arrays.fill(manuscript, (byte) 0x11);
    Arrays.fill(input, (byte) index);
    return new CvmTask(index, 100 + index, manuscript, input, new byte[] {0}, 67, 500 + index);
  }

  private List<String> taskFileNames() throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve("tasks"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void savedTasksLoadBackAndAnUpdateReplacesTheFile() throws Exception {
    TaskStateStore store = new TaskStateStore(dir);
    TaskState s = new TaskState(task(3));
    store.save(s);
    s.status = TaskState.Status.RESPONDED;
    s.transactionHash = "0xabc";
    s.respondedBlock = 812;
    store.save(s);

    List<TaskState> loaded = new TaskStateStore(dir).loadAll();
    assertThat(loaded).hasSize(1);
    assertThat(loaded.get(0).task).isEqualTo(task(3));
    assertThat(loaded.get(0).status).isEqualTo(TaskState.Status.RESPONDED);
    assertThat(loaded.get(0).transactionHash).isEqualTo("0xabc");
    assertThat(loaded.get(0).respondedBlock).isEqualTo(812);
    assertThat(taskFileNames()).containsExactly("task-3.json");
  }

  @Test
  void aFailedWriteLeavesNothingThatLoadsAsATask() throws Exception {
    TaskStateStore store = new TaskStateStore(dir);
    Path target = dir.resolve("tasks/task-7.json");
    // A non-empty folder where the task file should be: the final rename cannot replace it.
    Files.createDirectories(target.resolve("blocker"));

    assertThatThrownBy(() -> store.save(new TaskState(task(7))))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot write " + target);

    Files.delete(target.resolve("blocker"));
    Files.delete(target);
    assertThat(taskFileNames()).isEmpty();
    assertThat(new TaskStateStore(dir).loadAll()).isEmpty();
  }
}
