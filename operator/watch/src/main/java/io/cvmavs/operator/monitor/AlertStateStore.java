package io.cvmavs.operator.monitor;

import io.cvmavs.common.durable.DurableFiles;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The alert cursor and outbox, {@code <data_dir>/monitor/alerts.json}, replaced atomically (written
 * to a temporary file, fsynced, renamed): {@code nextBlock} is the first block whose logs have not
 * been turned into alerts yet; {@code pending} holds alerts not yet accepted by every webhook. A
 * range of blocks moves from the cursor to the outbox in one write, and an alert leaves the outbox
 * only after a webhook answered 2xx, so a restart neither drops nor re-sends alerts (see {@link
 * Alert} for the one window that can repeat a delivery).
 */
public final class AlertStateStore {
  /** What is on disk. */
  public record State(long chainId, long nextBlock, List<Pending> pending) {
    public State {
      pending = List.copyOf(pending);
    }
  }

  /** An alert and the webhooks that have not accepted it yet. */
  public record Pending(Alert alert, Set<String> webhooks) {
    public Pending {
      webhooks = Set.copyOf(new LinkedHashSet<>(webhooks));
    }
  }

  private final Path file;

  public AlertStateStore(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  public Optional<State> load() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      JsonObject o = new JsonObject(Files.readString(file));
      List<Pending> pending = new ArrayList<>();
      for (Object p : o.getJsonArray("pending", new JsonArray())) {
        JsonObject po = (JsonObject) p;
        Set<String> hooks = new LinkedHashSet<>();
        po.getJsonArray("webhooks").forEach(h -> hooks.add((String) h));
        pending.add(new Pending(Alert.fromJson(po.getJsonObject("alert")), hooks));
      }
      return Optional.of(new State(o.getLong("chainId"), o.getLong("nextBlock"), pending));
    } catch (IOException | DecodeException | ClassCastException | NullPointerException e) {
      throw new MonitorException(
          file + ": cannot read the monitor's alert state (" + e.getMessage() + ")", e);
    }
  }

  public void save(State state) {
    JsonArray pending = new JsonArray();
    for (Pending p : state.pending()) {
      pending.add(
          new JsonObject()
              .put("alert", p.alert().toJson())
              .put("webhooks", new JsonArray(List.copyOf(p.webhooks()))));
    }
    JsonObject o =
        new JsonObject()
            .put("chainId", state.chainId())
            .put("nextBlock", state.nextBlock())
            .put("pending", pending);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      DurableFiles.replace(file, o.encodePrettily().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new MonitorException(file + ": cannot write the monitor's alert state", e);
    }
  }
}
