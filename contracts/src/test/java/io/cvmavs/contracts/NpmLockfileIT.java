package io.cvmavs.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build installs the toolchain with {@code npm ci} ({@code tools/toolchain/ensure-npm.sh}),
 * which never rewrites the tracked {@code package-lock.json} and refuses a lockfile that is out of
 * step with {@code package.json} (e.g. one lacking Foundry's other-platform optional packages,
 * which {@code npm install} used to add on the first build). Checked on a copy of both files with
 * {@code npm ci --dry-run}: nothing is installed and the lockfile stays byte for byte the same.
 */
class NpmLockfileIT {
  @TempDir Path copy;

  @Test
  void npmCiAcceptsTheLockfileWithoutChangingIt() throws Exception {
    Path root = Path.of(System.getProperty("cvmavs.repo.root", "..")).toAbsolutePath();
    Files.copy(root.resolve("package.json"), copy.resolve("package.json"));
    Files.copy(root.resolve("package-lock.json"), copy.resolve("package-lock.json"));
    byte[] before = Files.readAllBytes(copy.resolve("package-lock.json"));
    Path log = copy.resolve("npm.log");
    Process npm =
        new ProcessBuilder(
                "npm",
                "ci",
                "--dry-run",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--loglevel=error")
            .directory(copy.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(npm.waitFor(120, TimeUnit.SECONDS)).as("npm ci finished").isTrue();
    assertThat(npm.exitValue()).as(Files.readString(log)).isZero();
    assertThat(Files.readAllBytes(copy.resolve("package-lock.json"))).isEqualTo(before);
    assertThat(Files.readString(root.resolve("tools/toolchain/ensure-npm.sh")))
        .contains("npm ci ")
        .doesNotContain("npm install --no-audit");
  }
}
