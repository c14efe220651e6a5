package io.cvmavs.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.cvm.engine.ManuscriptStream;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.process.LocalProcess;
import io.cvmavs.localnet.process.ProcessSpec;
import io.cvmavs.localnet.process.RepoLayout;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.Transfer;
import org.web3j.utils.Convert;

/**
 * The built jar started the way users start it — {@code bin/cvm-avs} and plain {@code java -jar} —
 * on the JDK of this build, running {@code cvm serve}, which loads native code (RocksDB, Netty) and
 * embeds Flink: the JVM prints no {@code WARNING:} line (JDK 24+ warns about restricted methods
 * unless native access is enabled, and about {@code sun.misc.Unsafe} use by Flink's RPC system).
 *
 * <p>{@code cvm stream} the way a data team runs it (issue 15 item 4): {@code bin/cvm-avs} as its
 * own process on a real anvil and the real PostgreSQL at 127.0.0.1:5432 (database {@code test},
 * schema {@code cvm_it}), killed with SIGKILL mid-stream and started again with the same command
 * and {@code --state}: the table equals the receipts exactly.
 */
@WithAnvil
class LauncherIT {
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";

  @TempDir Path work;

  @Test
  void theLauncherStartsWithoutJvmWarnings() throws Exception {
    Path root = RepoLayout.locate().root();
    List<String> printed = serveUntilListening(List.of(root.resolve("bin/cvm-avs").toString()));
    assertThat(printed).as(String.join("\n", printed)).noneMatch(l -> l.startsWith("WARNING:"));
  }

