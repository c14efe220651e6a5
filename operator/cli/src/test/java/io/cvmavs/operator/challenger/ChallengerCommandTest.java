package io.cvmavs.operator.challenger;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.operator.config.OperatorConfig;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/** The challenger's start-up refusals (the running challenger is {@link ChallengerTest}'s). */
class ChallengerCommandTest {
  @TempDir Path dir;

  private OperatorConfig config(Map<String, String> addresses) {
    return new OperatorConfig(
        dir.resolve("operator.yaml"),
        "challenger-1",
        URI.create("http://127.0.0.1:1"), // nothing listens: a connection attempt would fail
        URI.create("ws://127.0.0.1:1"),
        Optional.of(31_337L),
        Optional.empty(),
        addresses,
        dir.resolve("keys/challenger.ecdsa.json"),
        Optional.empty(),
        URI.create("http://127.0.0.1:1"),
        "127.0.0.1:9000",
        Optional.empty(),
        Optional.empty(),
        dir.resolve("data"),
        Optional.empty(),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  private static final Map<String, String> AVS =
      Map.of(
          "CvmTaskManager", "0x" + "11".repeat(20),
          "CvmRegistry", "0x" + "12".repeat(20));

  /** Neither --manuscript nor a manuscript registry: refused before anything connects. */
  @Test
  void noManuscriptAndNoRegistryIsRefusedNamingTheFix() {
    ChallengerCommand.Options none =
        new ChallengerCommand.Options(List.of(), Optional.empty(), 100, Duration.ofSeconds(1));
    assertThatThrownBy(
            () ->
                ChallengerCommand.start(
                    config(AVS), ECKeyPair.create(BigInteger.TWO), none, action -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no manuscript to re-execute: pass --manuscript FILE")
        .hasMessageContaining("no CvmManuscriptRegistry");
  }

  @Test
  void aManuscriptRegistryAloneIsEnough() {
    ChallengerCommand.Options none =
        new ChallengerCommand.Options(List.of(), Optional.empty(), 100, Duration.ofSeconds(1));
    Map<String, String> withRegistry = new java.util.HashMap<>(AVS);
    withRegistry.put("CvmManuscriptRegistry", "0x" + "13".repeat(20));
    assertThatCode(() -> ChallengerCommand.requireManuscripts(config(withRegistry), none))
        .doesNotThrowAnyException();
  }
}
