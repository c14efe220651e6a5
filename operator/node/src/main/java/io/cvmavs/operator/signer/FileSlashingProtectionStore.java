package io.cvmavs.operator.signer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.common.durable.DurableFiles;
import io.cvmavs.common.lock.ProcessFileLock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slashing-protection records in an append-only JSON-lines journal ({@code
 * slashing-protection.jsonl} in the node's data directory). Each record is one line, appended and
 * fsynced before {@link #record} returns. On open, the whole journal is read: a torn last line (a
 * crash during its write — that signature was never released) is cut off; any other malformed line,
 * or two different responses recorded for one task, stops the open with the line number, so a
 * damaged record is never silently ignored. An exclusive file lock keeps a second process off the
 * same journal.
 */
public final class FileSlashingProtectionStore implements SlashingProtectionStore {
  public static final String FILE_NAME = "slashing-protection.jsonl";
  private static final Logger LOG = LoggerFactory.getLogger(FileSlashingProtectionStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Key(String operatorId, long chainId, String taskManager, long taskIndex) {
    static Key of(String operatorId, AttestationRequest r) {
      return new Key(operatorId, r.chainId(), r.taskManager(), r.taskIndex());
    }
  }

  private final Path journal;
  private final FileChannel channel;
  private final ProcessFileLock lock;
  private final Map<Key, SignedAttestation> records = new LinkedHashMap<>();
  private volatile String broken;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "slashing-protection-writer");
            t.setDaemon(true);
            return t;
          });

  private FileSlashingProtectionStore(Path journal, ProcessFileLock lock) {
    this.journal = journal;
    this.channel = lock.channel();
    this.lock = lock;
  }

  /** Opens (creating if needed) the journal in {@code dataDirectory}. */
  public static FileSlashingProtectionStore open(Path dataDirectory) {
    return open(dataDirectory, true);
  }

  /**
   * Opens the journal of {@code dataDirectory}, which must already exist (for export: a typo must
   * not read empty).
   */
  public static FileSlashingProtectionStore openExisting(Path dataDirectory) {
    return open(dataDirectory, false);
  }

  private static FileSlashingProtectionStore open(Path dataDirectory, boolean create) {
    Path journal = dataDirectory.resolve(FILE_NAME);
    if (!create && !Files.isRegularFile(journal)) {
      throw new SlashingProtectionException(
          "no slashing-protection record at "
              + journal
              + " (is "
              + dataDirectory
              + " the node's data directory?)");
    }
    try {
      Files.createDirectories(dataDirectory);
      boolean existed = Files.exists(journal);
      ProcessFileLock lock = ProcessFileLock.acquire(journal, ProcessFileLock.Option.CREATE);
      if (!existed) {
        DurableFiles.syncDirectory(
            dataDirectory); // the new journal's name must survive a crash too
      }
      FileSlashingProtectionStore store = new FileSlashingProtectionStore(journal, lock);
      try {
        store.load();
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
      return store;
    } catch (ProcessFileLock.Held held) {
      throw new SlashingProtectionException(
          journal + " is locked by another process (is another node using this data directory?)");
    } catch (IOException e) {
      throw new SlashingProtectionException("cannot open " + journal + ": " + e.getMessage(), e);
    }
  }

  private void load() throws IOException {
    // Read through the locked channel: opening and closing a second descriptor of the journal (as
    // Files.readAllBytes does) would make the kernel drop this process's POSIX lock on it.
    byte[] content = readAll(channel);
    int lineStart = 0;
    int lineNumber = 0;
    while (lineStart < content.length) {
      int end = lineStart;
      while (end < content.length && content[end] != '\n') {
        end++;
      }
      lineNumber++;
      String line = new String(content, lineStart, end - lineStart, StandardCharsets.UTF_8);
      boolean complete = end < content.length;
      if (!complete) {
        // No newline: the process died while writing this line, before fsync returned; the
        // signature was never
        // released. Cut it off so the next append starts on a fresh line.
        LOG.warn("{}: dropping torn last line {} (interrupted write)", journal, lineNumber);
        channel.truncate(lineStart);
        channel.force(true);
        break;
      }
      if (!line.isBlank()) {
        SignedAttestation attestation = parse(line, lineNumber);
        Key key = Key.of(attestation.operatorId(), attestation.request());
        SignedAttestation previous = records.get(key);
        if (previous != null && !previous.equals(attestation)) {
          throw new SlashingProtectionException(
              journal
                  + " line "
                  + lineNumber
                  + ": a second, different response for "
                  + attestation.request()
                  + " — the record is inconsistent; refusing to start");
        }
        records.putIfAbsent(key, attestation);
      }
      lineStart = end + 1;
    }
    channel.position(channel.size());
  }

  private static byte[] readAll(FileChannel channel) throws IOException {
    long size = channel.size();
    if (size > Integer.MAX_VALUE - 8) {
      throw new IOException("journal too large (" + size + " bytes)");
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) size);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, buffer.position()) < 0) {
        break;
      }
    }
    return buffer.position() == size
        ? buffer.array()
        : java.util.Arrays.copyOf(buffer.array(), buffer.position());
  }

  private SignedAttestation parse(String line, int lineNumber) {
    try {
      JsonNode node = JSON.readTree(line);
      return new SignedAttestation(
          text(node, "operator_id"),
          AttestationRequest.recorded(
              Long.parseLong(text(node, "chain_id")),
              text(node, "task_manager"),
              Long.parseLong(text(node, "task_index")),
              HexFormat.of().parseHex(text(node, "response_digest").substring(2))));
    } catch (JsonProcessingException | RuntimeException e) {
      throw new SlashingProtectionException(
          journal
              + " line "
              + lineNumber
              + " is corrupt ("
              + e.getMessage()
              + "); refusing to start without a"
              + " complete signing record. Restore it from an export, or move it aside only if this key has never"
              + " signed on this chain.",
          e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return value.asText();
  }

  static ObjectNode toJson(SignedAttestation a) {
    ObjectNode node = JSON.createObjectNode();
    node.put("operator_id", a.operatorId());
    node.put("chain_id", Long.toString(a.request().chainId()));
    node.put("task_manager", a.request().taskManager());
    node.put("task_index", Long.toString(a.request().taskIndex()));
    node.put("response_digest", a.request().responseDigestHex());
    return node;
  }

  @Override
  public synchronized Optional<SignedAttestation> find(
      String operatorId, AttestationRequest request) {
    return Optional.ofNullable(records.get(Key.of(operatorId, request)));
  }

  @Override
  public synchronized void record(SignedAttestation attestation) {
    Key key = Key.of(attestation.operatorId(), attestation.request());
    SignedAttestation previous = records.get(key);
    if (previous != null) {
      if (previous.equals(attestation)) {
        return;
      }
      throw new SlashingProtectionException("conflicting record for " + attestation.request());
    }
    append(List.of(attestation));
    records.put(key, attestation);
  }

  @Override
  public synchronized List<SignedAttestation> all() {
    return List.copyOf(records.values());
  }

  @Override
  public synchronized int importAll(List<SignedAttestation> attestations) {
    Map<Key, SignedAttestation> fresh = new LinkedHashMap<>();
    Map<Key, SignedAttestation> seen = new HashMap<>(records);
    for (SignedAttestation a : attestations) {
      Key key = Key.of(a.operatorId(), a.request());
      SignedAttestation held = seen.get(key);
      if (held != null && !held.equals(a)) {
        throw new SlashingProtectionException(
            "import refused, nothing written: operator "
                + a.operatorId()
                + " has response "
                + held.request().responseDigestHex()
                + " recorded for "
                + a.request()
                + "; the import says otherwise");
      }
      if (held == null) {
        seen.put(key, a);
        fresh.put(key, a);
      }
    }
    if (!fresh.isEmpty()) {
      append(new ArrayList<>(fresh.values()));
      records.putAll(fresh);
    }
    return fresh.size();
  }

  private void append(List<SignedAttestation> attestations) {
    if (broken != null) {
      throw new SlashingProtectionException(
          "refusing to record (and so to sign): an earlier write to "
              + journal
              + " failed ("
              + broken
              + "); restart the node to re-read the journal");
    }
    StringBuilder lines = new StringBuilder();
    for (SignedAttestation a : attestations) {
      lines.append(toJson(a)).append('\n');
    }
    ByteBuffer buffer = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
    // The write runs on the store's own thread, which nothing interrupts: an interrupt that reaches
    // a thread inside FileChannel.write/force closes the channel (ClosedByInterruptException),
    // which
    // also releases the journal's process lock and left every later record failing. The caller's
    // interrupt is kept and re-asserted once the record is durable (or has failed).
    Future<Void> write = writer.submit(() -> writeDurably(buffer));
    boolean interrupted = false;
    try {
      while (true) {
        try {
          write.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof SlashingProtectionException refused) {
            throw refused;
          }
          throw new SlashingProtectionException(
              "cannot persist to " + journal + ": " + cause, cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Void writeDurably(ByteBuffer buffer) {
    long sizeBefore = -1;
    try {
      sizeBefore = channel.size();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
      return null;
    } catch (IOException e) {
      // Part of the lines may be in the file. Cut them off; if even that fails, stop recording
      // altogether so no signature is released on a record that may not be durable.
      try {
        if (sizeBefore >= 0) {
          channel.truncate(sizeBefore);
          channel.force(true);
        } else {
          broken = e.toString();
        }
      } catch (IOException truncateFailed) {
        broken = e.toString();
      }
      throw new SlashingProtectionException("cannot persist to " + journal + ": " + e, e);
    }
  }

  public Path journal() {
    return journal;
  }

  @Override
  public synchronized void close() {
    writer.shutdown();
    try {
      lock.close();
    } catch (IOException e) {
      throw new SlashingProtectionException("cannot close " + journal + ": " + e.getMessage(), e);
    }
  }
}
