package io.cvmavs.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.common.net.HostPort;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.keystore.BlsKeystore;
import io.cvmavs.crypto.keystore.EcdsaKeystore;
import io.cvmavs.crypto.keystore.ScryptParams;
import io.cvmavs.operator.cli.CvmAvsCommand;
import io.cvmavs.operator.command.CliContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;
import picocli.CommandLine;

class OperatorConfigLoaderTest {
  private static final String TASK_MANAGER = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";
  private static final ECKeyPair ECDSA_KEY = ECKeyPair.create(BigInteger.valueOf(12345));
  private static final String OPERATOR = EcdsaKeystore.address(ECDSA_KEY);

  @TempDir Path dir;

  @BeforeEach
  void files() throws Exception {
    Files.createDirectories(dir.resolve("keys"));
    // Real keystores (light scrypt): the loader tells their kinds apart.
    EcdsaKeystore.write(
        dir.resolve("keys/op.ecdsa.json"),
        ECDSA_KEY,
        "ecdsa password".toCharArray(),
        ScryptParams.LIGHT,
        new SecureRandom());
    BlsKeystore.write(
        dir.resolve("keys/op.bls.json"),
        BlsKeyPair.fromSecret(BigInteger.valueOf(7)),
        "bls password".toCharArray(),
        ScryptParams.LIGHT,
        new SecureRandom());
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

  @Test
  void duplicateKeysAreRefusedWithBothLines() throws Exception {
    // Last-wins would silently run with the second node_name.
    assertProblem(
        VALID + "node_name: op-2\n",
        "operator.yaml:14:",
        "duplicate key 'node_name'",
        "first set on line 1");
    assertProblem(
        VALID.replace(
            "  CvmRegistry: \"0x34",
            "  CvmRegistry: \"0x" + "56".repeat(20) + "\"\n  CvmRegistry: \"0x34"),
        "operator.yaml:8:",
        "duplicate key 'addresses.CvmRegistry'",
        "first set on line 7");
  }

  @Test
  void aKeystoreOfTheWrongKindIsRefusedNamingTheField() throws Exception {
    assertProblem(
        VALID.replace("keys/op.bls.json", "keys/op.ecdsa.json"),
        "operator.yaml:9:",
        "field 'bls_private_key_store_path'",
        "is an ECDSA keystore",
        "not a BLS");
    assertProblem(
        VALID.replace("keys/op.ecdsa.json", "keys/op.bls.json"),
        "field 'ecdsa_private_key_store_path'",
        "is a BLS (BN254) keystore",
        "not an ECDSA keystore");
    Files.writeString(dir.resolve("keys/empty.json"), "{}");
    assertProblem(
        VALID.replace("keys/op.bls.json", "keys/empty.json"),
        "field 'bls_private_key_store_path'",
        "is not a keystore");
    Files.writeString(dir.resolve("keys/text.json"), "hello");
    assertProblem(
        VALID.replace("keys/op.bls.json", "keys/text.json"),
        "field 'bls_private_key_store_path'",
        "not JSON");
  }

  @Test
  void checkConfigRefusesAnEcdsaKeystoreAsTheBlsKey() throws Exception {
    Path file = write(VALID.replace("keys/op.bls.json", "keys/op.ecdsa.json"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CvmAvsCommand.commandLine(new CliContext(k -> null));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("operator", "check-config", "--config", file.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains("bls_private_key_store_path")
        .contains("is an ECDSA keystore");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void theBlsKeyIsOptionalUntilSomethingSignsWithIt() throws Exception {
    OperatorConfig c =
        OperatorConfigLoader.load(
            write(VALID.replace("bls_private_key_store_path: keys/op.bls.json\n", "")));
    assertThat(c.blsKeystorePath()).isEmpty();
    assertThatThrownBy(c::blsKeystore)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("field 'bls_private_key_store_path' is required here")
        .hasMessageContaining("keys create --type bls");
  }

  @Test
  void messagesAreInTheUsersWordsNotJavas() throws Exception {
    for (String yaml :
        new String[] {
          "- just\n- a list\n",
          "plain text\n",
          VALID.replace("enable_metrics: false", "enable_metrics: maybe"),
          VALID.replace("chain_id: 31337", "chain_id: [1, 2]"),
          VALID.replace("node_name: op-1", "node_name:\n  nested: 1"),
          VALID
              .replace("addresses:\n", "addresses: 5\n")
              .replace("  CvmRegistry: \"0x3434343434343434343434343434343434343434\"\n", "")
        }) {
      Path file = write(yaml);
      assertThatThrownBy(() -> OperatorConfigLoader.load(file))
          .as(yaml)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("operator.yaml:")
          .hasMessageNotContaining("$")
          .hasMessageNotContaining("java.")
          .hasMessageNotContaining("OperatorConfigLoader")
          .hasMessageNotContaining("Raw")
          .hasMessageNotContaining("`");
    }
    assertProblem("- just\n- a list\n", "mapping of 'field: value' lines");
    assertProblem(
        VALID.replace("enable_metrics: false", "enable_metrics: maybe"),
        "operator.yaml:12:",
        "field 'enable_metrics'",
        "true or false",
        "'maybe'");
    assertProblem(
        VALID.replace("chain_id: 31337", "chain_id: lots"), "field 'chain_id'", "a whole number");
    // Latin-1 'é' (0xe9) on line 2: Files.readString said only "Input length = 1".
    Path latin1 = dir.resolve("operator.yaml");
    Files.write(latin1, "node_name: op\neth_rpc_url: http://caf\u00e9\n".getBytes("ISO-8859-1"));
    assertThatThrownBy(() -> OperatorConfigLoader.load(latin1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("operator.yaml:2:")
        .hasMessageContaining("not UTF-8")
        .hasMessageNotContaining("Input length");
  }

  /** incredible-squaring's config-files/operator.anvil.yaml field names, plus what we need. */
  private String incredibleSquaring() {
    return """
        production: true
        operator_address: %s
        avs_registry_coordinator_address: "0x1212121212121212121212121212121212121212"
        operator_state_retriever_address: "0x7878787878787878787878787878787878787878"
        eth_rpc_url: http://localhost:8545
        eth_ws_url: ws://localhost:8545
        ecdsa_private_key_store_path: keys/op.ecdsa.json
        bls_private_key_store_path: keys/op.bls.json
        aggregator_server_ip_port_address: localhost:8090
        eigen_metrics_ip_port_address: localhost:9091
        enable_metrics: true
        node_api_ip_port_address: localhost:9011
        enable_node_api: true
        register_operator_on_startup: false
        token_strategy_addr: "0x9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a"
        node_name: op-1
        deployment_file: 31337.json
        data_dir: data
        """
        .formatted(OPERATOR);
  }

  @Test
  void incredibleSquaringNamesAreAliasesOfOurs() throws Exception {
    OperatorConfig c = OperatorConfigLoader.load(write(incredibleSquaring()));
    assertThat(c.metrics()).contains(new HostPort("localhost", 9091));
    assertThat(c.nodeApi()).contains(new HostPort("localhost", 9011));
    assertThat(c.aggregatorUrl()).isEqualTo(URI.create("http://localhost:8090"));
    assertThat(c.address("CvmRegistry"))
        .as("the alias agrees with the deployment file")
        .isEqualTo("0x" + "12".repeat(20));
    assertThat(c.address("Strategy"))
        .as("not in the deployment file: the alias fills the gap")
        .isEqualTo("0x" + "9a".repeat(20));
    assertThat(c.address("CvmTaskManager")).as("from the deployment file").isEqualTo(TASK_MANAGER);
    assertThat(c.notes())
        .anySatisfy(n -> assertThat(n).contains("operator_state_retriever_address ignored"))
        .anySatisfy(n -> assertThat(n).contains("production ignored").contains("CVMAVS_LOG_LEVEL"))
        .anySatisfy(n -> assertThat(n).contains("register_operator_on_startup"));
  }

  @Test
  void incredibleSquaringFieldsThatCannotApplyAreExplained() throws Exception {
    assertProblem(
        incredibleSquaring()
            .replace("register_operator_on_startup: false", "register_operator_on_startup: true"),
        "operator.yaml:14:",
        "field 'register_operator_on_startup'",
        "never registers on start",
        "cvm-avs operator register --config");
    assertProblem(
        incredibleSquaring().replace(OPERATOR, "0x" + "11".repeat(20)),
        "operator.yaml:2:",
        "field 'operator_address'",
        "is not the address of the ECDSA keystore");
    // Ours and theirs together: fine when they agree, refused when they differ.
    assertThat(
            OperatorConfigLoader.load(
                    write(incredibleSquaring() + "metrics_address: localhost:9091\n"))
                .metrics())
        .contains(new HostPort("localhost", 9091));
    assertProblem(
        incredibleSquaring() + "metrics_address: localhost:9999\n",
        "field 'eigen_metrics_ip_port_address'",
        "incredible-squaring's name for metrics_address",
        "keep one");
    assertProblem(
        incredibleSquaring() + "aggregator_url: http://10.0.0.1:8090\n",
        "field 'aggregator_server_ip_port_address'",
        "aggregator_url");
    assertProblem(
        incredibleSquaring() + "addresses:\n  CvmRegistry: \"0x" + "34".repeat(20) + "\"\n",
        "field 'avs_registry_coordinator_address'",
        "addresses.CvmRegistry (",
        "operator.yaml:20:3) is 0x" + "34".repeat(20));
    assertThat(
            OperatorConfigLoader.load(
                    write(
                        incredibleSquaring()
                            + "addresses:\n  CvmRegistry: \"0x"
                            + "12".repeat(20)
                            + "\"\n"))
                .address("CvmRegistry"))
        .isEqualTo("0x" + "12".repeat(20));
    assertProblem(
        incredibleSquaring().replace("localhost:9011", "localhost:99999"),
        "operator.yaml:12:",
        "field 'node_api_ip_port_address'",
        "0..65535");
  }

  @Test
  void anIncredibleSquaringAddressThatIsNotOursIsRefused() throws Exception {
    // incredible-squaring's own RegistryCoordinator: before, it silently replaced our CvmRegistry.
    String theirs = "0x" + "56".repeat(20);
    String ours = "0x" + "12".repeat(20);
    assertProblem(
        incredibleSquaring().replace(ours, theirs),
        "operator.yaml:3:",
        "field 'avs_registry_coordinator_address'",
        "is " + theirs,
        "deployment_file (",
        "operator.yaml:17)",
        "31337.json has CvmRegistry = " + ours,
        "incredible-squaring's, not this AVS's",
        "remove avs_registry_coordinator_address or set it to " + ours);
    Files.writeString(
        dir.resolve("31337.json"),
        "{\"chainId\": 31337, \"CvmTaskManager\": \""
            + TASK_MANAGER
            + "\", \"CvmRegistry\": \""
            + ours
            + "\", \"CvmServiceManager\": \"0x"
            + "ab".repeat(20)
            + "\"}");
    assertProblem(
        incredibleSquaring() + "service_manager_address: \"0x" + "cd".repeat(20) + "\"\n",
        "field 'service_manager_address'",
        "is 0x" + "cd".repeat(20),
        "CvmServiceManager = 0x" + "ab".repeat(20));
    assertThat(
            OperatorConfigLoader.load(
                    write(
                        incredibleSquaring()
                            + "service_manager_address: \"0x"
                            + "AB".repeat(20)
                            + "\"\n"))
                .address("CvmServiceManager"))
        .as("equal up to case: accepted")
        .isEqualToIgnoringCase("0x" + "ab".repeat(20));
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
