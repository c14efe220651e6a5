package io.cvmavs.cvm.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.cvm.proof.CanonicalDataset;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Proof JSON v2: values bound to the record, versions, the dataset proof. */
class RecordProofJsonTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One record of every type, so that each value's binding is exercised. */
  static CvmBlock block() {
    List<Object[]> rows =
        List.of(
            new Object[] {
              "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
              new BigDecimal("1000000000000000000"),
              3L,
              true,
              1.5d,
              new byte[] {1, 2, 3},
              LocalDateTime.of(2024, 1, 2, 3, 4, 5),
              LocalDate.of(2024, 2, 29),
              null
            },
            new Object[] {
              "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
              new BigDecimal("7"),
              1L,
              false,
              -2.25d,
              new byte[0],
              LocalDateTime.of(2024, 1, 3, 0, 0),
              LocalDate.of(2024, 3, 1),
              "x"
            });
    return new CvmBlockBuilder()
        .build(
            Optional.empty(),
            new byte[32],
            SourceCommitment.of("eth", 1, 2, Map.of(ChainTable.BLOCKS, List.of())),
            Map.of(
                "totals",
                CanonicalDataset.of(
                    List.of("account", "total", "n", "b", "d", "raw", "ts", "day", "note"),
                    List.of("account"),
                    rows)),
            1_700_000_002L);
  }

  static ObjectNode proofJson(int index) throws Exception {
    return (ObjectNode) JSON.readTree(RecordProofJson.write(block().prove("totals", index)));
  }

  @Test
  void writesVersion2WithTypesAndReadsItBack() throws Exception {
    CvmBlock b = block();
    RecordProof p = b.prove("totals", 1);
    ObjectNode json = (ObjectNode) JSON.readTree(RecordProofJson.write(p));
    assertThat(json.get("version").asInt()).isEqualTo(2);
    assertThat(json.get("types").toString())
        .isEqualTo(
            "[\"STRING\",\"DECIMAL\",\"INTEGER\",\"BOOLEAN\",\"DOUBLE\",\"BYTES\",\"TIMESTAMP\",\"DATE\",\"NULL\"]");
    assertThat(json.get("datasetProof").get("leafCount").asInt()).isZero();
    RecordProof back = RecordProofJson.read(json.toString());
    back.verify(b.hash());
    assertThat(back.record()).isEqualTo(p.record());
  }

  @Test
  void everyEditedValueIsRefusedNamingTheField() throws Exception {
    Object[] edits = {
      "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
      "2000000000000000000",
      4,
      false,
      "1.25",
      "0x010204",
      "2024-01-02T03:04:06",
      "2024-03-01",
      "note"
    };
    for (int i = 0; i < edits.length; i++) {
      ObjectNode json = proofJson(1);
      ArrayNode values = (ArrayNode) json.get("values");
      values.set(i, JSON.valueToTree(edits[i]));
      String text = json.toString();
      int field = i;
      assertThatThrownBy(() -> RecordProofJson.read(text))
          .as("edit of value %d", i)
          .isInstanceOf(BlockException.class)
          .hasMessageContaining("values[" + field + "]");
    }
  }

  @Test
  void aValueEqualToTheRecordInAnotherSpellingIsAccepted() throws Exception {
    ObjectNode json = proofJson(1);
    ((ArrayNode) json.get("values")).set(1, JSON.valueToTree("1000000000000000000.000"));
    RecordProofJson.read(json.toString());
  }

  @Test
  void anEditedTypeOrAMissingValueIsRefused() throws Exception {
    ObjectNode json = proofJson(0);
    ((ArrayNode) json.get("types")).set(1, JSON.valueToTree("STRING"));
    assertThatThrownBy(() -> RecordProofJson.read(json.toString()))
        .hasMessageContaining("values[1]");
    ObjectNode short_ = proofJson(0);
    ((ArrayNode) short_.get("values")).remove(8);
    assertThatThrownBy(() -> RecordProofJson.read(short_.toString()))
        .hasMessageContaining("the record has 9 fields but values has 8 entries");
  }

  @Test
  void version1IsStillReadAndItsValuesAreChecked() throws Exception {
    ObjectNode json = proofJson(1);
    json.remove(List.of("version", "types", "datasetProof", "responseDatasetRoot"));
    // v1 wrote booleans and doubles as strings
    ((ArrayNode) json.get("values")).set(3, JSON.valueToTree("true"));
    RecordProofJson.read(json.toString()).verify(block().hash());
    ((ArrayNode) json.get("values")).set(2, JSON.valueToTree(4));
    assertThatThrownBy(() -> RecordProofJson.read(json.toString()))
        .hasMessageContaining("values[2] = 4 (INTEGER) is not field 2 of the record, which is 3");
  }

  @Test
  void anUnknownVersionOrAnEditedDatasetProofIsRefused() throws Exception {
    ObjectNode v3 = proofJson(0);
    v3.put("version", 3);
    assertThatThrownBy(() -> RecordProofJson.read(v3.toString()))
        .hasMessageContaining("version 3 is not supported");
    ObjectNode dp = proofJson(0);
    ((ObjectNode) dp.get("datasetProof")).put("recordCount", 3);
    assertThatThrownBy(() -> RecordProofJson.read(dp.toString()))
        .hasMessageContaining("datasetProof does not match");
    ObjectNode rr = proofJson(0);
    rr.put("responseDatasetRoot", "0x" + "00".repeat(32));
    assertThatThrownBy(() -> RecordProofJson.read(rr.toString()))
        .hasMessageContaining("responseDatasetRoot does not match");
    assertThatThrownBy(() -> RecordProofJson.read("[1]")).hasMessageContaining("JSON object");
  }
}
