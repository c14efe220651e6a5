package io.cvmavs.cvm.lake;

import io.cvmavs.cvm.ingest.ChainData;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.SegmentManifest;
import io.cvmavs.cvm.ingest.SegmentStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Ingested chain tables as append-only Parquet files that any Parquet reader (DuckDB, Spark,
 * pandas) can open, partitioned by block range:
 *
 * <pre>{@code <root>/<chain>/<table>/blocks=<from>-<to>/part-00000.parquet}</pre>
 *
 * One file per partition, one partition per stored segment range; columns and types as {@link
 * ChainTable} (BIGINT → INT64, STRING → UTF-8 BINARY, TIMESTAMP → INT64 TIMESTAMP(MILLIS) without a
 * zone, UTC), every column optional (NULL as in the table). Files are uncompressed: Parquet's
 * codecs go through Hadoop's compression classes, which are not on this module's classpath.
 *
 * <p>A partition is written to a hidden temporary file in its directory, forced to disk, then
 * renamed over {@code part-00000.parquet} (an atomic replace), so a reader sees the old partition
 * or the new one, never a mix: a reorged range is rewritten the same way. A write whose range
 * overlaps an existing partition with other bounds is refused. As {@link ChainData}, the tables
 * feed manuscript runs (the rows are read on the client and shipped in the job).
 */
public final class ParquetTables implements ChainData {
  /** The file name of every partition. */
  public static final String PART = "part-00000.parquet";

  private static final Pattern PARTITION = Pattern.compile("blocks=(\\d+)-(\\d+)");

  private final Path root;

