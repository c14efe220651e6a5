package io.cvmavs.operator.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.common.net.HostPort;
import io.cvmavs.operator.command.CliCommand;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code cvm-avs operator check-config --config F}: validates operator.yaml and prints the resolved
 * values.
 */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    description =
        "Validate operator.yaml and print the resolved configuration as JSON (no secrets read; URL credentials hidden).")
public final class CheckConfigCommand extends CliCommand {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Mixin OperatorConfigFile config;

  @Override
  public Integer call() throws Exception {
    OperatorConfig c = config.load();
    ObjectNode out = JSON.createObjectNode();
    out.put("node_name", c.nodeName());
    out.put("eth_rpc_url", OperatorConfigLoader.redact(c.ethRpcUrl().toString()));
    out.put("eth_ws_url", OperatorConfigLoader.redact(c.ethWsUrl().toString()));
    c.chainId().ifPresent(id -> out.put("chain_id", id));
    c.deploymentFile().ifPresent(f -> out.put("deployment_file", f.toString()));
    ObjectNode addresses = out.putObject("addresses");
    c.addresses().entrySet().stream()
        .sorted(java.util.Map.Entry.comparingByKey())
        .forEach(e -> addresses.put(e.getKey(), e.getValue()));
    out.put("ecdsa_private_key_store_path", c.ecdsaKeystore().toString());
    out.put(
        "bls_private_key_store_path",
        c.blsKeystorePath()
            .map(Path::toString)
            .orElse("not set (needed by the node and operator register)"));
    out.put("aggregator_url", OperatorConfigLoader.redact(c.aggregatorUrl().toString()));
    out.put("operator_socket", c.socket());
    out.put("node_api_address", c.nodeApi().map(HostPort::toString).orElse("disabled"));
    out.put("metrics_address", c.metrics().map(HostPort::toString).orElse("disabled"));
    out.put("data_dir", c.dataDirectory().toString());
    if (!c.notes().isEmpty()) {
      c.notes().forEach(out.putArray("notes")::add);
    }
    spec.commandLine().getOut().println(JSON.writeValueAsString(out));
    c.nodeApi()
        .filter(h -> !h.isLoopback())
        .ifPresent(
            h ->
                spec.commandLine()
                    .getErr()
                    .println("warning: node API listens on " + h + ", not loopback"));
    c.metrics()
        .filter(h -> !h.isLoopback())
        .ifPresent(
            h ->
                spec.commandLine()
                    .getErr()
                    .println("warning: metrics listen on " + h + ", not loopback"));
    return 0;
  }
}
