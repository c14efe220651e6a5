package io.cvmavs.operator.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.common.durable.DurableFiles;
import io.cvmavs.common.durable.Uninterruptible;
import io.cvmavs.operator.aggregatorapi.Evidence;
import io.cvmavs.operator.aggregatorapi.TaskJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aggregator state on disk: one append-only journal per task, {@code
 * <dir>/tasks/task-<index>.journal} ({@link RecordJournal}: length- and CRC32C-framed JSON
 * records), and {@code <dir>/equivocations/task-<index>-<operatorId>.json} per piece of evidence
 * (written with {@link DurableFiles#replace}).
 *
 * <p>A journal starts with a {@code snapshot} record (the whole task state) and grows by one {@code
 * sig} record per accepted signature, a {@code status} record per status change and a {@code drop}
 * record when the aggregate check drops signatures. The {@code record…} methods append without
 * waiting for the disk and are called under the aggregator's lock, in the order the state changes;
 * {@link #sync} (called after the lock is released) returns once the record is on disk, and
 * concurrent callers share one fsync. When a task is done, {@link #compact} rewrites its journal as
 * one snapshot (write, fsync, rename).
 *
 * <p>{@link #loadAll} replays the journals. A crash can only tear the end of a journal (what was
 * appended after the last fsync, never acknowledged): that tail is cut off with a warning naming
 * the file and the byte offset. Damage followed by intact records is not a plain torn tail (the
 * disk corrupted the file, or wrote later pages of an unsynced tail before earlier ones): the
 * intact records on both sides are kept (every one is self-contained; the aggregate check before
 * submission and the chain re-check what they say), the damaged bytes are reported with an error,
 * the file is kept as {@code task-<index>.journal.corrupt} and the journal is rewritten compacted.
 * A {@code task-<index>.json} of the earlier format (one JSON file rewritten per change) is
 * converted.
 */
final class TaskStateStore {
  private static final Logger LOG = LoggerFactory.getLogger(TaskStateStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUFFIX = ".journal";
  private final Path tasks;
  private final Path equivocations;
  private final Map<Long, RecordJournal> journals = new HashMap<>();
  private List<Evidence.Equivocation> equivocationCache;

  TaskStateStore(Path directory) {
    this.tasks = directory.resolve("tasks");
    this.equivocations = directory.resolve("equivocations");
    try {
      Files.createDirectories(tasks);
      Files.createDirectories(equivocations);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create aggregator data directory " + directory, e);
    }
  }

  /** The journal of task {@code index}. */
  Path journalFile(long index) {
    return tasks.resolve("task-" + index + SUFFIX);
  }

  // ------------------------------------------------------------------ appends (under the lock)

  /**
   * Records that {@code operatorId} signed {@code response} (digest {@code digest}) with {@code
   * signature}. Call before changing {@code s} in memory, so a refused write changes nothing.
   */
  RecordJournal.Ticket recordSignature(
      TaskState s, String digest, TaskResponse response, String operatorId, String signature) {
    ObjectNode n = JSON.createObjectNode();
    n.put("t", "sig");
    n.put("digest", digest);
    n.put("operator", operatorId);
    n.put("signature", signature);
    n.set("response", TaskJson.responseJson(response));
    return append(s, n);
  }

  /** Records {@code s}'s status fields as they are now. */
  RecordJournal.Ticket recordStatus(TaskState s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("t", "status");
    putStatus(n, s);
    return append(s, n);
  }

  /** Records that the signatures of {@code operators} over {@code digest} were dropped. */
  RecordJournal.Ticket recordDropped(TaskState s, String digest, List<String> operators) {
    ObjectNode n = JSON.createObjectNode();
    n.put("t", "drop");
    n.put("digest", digest);
    operators.forEach(n.putArray("operators")::add);
    return append(s, n);
  }

  /** Returns once the record behind {@code ticket} is on disk (group commit). */
  void sync(long taskIndex, RecordJournal.Ticket ticket) {
    RecordJournal j;
    synchronized (this) {
      j = journals.get(taskIndex);
    }
    try {
      j.sync(ticket);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "aggregator state of task " + taskIndex + ": " + e.getMessage(), e);
    }
  }

  /**
   * Rewrites the journal of {@code s} as one snapshot of its current state, durably (the task is
   * done, or a damaged journal was read). Call under the aggregator's lock.
   */
  synchronized void compact(TaskState s) {
    long index = s.task.taskIndex();
    RecordJournal j = journals.get(index);
    try {
      if (j == null) {
        j = RecordJournal.existing(journalFile(index), 0);
        journals.put(index, j);
      }
      j.rewrite(snapshot(s));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + journalFile(index), e);
    }
  }

  /** fsyncs run on the journals so far (for the harness: fewer than signatures = group commit). */
  synchronized long syncs() {
    return journals.values().stream().mapToLong(RecordJournal::syncs).sum();
  }

  private synchronized RecordJournal.Ticket append(TaskState s, ObjectNode record) {
    long index = s.task.taskIndex();
    Path file = journalFile(index);
    try {
      byte[] payload = JSON.writeValueAsBytes(record);
      RecordJournal j = journals.get(index);
      if (j == null) {
        j = RecordJournal.create(file, snapshot(s));
        journals.put(index, j);
      }
      return j.append(List.of(payload));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ recovery

  /** Every task on disk, its journal replayed (damage handled as the class comment says). */
  synchronized List<TaskState> loadAll() {
    List<TaskState> out = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(tasks)) {
      files = list.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read aggregator state in " + tasks, e);
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      try {
        if (name.startsWith("task-") && name.endsWith(SUFFIX)) {
          TaskState s = loadJournal(f);
          if (s != null) {
            out.add(s);
          }
        } else if (name.startsWith("task-") && name.endsWith(".json")) {
          TaskState s = convertLegacy(f);
          if (s != null) {
            out.add(s);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read aggregator state " + f + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "unreadable aggregator state " + f + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private TaskState loadJournal(Path f) throws IOException {
    RecordJournal.Contents c = RecordJournal.read(Files.readAllBytes(f));
    List<RecordJournal.Damage> inside = c.damage().stream().filter(d -> !d.tail()).toList();
    RecordJournal.Damage tail =
        c.damage().stream().filter(RecordJournal.Damage::tail).findFirst().orElse(null);
    if (c.payloads().isEmpty()) {
      // Nothing intact: the file was created and the crash came before its first record was on
      // disk, so nothing in it was ever acknowledged.
      LOG.warn("{}: no intact record in {} byte(s) (interrupted creation); removed", f, c.size());
      Files.delete(f);
      DurableFiles.syncDirectory(tasks);
      return null;
    }
    TaskState s = null;
    int applied = 0;
    for (byte[] p : c.payloads()) {
      JsonNode n = JSON.readTree(p);
      if (s == null && !"snapshot".equals(n.path("t").asText())) {
        throw new IllegalStateException(
            "the first intact record is a '"
                + n.path("t").asText()
                + "' record, not the task's snapshot (damage at "
                + (c.damage().isEmpty() ? "none" : c.damage().get(0).offset())
                + "); the task cannot be rebuilt from it: move the file aside to start without"
                + " it");
      }
      s = apply(s, n, f, applied);
      applied++;
    }
    long index = s.task.taskIndex();
    if (!f.equals(journalFile(index))) {
      throw new IllegalStateException("holds task " + index + ", not the task its name says");
    }
    if (!inside.isEmpty()) {
      Path kept = f.resolveSibling(f.getFileName() + ".corrupt");
      for (int i = 2; Files.exists(kept); i++) {
        kept = f.resolveSibling(f.getFileName() + ".corrupt-" + i);
      }
      DurableFiles.replace(kept, Files.readAllBytes(f));
      LOG.error(
          "{}: damaged bytes inside the journal at {} (offset:length), with intact records"
              + " after them; the {} intact record(s) are kept and the damaged ones skipped (after"
              + " a crash they were never acknowledged; otherwise the disk corrupted them); the"
              + " original is kept as {} and the journal is rewritten",
          f,
          inside.stream().map(d -> d.offset() + ":" + d.length()).toList(),
          applied,
          kept);
      RecordJournal j = RecordJournal.existing(f, 0);
      j.rewrite(snapshot(s));
      journals.put(index, j);
      return s;
    }
    long intact = c.size();
    if (tail != null) {
      LOG.warn(
          "{}: cutting a torn tail of {} byte(s) at offset {} (an append interrupted by a crash,"
              + " never acknowledged); {} intact record(s) kept",
          f,
          tail.length(),
          tail.offset(),
          applied);
      long cut = tail.offset();
      Uninterruptible.run(
          () -> {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
              ch.truncate(cut);
              ch.force(true);
            }
          });
      intact = tail.offset();
    }
    RecordJournal j = RecordJournal.existing(f, intact);
    journals.put(index, j);
    if ((s.status == TaskState.Status.RESPONDED || s.status == TaskState.Status.FAILED)
        && applied > 1) {
      j.rewrite(snapshot(s)); // done before the compaction ran
    }
    return s;
  }

  /**
   * Converts {@code task-<index>.json} (the earlier format) into a journal; null if the journal
   * exists already (a crash came between writing it and deleting the old file).
   */
  private TaskState convertLegacy(Path f) throws IOException {
    JsonNode n = JSON.readTree(f.toFile());
    TaskState s = new TaskState(TaskJson.task(n.path("task")));
    readSnapshotBody(s, n);
    if (Files.exists(journalFile(s.task.taskIndex()))) {
      Files.delete(f);
      DurableFiles.syncDirectory(tasks);
      return null;
    }
    RecordJournal j = RecordJournal.existing(journalFile(s.task.taskIndex()), 0);
    j.rewrite(snapshot(s));
    journals.put(s.task.taskIndex(), j);
    Files.delete(f);
    DurableFiles.syncDirectory(tasks);
    LOG.info("{}: converted to {}", f, j.path().getFileName());
    return s;
  }

  /** Applies one record to {@code s} (null before the snapshot); returns the state. */
  private static TaskState apply(TaskState s, JsonNode n, Path f, int position) {
    switch (n.path("t").asText()) {
      case "snapshot" -> {
        TaskState fresh = new TaskState(TaskJson.task(n.path("task")));
        readSnapshotBody(fresh, n);
        return fresh;
      }
      case "sig" -> {
        String digest = n.path("digest").asText();
        String op = n.path("operator").asText();
        String previous = s.digestByOperator.get(op);
        if (previous != null && !previous.equals(digest)) {
          removeSignature(s, previous, op);
        }
        s.byDigest
            .computeIfAbsent(
                digest,
                d -> new TaskState.ResponseSignatures(TaskJson.response(n.path("response"))))
            .signatures
            .put(op, n.path("signature").asText());
        s.digestByOperator.put(op, digest);
        return s;
      }
      case "status" -> {
        readStatus(s, n);
        return s;
      }
      case "drop" -> {
        String digest = n.path("digest").asText();
        n.path("operators").forEach(op -> removeSignature(s, digest, op.asText()));
        return s;
      }
      default ->
          throw new IllegalStateException(
              "record " + position + " has unknown type '" + n.path("t").asText() + "'");
    }
  }

  private static void removeSignature(TaskState s, String digest, String op) {
    TaskState.ResponseSignatures r = s.byDigest.get(digest);
    if (r != null) {
      r.signatures.remove(op);
      if (r.signatures.isEmpty()) {
        s.byDigest.remove(digest);
      }
    }
    if (digest.equals(s.digestByOperator.get(op))) {
      s.digestByOperator.remove(op);
    }
  }

  // ------------------------------------------------------------------ snapshot form

  /** The whole state of {@code s} as one record (also how tests compare states). */
  static byte[] snapshot(TaskState s) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("t", "snapshot");
    n.set("task", TaskJson.taskJson(s.task));
    putStatus(n, s);
    ObjectNode responses = n.putObject("responses");
    for (Map.Entry<String, TaskState.ResponseSignatures> e : s.byDigest.entrySet()) {
      ObjectNode r = responses.putObject(e.getKey());
      r.set("response", TaskJson.responseJson(e.getValue().response));
      ObjectNode sigs = r.putObject("signatures");
      e.getValue().signatures.forEach(sigs::put);
    }
    return JSON.writeValueAsBytes(n);
  }

  private static void putStatus(ObjectNode n, TaskState s) {
    n.put("status", s.status.name());
    n.put("submittingDigest", s.submittingDigest);
    n.put("transactionHash", s.transactionHash);
    n.put("respondedBlock", s.respondedBlock);
    n.put("gasUsed", s.gasUsed);
    n.put("error", s.error);
  }

  private static void readStatus(TaskState s, JsonNode n) {
    s.status = TaskState.Status.valueOf(n.path("status").asText());
    s.submittingDigest = text(n, "submittingDigest");
    s.transactionHash = text(n, "transactionHash");
    s.respondedBlock = n.path("respondedBlock").asLong();
    s.gasUsed = n.path("gasUsed").asLong();
    s.error = text(n, "error");
  }

  private static void readSnapshotBody(TaskState s, JsonNode n) {
    readStatus(s, n);
    n.path("responses")
        .fields()
        .forEachRemaining(
            e -> {
              TaskState.ResponseSignatures rs =
                  new TaskState.ResponseSignatures(
                      TaskJson.response(e.getValue().path("response")));
              e.getValue()
                  .path("signatures")
                  .fields()
                  .forEachRemaining(
                      sig -> {
                        rs.signatures.put(sig.getKey(), sig.getValue().asText());
                        s.digestByOperator.put(sig.getKey(), e.getKey());
                      });
              s.byDigest.put(e.getKey(), rs);
            });
  }

  private static String text(JsonNode n, String field) {
    return n.path(field).isNull() ? null : n.path(field).asText(null);
  }

  // ------------------------------------------------------------------ equivocations

  /** Two signatures of one operator over different responses to one task (for the challenger). */
  void saveEquivocation(Evidence.Equivocation e) {
    write(
        equivocations.resolve("task-" + e.task().taskIndex() + "-" + e.operatorId() + ".json"),
        Evidence.equivocationJson(e));
    synchronized (this) {
      if (equivocationCache != null) {
        equivocationCache.removeIf(
            x ->
                x.task().taskIndex() == e.task().taskIndex()
                    && x.operatorId().equals(e.operatorId()));
        equivocationCache.add(e);
      }
    }
  }

  List<Path> equivocationFiles() {
    try (Stream<Path> files = Files.list(equivocations)) {
      return files.filter(p -> p.getFileName().toString().startsWith("task-")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every saved equivocation. Read from disk once, then kept in memory (the challenger asks on
   * every poll) and extended by {@link #saveEquivocation}.
   */
  synchronized List<Evidence.Equivocation> equivocationsSaved() {
    if (equivocationCache == null) {
      equivocationCache = readEquivocations();
    }
    return List.copyOf(equivocationCache);
  }

  private List<Evidence.Equivocation> readEquivocations() {
    List<Evidence.Equivocation> out = new ArrayList<>();
    for (Path f : equivocationFiles()) {
      try {
        out.add(Evidence.equivocation(JSON.readTree(f.toFile())));
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("unreadable equivocation evidence " + f + ": " + e, e);
      }
    }
    return out;
  }

  private static void write(Path target, JsonNode n) {
    try {
      DurableFiles.replace(target, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}
