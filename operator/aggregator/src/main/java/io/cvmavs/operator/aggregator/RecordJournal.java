package io.cvmavs.operator.aggregator;

import io.cvmavs.common.durable.DurableFiles;
import io.cvmavs.common.durable.Uninterruptible;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One append-only file of framed records with group commit: the aggregator's record of one task.
 *
 * <p>Frame (big-endian): magic {@code "CVAJ"} (4 bytes), payload length (4 bytes), CRC32C of the
 * length and the payload (4 bytes), payload. {@link #append} writes frames at the end of the file
 * without waiting for the disk and returns a {@link Ticket}; {@link #sync} returns once the
 * ticket's records are on disk. Concurrent callers of {@link #sync} share fsyncs: one runs, the
 * others wait for it and return if it covered them, so signatures arriving together cost one fsync
 * (group commit). {@link #rewrite} replaces the whole file by one record (compaction) with {@link
 * DurableFiles#replace}.
 *
 * <p>{@link #read} parses a file after a crash: a damaged frame with nothing intact after it is a
 * torn tail (an interrupted append that was never acknowledged); a damaged frame followed by intact
 * ones is corruption inside the file. Both are reported as {@link Damage}; the caller decides.
 *
 * <p>Writes and fsyncs run through {@link Uninterruptible}: an interrupted caller (a shutdown)
 * neither loses the frame nor closes the channel under the other callers.
 *
 * <p>Thread-safe. After a failed write or fsync the journal refuses further appends and syncs (the
 * page cache may have dropped what the disk refused) until {@link #rewrite} succeeds.
 */
final class RecordJournal {
  static final int MAGIC = 0x4356414a; // "CVAJ"
  static final int HEADER_BYTES = 12;

  /** Larger length fields are damage, not records (a task's snapshot is tens of KiB). */
  static final int MAX_PAYLOAD = 64 << 20;

  /** The end of appended records in one version of the file; durable once {@link #sync} returns. */
  record Ticket(long generation, long end) {}

  /** Bytes of the file that are not intact records. */
  record Damage(long offset, long length, boolean tail) {}

  /** What {@link #read} found: intact payloads in file order, and the damage between them. */
  record Contents(List<byte[]> payloads, List<Long> ends, List<Damage> damage, long size) {
    /** The end of the last intact record before any damage (all of the file if none). */
    long intactPrefix() {
      return damage.isEmpty() ? size : damage.get(0).offset();
    }
  }

  private final Path path;
  private FileChannel channel;
  private long written;
  private long synced;
  private long generation;
  private boolean syncing;
  private boolean directoryUnsynced;
  private IOException failure;
  private long syncs;

  private RecordJournal(Path path, long size) {
    this.path = path;
    this.written = size;
    this.synced = size;
  }

  /** A journal over an existing file of {@code size} intact bytes (opened on first append). */
  static RecordJournal existing(Path path, long size) {
    return new RecordJournal(path, size);
  }

  /**
   * A new file holding {@code first}; its name becomes durable with the first {@link #sync}. An
   * existing file of that name is replaced.
   */
  static RecordJournal create(Path path, byte[] first) throws IOException {
    byte[] frame = frame(first);
    try {
      FileChannel c =
          FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      RecordJournal j = new RecordJournal(path, 0);
      j.channel = c;
      j.directoryUnsynced = true;
      j.writeAtEnd(ByteBuffer.wrap(frame));
      return j;
    } catch (FileAlreadyExistsException e) {
      DurableFiles.replace(path, frame);
      return new RecordJournal(path, frame.length);
    }
  }

  Path path() {
    return path;
  }

  /** Appends one frame per payload, in order, without waiting for the disk. */
  synchronized Ticket append(List<byte[]> payloads) throws IOException {
    checkUsable();
    int total = 0;
    List<byte[]> frames = new ArrayList<>(payloads.size());
    for (byte[] p : payloads) {
      byte[] f = frame(p);
      frames.add(f);
      total += f.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(total);
    frames.forEach(buffer::put);
    buffer.flip();
    if (channel == null) {
      channel = FileChannel.open(path, StandardOpenOption.WRITE);
    }
    writeAtEnd(buffer);
    return new Ticket(generation, written);
  }

  /**
   * Returns once everything up to {@code ticket} is on disk. A ticket of an earlier version of the
   * file is on disk already ({@link #rewrite} wrote the state it recorded).
   */
  void sync(Ticket ticket) throws IOException {
    FileChannel c;
    long target;
    boolean directory;
    synchronized (this) {
      while (true) {
        if (ticket.generation() != generation || synced >= ticket.end()) {
          return;
        }
        checkUsable();
        if (!syncing) {
          break;
        }
        waitForSync();
      }
      syncing = true;
      c = channel;
      target = written;
      directory = directoryUnsynced;
    }
    IOException error = null;
    try {
      FileChannel syncing = c;
      Uninterruptible.run(() -> syncing.force(false)); // an interrupt would close the channel
      if (directory) {
        DurableFiles.syncDirectory(path.toAbsolutePath().getParent());
      }
    } catch (IOException e) {
      error = e;
    }
    synchronized (this) {
      syncing = false;
      syncs++;
      if (error == null) {
        synced = Math.max(synced, target);
        if (directory) {
          directoryUnsynced = false;
        }
      } else {
        failure = error;
      }
      notifyAll();
    }
    if (error != null) {
      throw new IOException("cannot fsync " + path + ": " + error.getMessage(), error);
    }
  }

  /**
   * Replaces the file by {@code payload} alone, durably (write, fsync, rename, fsync of the
   * folder), and closes it: a later {@link #append} reopens it.
   */
  synchronized void rewrite(byte[] payload) throws IOException {
    while (syncing) {
      waitForSync();
    }
    closeChannel();
    byte[] frame = frame(payload);
    DurableFiles.replace(path, frame);
    generation++;
    written = frame.length;
    synced = frame.length;
    directoryUnsynced = false;
    failure = null;
  }

  /** fsyncs run so far (each may have covered many appends). */
  synchronized long syncs() {
    return syncs;
  }

  /** The frame around {@code payload}. */
  static byte[] frame(byte[] payload) {
    if (payload.length > MAX_PAYLOAD) {
      throw new IllegalArgumentException(
          "record of " + payload.length + " bytes exceeds the journal's limit of " + MAX_PAYLOAD);
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + payload.length);
    b.putInt(MAGIC).putInt(payload.length).putInt(checksum(payload.length, payload, 0));
    b.put(payload);
    return b.array();
  }

  /** Parses {@code bytes} (a whole journal file) into intact records and damaged stretches. */
  static Contents read(byte[] bytes) {
    List<byte[]> payloads = new ArrayList<>();
    List<Long> ends = new ArrayList<>();
    List<Damage> damage = new ArrayList<>();
    int pos = 0;
    while (pos < bytes.length) {
      int len = intactFrameAt(bytes, pos);
      if (len >= 0) {
        byte[] p = new byte[len];
        System.arraycopy(bytes, pos + HEADER_BYTES, p, 0, len);
        payloads.add(p);
        pos += HEADER_BYTES + len;
        ends.add((long) pos);
        continue;
      }
      int next = pos + 1;
      while (next < bytes.length && intactFrameAt(bytes, next) < 0) {
        next++;
      }
      damage.add(new Damage(pos, next - pos, next >= bytes.length));
      pos = next;
    }
    return new Contents(payloads, ends, damage, bytes.length);
  }

  /** The payload length of an intact frame starting at {@code pos}, or -1. */
  private static int intactFrameAt(byte[] b, int pos) {
    if (b.length - pos < HEADER_BYTES) {
      return -1;
    }
    ByteBuffer h = ByteBuffer.wrap(b, pos, HEADER_BYTES);
    if (h.getInt() != MAGIC) {
      return -1;
    }
    int len = h.getInt();
    int crc = h.getInt();
    if (len < 0 || len > MAX_PAYLOAD || len > b.length - pos - HEADER_BYTES) {
      return -1;
    }
    return checksum(len, b, pos + HEADER_BYTES) == crc ? len : -1;
  }

  private static int checksum(int length, byte[] data, int offset) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(4).putInt(length).flip());
    crc.update(data, offset, length);
    return (int) crc.getValue();
  }

  private void writeAtEnd(ByteBuffer buffer) throws IOException {
    long start = written;
    try {
      FileChannel c = channel;
      // out of the caller's interrupts: one inside write() would close the channel for good
      written =
          Uninterruptible.call(
              () -> {
                long pos = start;
                while (buffer.hasRemaining()) {
                  pos += c.write(buffer, pos);
                }
                return pos;
              });
    } catch (IOException e) {
      try {
        channel.truncate(start); // no half frame for the next append to land behind
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      failure = e;
      throw new IOException("cannot append to " + path + ": " + e.getMessage(), e);
    }
  }

  private void checkUsable() throws IOException {
    if (failure != null) {
      throw new IOException(
          path + " refused an earlier write or fsync (" + failure.getMessage() + ")", failure);
    }
  }

  private void waitForSync() throws IOException {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for an fsync of " + path, e);
    }
  }

  private void closeChannel() throws IOException {
    if (channel != null) {
      FileChannel c = channel;
      channel = null;
      c.close();
    }
  }
}