  @Test
  void theJarStartsWithoutTheRestrictedMethodWarning() throws Exception {
    Path jar = RepoLayout.locate().root().resolve("operator/cli/target/cvm-avs.jar");
    List<String> printed =
        serveUntilListening(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString()));
    assertThat(printed)
        .as(String.join("\n", printed))
        .noneMatch(l -> l.contains("WARNING: A restricted method"))
        .noneMatch(l -> l.contains("--enable-native-access"));
  }

  @Test
  void cvmStreamKilledWithSigkillResumesWithNeitherDuplicatesNorGaps(AnvilNode anvil)
      throws Exception {
    String table = "stream_cli_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
    String query =
        "SELECT transaction_hash, block_number, from_address, to_address, amount, receipt_status,"
            + " receipt_gas_used FROM cvm_it."
            + table
            + " ORDER BY block_number, transaction_hash";
    Path manuscript =
        Files.writeString(
            work.resolve("eth_transfers.yaml"),
            """
            name: eth_transfers
            specVersion: v1.0.0
            sources:
              - {name: txs, type: dataset, dataset: anvil.transactions}
            transforms:
              - name: transfers
                sql: >
                  SELECT transaction_hash, block_number, from_address, to_address,
                         `value` AS amount, receipt_status, receipt_gas_used
                  FROM txs WHERE to_address IS NOT NULL
            sinks:
              - name: transfers_pg
                type: postgres
                from: transfers
                database: test
                schema: cvm_it
                table: %s
                primary_key: transaction_hash
                config: {host: 127.0.0.1, port: 5432, username: postgres, password: ""}
            """
                .formatted(table));
    Path state = work.resolve("stream-state");
    sql("DROP TABLE IF EXISTS cvm_it." + table);
    List<Sent> sent = new ArrayList<>(send(anvil, 3, 0));
    long from = sent.getFirst().receipt().getBlockNumber().longValueExact();
    List<String> command =
        List.of(
            RepoLayout.locate().root().resolve("bin/cvm-avs").toString(),
            "cvm",
            "stream",
            manuscript.toString(),
            "--rpc",
            anvil.rpcUrl(),
            "--from",
            Long.toString(from),
            "--confirmations",
            "1",
            "--state",
            state.toString(),
            "--checkpoint-interval",
            "1000",
            "--poll",
            "50");
    long started = System.nanoTime();
    long killedAfterBlock;
    try {
      LocalProcess first = startStream(command, "stream-1.log", "starts at block " + from);
      try {
        anvil.mine(1); // the last transfer's block gets its confirmation
        awaitUntil("the first transfers are rows", first, tableEquals(query, expected(sent)));
        awaitUntil(
            "a checkpoint is complete",
            first,
            () -> ManuscriptStream.latestCheckpoint(state.resolve("checkpoints")).isPresent());
        // more transfers while it runs; SIGKILL as soon as they are rows, most likely before the
        // next checkpoint has them, so the restarted job reads their blocks again
        sent.addAll(send(anvil, 2, 3));
        anvil.mine(1);
        awaitUntil(
            "the transfers mined while running are rows",
            first,
            tableEquals(query, expected(sent)));
        ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly(); // SIGKILL
        killedAfterBlock = sent.getLast().receipt().getBlockNumber().longValueExact();
        awaitUntil("the stream is dead", first, () -> !first.isAlive());
      } finally {
        first.close();
      }
      sent.addAll(send(anvil, 3, 5)); // while it is down
      anvil.mine(1);

      LocalProcess second = startStream(command, "stream-2.log", "resumes from ");
      try {
        awaitUntil("every transfer is a row", second, tableEquals(query, expected(sent)));
        assertThat(rows(query)).doesNotHaveDuplicates().hasSize(sent.size());
        String secondJob = jobId(second.logFile());
        awaitUntil(
            "the killed run's checkpoints are deleted, the resumed run's kept",
            second,
            () -> jobFolders(state).equals(List.of(secondJob)));
        // the same command again while this one runs: refused, naming the holder
        ProcessBuilder same =
            new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("stream-3.log").toFile());
        same.environment().putAll(streamEnvironment());
        Process third = same.start();
        assertThat(third.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String refused = Files.readString(work.resolve("stream-3.log"));
        assertThat(third.exitValue()).as(refused).isEqualTo(1);
        assertThat(refused)
            .contains("is in use by another cvm stream (PID " + second.pid() + ")")
            .doesNotContain("Exception");
        ProcessHandle.of(second.pid()).orElseThrow().destroy(); // SIGTERM, as Ctrl-C
        awaitUntil("the stream stops on SIGTERM", second, () -> !second.isAlive());
        String log = Files.readString(second.logFile());
        assertThat(log)
            .as(log)
            .contains("stopped; run the same command again to resume from its checkpoint")
            .doesNotContain("Exception")
            .doesNotContainPattern("(?m)^WARNING:");
      } finally {
        second.close();
      }
      assertThat(rows(query)).isEqualTo(expected(sent));
      System.out.printf(
          "[cvm stream] %d transfers, SIGKILL after the row of block %d, the restart read from"
              + " block %s; table equal to the receipts after %.1f s%n",
          sent.size(),
          killedAfterBlock,
          Files.readAllLines(work.resolve("stream-2.log")).stream()
              .filter(l -> l.contains(": reading from block "))
              .map(l -> l.substring(l.lastIndexOf(' ') + 1))
              .findFirst()
              .orElse("?"),
          (System.nanoTime() - started) / 1e9);
    } finally {
      sql("DROP TABLE IF EXISTS cvm_it." + table);
    }
  }

  /** The job id a {@code cvm stream} printed when it started. */
  private static String jobId(Path log) throws Exception {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(": job ([0-9a-f]{32}) ").matcher(Files.readString(log));
    assertThat(m.find()).as(Files.readString(log)).isTrue();
    return m.group(1);
  }

  /** The job folders under {@code <state>/checkpoints}. */
  private static List<String> jobFolders(Path state) {
    try (Stream<Path> jobs = Files.list(state.resolve("checkpoints"))) {
      return jobs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** bin/cvm-avs on this build's JDK and jar, with its data home in the test's folder. */
  private Map<String, String> streamEnvironment() {
    return Map.of(
        "JAVA_HOME",
        System.getProperty("java.home"),
        "CVMAVS_SKIP_BUILD",
        "1",
        "CVM_AVS_DATA_HOME",
        work.resolve("home").toString());
  }

  private LocalProcess startStream(List<String> command, String logName, String readyLine) {
    Path log = work.resolve(logName);
    return LocalProcess.start(
        new ProcessSpec(
            "cvm-avs cvm stream",
            command,
            streamEnvironment(),
            Optional.of(work),
            log,
            () -> Files.exists(log) && Files.readString(log).contains(readyLine),
            Duration.ofMinutes(2),
            " (build it: bin/mvn -pl operator/cli -am package)"));
  }

  /** An ether transfer: its receipt and the wei it sent. */
  private record Sent(TransactionReceipt receipt, BigInteger wei) {}

  /** {@code n} ether transfers from dev account 1 to accounts 2, 3, 4, one block each. */
  private static List<Sent> send(AnvilNode anvil, int n, int offset) throws Exception {
    Transfer transfer =
        new Transfer(
            anvil.web3j(),
            new RawTransactionManager(
                anvil.web3j(), anvil.account(1).credentials(), anvil.chainId()));
    List<Sent> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      BigInteger wei = BigInteger.valueOf(1_000_000L + offset + i);
      TransactionReceipt r =
          transfer
              .sendFunds(
                  anvil.account(2 + (offset + i) % 3).address(),
                  new BigDecimal(wei),
                  Convert.Unit.WEI)
              .send();
      assertThat(r.isStatusOK()).as(r.toString()).isTrue();
      out.add(new Sent(r, wei));
    }
    return out;
  }

  /** The rows the receipts say the table must hold, in the query's order. */
  private static List<String> expected(List<Sent> sent) {
    return sent.stream()
        .sorted(
            Comparator.comparing((Sent t) -> t.receipt().getBlockNumber())
                .thenComparing(t -> t.receipt().getTransactionHash()))
        .map(
            t -> {
              TransactionReceipt r = t.receipt();
              return String.join(
                  "|",
                  r.getTransactionHash().toLowerCase(Locale.ROOT),
                  r.getBlockNumber().toString(),
                  r.getFrom().toLowerCase(Locale.ROOT),
                  r.getTo().toLowerCase(Locale.ROOT),
                  t.wei().toString(),
                  "1",
                  r.getGasUsed().toString());
            })
        .toList();
  }

  private static void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS cvm_it");
      st.execute(statement);
    }
  }

  private static List<String> rows(String query) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(PG_URL, "postgres", "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.add(String.valueOf(rs.getObject(i)));
        }
        out.add(String.join("|", row));
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return List.of(); // the sink has not created its table yet
      }
      throw e;
    }
    return out;
  }

  private static BooleanSupplier tableEquals(String query, List<String> expected) {
    return () -> {
      try {
        return rows(query).equals(expected);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  /** Polls until {@code done}; fails after 90 s or when the process ends, with its log. */
  private static void awaitUntil(String what, LocalProcess process, BooleanSupplier done)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(90);
    while (!done.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new AssertionError("the process ended before " + what + ":\n" + process.logTail());
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting until " + what + ":\n" + process.logTail());
      }
      Thread.sleep(50);
    }
  }

  /** Runs {@code command cvm serve} until it listens; returns every line it printed until then. */
  private List<String> serveUntilListening(List<String> command) throws Exception {
    List<String> args = new ArrayList<>(command);
    args.addAll(
        List.of(
            "cvm",
            "serve",
            "--port",
            "0",
            "--data",
            work.resolve("data").toString(),
            "--blocks",
            work.resolve("blocks").toString()));
    ProcessBuilder builder = new ProcessBuilder(args).directory(work.toFile());
    builder.redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("CVMAVS_SKIP_BUILD", "1"); // test the jar this build made
    Process process = builder.start();
    List<String> lines = new ArrayList<>();
    Instant deadline = Instant.now().plusSeconds(120);
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("CVM interface on")) {
          return lines;
        }
        assertThat(Instant.now()).as(String.join("\n", lines)).isBefore(deadline);
      }
      throw new AssertionError("cvm serve ended before listening:\n" + String.join("\n", lines));
    } finally {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
