package io.cvmavs.chain.abi;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.localnet.process.RepoLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The one event list, and every function or custom-error signature written as a string in the main
 * sources of chain-io and of the modules that use it (stake-aggregator, storage-adapters,
 * operator), against forge's compiled artifacts: a typo, a changed parameter or a moved {@code
 * indexed} fails here, not on a chain.
 */
class EventsTest {
  private static final Artifacts ARTIFACTS = Artifacts.load();

  /** A string literal that is a whole canonical signature: {@code "name(types)"}. */
  private static final Pattern SIGNATURE =
      Pattern.compile("\"([a-zA-Z_][a-zA-Z0-9_]*\\([a-z0-9\\[\\](),]*\\))\"");

  @Test
  void everyEventIsDeclaredSoInTheContractsWithTheSameIndexedParameters() {
    assertThat(Events.all()).hasSizeGreaterThanOrEqualTo(13);
    for (EventSpec e : Events.all()) {
      assertThat(ARTIFACTS.events).as(e.canonical()).contains(Artifacts.event(e));
    }
  }

  @Test
  void topicIsKeccakOfTheCanonicalSignature() {
    // Fixed by the contracts:
    // keccak256("NewTaskCreated(uint32,(uint64,bytes32,bytes32,bytes,uint32,uint32))").
    assertThat(Events.NEW_TASK_CREATED.topic())
        .isEqualTo(Abi.topic(Events.NEW_TASK_CREATED.canonical()));
    assertThat(Events.NEW_TASK_CREATED.canonical())
        .isEqualTo("NewTaskCreated(uint32,(uint64,bytes32,bytes32,bytes,uint32,uint32))");
  }

  @Test
  void everyFunctionSignatureInTheSourcesIsACompiledFunction() throws Exception {
    Path root = RepoLayout.locate().root();
    List<String> found = new ArrayList<>();
    TreeSet<String> unknown = new TreeSet<>();
    // operator/ holds several modules (operator/<module>/src/main/java): every one is read.
    for (String module : List.of("chain-io", "stake-aggregator", "storage-adapters", "operator")) {
      try (Stream<Path> files = Files.walk(root.resolve(module))) {
        for (Path f :
            files
                .filter(p -> p.toString().endsWith(".java"))
                .filter(p -> p.toString().contains("/src/main/java/"))
                .toList()) {
          Matcher m = SIGNATURE.matcher(Files.readString(f));
          while (m.find()) {
            String sig = m.group(1);
            if (Events.all().stream().anyMatch(e -> e.canonical().equals(sig))) {
              continue;
            }
            found.add(sig);
            if (!ARTIFACTS.functions.contains(sig) && !ARTIFACTS.errors.contains(sig)) {
              unknown.add(module + " " + f.getFileName() + ": " + sig);
            }
          }
        }
      }
    }
    assertThat(found).as("signatures found in the sources").hasSizeGreaterThan(40);
    assertThat(unknown).as("signatures no compiled contract has").isEmpty();
  }
}
