package io.cvmavs.operator.rewards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.common.durable.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What the periodic rewards runner has done, persisted so a restart neither repeats nor skips a
 * period: the end of the last period it settled ({@code lastPeriodEnd}, seconds) and the first
 * block whose submission events it has not read yet ({@code nextScanBlock}). It is a cache of the
 * chain, not the record: the runner always reads the submissions from {@code nextScanBlock} to the
 * head first, so a submission sent before a crash (before this file was written) is found there.
 * Written with {@link DurableFiles#replace} (temporary file, fsync, rename).
 */
public record RewardsProgress(
    long chainId, String serviceManager, long lastPeriodEnd, long nextScanBlock) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public RewardsProgress {
    serviceManager = serviceManager.toLowerCase(Locale.ROOT);
    if (lastPeriodEnd < 0 || nextScanBlock < 0) {
      throw new IllegalArgumentException(
          "rewards progress needs lastPeriodEnd >= 0 and nextScanBlock >= 0, got "
              + lastPeriodEnd
              + ", "
              + nextScanBlock);
    }
  }

  /** The progress in {@code file}, empty if there is none yet. */
  public static Optional<RewardsProgress> load(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
      for (String field :
          new String[] {"chainId", "serviceManager", "lastPeriodEnd", "nextScanBlock"}) {
        if (n == null || !n.hasNonNull(field)) {
          throw new RewardsException(file + ": rewards progress has no \"" + field + "\"");
        }
      }
      return Optional.of(
          new RewardsProgress(
              n.get("chainId").asLong(),
              n.get("serviceManager").asText(),
              n.get("lastPeriodEnd").asLong(),
              n.get("nextScanBlock").asLong()));
    } catch (IOException | IllegalArgumentException e) {
      throw new RewardsException(file + ": unreadable rewards progress: " + e.getMessage(), e);
    }
  }

  public void save(Path file) {
    ObjectNode n = JSON.createObjectNode();
    n.put("chainId", chainId);
    n.put("serviceManager", serviceManager);
    n.put("lastPeriodEnd", lastPeriodEnd);
    n.put("nextScanBlock", nextScanBlock);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      DurableFiles.replace(file, (n.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new RewardsException(file + ": cannot write the rewards progress", e);
    }
  }
}
