package io.cvmavs.storage.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.common.durable.DurableFiles;
import io.cvmavs.common.retry.Backoff;
import io.cvmavs.storage.arweave.ArweaveBackend;
import io.cvmavs.storage.arweave.ArweaveTx;
import io.cvmavs.storage.backend.BackendException;
import io.cvmavs.storage.backend.Receipt;
import io.cvmavs.storage.backend.StorageBackend;
import io.cvmavs.storage.group.BlockGroup;
import io.cvmavs.storage.group.PreviousLocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Groups not yet stored on every backend, persisted so that nothing is lost across a crash:
 *
 * <pre>
 * &lt;dir&gt;/groups/&lt;file hash&gt;.cvmg    the group file (created durably before anything is uploaded)
 * &lt;dir&gt;/state/&lt;file hash&gt;.json     per backend: {"receipt": {...}} once stored, else
 *                                 {"attempts": n, "nextAttemptMs": t, "lastError": "..."};
 *                                 Arweave also {"tx": {...}}: the signed transaction
 * </pre>
 *
 * {@link #runOnce} tries every (group, backend) that is due: a backend that fails with a retryable
 * error is tried again after {@link Backoff#delay(int)} while the other backends proceed; a
 * non-retryable error stays recorded and is retried only at the backoff's maximum. An Arweave
 * transaction is signed once and written to the state file <em>before</em> it is posted; every
 * retry re-posts that same transaction, so a retry never makes a second copy (a new signature would
 * be a new transaction: RSA-PSS salts are random). Other backends are content addressed. Receipts
 * are kept by file hash, which binds the group hash and both chunk roots. Not thread-safe: one
 * anchoring loop owns an outbox directory.
 */
public final class Outbox {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path groups;
  private final Path state;
  private final Map<String, StorageBackend> backends = new LinkedHashMap<>();
  private final Backoff backoff;
  private final Clock clock;

  public Outbox(Path dir, List<StorageBackend> backends, Backoff backoff, Clock clock) {
    this.groups = dir.resolve("groups");
    this.state = dir.resolve("state");
    for (StorageBackend b : backends) {
      if (this.backends.put(b.name(), b) != null) {
        throw new IllegalArgumentException("two backends are named '" + b.name() + "'");
      }
    }
    this.backoff = backoff;
    this.clock = clock;
    try {
      Files.createDirectories(groups);
      Files.createDirectories(state);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the outbox at " + dir, e);
    }
  }

  /** Persists a closed group for every backend; returns its file hash. Idempotent. */
  public String enqueue(BlockGroup group) {
    byte[] file = group.bytes();
    String hash = StorageBackend.sha256Hex(file);
    try {
      try {
        DurableFiles.createNew(groups.resolve(hash + ".cvmg"), file, false);
      } catch (FileAlreadyExistsException already) {
        // enqueued before (a restart replaying its last closed group)
      }
      Path s = state.resolve(hash + ".json");
      if (!Files.exists(s)) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode per = root.putObject("backends");
        for (String name : backends.keySet()) {
          per.putObject(name).put("attempts", 0).put("nextAttemptMs", 0);
        }
        DurableFiles.replace(s, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot persist group " + hash + " in the outbox", e);
    }
    signArweave(hash, file);
    return hash;
  }

  /**
   * Signs (once) the Arweave transactions of a group now, so its id is known; a gateway that is
   * down leaves it to the first upload attempt.
   */
  private void signArweave(String hash, byte[] file) {
    ObjectNode root = readState(hash);
    for (Map.Entry<String, StorageBackend> e : backends.entrySet()) {
      ObjectNode s = (ObjectNode) root.get("backends").get(e.getKey());
      if (e.getValue() instanceof ArweaveBackend arweave && s != null && !s.has("tx")) {
        try {
          s.set("tx", arweave.prepare(file).toJson(null));
          writeState(hash, root);
        } catch (BackendException ex) {
          // signed at the first upload attempt instead
        }
      }
    }
  }

  /**
   * The locators of a group on every backend that has or will have one — receipts, the signed
   * Arweave transaction's id, or the content address — sorted by backend name: the next group's
   * {@code previous} entries ({@link io.cvmavs.storage.group.GroupPacker}'s supplier).
   */
  public List<PreviousLocator> locators(String fileHash) {
    JsonNode per = readState(fileHash).get("backends");
    byte[] file = null;
    List<PreviousLocator> out = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(backends.keySet())) {
      JsonNode s = per.path(name);
      String locator = null;
      if (s.has("receipt")) {
        locator = s.get("receipt").get("locator").asText();
      } else if (s.has("tx")) {
        locator = s.get("tx").get("id").asText();
      } else {
        if (file == null) {
          file = readGroup(fileHash);
        }
        locator = backends.get(name).locatorFor(file).orElse(null);
      }
      if (locator != null) {
        out.add(new PreviousLocator(name, locator));
      }
    }
    return out;
  }

  /** What one {@link #runOnce} did. */
  public record Run(List<Receipt> stored, List<String> failures, int stillPending) {}

  /** Tries every due (group, backend) once. */
  public Run runOnce() {
    List<Receipt> stored = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int pending = 0;
    for (String hash : groupHashes()) {
      ObjectNode root = readState(hash);
      ObjectNode per = (ObjectNode) root.get("backends");
      byte[] file = null;
      for (Map.Entry<String, StorageBackend> e : backends.entrySet()) {
        ObjectNode s = (ObjectNode) per.get(e.getKey());
        if (s == null) {
          s = per.putObject(e.getKey()).put("attempts", 0).put("nextAttemptMs", 0);
        }
        if (s.has("receipt")) {
          continue;
        }
        if (s.path("nextAttemptMs").asLong() > clock.millis()) {
          pending++;
          continue;
        }
        if (file == null) {
          file = readGroup(hash);
        }
        try {
          Receipt r = store(e.getValue(), file, s, hash, root);
          s.set("receipt", JSON.valueToTree(r));
          s.remove(List.of("attempts", "nextAttemptMs", "lastError"));
          stored.add(r);
        } catch (BackendException | IllegalArgumentException ex) {
          int attempts = s.path("attempts").asInt() + 1;
          boolean retryable = !(ex instanceof BackendException be) || be.retryable();
          long wait = retryable ? backoff.delay(attempts).toMillis() : backoff.max().toMillis();
          s.put("attempts", attempts);
          s.put("nextAttemptMs", clock.millis() + wait);
          s.put("lastError", ex.getMessage());
          failures.add(e.getKey() + " " + hash + ": " + ex.getMessage());
          pending++;
        }
        writeState(hash, root);
      }
    }
    return new Run(stored, failures, pending);
  }

  private Receipt store(
      StorageBackend backend, byte[] file, ObjectNode s, String hash, ObjectNode root) {
    if (backend instanceof ArweaveBackend arweave) {
      ArweaveTx tx;
      if (s.has("tx")) {
        tx = ArweaveTx.fromJson(s.get("tx"));
      } else {
        tx = arweave.prepare(file);
        s.set("tx", tx.toJson(null));
        writeState(hash, root); // persisted before it is posted: a crash re-posts this one
      }
      return arweave.post(tx, file);
    }
    Receipt r = backend.put(file);
    if (!r.hash().equals(hash)) {
      throw new BackendException(
          backend.name() + " receipt hash " + r.hash() + " is not the file's " + hash, false);
    }
    return r;
  }

  /** The receipts of a group so far, by backend name. */
  public Map<String, Receipt> receipts(String fileHash) {
    Map<String, Receipt> out = new LinkedHashMap<>();
    readState(fileHash)
        .get("backends")
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().has("receipt")) {
                out.put(e.getKey(), JSON.convertValue(e.getValue().get("receipt"), Receipt.class));
              }
            });
    return out;
  }

  /** The persisted state of a group (for status output and tests). */
  public JsonNode state(String fileHash) {
    return readState(fileHash);
  }

  /**
   * Removes a group nobody will anchor (a group closed before a crash whose closing was never
   * recorded by its owner, who packs those blocks again): its state first, then its file.
   */
  public void discard(String fileHash) {
    try {
      Files.deleteIfExists(state.resolve(fileHash + ".json"));
      DurableFiles.syncDirectory(state);
      Files.deleteIfExists(groups.resolve(fileHash + ".cvmg"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove group " + fileHash + " from the outbox", e);
    }
  }

  /** File hashes of the groups in the outbox. */
  public List<String> groupHashes() {
    try (Stream<Path> files = Files.list(state)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - 5))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the outbox " + state, e);
    }
  }

  private byte[] readGroup(String hash) {
    try {
      return Files.readAllBytes(groups.resolve(hash + ".cvmg"));
    } catch (IOException e) {
      throw new UncheckedIOException("outbox group " + hash + " cannot be read", e);
    }
  }

  private ObjectNode readState(String hash) {
    try {
      return (ObjectNode) JSON.readTree(state.resolve(hash + ".json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("outbox state of " + hash + " cannot be read", e);
    }
  }

  private void writeState(String hash, ObjectNode root) {
    try {
      DurableFiles.replace(
          state.resolve(hash + ".json"),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the outbox state of " + hash, e);
    }
  }
}
