package io.cvmavs.cvm.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.CanonicalDecoding;
import io.cvmavs.cvm.proof.CanonicalEncoding;
import io.cvmavs.cvm.proof.DatasetMerkleTree;
import io.cvmavs.cvm.proof.DatasetRootProof;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.cvm.proof.ProofException;
import io.cvmavs.cvm.task.CvmTaskComputer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code src/test/resources/fixtures/attested-records.json} equal to what the Java encoder
 * and block builder produce. The Solidity side reads it: {@code CvmRecordCodec.t.sol} decodes every
 * {@code codec} record field by field and refuses every {@code malformed} one; {@code
 * CvmAttestedRecords.t.sol} proves the {@code attested} records against a responded task whose
 * {@code datasetRoot} is {@code responseDatasetRoot}. docs/PROOFS.md's worked example quotes this
 * block (checked below). Regenerate after a deliberate change with {@code
 * -Dcvm.fixtures.write=true}.
 */
class AttestedRecordsFixtureTest {
  static final Path FIXTURE = Path.of("src/test/resources/fixtures/attested-records.json");
  static final Path PROOFS_DOC = Path.of("../docs/PROOFS.md");
  static final HexFormat HEX = HexFormat.of();
  static final BigInteger MAX_UINT = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);

  /** Records covering every tag and every reader's edge cases. */
  static List<Object[]> codecRows() {
    byte[] twenty = new byte[20];
    byte[] thirtyTwo = new byte[32];
    for (int i = 0; i < 32; i++) {
      thirtyTwo[i] = (byte) (0xa0 + i);
      if (i < 20) {
        twenty[i] = (byte) (0x10 + i);
      }
    }
    return List.of(
        new Object[] {},
        new Object[] {null, true, false},
        new Object[] {0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 42},
        new Object[] {
          BigInteger.ZERO,
          new BigDecimal("123"),
          new BigDecimal("-5"),
          new BigDecimal("1.50"),
          new BigDecimal(MAX_UINT),
          new BigDecimal(BigInteger.TWO.pow(256)),
          new BigDecimal(BigInteger.TWO.pow(255).negate()),
          new BigDecimal("1E+3")
        },
        new Object[] {1.5d, Double.NaN, -0.0d, 1.0f},
        new Object[] {
          "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
          "0xAbCdEf0123456789abcdef0123456789ABCDEF01",
          "0x" + "ab".repeat(32),
          "héllo ✓",
          "",
          "0x12"
        },
        new Object[] {twenty, thirtyTwo, new byte[0]},
        new Object[] {
          LocalDateTime.of(2024, 1, 2, 3, 4, 5, 678_000_000),
          LocalDateTime.of(1969, 12, 31, 23, 59, 59),
          LocalDate.of(2024, 2, 29),
          LocalDate.of(1900, 1, 1)
        });
  }

  static ObjectNode field(ObjectMapper json, Object v) {
    ObjectNode f = json.createObjectNode();
    byte tag = CanonicalEncoding.encodeField(v)[0];
    f.put("tag", tag);
    switch (v) {
      case null -> {}
      case Boolean b -> f.put("value", b.toString());
      case Number n when tag == CanonicalEncoding.INTEGER -> {
        f.put("value", String.valueOf(n.longValue()));
        if (n.longValue() >= 0) {
          f.put("uint256", String.valueOf(n.longValue()));
        }
        f.put("int256", String.valueOf(n.longValue()));
      }
      case Number n when tag == CanonicalEncoding.DOUBLE -> {
        byte[] enc = CanonicalEncoding.encodeField(v);
        f.put("value", new BigInteger(1, java.util.Arrays.copyOfRange(enc, 1, 9)).toString());
      }
      case Number n -> {
        BigDecimal d = n instanceof BigInteger bi ? new BigDecimal(bi) : (BigDecimal) n;
        String text = CanonicalEncoding.canonicalDecimal(d);
        f.put("value", text);
        if (d.stripTrailingZeros().scale() <= 0) {
          BigInteger i = d.toBigIntegerExact();
          if (i.signum() >= 0 && i.compareTo(MAX_UINT) <= 0) {
            f.put("uint256", i.toString());
          }
          if (i.bitLength() <= 255) {
            f.put("int256", i.toString());
          }
        }
      }
      case String s -> {
        f.put("value", s);
        if (s.matches("0x[0-9a-fA-F]{40}")) {
          f.put("address", s);
        }
        if (s.matches("0x[0-9a-fA-F]{64}")) {
          f.put("bytes32", s);
        }
      }
      case byte[] b -> {
        f.put("value", "0x" + HEX.formatHex(b));
        if (b.length == 20) {
          f.put("address", "0x" + HEX.formatHex(b));
        }
        if (b.length == 32) {
          f.put("bytes32", "0x" + HEX.formatHex(b));
        }
      }
      case LocalDateTime t -> {
        byte[] enc = CanonicalEncoding.encodeField(t);
        f.put("value", String.valueOf(new BigInteger(java.util.Arrays.copyOfRange(enc, 1, 9))));
      }
      case LocalDate d -> f.put("value", String.valueOf(d.toEpochDay()));
      default -> throw new IllegalArgumentException(v.getClass().getName());
    }
    return f;
  }

  /** Byte strings the Java decoder refuses; the Solidity codec must refuse them too. */
  static List<byte[]> malformed() {
    byte[] ok = CanonicalEncoding.encode("abc", 7L);
    List<byte[]> bad = new ArrayList<>();
    bad.add(new byte[0]); // no field count
    bad.add(new byte[] {0, 0, 0}); // truncated field count
    bad.add(java.util.Arrays.copyOf(ok, ok.length - 1)); // truncated INTEGER
    bad.add(java.util.Arrays.copyOf(ok, ok.length + 1)); // a trailing byte
    byte[] moreFields = ok.clone();
    moreFields[3] = 3; // claims a third field
    bad.add(moreFields);
    bad.add(new byte[] {0, 0, 0, 1, 0x09}); // unknown tag
    bad.add(new byte[] {0, 0, 0, 1, 0x05, 0, 0, 0, 4, 'a'}); // STRING longer than the record
    bad.add(new byte[] {0, 0, 0, 1, 0x06, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    bad.add(new byte[] {0, 0, 0, 1, 0x01}); // BOOLEAN without its byte
    return bad;
  }

  /** Two datasets of one block: per-account ERC-20 totals and per-token counts. */
  static CvmBlock exampleBlock() {
    List<Object[]> totals = new ArrayList<>();
    String[] accounts = {
      "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
      "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
      "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
      "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65",
      "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc"
    };
    for (int i = 0; i < accounts.length; i++) {
      totals.add(
          new Object[] {
            accounts[i], BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(i + 1)), (long) i + 1
          });
    }
    List<Object[]> tokens = new ArrayList<>();
    tokens.add(new Object[] {"0x5fbdb2315678afecb367f032d93f642f64180aa3", 15L});
    tokens.add(new Object[] {"0xe7f1725e7734ce288f8367e1bb143e90bb3f0512", 2L});
    tokens.add(new Object[] {"0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0", 1L});
    return new CvmBlockBuilder()
        .build(
            Optional.empty(),
            Keccak.hash("erc20-totals.yaml".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            SourceCommitment.of("eth", 100, 199, Map.of(ChainTable.BLOCKS, List.of())),
            Map.of(
                "transfer_totals",
                CanonicalDataset.of(
                    List.of("account", "total", "transfers"), List.of("account"), totals),
                "token_counts",
                CanonicalDataset.of(List.of("token", "transfers"), List.of("token"), tokens)),
            1_700_000_199L);
  }

  static String generate() throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("spec", "docs/PROOFS.md; generated by AttestedRecordsFixtureTest");
    ArrayNode codec = root.putArray("codec");
    for (Object[] row : codecRows()) {
      ObjectNode r = codec.addObject();
      r.put("record", "0x" + HEX.formatHex(CanonicalEncoding.encode(row)));
      ArrayNode fields = r.putArray("fields");
      for (Object v : row) {
        fields.add(field(json, v));
      }
    }
    ArrayNode bad = root.putArray("malformed");
    malformed().forEach(b -> bad.add("0x" + HEX.formatHex(b)));

    CvmBlock block = exampleBlock();
    ObjectNode attested = root.putObject("attested");
    attested.put("blockHash", "0x" + HEX.formatHex(block.hash()));
    attested.put("responseDatasetRoot", "0x" + HEX.formatHex(responseRoot(block)));
    ArrayNode datasets = attested.putArray("datasets");
    for (String name : List.of("token_counts", "transfer_totals")) {
      ObjectNode d = datasets.addObject();
      CanonicalDataset ds = block.datasets().get(name);
      RecordProof first = block.prove(name, 0);
      d.setAll(RecordProofJson.datasetProof(first.datasetProof()));
      ArrayNode records = d.putArray("records");
      for (int i = 0; i < ds.size(); i++) {
        RecordProof p = block.prove(name, i);
        ObjectNode r = records.addObject();
        r.put("record", "0x" + HEX.formatHex(p.record()));
        r.put("leafIndex", p.proof().leafIndex());
        r.put("leafCount", p.proof().leafCount());
        ArrayNode siblings = r.putArray("siblings");
        p.proof().siblings().forEach(s -> siblings.add("0x" + HEX.formatHex(s)));
      }
    }
    return json.writeValueAsString(root) + "\n";
  }

  static byte[] responseRoot(CvmBlock block) {
    return block.prove("transfer_totals", 0).responseDatasetRoot();
  }

  @Test
  void committedFixtureMatchesTheJavaEncoderAndBlock() throws IOException {
    String generated = generate();
    if (Boolean.getBoolean("cvm.fixtures.write")) {
      Files.writeString(FIXTURE, generated);
    }
    assertThat(Files.readString(FIXTURE)).isEqualTo(generated);
  }

  @Test
  void theJavaDecoderRefusesEveryMalformedVectorAndReadsBackEveryOther() {
    for (byte[] b : malformed()) {
      assertThatThrownBy(() -> CanonicalDecoding.decode(b))
          .as("0x" + HEX.formatHex(b))
          .isInstanceOf(ProofException.class);
    }
    for (Object[] row : codecRows()) {
      byte[] record = CanonicalEncoding.encode(row);
      assertThat(CanonicalEncoding.encode(CanonicalDecoding.decode(record))).isEqualTo(record);
    }
  }

  @Test
  void theResponseRootIsWhatOperatorsAttestAndEveryDatasetProofLeadsToIt() {
    CvmBlock block = exampleBlock();
    byte[] attested = CvmTaskComputer.datasetRoot(block.header());
    assertThat(responseRoot(block)).isEqualTo(attested);
    for (String name : block.datasets().keySet()) {
      for (int i = 0; i < block.datasets().get(name).size(); i++) {
        RecordProof p = block.prove(name, i);
        DatasetRootProof dp = p.datasetProof();
        assertThat(dp.isSingle()).isFalse();
        assertThat(p.proof().verifyRecord(dp.datasetRoot(), p.record())).isTrue();
        assertThat(dp.verify(attested)).isTrue();
        DatasetRootProof wrongCount =
            new DatasetRootProof(name, dp.recordCount() + 1, dp.datasetRoot(), dp.path());
        assertThat(wrongCount.verify(attested)).isFalse();
      }
    }
  }

  @Test
  void aSingleDatasetIsAttestedByItsOwnRoot() {
    CvmBlock two = exampleBlock();
    CanonicalDataset only = two.datasets().get("transfer_totals");
    CvmBlock one =
        new CvmBlockBuilder()
            .build(
                Optional.empty(),
                two.header().manuscriptHash(),
                SourceCommitment.of("eth", 100, 199, Map.of(ChainTable.BLOCKS, List.of())),
                Map.of("transfer_totals", only),
                1_700_000_199L);
    RecordProof p = one.prove("transfer_totals", 2);
    assertThat(p.datasetProof().isSingle()).isTrue();
    assertThat(p.responseDatasetRoot())
        .isEqualTo(only.root())
        .isEqualTo(CvmTaskComputer.datasetRoot(one.header()));
  }

  @Test
  void proofsDocQuotesThisFixture() throws IOException {
    CvmBlock block = exampleBlock();
    String doc = Files.readString(PROOFS_DOC);
    RecordProof p = block.proveKey("transfer_totals", "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
    DatasetRootProof dp = p.datasetProof();
    assertThat(doc)
        .contains("0x" + HEX.formatHex(p.record()))
        .contains("0x" + HEX.formatHex(dp.datasetRoot()))
        .contains("0x" + HEX.formatHex(responseRoot(block)))
        .contains("0x" + HEX.formatHex(DatasetMerkleTree.leafHash(p.record())));
    for (byte[] s : p.proof().siblings()) {
      assertThat(doc).contains("0x" + HEX.formatHex(s));
    }
    for (byte[] s : dp.path().siblings()) {
      assertThat(doc).contains("0x" + HEX.formatHex(s));
    }
  }
}
