package io.cvmavs.storage.group;

import com.github.luben.zstd.Zstd;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.storage.TestBlocks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block-group size against DB3-style GZIP Parquet rollups of the same records (issue 18
 * Performance; docs/BENCHMARKS.md, "storage-adapters: group size vs GZIP Parquet"): a harness, not
 * a test — it asserts nothing about sizes and runs only when named:
 *
 * <pre>
 * bin/mvn -q -o -pl storage-adapters -am verify -Dforge.skipTests=true -Dtest=None \
 *   -Dit.test=GroupVsParquetHarness -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 *
 * For each size, the same {@link TestBlocks} chain (ERC-20 transfers: tx hash, log index, block
 * number, from, to, amount) is written as
 *
 * <ul>
 *   <li>(a) block groups as anchored ({@link GroupPacker}, default 1 MiB target, zstd level {@value
 *       BlockGroup#ZSTD_LEVEL}): header, manuscript, every block's header and canonical records;
 *   <li>(b) DB3's rollup layout: one Parquet file, GZIP, one row per mutation with columns {@code
 *       payload} (binary), {@code signature} (string), {@code block} (uint64), {@code order}
 *       (uint32) — here one row per record, payload = the record's canonical bytes, signature empty
 *       (a CVM record carries none), block = CVM height, order = index in the block;
 *   <li>(c) the records as typed Parquet columns, GZIP (Parquet's best case: dictionary and
 *       per-column compression), plus the CVM height.
 * </ul>
 *
 * Neither Parquet file holds the block headers, hashes or the manuscript the group carries.
 */
class GroupVsParquetHarness {
  @Test
  void groupSizeAgainstGzipParquet(@TempDir Path dir) throws IOException {
    System.out.println(
        "records  blocks  group_bytes  db3_layout_gzip_parquet  typed_gzip_parquet"
            + "  ratio_db3/group  ratio_typed/group  |  payload  zstd19(payload)"
            + "  zstd19(records column-major)");
    for (int[] size : new int[][] {{25, 40}, {250, 40}, {1000, 100}}) {
      List<CvmBlock> chain = TestBlocks.chain(size[0], size[1], 18);
      long group = groupBytes(chain);
      long db3 = db3Layout(chain, dir.resolve("db3-" + size[0] + ".gz.parquet"));
      long typed = typed(chain, dir.resolve("typed-" + size[0] + ".gz.parquet"));
      byte[] payload = payload(chain);
      System.out.printf(
          "%7d  %6d  %11d  %23d  %18d  %15.2f  %17.2f  |  %7d  %14d  %27d%n",
          size[0] * size[1],
          size[0],
          group,
          db3,
          typed,
          (double) db3 / group,
          (double) typed / group,
          payload.length,
          Zstd.compress(payload, 19).length,
          Zstd.compress(columnMajor(chain), 19).length);
    }
  }

  private static long groupBytes(List<CvmBlock> chain) {
    GroupPacker packer =
        new GroupPacker(
            1,
            TestBlocks.MANUSCRIPT,
            GroupPacker.DEFAULT_TARGET_BYTES,
            Duration.ofHours(1),
            Clock.systemUTC(),
            List::of);
    List<BlockGroup> groups = new ArrayList<>();
    for (CvmBlock b : chain) {
      packer.add(b).ifPresent(groups::add);
    }
    packer.flush().ifPresent(groups::add);
    return groups.stream().mapToLong(BlockGroup::size).sum();
  }

  /** What a group compresses: the manuscript section and every block, as {@link BlockGroup}. */
  private static byte[] payload(List<CvmBlock> chain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(PayloadCodec.encodeManuscript(TestBlocks.MANUSCRIPT));
    for (CvmBlock b : chain) {
      out.write(PayloadCodec.encodeBlock(b));
    }
    return out.toByteArray();
  }

  /**
   * What-if (not a format): the transfer records only, column after column (tx hashes, log indices,
   * block numbers, from, to, amounts), to bound what a column-major payload would gain.
   */
  private static byte[] columnMajor(List<CvmBlock> chain) throws IOException {
    ByteArrayOutputStream[] col = new ByteArrayOutputStream[6];
    for (int c = 0; c < col.length; c++) {
      col[c] = new ByteArrayOutputStream();
    }
    for (CvmBlock b : chain) {
      CanonicalDataset ds = b.datasets().get("transfers");
      List<String> cols = ds.columns();
      for (int i = 0; i < ds.size(); i++) {
        Object[] row = ds.row(i);
        col[0].write((byte[]) row[cols.indexOf("transaction_hash")]);
        col[1].write(varint(((Number) row[cols.indexOf("log_index")]).longValue()));
        col[2].write(varint(((Number) row[cols.indexOf("block_number")]).longValue()));
        col[3].write(((String) row[cols.indexOf("from")]).getBytes(StandardCharsets.US_ASCII));
        col[4].write(((String) row[cols.indexOf("to")]).getBytes(StandardCharsets.US_ASCII));
        byte[] amount =
            ((BigDecimal) row[cols.indexOf("amount")]).setScale(18).unscaledValue().toByteArray();
        col[5].write(amount.length);
        col[5].write(amount);
      }
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (ByteArrayOutputStream c : col) {
      c.writeTo(all);
    }
    return all.toByteArray();
  }

  private static byte[] varint(long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return out.toByteArray();
  }

  private static long db3Layout(List<CvmBlock> chain, Path file) throws IOException {
    MessageType schema =
        Types.buildMessage()
            .optional(PrimitiveTypeName.BINARY)
            .named("payload")
            .optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("signature")
            .optional(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.intType(64, false))
            .named("block")
            .optional(PrimitiveTypeName.INT32)
            .as(LogicalTypeAnnotation.intType(32, false))
            .named("order")
            .named("db3_rollup");
    SimpleGroupFactory f = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = writer(file, schema)) {
      for (CvmBlock b : chain) {
        CanonicalDataset ds = b.datasets().get("transfers");
        for (int i = 0; i < ds.size(); i++) {
          w.write(
              f.newGroup()
                  .append("payload", Binary.fromConstantByteArray(ds.record(i)))
                  .append("signature", "")
                  .append("block", b.header().height())
                  .append("order", i));
        }
      }
    }
    return Files.size(file);
  }

  private static long typed(List<CvmBlock> chain, Path file) throws IOException {
    MessageType schema =
        Types.buildMessage()
            .required(PrimitiveTypeName.INT64)
            .named("cvm_height")
            .required(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY)
            .length(32)
            .named("transaction_hash")
            .required(PrimitiveTypeName.INT64)
            .named("log_index")
            .required(PrimitiveTypeName.INT64)
            .named("block_number")
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("from")
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named("to")
            .required(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.decimalType(18, 38))
            .named("amount")
            .named("transfers");
    SimpleGroupFactory f = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = writer(file, schema)) {
      for (CvmBlock b : chain) {
        CanonicalDataset ds = b.datasets().get("transfers");
        List<String> cols = ds.columns();
        for (int i = 0; i < ds.size(); i++) {
          Object[] row = ds.row(i);
          w.write(
              f.newGroup()
                  .append("cvm_height", b.header().height())
                  .append(
                      "transaction_hash",
                      Binary.fromConstantByteArray((byte[]) row[cols.indexOf("transaction_hash")]))
                  .append("log_index", ((Number) row[cols.indexOf("log_index")]).longValue())
                  .append("block_number", ((Number) row[cols.indexOf("block_number")]).longValue())
                  .append("from", (String) row[cols.indexOf("from")])
                  .append("to", (String) row[cols.indexOf("to")])
                  .append(
                      "amount",
                      Binary.fromConstantByteArray(
                          ((BigDecimal) row[cols.indexOf("amount")])
                              .setScale(18)
                              .unscaledValue()
                              .toByteArray())));
        }
      }
    }
    return Files.size(file);
  }

  private static ParquetWriter<Group> writer(Path file, MessageType schema) throws IOException {
    return ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration())
        .withType(schema)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withCompressionCodec(CompressionCodecName.GZIP)
        .withCodecFactory(JDK_GZIP)
        .build();
  }

  /**
   * GZIP pages through the JDK's zlib (default level 6, as DB3's writer): parquet-java's own
   * CodecFactory reaches GZIP through Hadoop's GzipCodec, which needs Hadoop's runtime (the project
   * ships only hadoop-client-api), so the harness plugs this factory into parquet-java's {@code
   * withCodecFactory}. The bytes are the same format: a GZIP member per page.
   */
  static final CompressionCodecFactory JDK_GZIP =
      new CompressionCodecFactory() {
        @Override
        public BytesInputCompressor getCompressor(CompressionCodecName codec) {
          if (codec != CompressionCodecName.GZIP) {
            throw new IllegalArgumentException("only GZIP here, not " + codec);
          }
          return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput bytes) throws IOException {
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                bytes.writeAllTo(gz);
              }
              return BytesInput.from(out.toByteArray());
            }

            @Override
            public CompressionCodecName getCodecName() {
              return CompressionCodecName.GZIP;
            }

            @Override
            public void release() {}
          };
        }

        @Override
        public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
          throw new UnsupportedOperationException("the harness only writes");
        }

        @Override
        public void release() {}
      };
}
