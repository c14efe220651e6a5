package io.cvmavs.operator.devnet;

import io.cvmavs.common.durable.DurableFiles;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.AnvilOptions;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.localnet.process.RepoLayout;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliRoot;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.web3j.protocol.core.DefaultBlockParameterName;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs devnet}: a local chain with the project's contracts. Starts anvil on 127.0.0.1,
 * deploys with the forge deploy script (the same one used for real networks), writes {@code
 * deployments/<chainId>.json} and prints the addresses, then runs operators, aggregator, challenger
 * and task generator ({@link DevnetRun}). Ends after the summary unless {@code --keep-running},
 * which keeps tasking every CVM block until Ctrl-C. Everything of a run lives in {@code
 * target/devnet/run-<port>/} ({@link RunFolder}: only the latest run is kept). If anvil exits under
 * it, the devnet says so in one line, stops everything and exits with 1 ({@link AnvilWatch}).
 */
@Command(
    name = "devnet",
    mixinStandardHelpOptions = true,
    description = {
      "Start a local devnet and deploy the contracts.",
      "Starts anvil on 127.0.0.1, deploys with the forge deploy script, writes deployments/<chainId>.json and",
      "prints the addresses; then registers operators and attests CVM blocks (see --operators).",
      "Files of a run (keys, configs, node data, logs) go to target/devnet/run-<port>/; a new run deletes the",
      "folders of earlier runs that are not running any more, so only the latest is kept.",
      "If anvil exits while the devnet runs, the devnet stops everything and exits with 1."
    })
public final class DevnetCommand extends CliCommand {
  @Option(
      names = "--port",
      defaultValue = "8545",
      description =
          "anvil JSON-RPC port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(
      names = "--block-time",
      defaultValue = "1",
      description = "Seconds between blocks (default: ${DEFAULT-VALUE}).")
  double blockTimeSeconds;

  @Option(
      names = "--deployments-out",
      paramLabel = "FILE",
      description =
          "Where to write the deployment JSON, relative to the repository root"
              + " (default: deployments/<chainId>.json).")
  Path deploymentsOut;

  @Option(
      names = "--operators",
      defaultValue = "4",
      description =
          "Operators to create, register and run, each also a CVM chain validator (default:"
              + " ${DEFAULT-VALUE}: the chain's kill/restart drill needs 4; 0 = deploy only).")
  int operators;

  @Option(
      names = "--faulty",
      defaultValue = "0",
      description =
          "Operators (the first K) that sign WRONG results; the challenger must get exactly them"
              + " slashed (default: ${DEFAULT-VALUE}).")
  int faulty;

  @Option(
      names = "--blocks",
      defaultValue = "5",
      description = "CVM blocks to attest before the summary (default: ${DEFAULT-VALUE}).")
  int blocks;

  @Option(
      names = "--cvm-span",
      defaultValue = "3",
      description = "Chain blocks per CVM block (default: ${DEFAULT-VALUE}).")
  long span;

