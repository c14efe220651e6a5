package io.cvmavs.operator.challenger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.common.durable.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The challenger's progress in {@code <dir>/state.json}: the last block whose responses were
 * re-executed, the next task index to ask the aggregator about, and every {@link Action}. Replaced
 * atomically and fsynced ({@link DurableFiles#replace}) after every change, so a crash leaves the
 * previous or the new state, and an intent is on disk before its transaction is sent.
 */
final class ChallengerStateStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  long scannedToBlock = -1;
  long evidenceFromTask;
  final Map<String, Action> actions = new LinkedHashMap<>();

  ChallengerStateStore(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create challenger data directory " + directory, e);
    }
    this.file = directory.resolve("state.json");
    if (Files.exists(file)) {
      load();
    }
  }

  private void load() {
    try {
      JsonNode n = JSON.readTree(file.toFile());
      scannedToBlock = n.path("scannedToBlock").asLong(-1);
      evidenceFromTask = n.path("evidenceFromTask").asLong(0);
      for (JsonNode a : n.path("actions")) {
        Action action =
            new Action(
                Action.Kind.valueOf(a.path("kind").asText()),
                a.path("taskIndex").asLong(),
                a.path("operatorId").asText(""),
                Action.Status.valueOf(a.path("status").asText()),
                a.path("requestId").asLong(0),
                a.path("requestBlock").asLong(0),
                a.path("detail").asText(""));
        actions.put(action.key(), action);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "challenger state "
              + file
              + " is unreadable ("
              + e.getMessage()
              + "); restore it from a backup or move it away to re-scan from the start block",
          e);
    }
  }

  void put(Action a) {
    actions.put(a.key(), a);
    save();
  }

  void save() {
    ObjectNode n = JSON.createObjectNode();
    n.put("scannedToBlock", scannedToBlock);
    n.put("evidenceFromTask", evidenceFromTask);
    ArrayNode list = n.putArray("actions");
    for (Action a : actions.values()) {
      ObjectNode o = list.addObject();
      o.put("kind", a.kind().name());
      o.put("taskIndex", a.taskIndex());
      o.put("operatorId", a.operatorId());
      o.put("status", a.status().name());
      o.put("requestId", a.requestId());
      o.put("requestBlock", a.requestBlock());
      o.put("detail", a.detail());
    }
    try {
      DurableFiles.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write challenger state " + file, e);
    }
  }
}
