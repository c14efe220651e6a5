package io.cvmavs.operator.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.common.durable.DurableFiles;
import io.cvmavs.common.durable.Uninterruptible;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * The node's progress on disk: {@code <dir>/cursor.json} holds the last block whose {@code
 * NewTaskCreated} events were all handled (written with {@link DurableFiles#replace}: temp file,
 * fsync, rename, fsync of the folder), {@code <dir>/outcomes.jsonl} one line per attestation
 * outcome.
 */
final class NodeStateStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path cursor;
  private final Path outcomes;

  NodeStateStore(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create node data directory " + directory, e);
    }
    this.cursor = directory.resolve("cursor.json");
    this.outcomes = directory.resolve("outcomes.jsonl");
  }

  synchronized OptionalLong lastProcessedBlock() {
    if (!Files.exists(cursor)) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(JSON.readTree(cursor.toFile()).path("lastProcessedBlock").asLong());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + cursor, e);
    }
  }

  synchronized void setLastProcessedBlock(long block) {
    try {
      DurableFiles.replace(
          cursor,
          JSON.createObjectNode()
              .put("lastProcessedBlock", block)
              .toString()
              .getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + cursor, e);
    }
  }

  synchronized void recordOutcome(
      long taskIndex, String outcome, String detail, long latencyMillis) {
    ObjectNode line = JSON.createObjectNode();
    line.put("taskIndex", taskIndex);
    line.put("outcome", outcome);
    line.put("detail", detail);
    line.put("millis", latencyMillis);
    try {
      String text = line + "\n";
      Uninterruptible.run( // Files.writeString is interruptible: a shutdown cut the line short
          () ->
              Files.writeString(
                  outcomes,
                  text,
                  StandardCharsets.UTF_8,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + outcomes, e);
    }
  }
}