  @Option(
      names = "--dashboard-port",
      defaultValue = "8088",
      description =
          "Port of the live dashboard on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int dashboardPort;

  @Option(
      names = "--webhook",
      paramLabel = "URL",
      description = "Also POST slashing and challenge alerts (JSON) to URL; repeatable.")
  java.util.List<java.net.URI> webhooks = new java.util.ArrayList<>();

  @Option(
      names = "--summary-json",
      paramLabel = "FILE",
      description = "Also write the summary as one JSON object to FILE.")
  Path summaryJson;

  @Option(
      names = "--keep-running",
      description =
          "After the summary keep everything up and keep creating a task for every CVM block"
              + " (not only --blocks), until Ctrl-C.")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    RepoLayout repo = RepoLayout.locate();
    if (port < 0 || port > 65_535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--port must be 0..65535, got " + port);
    }
    if (port != 0) {
      requireFreePort(port);
    }
    if (dashboardPort < 0 || dashboardPort > 65_535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--dashboard-port must be 0..65535, got " + dashboardPort);
    }
    if (dashboardPort != 0 && operators > 0) {
      requireFreePort(dashboardPort, "--dashboard-port");
    }
    for (java.net.URI hook : webhooks) {
      if (!"http".equals(hook.getScheme()) && !"https".equals(hook.getScheme())) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--webhook must be an http(s) URL, got " + hook);
      }
    }
    if (blockTimeSeconds <= 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--block-time must be positive, got " + blockTimeSeconds);
    }
    if (operators < 0 || operators > 50) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--operators must be 0..50, got " + operators);
    }
    if (faulty < 0 || faulty > DevnetRun.maxFaulty(operators)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--faulty must be 0.."
              + DevnetRun.maxFaulty(operators)
              + " with "
              + operators
              + " operators (the honest ones must hold the "
              + DevnetRun.THRESHOLD_PERCENT
              + " % quorum threshold), got "
              + faulty);
    }
    if (blocks < 1 || span < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--blocks and --cvm-span must be at least 1");
    }
    try (RunFolder folder =
        RunFolder.claim(
            repo.root().resolve("target/devnet"),
            port != 0
                ? Integer.toString(port)
                : "any-" + UUID.randomUUID().toString().substring(0, 8))) {
      for (Path removed : folder.removed()) {
        step(out, "removed the folder of an earlier run: %s", repo.root().relativize(removed));
      }
      return runIn(out, repo, folder.path());
    }
  }

  private int runIn(PrintWriter out, RepoLayout repo, Path runDir) throws Exception {
    AnvilOptions options =
        AnvilOptions.defaults()
            .withPort(port)
            .withAccounts(Math.max(10, DevnetRun.accountsNeeded(operators)))
            .withLogDirectory(runDir);

    step(out, "starting anvil");
    try (AnvilNode anvil = AnvilNode.start(options);
        AnvilWatch watch =
            AnvilWatch.start(
                anvil.pid(),
                anvil.rpcUrl(),
                repo.root().relativize(anvil.logFile().toAbsolutePath()),
                Thread.currentThread())) {
      try {
        return runOn(out, repo, runDir, anvil);
      } catch (Exception | Error e) {
        if (watch.died().isEmpty()) {
          throw e;
        }
        Thread.interrupted(); // the watch interrupted this thread to stop the devnet
        step(out, "%s", watch.died().get());
        return CliRoot.EXIT_FAILURE;
      }
    }
  }

  private int runOn(PrintWriter out, RepoLayout repo, Path runDir, AnvilNode anvil)
      throws Exception {
    // Deployment and registration run on automine (a block per transaction, no waiting); the
    // attestation phase switches anvil to --block-time interval mining, as a real chain behaves.
    Duration blockTime = Duration.ofMillis(Math.round(blockTimeSeconds * 1000));
    {
      step(
          out,
          "anvil is up at %s (chain %d, pid %d, log %s)",
          anvil.rpcUrl(),
          anvil.chainId(),
          anvil.pid(),
          repo.root().relativize(anvil.logFile().toAbsolutePath()));

      step(out, "deploying contracts with forge script %s", ForgeDeploy.SCRIPT);
      Path deploymentFile =
          deploymentsOut != null
              ? deploymentsOut
              : Path.of("deployments", anvil.chainId() + ".json");
      Path written = DevnetRun.deploy(repo, anvil, deploymentFile, operators, runDir);
      Deployments deployments = Deployments.read(written);
      Map<String, String> contracts = new TreeMap<>();
      Map<String, String> accounts = new TreeMap<>();
      for (Map.Entry<String, String> entry : deployments.addresses().entrySet()) {
        (hasCode(anvil, entry.getValue()) ? contracts : accounts)
            .put(entry.getKey(), entry.getValue());
      }
      step(out, "deployed %d contracts; addresses in %s", contracts.size(), deploymentFile);
      printTable(out, "contract", contracts);
      printTable(out, "role", accounts);

      try (DevnetRun run =
          new DevnetRun(
              anvil,
              new DevnetRun.Settings(
                  operators,
                  faulty,
                  blocks,
                  span,
                  blockTime,
                  runDir,
                  dashboardPort,
                  webhooks,
                  keepRunning),
              out,
              ((CliRoot) spec.root().userObject())::newCommandLine)) {
        if (operators > 0) {
          DevnetSummary summary = run.run(written);
          summary.print(out);
          if (summaryJson != null) {
            DurableFiles.replace(summaryJson, summary.toJson().getBytes(StandardCharsets.UTF_8));
            step(out, "summary written to %s", summaryJson);
          }
          if (summary.responded() < summary.tasks().size()) {
            step(
                out, "%d task(s) were not responded", summary.tasks().size() - summary.responded());
            return CliRoot.EXIT_FAILURE;
          }
          if (!summary.storageAsExpected()) {
            step(out, "storage anchoring, audit or recovery did not complete (lines above)");
            return CliRoot.EXIT_FAILURE;
          }
          if (!run.consensusOk()) {
            step(out, "the CVM chain did not do what it should (see the CVM chain lines above)");
            return CliRoot.EXIT_FAILURE;
          }
          if (!summary.bridgeAsExpected()) {
            step(out, "no CVM chain checkpoint landed on Ethereum (see the bridge lines above)");
            return CliRoot.EXIT_FAILURE;
          }
          if (!summary.roundTripAsExpected()) {
            step(
                out,
                "the bridge's $C round trip did not complete: %s",
                summary.roundTrip().flatMap(DevnetRoundTrip.Outcome::failedStep).orElse("?"));
            return CliRoot.EXIT_FAILURE;
          }
          if (!summary.db3AsExpected()) {
            step(
                out,
                "DB3 on the CVM chain failed at %s",
                summary.db3().flatMap(DevnetDb3.Outcome::failedStep).orElse("?"));
            return CliRoot.EXIT_FAILURE;
          }
          if (!summary.feesConserved()) {
            step(
                out,
                "task fees: %s (see the rewards lines above)",
                summary.rewards().isEmpty()
                    ? "the fee and rewards phase failed"
                    : "not conserved: escrowed != released + refunded + held");
            return CliRoot.EXIT_FAILURE;
          }
          if (!summary.slashingAsExpected() || !summary.challengesSettled()) {
            step(
                out,
                "slashing differs from the faults: faulty %s, slashed %s%s",
                summary.faultyOperators(),
                summary.slashedOperators(),
                summary.challengesSettled() ? "" : " (challenges still open at the deadline)");
            return CliRoot.EXIT_FAILURE;
          }
        }
        keepRunningIfAsked(out, anvil, run);
      }
    }
    return 0;
  }

  private void keepRunningIfAsked(PrintWriter out, AnvilNode anvil, DevnetRun run)
      throws InterruptedException {
    if (!keepRunning) {
      step(out, "done; stopping (use --keep-running to keep the devnet up)");
      return;
    }
    step(
        out,
        "devnet running: RPC %s, WebSocket %s; %s. Ctrl-C to stop.",
        anvil.rpcUrl(),
        anvil.wsUrl(),
        operators > 0 ? "a task for every CVM block from now on" : "no operators");
    if (operators > 0) {
      run.followTasks(); // returns only when interrupted
    } else {
      new CountDownLatch(1).await();
    }
  }

  private static boolean hasCode(AnvilNode anvil, String address) {
    try {
      String code =
          anvil.web3j().ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
      return code != null && code.length() > 2;
    } catch (IOException e) {
      throw new UncheckedIOException("eth_getCode " + address + " failed: " + e.getMessage(), e);
    }
  }

  private static void printTable(PrintWriter out, String heading, Map<String, String> rows) {
    if (rows.isEmpty()) {
      return;
    }
    int width =
        Math.max(heading.length(), rows.keySet().stream().mapToInt(String::length).max().orElse(0));
    out.println();
    out.printf("  %-" + width + "s  %s%n", heading, "address");
    rows.forEach((name, address) -> out.printf("  %-" + width + "s  %s%n", name, address));
    out.println();
  }

  private static void step(PrintWriter out, String format, Object... args) {
    out.println("[devnet] " + String.format(format, args));
    out.flush();
  }

  private void requireFreePort(int wanted) {
    requireFreePort(wanted, "--port");
  }

  private void requireFreePort(int wanted, String option) {
    // SO_REUSEADDR before binding, as anvil and Vert.x bind: connections of a killed earlier run
    // linger in TIME_WAIT for a minute and must not make the port look taken; a listener does.
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 1);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "port "
              + wanted
              + " on 127.0.0.1 is in use (another devnet or node?); pass "
              + option
              + " N or "
              + option
              + " 0");
    }
  }
}
