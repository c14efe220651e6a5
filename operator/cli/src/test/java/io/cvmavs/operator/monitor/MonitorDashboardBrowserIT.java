package io.cvmavs.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.process.RepoLayout;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in headless Chromium (Debian's, driven by playwright-core) at a 1400x900 window:
 * the page loads, lists the three operators (one of them slashed before the monitor started), shows
 * a new response pushed over SSE without a reload, every operator's Status cell — the one that says
 * {@code slashed} — is on screen without scrolling, and a screenshot is saved as {@code
 * operator/cli/target/monitor-dashboard.png}. Skips (with the reason) only if {@code
 * tools/toolchain/ensure-chromium.sh} reports that Chromium cannot be installed.
 */
@WithAnvil
class MonitorDashboardBrowserIT {
  @TempDir Path dir;

  @Test
  void dashboardListsOperatorsAndUpdatesLive(AnvilNode anvil) throws Exception {
    Path root = RepoLayout.locate().root();
    Process ensure =
        new ProcessBuilder(root.resolve("tools/toolchain/ensure-chromium.sh").toString())
            .redirectErrorStream(true)
            .start();
    String ensureOut = new String(ensure.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int ensured = ensure.waitFor();
    Assumptions.assumeTrue(
        ensured != 3, "Chromium cannot be installed on this machine:\n" + ensureOut);
    assertThat(ensured).as(ensureOut).isZero();

    Path screenshot = Path.of("target", "monitor-dashboard.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    try (MonitorFixture chain = new MonitorFixture(anvil, dir)) {
      CvmTask first = chain.createTask(0);
      chain.respond(first, 0, 1, 2);
      chain.slashEquivocation(first, 2); // history: shown on the dashboard (not alerted)
      MonitorService monitor =
          MonitorService.start(
              MonitorConfigLoader.load(chain.monitorYaml(dir.resolve("monitor"), List.of())));
      try {
        await()
            .atMost(MonitorFixture.WAIT)
            .until(
                () ->
                    monitor.monitor().health().summary().getLong("responded") == 1
                        && monitor.monitor().health().summary().getLong("events") == 3);
        Process browser =
            new ProcessBuilder(
                    "node",
                    root.resolve("operator/cli/src/test/browser/dashboard-check.cjs").toString(),
                    root.resolve("node_modules").toString(),
                    monitor.dashboardUrl().orElseThrow().toString(),
                    "3",
                    "2",
                    screenshot.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8))) {
          String ready = out.readLine();
          assertThat(ready).as("browser script output").isEqualTo("READY 1");
          chain.respond(chain.createTask(1), 0, 1);
          String layoutLine = out.readLine();
          assertThat(layoutLine).as("browser script output").startsWith("LAYOUT ");
          JsonObject layout = new JsonObject(layoutLine.substring("LAYOUT ".length()));
          assertThat(layout.getInteger("width")).isEqualTo(1400);
          assertThat(layout.getInteger("height")).isEqualTo(900);
          assertThat(layout.getInteger("column")).as("Status column").isNotNegative();
          assertThat(layout.getDouble("scrollX")).isZero();
          assertThat(layout.getDouble("scrollY")).isZero();
          JsonArray cells = layout.getJsonArray("cells");
          assertThat(cells).hasSize(3);
          for (int i = 0; i < cells.size(); i++) {
            JsonObject c = cells.getJsonObject(i);
            String where = "Status cell of operator row " + i + ": " + c.encode();
            assertThat(c.getDouble("width")).as(where).isPositive();
            assertThat(c.getDouble("height")).as(where).isPositive();
            assertThat(c.getDouble("left")).as(where).isNotNegative();
            assertThat(c.getDouble("right")).as(where).isLessThanOrEqualTo(1400.0);
            assertThat(c.getDouble("top")).as(where).isNotNegative();
            assertThat(c.getDouble("bottom")).as(where).isLessThanOrEqualTo(900.0);
            assertThat(c.getBoolean("visible")).as(where).isTrue();
            assertThat(c.getBoolean("onTop")).as(where + " (clipped or covered)").isTrue();
          }
          assertThat(cells.stream().map(c -> ((JsonObject) c).getString("text")))
              .containsExactlyInAnyOrder("slashed", "ok", "ok");
          String updated = out.readLine();
          assertThat(updated).as("browser script output").isEqualTo("UPDATED 2");
        } finally {
          if (!browser.waitFor(60, TimeUnit.SECONDS)) {
            browser.destroyForcibly();
          }
        }
        assertThat(browser.exitValue()).isZero();
        assertThat(screenshot).isNotEmptyFile();
      } finally {
        monitor.close();
      }
    }
  }
}
