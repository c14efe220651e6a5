package io.cvmavs.localnet.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the repository root (the folder with {@code package.json} and {@code foundry.toml}) and the
 * npm-installed tool binaries under it. The root comes from the system property {@code
 * cvmavs.repo.root} (set by the build for tests, and by {@code bin/cvm-avs}), else the environment
 * variable {@code CVMAVS_HOME}, else the nearest ancestor of the working directory that has {@code
 * foundry.toml}.
 */
public final class RepoLayout {
  public static final String ROOT_PROPERTY = "cvmavs.repo.root";
  public static final String ROOT_ENV = "CVMAVS_HOME";

  private final Path root;

  private RepoLayout(Path root) {
    this.root = root;
  }

  public static RepoLayout locate() {
    String configured = System.getProperty(ROOT_PROPERTY);
    if (configured == null || configured.isBlank()) {
      configured = System.getenv(ROOT_ENV);
    }
    if (configured != null && !configured.isBlank()) {
      Path root = Path.of(configured).toAbsolutePath().normalize();
      if (!Files.isRegularFile(root.resolve("foundry.toml"))) {
        throw new LocalProcessException(
            "repository root "
                + root
                + " (from "
                + ROOT_PROPERTY
                + " / "
                + ROOT_ENV
                + ") has no foundry.toml");
      }
      return new RepoLayout(root);
    }
    return searchUpwards(Path.of("").toAbsolutePath())
        .map(RepoLayout::new)
        .orElseThrow(
            () ->
                new LocalProcessException(
                    "cannot find the cvm-avs repository root (no foundry.toml above "
                        + Path.of("").toAbsolutePath()
                        + "); set "
                        + ROOT_ENV));
  }

  private static Optional<Path> searchUpwards(Path start) {
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("foundry.toml"))
          && Files.isRegularFile(dir.resolve("package.json"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  public Path root() {
    return root;
  }

  /**
   * An npm-installed binary such as {@code anvil} or {@code forge} ({@code
   * node_modules/.bin/<tool>}).
   */
  public Path npmBinary(String tool) {
    return root.resolve("node_modules").resolve(".bin").resolve(tool);
  }

  /** Hint for "binary missing" errors. */
  public String npmInstallHint() {
    return " (run `npm ci` in " + root + ", or any build: bin/mvn installs the npm toolchain)";
  }
}
