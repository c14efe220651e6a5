package io.cvmavs.operator.monitor;

import io.cvmavs.common.durable.DurableFiles;
import io.cvmavs.common.durable.Uninterruptible;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The optional full-JSON alert log ({@code alert_file} in monitor.yaml): one alert per line (JSON
 * Lines, the webhook body), appended and fsynced before the alert cursor moves past the alerts'
 * blocks. A crash between the two can repeat lines on the next start, never lose one; the {@code
 * id} tells repeats apart.
 */
public final class AlertFile {
  private final Path file;

  public AlertFile(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** Appends {@code alerts} and fsyncs the file (and, when it was just created, its folder). */
  public void append(List<Alert> alerts) {
    if (alerts.isEmpty()) {
      return;
    }
    StringBuilder lines = new StringBuilder();
    alerts.forEach(a -> lines.append(a.toJson().encode()).append('\n'));
    ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      boolean created = !Files.exists(file);
      Uninterruptible.run( // an interrupt inside write() would close the channel mid-line
          () -> {
            try (FileChannel ch =
                FileChannel.open(
                    file,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
              while (bytes.hasRemaining()) {
                ch.write(bytes);
              }
              ch.force(true);
            }
          });
      if (created) {
        DurableFiles.syncDirectory(dir);
      }
    } catch (IOException e) {
      throw new MonitorException(file + ": cannot append to the alert file", e);
    }
  }
}
