package io.cvmavs.operator;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether a lock file is locked, as another OS process sees it: {@link #fromAnotherProcess} runs
 * {@link #main} in a child JVM, which tries the lock once and answers {@code held} or {@code free}.
 * Within one JVM a second {@code tryLock} throws whatever the kernel holds, so only another process
 * shows whether the lock is really still there.
 */
public final class LockProbe {
  private LockProbe() {}

  /** {@code held} or {@code free}. */
  public static String fromAnotherProcess(Path lockFile) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    LockProbe.class.getName(),
                    lockFile.toString()))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String answer = out.readLine();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("lock probe did not finish");
      }
      return answer;
    }
  }

  public static void main(String[] args) throws Exception {
    try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      System.out.println(lock == null ? "held" : "free");
      if (lock != null) {
        lock.release();
      }
    }
  }
}
