package io.cvmavs.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentsTest {
  @TempDir Path dir;

  private Path write(String json) throws Exception {
    Path file = dir.resolve("31337.json");
    Files.writeString(file, json);
    return file;
  }

  @Test
  void readsAddressesAndValues() throws Exception {
    Deployments d =
        Deployments.read(
            write(
                """
                {"chainId": 31337, "deployer": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
                 "CToken": "0x5FbDB2315678afecb367f032d93F642f64180aa3", "operatorSetId": 0}
                """));
    assertThat(d.chainId()).isEqualTo(31_337);
    assertThat(d.address("CToken")).isEqualTo("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    assertThat(d.addresses()).containsOnlyKeys("CToken", "deployer");
    assertThat(d.values()).containsEntry("operatorSetId", "0");
    assertThat(d.findAddress("Nope")).isEmpty();
  }

  @Test
  void unknownContractNamesTheFileAndWhatItHas() throws Exception {
    Deployments d =
        Deployments.read(
            write("{\"chainId\": 1, \"CToken\": \"0x5FbDB2315678afecb367f032d93F642f64180aa3\"}"));
    assertThatThrownBy(() -> d.address("TaskManager"))
        .isInstanceOf(DeploymentsException.class)
        .hasMessageContaining("31337.json")
        .hasMessageContaining("'TaskManager'")
        .hasMessageContaining("CToken");
  }

  @Test
  void rejectsMalformedFiles() throws Exception {
    assertThatThrownBy(() -> Deployments.read(write("{not json")))
        .isInstanceOf(DeploymentsException.class)
        .hasMessageContaining("cannot read deployment file");
    assertThatThrownBy(() -> Deployments.read(write("[1,2]")))
        .isInstanceOf(DeploymentsException.class)
        .hasMessageContaining("must be a JSON object");
    assertThatThrownBy(
            () ->
                Deployments.read(
                    write("{\"CToken\": \"0x5FbDB2315678afecb367f032d93F642f64180aa3\"}")))
        .isInstanceOf(DeploymentsException.class)
        .hasMessageContaining("'chainId'");
    assertThatThrownBy(
            () ->
                Deployments.read(
                    write(
                        "{\"chainId\": 1, \"CToken\": \"0xZZbDB2315678afecb367f032d93F642f64180aa3\"}")))
        .isInstanceOf(DeploymentsException.class)
        .hasMessageContaining("'CToken' is not a valid address");
    assertThatThrownBy(() -> Deployments.read(dir.resolve("missing.json")))
        .isInstanceOf(DeploymentsException.class)
        .hasMessageContaining("missing.json");
  }
}
