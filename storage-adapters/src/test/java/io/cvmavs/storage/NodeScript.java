package io.cvmavs.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.localnet.process.RepoLayout;
import io.cvmavs.localnet.process.ToolRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one of this module's Node.js check scripts ({@code src/test/node}) — code that uses npm
 * libraries nobody here wrote (arweave-js, arbundles) — and parses the JSON it prints.
 */
public final class NodeScript {
  private NodeScript() {}

  public static JsonNode run(String script, String... args) {
    Path root = RepoLayout.locate().root();
    List<String> command = new ArrayList<>();
    command.add("node");
    command.add(root.resolve("storage-adapters/src/test/node").resolve(script).toString());
    command.addAll(List.of(args));
    Path log =
        root.resolve(
            "storage-adapters/target/localnet/node-" + script + "-" + System.nanoTime() + ".log");
    String out = ToolRun.run(command, root, Map.of(), log, Duration.ofSeconds(120));
    try {
      return new ObjectMapper().readTree(out);
    } catch (IOException e) {
      throw new UncheckedIOException("node " + script + " printed no JSON: " + out, e);
    }
  }
}
