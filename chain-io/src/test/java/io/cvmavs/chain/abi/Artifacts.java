package io.cvmavs.chain.abi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.localnet.process.RepoLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What forge compiled ({@code contracts/out/*.sol/*.json}): every event as {@code
 * Name(types)[indexed flags]}, every function and custom-error signature, over all artifacts
 * (interfaces, stand-ins, mocks and ours).
 */
final class Artifacts {
  final Set<String> events = new HashSet<>();
  final Set<String> functions = new HashSet<>();
  final Set<String> errors = new HashSet<>();

  static Artifacts load() {
    Path out = RepoLayout.locate().root().resolve("contracts/out");
    Artifacts a = new Artifacts();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        JsonNode root = json.readTree(f.toFile());
        root.path("methodIdentifiers").fieldNames().forEachRemaining(a.functions::add);
        for (JsonNode item : root.path("abi")) {
          if ("event".equals(item.path("type").asText())) {
            a.events.add(event(item.path("name").asText(), item.path("inputs")));
          } else if ("error".equals(item.path("type").asText())) {
            a.errors.add(item.path("name").asText() + canonical(item.path("inputs")));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (a.functions.isEmpty()) {
      throw new IllegalStateException("no compiled artifacts under " + out);
    }
    return a;
  }

  /** {@code Name(types)} followed by the indexed flags, e.g. {@code Foo(uint32,address)[10]}. */
  static String event(String name, JsonNode inputs) {
    StringBuilder flags = new StringBuilder("[");
    inputs.forEach(in -> flags.append(in.path("indexed").asBoolean() ? '1' : '0'));
    return name + canonical(inputs) + flags.append(']');
  }

  static String event(EventSpec spec) {
    StringBuilder flags = new StringBuilder("[");
    spec.params().forEach(p -> flags.append(p.indexed() ? '1' : '0'));
    return spec.canonical() + flags.append(']');
  }

  static String canonical(JsonNode inputs) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode in = inputs.get(i);
      String type = in.path("type").asText();
      if (type.startsWith("tuple")) {
        type = canonical(in.path("components")) + type.substring("tuple".length());
      }
      b.append(i == 0 ? "" : ",").append(type);
    }
    return b.append(")").toString();
  }

  static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }
}
