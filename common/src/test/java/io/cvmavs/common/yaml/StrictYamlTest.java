package io.cvmavs.common.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrictYamlTest {
  @TempDir Path dir;

  /** The caller's own exception type, as each module passes its own. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static final class Raw {
    @JsonProperty("name")
    String name;

    @JsonProperty("port")
    int port;

    @JsonProperty("limits")
    Map<String, Long> limits;
  }

  private Path write(String yaml) throws Exception {
    Path p = dir.resolve("x.yaml");
    Files.writeString(p, yaml);
    return p;
  }

  @Test
  void readsAHolderAndKnowsWhereEachKeyWasWritten() throws Exception {
    Path file = write("name: a\nport: 8\nlimits:\n  calls: 3\n");
    StrictYaml.Parsed<Raw> parsed = StrictYaml.parse(file, Raw.class, Refused::new);
    assertThat(parsed.value().name).isEqualTo("a");
    assertThat(parsed.value().limits).containsEntry("calls", 3L);
    assertThat(parsed.where("port")).isEqualTo(file + ":2: ");
    assertThat(parsed.where("absent")).isEqualTo(file + ": ");
    assertThat(parsed.at("limits.calls")).isEqualTo(file + ":4:3: ");
  }

  @Test
  void duplicateKeysAtAnyDepthAreRefusedWithBothLines() throws Exception {
    Path top = write("name: a\nport: 1\nname: b\n");
    assertThatThrownBy(() -> StrictYaml.parse(top, Raw.class, Refused::new))
        .isInstanceOf(Refused.class)
        .hasMessage(
            top + ":3: duplicate key 'name' (first set on line 1; each key may appear once)");
    Path nested = write("limits:\n  calls: 1\n  calls: 2\n");
    assertThatThrownBy(() -> StrictYaml.tree(nested, Refused::new))
        .isInstanceOf(Refused.class)
        .hasMessageStartingWith(nested + ":3: duplicate key 'limits.calls'");
  }

  @Test
  void unknownAndMistypedFieldsAreNamedWithLineAndColumn() throws Exception {
    Path unknown = write("name: a\nnmae: b\n");
    assertThatThrownBy(() -> StrictYaml.parse(unknown, Raw.class, Refused::new))
        .isInstanceOf(Refused.class)
        .hasMessage(unknown + ":2:1: unknown field 'nmae' (known fields: limits, name, port)");
    Path mistyped = write("port: eight\n");
    assertThatThrownBy(() -> StrictYaml.parse(mistyped, Raw.class, Refused::new))
        .hasMessage(mistyped + ":1:7: field 'port': expected a whole number, got 'eight'");
  }

  @Test
  void emptyMissingNonUtf8AndNonMappingFilesAreRefused() throws Exception {
    Path empty = write("  \n");
    assertThatThrownBy(() -> StrictYaml.tree(empty, Refused::new))
        .hasMessage(empty + ": the configuration is empty");
    Path missing = dir.resolve("missing.yaml");
    assertThatThrownBy(() -> StrictYaml.tree(missing, Refused::new))
        .isInstanceOf(Refused.class)
        .hasMessage(missing + ": configuration file not found");
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, "name: a\nname2: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> StrictYaml.tree(latin1, Refused::new))
        .hasMessageStartingWith(latin1 + ":2: not UTF-8 text (byte 0xe9");
    Path list = write("- a\n- b\n");
    assertThatThrownBy(() -> StrictYaml.tree(list, Refused::new))
        .hasMessageContaining("must be a mapping");
  }

  @Test
  void aTreeKeepsThePlaceOfNestedKeys() throws Exception {
    Path file = write("prices:\n  c_per_eth: {value: 1}\n");
    StrictYaml.Parsed<JsonNode> parsed = StrictYaml.tree(file, Refused::new);
    assertThat(parsed.value().path("prices").path("c_per_eth").path("value").asInt()).isEqualTo(1);
    assertThat(parsed.at("prices.c_per_eth.value")).isEqualTo(file + ":2:15: ");
  }
}
