package io.cvmavs.consensus;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's real test data, {@code ../shared/testdata} beside the repository root (never copied
 * into the tree). The environment variable {@code CVMAVS_TESTDATA} points elsewhere (a git worktree
 * whose parent has no {@code shared/}).
 */
public final class TestData {
  private TestData() {}

  public static Path root() {
    String configured = System.getenv("CVMAVS_TESTDATA");
    if (configured != null && !configured.isBlank()) {
      return require(Path.of(configured));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("foundry.toml"))) {
        return require(dir.resolveSibling("shared").resolve("testdata"));
      }
    }
    throw new IllegalStateException(
        "no repository root (foundry.toml) above " + Path.of("").toAbsolutePath());
  }

  public static Path cometbft(String first, String... more) {
    return root().resolve("cometbft").resolve(Path.of(first, more));
  }

  private static Path require(Path p) {
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException(
          "test data folder "
              + p
              + " is missing (../shared/testdata beside the repository, or set CVMAVS_TESTDATA)");
    }
    return p;
  }
}
