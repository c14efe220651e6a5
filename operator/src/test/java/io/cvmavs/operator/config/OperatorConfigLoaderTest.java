package io.cvmavs.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorConfigLoaderTest {
  private static final String TASK_MANAGER = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";

  @TempDir Path dir;

  @BeforeEach
  void files() throws Exception {
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/op.ecdsa.json"), "{}");
    Files.writeString(dir.resolve("keys/op.bls.json"), "{}");
    Files.writeString(
        dir.resolve("31337.json"),
        "{\"chainId\": 31337, \"CvmTaskManager\": \""
            + TASK_MANAGER
            + "\", \"CvmRegistry\": \"0x"
            + "12".repeat(20)
            + "\"}");
  }

  private static final String VALID =
      """
      node_name: op-1
      eth_rpc_url: http://127.0.0.1:8545
      eth_ws_url: ws://127.0.0.1:8545
      chain_id: 31337
      deployment_file: 31337.json
      addresses:
        CvmRegistry: "0x3434343434343434343434343434343434343434"
      ecdsa_private_key_store_path: keys/op.ecdsa.json
      bls_private_key_store_path: keys/op.bls.json
      aggregator_url: http://127.0.0.1:8090
      operator_socket: 127.0.0.1:9000
      enable_metrics: false
      data_dir: data
      """;

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("operator.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void loadsResolvesPathsAndMergesAddresses() throws Exception {
    OperatorConfig c = OperatorConfigLoader.load(write(VALID));
    assertThat(c.nodeName()).isEqualTo("op-1");
    assertThat(c.chainId()).contains(31_337L);
    assertThat(c.address("CvmTaskManager")).isEqualTo(TASK_MANAGER);
    assertThat(c.address("CvmRegistry"))
        .as("explicit address wins")
        .isEqualTo("0x" + "34".repeat(20));
    assertThat(c.blsKeystore())
        .isEqualTo(dir.resolve("keys/op.bls.json").toAbsolutePath().normalize());
    assertThat(c.dataDirectory()).isEqualTo(dir.resolve("data").toAbsolutePath().normalize());
    assertThat(c.nodeApi()).contains(new HostPort("127.0.0.1", 9010));
    assertThat(c.metrics()).isEmpty();
    assertThatThrownBy(() -> c.address("Nope"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Nope");
  }

  @Test
  void startBlockComesFromTheConfigOrTheDeploymentFile() throws Exception {
    OperatorConfig none = OperatorConfigLoader.load(write(VALID));
    assertThatThrownBy(none::startBlock)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("start_block")
        .hasMessageContaining("deployment_file");
    assertThat(OperatorConfigLoader.load(write(VALID + "start_block: 42\n")).startBlock())
        .isEqualTo(42);
    assertProblem(VALID + "start_block: -1\n", "field 'start_block'", ">= 0");
    Files.writeString(
        dir.resolve("31337.json"),
        "{\"chainId\": 31337, \"deploymentBlock\": 17, \"CvmTaskManager\": \""
            + TASK_MANAGER
            + "\"}");
    assertThat(OperatorConfigLoader.load(write(VALID)).startBlock()).isEqualTo(17);
    assertThat(OperatorConfigLoader.load(write(VALID + "start_block: 5\n")).startBlock())
        .as("start_block wins")
        .isEqualTo(5);
  }

  @Test
  void unknownFieldIsRefusedWithLineAndTheKnownFields() throws Exception {
    Path file = write(VALID.replace("operator_socket:", "operator_sockett:"));
    assertThatThrownBy(() -> OperatorConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("operator.yaml:11:")
        .hasMessageContaining("unknown field 'operator_sockett'")
        .hasMessageContaining("operator_socket");
  }

  @Test
  void wrongTypeNamesFieldAndLine() throws Exception {
    Path file = write(VALID.replace("chain_id: 31337", "chain_id: lots"));
    assertThatThrownBy(() -> OperatorConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("operator.yaml:4:")
        .hasMessageContaining("field 'chain_id'");
  }

  @Test
  void semanticErrorsNameTheField() throws Exception {
    assertProblem(
        VALID.replace("http://127.0.0.1:8545", "ftp://x"), "field 'eth_rpc_url'", "http/https URL");
    assertProblem(
        VALID.replace("ws://127.0.0.1:8545", "http://127.0.0.1:8545"),
        "field 'eth_ws_url'",
        "ws/wss");
    assertProblem(
        VALID.replace("keys/op.bls.json", "keys/missing.json"),
        "field 'bls_private_key_store_path'",
        "does not exist");
    assertProblem(
        VALID.replace("\"0x3434343434343434343434343434343434343434\"", "nope"),
        "field 'addresses.CvmRegistry'",
        "20-byte address");
    assertProblem(
        VALID.replace("chain_id: 31337", "chain_id: 1"),
        "field 'deployment_file'",
        "is for chain 31337");
    assertProblem(VALID.replace("node_name: op-1\n", ""), "field 'node_name'", "is required");
    assertProblem(
        VALID.replace("operator_socket: 127.0.0.1:9000", "node_api_address: localhost:99999"),
        "field 'node_api_address'",
        "0..65535");
    assertProblem(
        VALID.replace("deployment_file: 31337.json", "deployment_file: gone.json"),
        "field 'deployment_file'",
        "gone.json");
  }

  @Test
  void mistypedContractNamesInAddressesAreRefused() throws Exception {
    assertProblem(
        VALID.replace("CvmRegistry: \"0x34", "CvmRegistri: \"0x34"),
        "field 'addresses.CvmRegistri'",
        "unknown contract name",
        "CvmRegistry");
  }

  @Test
  void urlCredentialsAndApiKeysNeverAppearInMessages() throws Exception {
    assertThat(OperatorConfigLoader.redact("https://user:pw@rpc.example/v1?apikey=SECRET"))
        .isEqualTo("https://***@rpc.example/v1?***");
    Path file =
        write(VALID.replace("http://127.0.0.1:8545", "ftp://user:SECRET@host/?key=SECRET2"));
    assertThatThrownBy(() -> OperatorConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eth_rpc_url")
        .hasMessageNotContaining("SECRET");
  }

  @Test
  void emptyOrBrokenFilesAreReported() throws Exception {
    assertProblem("", "the configuration is empty");
    assertProblem("node_name: \"unclosed\n", "not valid YAML");
    assertThatThrownBy(() -> OperatorConfigLoader.load(dir.resolve("absent.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("absent.yaml");
  }

  private void assertProblem(String yaml, String... fragments) throws Exception {
    Path file = write(yaml);
    var assertion =
        assertThatThrownBy(() -> OperatorConfigLoader.load(file))
            .isInstanceOf(ConfigException.class);
    for (String fragment : fragments) {
      assertion.hasMessageContaining(fragment);
    }
  }
}