  public ParquetTables(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** The directory of {@code chain.table}. */
  public Path tableDir(String chain, ChainTable table) {
    return root.resolve(chain).resolve(table.tableName());
  }

  /** A stored partition: its block range and file. */
  public record Partition(long fromBlock, long toBlock, Path file) {}

  /** The partitions of {@code chain.table} that overlap {@code [from, to]}, by first block. */
  public List<Partition> partitions(String chain, ChainTable table, long from, long to) {
    Path dir = tableDir(chain, table);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Partition> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(dir)) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        Matcher m = PARTITION.matcher(d.getFileName().toString());
        Path file = d.resolve(PART);
        if (m.matches() && Files.isRegularFile(file)) {
          long a = Long.parseLong(m.group(1));
          long b = Long.parseLong(m.group(2));
          if (a <= to && b >= from) {
            out.add(new Partition(a, b, file));
          }
        }
      }
    } catch (IOException e) {
      throw new LakeException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    out.sort(Comparator.comparingLong(Partition::fromBlock));
    return out;
  }

  /**
   * Writes (or atomically replaces) the partition {@code [from, to]} of {@code chain.table}.
   *
   * @throws LakeException if a row's block_number is outside the range or a value does not have its
   *     column's type (nothing is changed then), or another partition overlaps the range
   */
  public Path write(String chain, ChainTable table, long from, long to, List<Object[]> rows) {
    String where = chain + "." + table.tableName() + " blocks=" + from + "-" + to;
    if (from > to) {
      throw new LakeException(where + ": empty block range");
    }
    for (Partition p : partitions(chain, table, from, to)) {
      if (p.fromBlock() != from || p.toBlock() != to) {
        throw new LakeException(
            where
                + ": overlaps the stored partition blocks="
                + p.fromBlock()
                + "-"
                + p.toBlock()
                + " ("
                + p.file()
                + "); a reorged range is replaced with the same bounds");
      }
    }
    MessageType schema = schema(table);
    Path dir = tableDir(chain, table).resolve("blocks=" + from + "-" + to);
    Path file = dir.resolve(PART);
    Path tmp = dir.resolve("." + PART + ".tmp");
    try {
      Files.createDirectories(dir);
      List<Field> fields = fields(table);
      writeRows(
          new LocalOutputFile(tmp),
          schema,
          fields,
          rows,
          where,
          (r, row) -> {
            if (!(row[0] instanceof Long b) || b < from || b > to) {
              throw new LakeException(
                  where + ": row " + r + " has block_number " + row[0] + ", outside the partition");
            }
          });
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new LakeException(where + ": the filesystem of " + dir + " has no atomic rename", e);
      }
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true);
      }
      return file;
    } catch (IOException e) {
      throw new LakeException(where + ": cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort: a leftover hidden temporary file is never read
      }
    }
  }

  /**
   * Writes every table of each stored segment that overlaps {@code [from, to]} as one partition
   * with the segment's bounds (replacing what the partition held).
   *
   * @return the number of partitions written
   */
  public int export(SegmentStore store, String chain, long from, long to) {
    int written = 0;
    for (SegmentManifest s : store.covering(chain, from, to)) {
      for (Map.Entry<ChainTable, List<Object[]>> e :
          store.readAll(chain, s.fromBlock(), s.toBlock()).entrySet()) {
        write(chain, e.getKey(), s.fromBlock(), s.toBlock(), e.getValue());
        written++;
      }
    }
    return written;
  }

  /**
   * Rows of {@code chain.table} with block_number in {@code [from, to]}, partition by partition.
   */
  @Override
  public List<Object[]> rows(String chain, ChainTable table, long from, long to) {
    List<Object[]> out = new ArrayList<>();
    for (Partition p : partitions(chain, table, from, to)) {
      for (Object[] row : read(table, p.file())) {
        long b = (Long) row[0];
        if (b >= from && b <= to) {
          out.add(row);
        }
      }
    }
    return out;
  }

  /** Every row of one partition file, values in the table's column order. */
  public static List<Object[]> read(ChainTable table, Path file) {
    List<ChainTable.Column> columns = table.columns();
    List<Object[]> out = new ArrayList<>();
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            new LocalInputFile(file),
            ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      if (!schema.equals(schema(table))) {
        throw new LakeException(
            file + ": its schema is not that of " + table.tableName() + ": " + schema);
      }
      PageReadStore pages;
      while ((pages = reader.readNextRowGroup()) != null) {
        RecordReader<Group> records =
            new ColumnIOFactory()
                .getColumnIO(schema)
                .getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          Group g = records.read();
          Object[] row = new Object[columns.size()];
          for (int c = 0; c < columns.size(); c++) {
            if (g.getFieldRepetitionCount(c) == 0) {
              continue;
            }
            row[c] =
                switch (columns.get(c).type()) {
                  case BIGINT -> g.getLong(c, 0);
                  case STRING -> g.getString(c, 0);
                  case TIMESTAMP ->
                      LocalDateTime.ofEpochSecond(
                          Math.floorDiv(g.getLong(c, 0), 1000),
                          (int) Math.floorMod(g.getLong(c, 0), 1000) * 1_000_000,
                          ZoneOffset.UTC);
                };
          }
          out.add(row);
        }
      }
    } catch (IOException e) {
      throw new LakeException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** The Parquet schema of a chain table. */
  public static MessageType schema(ChainTable table) {
    return schema(table.tableName(), fields(table));
  }

  /** A column's type in a file this class writes; every column is optional (NULL allowed). */
  public enum Type {
    /** INT64, from a {@code Long}. */
    INT64,
    /** DOUBLE, from a {@code Double}. */
    DOUBLE,
    /** BOOLEAN, from a {@code Boolean}. */
    BOOLEAN,
    /** UTF-8 BINARY (logical type STRING), from a {@code String}. */
    STRING,
    /** INT64 TIMESTAMP(MILLIS) without a zone (UTC), from a {@code LocalDateTime}. */
    TIMESTAMP
  }

  /** A column of a file this class writes. */
  public record Field(String name, Type type) {}

  /** The columns of a chain table as fields. */
  public static List<Field> fields(ChainTable table) {
    return table.columns().stream()
        .map(
            c ->
                new Field(
                    c.name(),
                    switch (c.type()) {
                      case BIGINT -> Type.INT64;
                      case STRING -> Type.STRING;
                      case TIMESTAMP -> Type.TIMESTAMP;
                    }))
        .toList();
  }

  /** The Parquet schema of a message {@code name} with these fields, all optional. */
  public static MessageType schema(String name, List<Field> fields) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Field f : fields) {
      switch (f.type()) {
        case INT64 -> b.optional(PrimitiveTypeName.INT64).named(f.name());
        case DOUBLE -> b.optional(PrimitiveTypeName.DOUBLE).named(f.name());
        case BOOLEAN -> b.optional(PrimitiveTypeName.BOOLEAN).named(f.name());
        case STRING ->
            b.optional(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.stringType())
                .named(f.name());
        case TIMESTAMP ->
            b.optional(PrimitiveTypeName.INT64)
                .as(
                    LogicalTypeAnnotation.timestampType(
                        false, LogicalTypeAnnotation.TimeUnit.MILLIS))
                .named(f.name());
      }
    }
    return b.named(name);
  }

  /**
   * One Parquet file in memory (one row group, uncompressed) of {@code rows}, each with one value
   * per field of the field's type or null: the same writer as the table partitions, for answers
   * that are not tables (dataset records over HTTP).
   *
   * @throws LakeException if a row has another number of values or a value another type
   */
  public static byte[] toBytes(String name, List<Field> fields, List<Object[]> rows) {
    InMemoryOutputFile out = new InMemoryOutputFile();
    try {
      writeRows(out, schema(name, fields), fields, rows, name, (r, row) -> {});
    } catch (IOException e) {
      throw new LakeException(name + ": cannot write Parquet: " + e.getMessage(), e);
    }
    return out.bytes.toByteArray();
  }

  /** A check of one row before it is written. */
  private interface RowCheck {
    void check(int index, Object[] row);
  }

  private static void writeRows(
      OutputFile out,
      MessageType schema,
      List<Field> fields,
      List<Object[]> rows,
      String where,
      RowCheck check)
      throws IOException {
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(out)
            .withConf(new PlainParquetConfiguration())
            .withType(schema)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
            .build()) {
      for (int r = 0; r < rows.size(); r++) {
        Object[] row = rows.get(r);
        if (row.length != fields.size()) {
          throw new LakeException(
              where + ": row " + r + " has " + row.length + " values, the table " + fields.size());
        }
        check.check(r, row);
        Group g = groups.newGroup();
        for (int c = 0; c < fields.size(); c++) {
          Object v = row[c];
          if (v == null) {
            continue;
          }
          String name = fields.get(c).name();
          switch (fields.get(c).type()) {
            case INT64 -> g.append(name, (Long) typed(v, Long.class, where, r, name));
            case DOUBLE -> g.append(name, (Double) typed(v, Double.class, where, r, name));
            case BOOLEAN -> g.append(name, (Boolean) typed(v, Boolean.class, where, r, name));
            case STRING -> g.append(name, (String) typed(v, String.class, where, r, name));
            case TIMESTAMP ->
                g.append(
                    name,
                    ((LocalDateTime) typed(v, LocalDateTime.class, where, r, name))
                        .toInstant(ZoneOffset.UTC)
                        .toEpochMilli());
          }
        }
        writer.write(g);
      }
    }
  }

  /** A Parquet output file in a byte array. */
  private static final class InMemoryOutputFile implements OutputFile {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return createOrOverwrite(blockSizeHint);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      bytes.reset();
      return new PositionOutputStream() {
        @Override
        public long getPos() {
          return bytes.size();
        }

        @Override
        public void write(int b) {
          bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          bytes.write(b, off, len);
        }
      };
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    @Override
    public String getPath() {
      return "memory";
    }
  }

  private static Object typed(Object v, Class<?> type, String where, int row, String column) {
    if (!type.isInstance(v)) {
      throw new LakeException(
          where
              + ": row "
              + row
              + " column "
              + column
              + " holds a "
              + v.getClass().getSimpleName()
              + ", not a "
              + type.getSimpleName());
    }
    return v;
  }
}
