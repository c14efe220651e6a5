package io.cvmavs.operator.monitor;

import io.cvmavs.operator.command.CliCommand;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs monitor --config F}: watch-only (no keys) attestation health, slashing and
 * challenge alerts to the log and webhooks, and the dashboard.
 */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description = {
      "Watch the AVS (no keys): attestation health per operator, slashing and challenge alerts to",
      "the log and webhooks, and a dashboard (default http://127.0.0.1:8088/)."
    })
public final class MonitorCommand extends CliCommand {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "monitor.yaml (see operator/config/monitor.example.yaml)")
  Path config;

  @Option(names = "--check", description = "Validate the configuration, print it and exit.")
  boolean check;

  @Option(
      names = "--from-block",
      paramLabel = "N",
      description = {
        "First run only (no alert cursor in data_dir yet): alert on events from block N on",
        "(overrides from_block). Default: start past the chain head, so history is not alerted."
      })
  Long fromBlock;

  @Override
  public Integer call() throws Exception {
    MonitorConfig c = MonitorConfigLoader.load(config);
    if (fromBlock != null) {
      if (fromBlock < 0) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--from-block must be 0 or more, got " + fromBlock);
      }
      c = c.withFromBlock(fromBlock);
    }
    var out = spec.commandLine().getOut();
    if (check) {
      out.println("configuration " + c.file() + " is valid");
      out.println("  chain:      " + c.chainId().map(String::valueOf).orElse("(from the RPC)"));
      out.println(
          "  start block "
              + c.startBlock()
              + ", poll every "
              + c.pollInterval().toMillis()
              + " ms");
      out.println(
          "  alerts:     from "
              + c.fromBlock().map(b -> "block " + b).orElse("the chain head")
              + " on the first run (then from the cursor in "
              + c.dataDir().resolve("monitor").resolve("alerts.json")
              + ")");
      out.println(
          "  operators:  "
              + (c.operators().isAll()
                  ? "all"
                  : String.join(
                      ", ",
                      new java.util.TreeSet<>(
                          java.util.stream.Stream.concat(
                                  c.operators().addresses().stream(),
                                  c.operators().operatorIds().stream())
                              .toList()))));
      out.println("  webhooks:   " + c.webhooks().size());
      out.println("  alert file: " + c.alertFile().map(Object::toString).orElse("none"));
      out.println("  dashboard:  " + c.dashboard().map(Object::toString).orElse("disabled"));
      out.flush();
      return 0;
    }
    try (MonitorService service = MonitorService.start(c)) {
      out.println(
          "monitor running; dashboard "
              + service.dashboardUrl().map(Object::toString).orElse("disabled")
              + " (Ctrl-C stops)");
      out.flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }
}
