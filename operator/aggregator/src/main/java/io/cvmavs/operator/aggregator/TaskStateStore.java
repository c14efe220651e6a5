package io.cvmavs.operator.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.common.durable.DurableFiles;
import io.cvmavs.operator.aggregatorapi.Evidence;
import io.cvmavs.operator.aggregatorapi.TaskJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Aggregator state on disk: {@code <dir>/tasks/task-<index>.json} per task and {@code
 * <dir>/equivocations/task-<index>-<operatorId>.json} per piece of evidence. Each file is written
 * with {@link DurableFiles#replace} (temporary {@code .tmp} file in the same folder, fsync, rename
 * over the old one, fsync of the folder), so a crash or power cut leaves either the old or the new
 * content, and a failed write leaves no temporary file that {@link #loadAll} could mistake for a
 * task.
 */
final class TaskStateStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path tasks;
  private final Path equivocations;
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

  void save(TaskState s) {
    ObjectNode n = JSON.createObjectNode();
    n.set("task", TaskJson.taskJson(s.task));
    n.put("status", s.status.name());
    n.put("submittingDigest", s.submittingDigest);
    n.put("transactionHash", s.transactionHash);
    n.put("respondedBlock", s.respondedBlock);
    n.put("gasUsed", s.gasUsed);
    n.put("error", s.error);
    ObjectNode responses = n.putObject("responses");
    for (Map.Entry<String, TaskState.ResponseSignatures> e : s.byDigest.entrySet()) {
      ObjectNode r = responses.putObject(e.getKey());
      r.set("response", TaskJson.responseJson(e.getValue().response));
      ObjectNode sigs = r.putObject("signatures");
      e.getValue().signatures.forEach(sigs::put);
    }
    write(tasks.resolve("task-" + s.task.taskIndex() + ".json"), n);
  }

  List<TaskState> loadAll() {
    List<TaskState> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(tasks)) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
        JsonNode n = JSON.readTree(f.toFile());
        TaskState s = new TaskState(TaskJson.task(n.path("task")));
        s.status = TaskState.Status.valueOf(n.path("status").asText());
        s.submittingDigest =
            n.path("submittingDigest").isNull() ? null : n.path("submittingDigest").asText(null);
        s.transactionHash =
            n.path("transactionHash").isNull() ? null : n.path("transactionHash").asText(null);
        s.respondedBlock = n.path("respondedBlock").asLong();
        s.gasUsed = n.path("gasUsed").asLong();
        s.error = n.path("error").isNull() ? null : n.path("error").asText(null);
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
        out.add(s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read aggregator state in " + tasks, e);
    }
    return out;
  }

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
