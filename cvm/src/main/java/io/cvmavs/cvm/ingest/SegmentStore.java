package io.cvmavs.cvm.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cvmavs.common.durable.DurableFiles;
import io.cvmavs.cvm.proof.CanonicalDecoding;
import io.cvmavs.cvm.proof.CanonicalEncoding;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Ingested chain data on local disk, one directory per block range ("segment"):
 *
 * <pre>
 * &lt;root&gt;/&lt;chain&gt;/segments/&lt;from:012d&gt;-&lt;to:012d&gt;/
 *     blocks.seg  transactions.seg  transaction_logs.seg  token_transfers.seg
 *     manifest.json
 * </pre>
 *
 * A {@code .seg} file is gzip over {@code (u32 length ‖ canonical record)*} ({@link
 * io.cvmavs.cvm.proof.CanonicalEncoding}) — the exact bytes the source data root commits to, so a
 * stored range can be re-verified without any decoding ambiguity. A segment is written in a
 * temporary directory and moved into place atomically with its manifest, so readers never see half
 * a segment and an interrupted run leaves only a temporary directory (removed by the next run).
 * Segments never overlap; a range is readable when segments cover every block of it.
 */
public final class SegmentStore implements ChainData {
  private static final Pattern SEGMENT = Pattern.compile("(\\d{12})-(\\d{12})");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;

