package io.cvmavs.storage.arweave;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.storage.NodeScript;
import io.cvmavs.storage.TestBlocks;
import io.cvmavs.storage.group.BlockGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ANS-104 data items written here, parsed and verified by arbundles (npm). */
class DataItemTest {
  static final ArweaveWallet WALLET = ArweaveWallet.generate();
  @TempDir Path dir;

  JsonNode arbundles(DataItem item) throws Exception {
    Path f = Files.write(dir.resolve(item.id() + ".bin"), item.bytes());
    return NodeScript.run("arbundles-verify.cjs", f.toString());
  }

  @Test
  void aGroupAsADataItemVerifiesInArbundles() throws Exception {
    byte[] group =
        BlockGroup.pack(1, TestBlocks.MANUSCRIPT, TestBlocks.chain(2, 20, 6), List.of()).bytes();
    List<ArweaveTx.Tag> tags =
        List.of(
            new ArweaveTx.Tag("App-Name", "cvm-avs"),
            new ArweaveTx.Tag("Start-Block", "0"),
            new ArweaveTx.Tag("Ünïcode", "välue"));
    DataItem item = DataItem.sign(WALLET, group, tags, Keccak.hash(new byte[] {7}));
    JsonNode js = arbundles(item);
    assertThat(js.get("valid").asBoolean()).isTrue();
    assertThat(js.get("id").asText()).isEqualTo(item.id());
    assertThat(js.get("signatureType").asInt()).isEqualTo(1);
    assertThat(js.get("tags").get(2).get(0).asText()).isEqualTo("Ünïcode");
    assertThat(js.get("dataLength").asInt()).isEqualTo(group.length);
  }

  @Test
  void withoutTagsOrAnchorAndTamperedIsRejected() throws Exception {
    DataItem item = DataItem.sign(WALLET, new byte[] {1, 2, 3}, List.of(), null);
    assertThat(arbundles(item).get("valid").asBoolean()).isTrue();
    byte[] bytes = item.bytes();
    bytes[bytes.length - 1] ^= 1;
    assertThat(arbundles(new DataItem(item.id(), bytes)).get("valid").asBoolean()).isFalse();
  }
}
