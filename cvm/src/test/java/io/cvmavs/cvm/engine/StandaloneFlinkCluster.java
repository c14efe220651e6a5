package io.cvmavs.cvm.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.localnet.process.FreePort;
import io.cvmavs.localnet.process.LocalProcess;
import io.cvmavs.localnet.process.ProcessSpec;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A real standalone Flink session cluster as separate JVMs: one JobManager ({@code
 * StandaloneSessionClusterEntrypoint}) and {@code n} TaskManagers ({@code TaskManagerRunner}), each
 * started with {@code java -cp} on the classpath Maven resolved into {@code
 * target/flink-cluster.classpath} (flink-runtime and this module's third-party runtime
 * dependencies, none of the project's own code: flink-dist is not on Maven Central). Every listener
 * is on 127.0.0.1, memory sizes are set explicitly in a generated {@code config.yaml}, logs go to
 * {@code target/flink-cluster/<process>.log}. The processes are stopped by PID on {@link #close()}
 * and from a JVM shutdown hook ({@link LocalProcess}).
 */
final class StandaloneFlinkCluster implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final List<LocalProcess> processes = new ArrayList<>();
  private final int restPort;
  private final Path home;

  private StandaloneFlinkCluster(Path home, int restPort) {
    this.home = home;
    this.restPort = restPort;
  }

  /** Starts a JobManager and {@code taskManagers} TaskManagers with {@code slots} slots each. */
  static StandaloneFlinkCluster start(Path home, int taskManagers, int slots) throws IOException {
    Path classpathFile = Path.of("target", "flink-cluster.classpath");
    if (!Files.isRegularFile(classpathFile)) {
      throw new IllegalStateException(
          classpathFile.toAbsolutePath()
              + " is missing: it is written by the maven-dependency-plugin execution"
              + " 'flink-cluster-classpath' of cvm/pom.xml (run the IT through Maven)");
    }
    String classpath = Files.readString(classpathFile).strip();
    Files.createDirectories(home);
    int restPort = FreePort.onLoopback();
    StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(home, restPort);
    try {
      Path conf = cluster.writeConfig(restPort, slots);
      String fullClasspath = classpath + File.pathSeparator + loggingJars();
      Path logbackXml = home.resolve("logback.xml");
      Files.writeString(
          logbackXml,
          """
          <configuration>
            <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
              <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
            </appender>
            <logger name="org.apache.flink" level="INFO"/>
            <root level="WARN"><appender-ref ref="OUT"/></root>
          </configuration>
          """);
      List<String> jvm = new ArrayList<>();
      jvm.add(ProcessHandle.current().info().command().orElse("java"));
      jvm.addAll(jdkOpens());
      jvm.add("-Dlogback.configurationFile=" + logbackXml.toAbsolutePath());
      cluster.processes.add(
          LocalProcess.start(
              spec(
                  home,
                  "jobmanager",
                  command(
                      jvm,
                      List.of("-Xms384m", "-Xmx384m", "-XX:MaxMetaspaceSize=256m"),
                      fullClasspath,
                      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                      conf),
                  () -> cluster.get("/overview").isPresent())));
      for (int i = 1; i <= taskManagers; i++) {
        int registered = i;
        cluster.processes.add(
            LocalProcess.start(
                spec(
                    home,
                    "taskmanager-" + i,
                    command(
                        jvm,
                        // framework heap 128m + task heap 384m; framework off-heap 128m + network
                        // 64m
                        List.of(
                            "-Xms512m",
                            "-Xmx512m",
                            "-XX:MaxDirectMemorySize=192m",
                            "-XX:MaxMetaspaceSize=256m"),
                        fullClasspath,
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        conf),
                    // Started side by side: only the last waits, for all of them to register.
                    registered < taskManagers
                        ? () -> true
                        : () -> cluster.taskManagers() >= taskManagers)));
      }
      for (LocalProcess p : cluster.processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              p.name() + " exited. Log " + p.logFile() + ":\n" + p.logTail());
        }
      }
      return cluster;
    } catch (RuntimeException | IOException e) {
      cluster.close();
      throw e;
    }
  }

  /** {@code host:port} of the JobManager's REST endpoint. */
  String host() {
    return "127.0.0.1";
  }

  int restPort() {
    return restPort;
  }

  /** The number of TaskManagers registered with the JobManager. */
  int taskManagers() {
    return get("/taskmanagers").map(n -> n.path("taskmanagers").size()).orElse(0);
  }

  /** Jobs the JobManager ran to {@code FINISHED}. */
  int finishedJobs() {
    return get("/jobs/overview")
        .map(
            n -> {
              int count = 0;
              for (JsonNode job : n.path("jobs")) {
                if ("FINISHED".equals(job.path("state").asText())) {
                  count++;
                }
              }
              return count;
            })
        .orElse(0);
  }

  /** Process ids of the cluster's JVMs (JobManager first). */
  List<Long> pids() {
    return processes.stream().map(LocalProcess::pid).toList();
  }

  /**
   * Jars holding this project's classes that the job needs (cvm, common, crypto), built from the
   * test JVM's classpath entries (reactor directories are packed into jars under {@code home}):
   * what {@link FlinkRuntime#remote} ships to the cluster with each job.
   */
  List<String> jobJars(Class<?>... fromModulesOf) throws IOException {
    List<String> jars = new ArrayList<>();
    for (Class<?> c : fromModulesOf) {
      Path location;
      try {
        location = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      } catch (URISyntaxException e) {
        throw new IllegalStateException("code source of " + c.getName(), e);
      }
      if (Files.isDirectory(location)) {
        Path jar = home.resolve("job-" + c.getPackageName() + ".jar");
        packDirectory(location, jar);
        jars.add(jar.toAbsolutePath().toString());
      } else {
        jars.add(location.toAbsolutePath().toString());
      }
    }
    return jars;
  }

  Optional<JsonNode> get(String path) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                  .timeout(Duration.ofSeconds(3))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    // TaskManagers first, then the JobManager.
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }

  private Path writeConfig(int restPort, int slots) throws IOException {
    Path conf = home.resolve("conf");
    Files.createDirectories(conf);
    Path tmp = Files.createDirectories(home.resolve("tmp"));
    Map<String, String> c = new LinkedHashMap<>();
    c.put("jobmanager.rpc.address", "127.0.0.1");
    c.put("jobmanager.rpc.port", String.valueOf(FreePort.onLoopback()));
    c.put("jobmanager.bind-host", "127.0.0.1");
    c.put("rest.address", "127.0.0.1");
    c.put("rest.bind-address", "127.0.0.1");
    c.put("rest.port", String.valueOf(restPort));
    c.put("blob.server.port", String.valueOf(FreePort.onLoopback()));
    c.put("taskmanager.bind-host", "127.0.0.1");
    c.put("taskmanager.host", "127.0.0.1");
    c.put("taskmanager.rpc.port", "0");
    c.put("taskmanager.data.port", "0");
    c.put("taskmanager.numberOfTaskSlots", String.valueOf(slots));
    // What Flink's start scripts compute and pass as dynamic properties; TaskManagerRunner
    // refuses to start without them.
    c.put("taskmanager.cpu.cores", String.valueOf((double) slots));
    c.put("io.tmp.dirs", tmp.toAbsolutePath().toString());
    // JobManager: 384m heap (matches -Xmx), the rest explicit.
    c.put("jobmanager.memory.heap.size", "384m");
    c.put("jobmanager.memory.off-heap.size", "128m");
    c.put("jobmanager.memory.jvm-metaspace.size", "256m");
    c.put("jobmanager.memory.jvm-overhead.min", "192m");
    c.put("jobmanager.memory.jvm-overhead.max", "192m");
    // TaskManager: every component explicit, so the JVM flags above match what Flink computes.
    c.put("taskmanager.memory.framework.heap.size", "128m");
    c.put("taskmanager.memory.task.heap.size", "384m");
    c.put("taskmanager.memory.framework.off-heap.size", "128m");
    c.put("taskmanager.memory.task.off-heap.size", "0m");
    c.put("taskmanager.memory.managed.size", "128m");
    c.put("taskmanager.memory.network.min", "64m");
    c.put("taskmanager.memory.network.max", "64m");
    c.put("taskmanager.memory.jvm-metaspace.size", "256m");
    c.put("taskmanager.memory.jvm-overhead.min", "192m");
    c.put("taskmanager.memory.jvm-overhead.max", "192m");
    StringBuilder yaml = new StringBuilder();
    c.forEach((k, v) -> yaml.append(k).append(": \"").append(v).append("\"\n"));
    Files.writeString(conf.resolve("config.yaml"), yaml.toString(), StandardCharsets.UTF_8);
    return conf;
  }

  private static List<String> command(
      List<String> jvm, List<String> memory, String classpath, String main, Path conf) {
    List<String> cmd = new ArrayList<>(jvm);
    cmd.addAll(memory);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(main);
    cmd.add("--configDir");
    cmd.add(conf.toAbsolutePath().toString());
    return cmd;
  }

  private static ProcessSpec spec(
      Path home,
      String name,
      List<String> command,
      io.cvmavs.localnet.process.ReadinessProbe ready) {
    return new ProcessSpec(
        "flink-" + name,
        command,
        Map.of(),
        Optional.of(home),
        home.resolve(name + ".log"),
        ready,
        START_TIMEOUT,
        "");
  }

  /** The module opens Flink needs on JDK 17+, as this (forked) test JVM was started with them. */
  private static List<String> jdkOpens() {
    List<String> out = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) {
        out.add(a);
      } else if (a.startsWith("--enable-native-access")) {
        out.add(a);
      }
    }
    return out;
  }

  /** slf4j's backend for the cluster's logs (the runtime classpath has only slf4j-api). */
  private static String loggingJars() {
    String found =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(e -> Path.of(e).getFileName().toString().startsWith("logback-"))
            .reduce((a, b) -> a + File.pathSeparator + b)
            .orElse("");
    if (found.isEmpty()) {
      throw new IllegalStateException("logback is not on the test classpath");
    }
    return found;
  }

  private static void packDirectory(Path dir, Path jar) throws IOException {
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jos = new JarOutputStream(out);
        Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        if (Files.isRegularFile(f)) {
          jos.putNextEntry(
              new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
          try {
            Files.copy(f, jos);
          } catch (UncheckedIOException e) {
            throw e.getCause();
          }
          jos.closeEntry();
        }
      }
    }
  }
}