  public SegmentStore(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  private Path segmentsDir(String chain) {
    return root.resolve(chain).resolve("segments");
  }

  /** Manifests of the complete segments of {@code chain}, by first block. */
  public List<SegmentManifest> segments(String chain) {
    Path dir = segmentsDir(chain);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<SegmentManifest> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        Matcher m = SEGMENT.matcher(p.getFileName().toString());
        if (m.matches() && Files.isRegularFile(p.resolve("manifest.json"))) {
          out.add(readManifest(p));
        }
      }
    } catch (IOException e) {
      throw new IngestException("cannot list segments in " + dir + ": " + e.getMessage(), e);
    }
    out.sort(Comparator.comparingLong(SegmentManifest::fromBlock));
    return out;
  }

  private static SegmentManifest readManifest(Path segmentDir) {
    Path file = segmentDir.resolve("manifest.json");
    try {
      return JSON.readValue(file.toFile(), SegmentManifest.class);
    } catch (IOException e) {
      throw new IngestException("corrupt segment manifest " + file + ": " + e.getMessage(), e);
    }
  }

  /** Removes temporary directories left by interrupted writes. */
  public void removeIncomplete(String chain) {
    Path dir = segmentsDir(chain);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".tmp-*")) {
      for (Path p : ds) {
        deleteTree(p);
      }
    } catch (IOException e) {
      throw new IngestException("cannot clean " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stores the rows of blocks {@code [from, to]} as one segment and returns its manifest. Refuses a
   * segment that overlaps a stored one or does not link by hash to a stored neighbour (a reorg
   * below the stored range).
   */
  public SegmentManifest write(
      String chain,
      long from,
      long to,
      String firstParentHash,
      String lastBlockHash,
      Map<ChainTable, List<Object[]>> rows) {
    for (SegmentManifest s : segments(chain)) {
      if (s.fromBlock() <= to && from <= s.toBlock()) {
        throw new IngestException(
            "segment "
                + from
                + "-"
                + to
                + " of "
                + chain
                + " overlaps the stored segment "
                + s.fromBlock()
                + "-"
                + s.toBlock());
      }
      if (s.toBlock() == from - 1 && !s.lastBlockHash().equals(firstParentHash)) {
        throw new IngestException(
            "block "
                + from
                + " of "
                + chain
                + " has parent "
                + firstParentHash
                + " but the stored block "
                + s.toBlock()
                + " is "
                + s.lastBlockHash()
                + ": the chain reorganised below the stored range (raise the confirmation depth, or delete "
                + "the segments from "
                + s.fromBlock()
                + " on and ingest again)");
      }
      if (s.fromBlock() == to + 1 && !s.firstParentHash().equals(lastBlockHash)) {
        throw new IngestException(
            "block "
                + to
                + " of "
                + chain
                + " is "
                + lastBlockHash
                + " but the stored block "
                + s.fromBlock()
                + " has parent "
                + s.firstParentHash()
                + ": the chain reorganised");
      }
    }
    SourceCommitment commitment = SourceCommitment.of(chain, from, to, rows);
    Path dir = segmentsDir(chain);
    Path tmp = dir.resolve(".tmp-" + name(from, to) + "-" + UUID.randomUUID());
    try {
      Files.createDirectories(tmp);
      Map<String, SegmentManifest.TableSummary> tables = new LinkedHashMap<>();
      for (ChainTable t : commitment.tables().keySet()) {
        var ds = commitment.tables().get(t);
        try (DataOutputStream out =
            new DataOutputStream(
                new BufferedOutputStream(
                    new GZIPOutputStream(
                        Files.newOutputStream(tmp.resolve(t.tableName() + ".seg")), 1 << 16),
                    1 << 16))) {
          for (int i = 0; i < ds.size(); i++) {
            byte[] record = ds.record(i);
            out.writeInt(record.length);
            out.write(record);
          }
        }
        tables.put(t.tableName(), new SegmentManifest.TableSummary(ds.size(), hex(ds.root())));
      }
      SegmentManifest manifest =
          new SegmentManifest(
              SegmentManifest.FORMAT_VERSION,
              chain,
              from,
              to,
              firstParentHash,
              lastBlockHash,
              tables,
              hex(commitment.root()));
      JSON.writeValue(tmp.resolve("manifest.json").toFile(), manifest);
      // Durable before visible: every file and the folder itself reach the disk before the rename
      // publishes them,
      // and the rename is synced too, so a crash never leaves a published segment with missing
      // contents.
      try (var files = Files.list(tmp)) {
        for (Path f : files.toList()) {
          try (FileChannel channel = FileChannel.open(f, StandardOpenOption.WRITE)) {
            channel.force(true);
          }
        }
      }
      DurableFiles.syncDirectory(tmp);
      Path target = dir.resolve(name(from, to));
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.syncDirectory(dir);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IngestException("the store at " + root + " does not support atomic renames", e);
      } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
        throw new IngestException(
            "segment " + target + " was written concurrently by another process", e);
      }
      return manifest;
    } catch (IOException e) {
      throw new IngestException(
          "cannot write segment " + from + "-" + to + " of " + chain + ": " + e.getMessage(), e);
    } finally {
      if (Files.exists(tmp)) {
        try {
          deleteTree(tmp);
        } catch (IOException ignored) {
          // removeIncomplete() cleans it on the next run
        }
      }
    }
  }

  /**
   * One table file of one segment and the block range a reader keeps from it. Serializable, so
   * Flink tasks can receive it.
   */
  /**
   * One segment file to read: rows with block_number in {@code [keepFrom, keepTo]} are kept; {@code
   * fileRows} is the manifest's row count of the whole file, checked on every read so a damaged
   * file is never read as a short one.
   */
  public record SegmentPart(String file, long keepFrom, long keepTo, long fileRows)
      implements Serializable {}

  /**
   * The files holding {@code table}'s rows of {@code [from, to]}; refuses a range that is not fully
   * stored.
   */
  public List<SegmentPart> partList(String chain, ChainTable table, long from, long to) {
    List<SegmentPart> parts = new ArrayList<>();
    for (SegmentManifest s : covering(chain, from, to)) {
      Path file =
          segmentsDir(chain)
              .resolve(name(s.fromBlock(), s.toBlock()))
              .resolve(table.tableName() + ".seg");
      SegmentManifest.TableSummary summary = s.tables().get(table.tableName());
      if (summary == null) {
        throw new IngestException(
            "blocks "
                + s.fromBlock()
                + "-"
                + s.toBlock()
                + " of "
                + chain
                + " were ingested without "
                + chain
                + "."
                + table.tableName()
                + (table.core()
                    ? " (damaged manifest)"
                    : " (it needs the node's trace API: ingest with --traces into a fresh data"
                        + " directory, or delete those segments first)"));
      }
      parts.add(new SegmentPart(file.toAbsolutePath().toString(), from, to, summary.rows()));
    }
    return parts;
  }

  @Override
  public Optional<List<SegmentPart>> parts(String chain, ChainTable table, long from, long to) {
    return Optional.of(partList(chain, table, from, to));
  }

  /**
   * Reads one part: every row of its file with block_number in the part's range, in stored order.
   */
  public static void readPart(SegmentPart part, Consumer<Object[]> rows) {
    forEachRecord(
        Path.of(part.file()),
        part.fileRows(),
        record -> {
          Object[] row = CanonicalDecoding.decode(record);
          long block = (Long) row[0];
          if (block >= part.keepFrom() && block <= part.keepTo()) {
            rows.accept(row);
          }
        });
  }

  /**
   * Reads one part as {@link #readPart} does, handing on each kept row's canonical record without
   * decoding it (block_number, the first field, is read in place).
   */
  public static void readPartRecords(SegmentPart part, Consumer<byte[]> records) {
    forEachRecord(
        Path.of(part.file()),
        part.fileRows(),
        record -> {
          if (record.length < 13 || record[4] != CanonicalEncoding.INTEGER) {
            throw new IngestException(
                "segment file " + part.file() + ": a record does not start with its block number");
          }
          long block = 0;
          for (int i = 5; i < 13; i++) {
            block = (block << 8) | (record[i] & 0xff);
          }
          if (block >= part.keepFrom() && block <= part.keepTo()) {
            records.accept(record);
          }
        });
  }

  @Override
  public List<Object[]> rows(String chain, ChainTable table, long from, long to) {
    return read(chain, table, from, to);
  }

  /**
   * Rows of {@code table} with block_number in {@code [from, to]}, in canonical order per segment.
   */
  public List<Object[]> read(String chain, ChainTable table, long from, long to) {
    List<Object[]> rows = new ArrayList<>();
    for (SegmentPart part : partList(chain, table, from, to)) {
      readPart(part, rows::add);
    }
    return rows;
  }

  /**
   * Every table of {@code [from, to]}: the core tables, and the traced ones when every segment of
   * the range holds them.
   */
  public Map<ChainTable, List<Object[]>> readAll(String chain, long from, long to) {
    Map<ChainTable, List<Object[]>> out = new EnumMap<>(ChainTable.class);
    List<SegmentManifest> covering = covering(chain, from, to);
    for (ChainTable t : ChainTable.values()) {
      if (t.core() || covering.stream().allMatch(s -> s.tables().containsKey(t.tableName()))) {
        out.put(t, read(chain, t, from, to));
      }
    }
    return out;
  }

  /**
   * The timestamp (seconds since the epoch, UTC) of the stored chain block {@code block}: what a
   * CVM block over a range ending at {@code block} carries, so every builder gets the same hash.
   */
  public long blockTimestamp(String chain, long block) {
    List<Object[]> rows = read(chain, ChainTable.BLOCKS, block, block);
    int column = ChainTable.BLOCKS.columnNames().indexOf("block_timestamp");
    if (rows.size() != 1 || !(rows.get(0)[column] instanceof java.time.LocalDateTime t)) {
      throw new IngestException(
          "chain block "
              + block
              + " of '"
              + chain
              + "' has no stored timestamp (its blocks row is missing): ingest it again");
    }
    return t.toEpochSecond(java.time.ZoneOffset.UTC);
  }

  /** The source data commitment of {@code [from, to]}, recomputed from the stored records. */
  public SourceCommitment commitment(String chain, long from, long to) {
    return SourceCommitment.of(chain, from, to, readAll(chain, from, to));
  }

  /**
   * The segments that cover {@code [from, to]}; refuses a range with blocks that were not ingested.
   */
  public List<SegmentManifest> covering(String chain, long from, long to) {
    if (from > to) {
      throw new IngestException("empty block range " + from + "-" + to);
    }
    List<SegmentManifest> out = new ArrayList<>();
    long next = from;
    for (SegmentManifest s : segments(chain)) {
      if (s.toBlock() < from || s.fromBlock() > to) {
        continue;
      }
      if (s.fromBlock() > next) {
        break;
      }
      out.add(s);
      next = s.toBlock() + 1;
    }
    if (next <= to) {
      throw new IngestException(
          "blocks "
              + next
              + "-"
              + to
              + " of "
              + chain
              + " are not ingested in "
              + root
              + " (run cvm-avs ingest for that range first)");
    }
    return out;
  }

  /** The block ranges within {@code [from, to]} that no stored segment covers, in order. */
  public List<long[]> gaps(String chain, long from, long to) {
    List<long[]> gaps = new ArrayList<>();
    long next = from;
    for (SegmentManifest s : segments(chain)) {
      if (s.toBlock() < next) {
        continue;
      }
      if (s.fromBlock() > to) {
        break;
      }
      if (s.fromBlock() > next) {
        gaps.add(new long[] {next, s.fromBlock() - 1});
      }
      next = s.toBlock() + 1;
    }
    if (next <= to) {
      gaps.add(new long[] {next, to});
    }
    return gaps;
  }

  @FunctionalInterface
  private interface RecordConsumer {
    void accept(byte[] record);
  }

  /**
   * Reads every record of a segment file. The file must end exactly after a record, and hold {@code
   * expectedRecords} of them: a file cut anywhere — inside the compressed stream, its trailer, or
   * between two records — is reported, never read as a shorter one.
   */
  private static void forEachRecord(Path file, long expectedRecords, RecordConsumer consumer) {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in =
            new DataInputStream(
                new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16))) {
      long count = 0;
      while (true) {
        int first = in.read();
        if (first < 0) {
          if (count != expectedRecords) {
            throw new IngestException(
                "segment file "
                    + file
                    + " holds "
                    + count
                    + " records, its manifest says "
                    + expectedRecords
                    + ": the file is damaged; delete its segment folder and ingest the range again");
          }
          return;
        }
        int len =
            (first << 24)
                | (in.readUnsignedByte() << 16)
                | (in.readUnsignedByte() << 8)
                | in.readUnsignedByte();
        if (len < 0 || len > (64 << 20)) {
          throw new IngestException("corrupt segment file " + file + ": record length " + len);
        }
        byte[] record = new byte[len];
        in.readFully(record);
        consumer.accept(record);
        count++;
      }
    } catch (EOFException e) {
      throw new IngestException(
          "segment file " + file + " is truncated (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new IngestException("cannot read segment file " + file + ": " + e.getMessage(), e);
    }
  }

  static String name(long from, long to) {
    return String.format("%012d-%012d", from, to);
  }

  private static String hex(byte[] b) {
    return "0x" + HexFormat.of().formatHex(b);
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
