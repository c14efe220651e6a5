package io.cvmavs.operator.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.operator.aggregatorapi.TaskJson;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
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

  private static TaskResponse response(long index, int fill) {
    byte[] x = new byte[32];
    Arrays.fill(x, (byte) fill);
    return new TaskResponse(index, x, x, x);
  }

  private static String digest(int fill) {
    return "0x" + String.format("%02x", fill).repeat(32);
  }

  private static String op(int i) {
    return String.format("0x%064x", i);
  }

  private static String sig(int i) {
    return String.format("0x%0128x", 1000 + i);
  }

  private List<String> taskFileNames(Path base) throws Exception {
    try (Stream<Path> files = Files.list(base.resolve("tasks"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Records a signature and changes the state the way the aggregator does, then waits for disk. */
  private static void sign(TaskStateStore store, TaskState s, int fill, int operator) {
    String d = digest(fill);
    RecordJournal.Ticket t =
        store.recordSignature(
            s, d, response(s.task.taskIndex(), fill), op(operator), sig(operator));
    s.byDigest
        .computeIfAbsent(
            d, x -> new TaskState.ResponseSignatures(response(s.task.taskIndex(), fill)))
        .signatures
        .put(op(operator), sig(operator));
    s.digestByOperator.put(op(operator), d);
    store.sync(s.task.taskIndex(), t);
  }

  private static String json(TaskState s) throws Exception {
    return new String(TaskStateStore.snapshot(s), StandardCharsets.UTF_8);
  }

  private static TaskState only(List<TaskState> loaded) {
    assertThat(loaded).hasSize(1);
    return loaded.get(0);
  }

  @Test
  void compactedTasksLoadBackAndAnUpdateReplacesTheFile() throws Exception {
    TaskStateStore store = new TaskStateStore(dir);
    TaskState s = new TaskState(task(3));
    store.compact(s);
    s.status = TaskState.Status.RESPONDED;
    s.transactionHash = "0xabc";
    s.respondedBlock = 812;
    store.compact(s);

    TaskState loaded = only(new TaskStateStore(dir).loadAll());
    assertThat(loaded.task).isEqualTo(task(3));
    assertThat(loaded.status).isEqualTo(TaskState.Status.RESPONDED);
    assertThat(loaded.transactionHash).isEqualTo("0xabc");
    assertThat(loaded.respondedBlock).isEqualTo(812);
    assertThat(taskFileNames(dir)).containsExactly("task-3.journal");
  }

  @Test
  void signaturesStatusChangesAndDropsReplayToTheSameState() throws Exception {
    TaskStateStore store = new TaskStateStore(dir);
    TaskState s = new TaskState(task(1));
    sign(store, s, 0x33, 1);
    sign(store, s, 0x33, 2);
    sign(store, s, 0x44, 3); // a dissenting response
    s.status = TaskState.Status.SUBMITTING;
    s.submittingDigest = digest(0x33);
    store.sync(1, store.recordStatus(s));
    s.byDigest.get(digest(0x33)).signatures.remove(op(2));
    s.digestByOperator.remove(op(2));
    store.sync(1, store.recordDropped(s, digest(0x33), List.of(op(2))));
    s.status = TaskState.Status.COLLECTING;
    s.submittingDigest = null;
    store.sync(1, store.recordStatus(s));
    long before = Files.size(store.journalFile(1));

    TaskState loaded = only(new TaskStateStore(dir).loadAll());
    assertThat(json(loaded)).isEqualTo(json(s));
    assertThat(loaded.digestByOperator).isEqualTo(s.digestByOperator);
    assertThat(Files.size(store.journalFile(1)))
        .as("a clean journal is not rewritten")
        .isEqualTo(before);
  }

  @Test
  void aDoneTaskIsCompactedToOneRecordAndStaysTheSame() throws Exception {
    TaskStateStore store = new TaskStateStore(dir);
    TaskState s = new TaskState(task(2));
    for (int i = 0; i < 20; i++) {
      sign(store, s, 0x33, i);
    }
    s.status = TaskState.Status.RESPONDED;
    s.submittingDigest = digest(0x33);
    store.compact(s);

    RecordJournal.Contents c = RecordJournal.read(Files.readAllBytes(store.journalFile(2)));
    assertThat(c.payloads()).hasSize(1);
    assertThat(c.damage()).isEmpty();
    assertThat(json(only(new TaskStateStore(dir).loadAll()))).isEqualTo(json(s));

    // a late (dissent) signature after compaction appends to the compacted journal
    sign(store, s, 0x44, 99);
    assertThat(json(only(new TaskStateStore(dir).loadAll()))).isEqualTo(json(s));
  }

  @Test
  void aCrashAnywhereRecoversExactlyTheRecordsWrittenBeforeIt() throws Exception {
    Path source = dir.resolve("source");
    TaskStateStore store = new TaskStateStore(source);
    TaskState s = new TaskState(task(5));
    // ends[i] = journal size once operation i was on disk (acknowledged); states[i] = state then
    List<Long> ends = new ArrayList<>();
    List<String> states = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sign(store, s, 0x33, i);
      if (i == 0) {
        // the snapshot written when the journal was created (state before the first signature)
        TaskState empty = new TaskState(task(5));
        long first = RecordJournal.read(Files.readAllBytes(store.journalFile(5))).ends().get(0);
        ends.add(first);
        states.add(json(empty));
      }
      ends.add(Files.size(store.journalFile(5)));
      states.add(json(s));
    }
    s.status = TaskState.Status.SUBMITTING;
    s.submittingDigest = digest(0x33);
    store.sync(5, store.recordStatus(s));
    ends.add(Files.size(store.journalFile(5)));
    states.add(json(s));
    byte[] full = Files.readAllBytes(store.journalFile(5));

    // In every record: each byte of its header and the first payload byte, every 37th byte of
    // its payload, its last two bytes and its end (each cut costs a truncation and an fsync).
    TreeSet<Long> cuts = new TreeSet<>();
    long start = 0;
    for (long end : ends) {
      for (long c = start; c <= start + RecordJournal.HEADER_BYTES; c++) {
        cuts.add(c);
      }
      for (long c = start + RecordJournal.HEADER_BYTES; c < end; c += 37) {
        cuts.add(c);
      }
      cuts.add(end - 2);
      cuts.add(end - 1);
      cuts.add(end);
      start = end;
    }
    int n = 0;
    for (long cut : cuts) {
      Path crashed = dir.resolve("crash-" + n++);
      Files.createDirectories(crashed.resolve("tasks"));
      Path file = crashed.resolve("tasks/task-5.journal");
      Files.write(file, Arrays.copyOf(full, (int) cut));

      List<TaskState> loaded = new TaskStateStore(crashed).loadAll();

      int done = -1; // the last operation entirely before the cut
      for (int i = 0; i < ends.size(); i++) {
        if (ends.get(i) <= cut) {
          done = i;
        }
      }
      if (done < 0) {
        assertThat(loaded).as("cut at %d", cut).isEmpty();
        assertThat(file).as("cut at %d", cut).doesNotExist();
      } else {
        assertThat(json(only(loaded))).as("cut at %d", cut).isEqualTo(states.get(done));
        assertThat(Files.size(file)).as("torn tail cut off at %d", cut).isEqualTo(ends.get(done));
      }
    }
  }

  @Test
  void aTornTailIsCutAndTheNextAppendFollowsTheLastIntactRecord() throws Exception {
    TaskStateStore store = new TaskStateStore(dir);
    TaskState s = new TaskState(task(6));
    sign(store, s, 0x33, 1);
    sign(store, s, 0x33, 2);
    Path file = store.journalFile(6);
    long intact = Files.size(file);
    // a crash in the middle of the third append: its header and half its payload reached the disk,
    // and the file system extended the file with zeros
    byte[] third = RecordJournal.frame("{\"t\":\"sig\",\"digest\":\"0x00\"}".getBytes());
    byte[] torn = Arrays.copyOf(Arrays.copyOf(third, third.length / 2), third.length / 2 + 4096);
    Files.write(file, torn, java.nio.file.StandardOpenOption.APPEND);

    TaskStateStore after = new TaskStateStore(dir);
    TaskState loaded = only(after.loadAll());
    assertThat(json(loaded)).isEqualTo(json(s));
    assertThat(Files.size(file)).isEqualTo(intact);

    sign(after, loaded, 0x33, 3);
    s.byDigest.get(digest(0x33)).signatures.put(op(3), sig(3));
    s.digestByOperator.put(op(3), digest(0x33));
    assertThat(json(only(new TaskStateStore(dir).loadAll()))).isEqualTo(json(s));
    assertThat(RecordJournal.read(Files.readAllBytes(file)).damage()).isEmpty();
  }

  @Test
  void aDamagedRecordInsideIsSkippedTheRestKeptAndTheOriginalSetAside() throws Exception {
    TaskStateStore store = new TaskStateStore(dir);
    TaskState s = new TaskState(task(8));
    for (int i = 1; i <= 5; i++) {
      sign(store, s, 0x33, i);
    }
    Path file = store.journalFile(8);
    byte[] bytes = Files.readAllBytes(file);
    List<Long> ends = RecordJournal.read(bytes).ends();
    // flip a byte in the payload of the third record (operator 2's signature)
    int inThird = (int) (ends.get(1) + RecordJournal.HEADER_BYTES + 20);
    bytes[inThird] ^= 0x40;
    Files.write(file, bytes);

    TaskState loaded = only(new TaskStateStore(dir).loadAll());
    assertThat(loaded.byDigest.get(digest(0x33)).signatures.keySet())
        .containsExactly(op(1), op(3), op(4), op(5));
    assertThat(loaded.byDigest.get(digest(0x33)).signatures.get(op(5))).isEqualTo(sig(5));
    assertThat(dir.resolve("tasks/task-8.journal.corrupt")).hasBinaryContent(bytes);
    RecordJournal.Contents rewritten = RecordJournal.read(Files.readAllBytes(file));
    assertThat(rewritten.payloads()).hasSize(1);
    assertThat(rewritten.damage()).isEmpty();
    assertThat(json(only(new TaskStateStore(dir).loadAll()))).isEqualTo(json(loaded));
  }

  @Test
  void aJournalWhoseSnapshotIsDamagedIsRefusedByName() throws Exception {
    TaskStateStore store = new TaskStateStore(dir);
    TaskState s = new TaskState(task(9));
    sign(store, s, 0x33, 1);
    sign(store, s, 0x33, 2);
    Path file = store.journalFile(9);
    byte[] bytes = Files.readAllBytes(file);
    bytes[RecordJournal.HEADER_BYTES + 3] ^= 0x01;
    Files.write(file, bytes);

    assertThatThrownBy(() -> new TaskStateStore(dir).loadAll())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not the task's snapshot")
        .hasMessageContaining("move the file aside");
  }

  @Test
  void sharedFsyncsCoverEveryRecordAppendedBeforeThem() throws Exception {
    TaskStateStore store = new TaskStateStore(dir);
    TaskState s = new TaskState(task(4));
    List<RecordJournal.Ticket> tickets = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tickets.add(store.recordSignature(s, digest(0x33), response(4, 0x33), op(i), sig(i)));
    }
    store.sync(4, tickets.get(4));
    long syncs = store.syncs();
    for (RecordJournal.Ticket t : tickets) {
      store.sync(4, t); // covered by the one above: no fsync of its own
    }
    assertThat(store.syncs()).isEqualTo(syncs).isEqualTo(1);
    assertThat(only(new TaskStateStore(dir).loadAll()).digestByOperator).hasSize(5);
  }

  @Test
  void aTaskFileOfTheEarlierFormatIsConverted() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode n = mapper.createObjectNode();
    n.set("task", TaskJson.taskJson(task(11)));
    n.put("status", "COLLECTING");
    n.putNull("submittingDigest");
    n.putNull("transactionHash");
    n.put("respondedBlock", 0);
    n.put("gasUsed", 0);
    n.putNull("error");
    ObjectNode r = n.putObject("responses").putObject(digest(0x33));
    r.set("response", TaskJson.responseJson(response(11, 0x33)));
    r.putObject("signatures").put(op(1), sig(1));
    Files.createDirectories(dir.resolve("tasks"));
    Files.write(dir.resolve("tasks/task-11.json"), mapper.writeValueAsBytes(n));

    TaskState loaded = only(new TaskStateStore(dir).loadAll());
    assertThat(loaded.digestByOperator).containsEntry(op(1), digest(0x33));
    assertThat(taskFileNames(dir)).containsExactly("task-11.journal");
    assertThat(json(only(new TaskStateStore(dir).loadAll()))).isEqualTo(json(loaded));
  }

  @Test
  void aFailedWriteIsReportedAndLeavesNothingThatLoadsAsATask() throws Exception {
    TaskStateStore store = new TaskStateStore(dir);
    Path target = dir.resolve("tasks/task-7.journal");
    // A non-empty folder where the journal should be: it can be neither created nor replaced.
    Files.createDirectories(target.resolve("blocker"));

    TaskState s = new TaskState(task(7));
    assertThatThrownBy(
            () -> store.recordSignature(s, digest(0x33), response(7, 0x33), op(1), sig(1)))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot append to " + target);

    Files.delete(target.resolve("blocker"));
    Files.delete(target);
    assertThat(taskFileNames(dir)).isEmpty();
    assertThat(new TaskStateStore(dir).loadAll()).isEmpty();
  }
}
