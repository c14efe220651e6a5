package io.cvmavs.cvm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The embedded Flink runtime the node, the challenger and the devnet keep warm must not listen on
 * any non-loopback address (Flink's BLOB server and data exchange bind the wildcard address unless
 * told otherwise). Reads this JVM's listening TCP sockets from Linux's {@code /proc}: the socket
 * inodes among {@code /proc/self/fd}, matched against {@code /proc/self/net/tcp} and {@code tcp6}.
 */
class FlinkRuntimeLoopbackTest {

  @Test
  void everyListeningSocketOfTheEmbeddedClusterIsOnLoopback() throws IOException {
    FlinkRuntime.embedded();
    List<String> listeners = listeningAddressesOfThisProcess();
    assertThat(listeners).as("the mini-cluster listens somewhere (BLOB server, REST)").isNotEmpty();
    assertThat(listeners)
        .as("listening addresses of this JVM (hex, as /proc prints them)")
        .allMatch(FlinkRuntimeLoopbackTest::isLoopback);
  }

  private static List<String> listeningAddressesOfThisProcess() throws IOException {
    return listeningAddresses("self");
  }

  /** Listening TCP addresses of process {@code pid} ("self" or a number), hex as /proc prints. */
  static List<String> listeningAddresses(String pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", pid, "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException goneMeanwhile) {
          // a descriptor closed while listing
        }
      }
    }
    List<String> out = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      Path p = Path.of("/proc", pid, "net", table);
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p).subList(1, Files.readAllLines(p).size())) {
        String[] f = line.trim().split("\\s+");
        // f[1] local address:port, f[3] state (0A = LISTEN), f[9] inode
        if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
          out.add(f[1]);
        }
      }
    }
    return out;
  }

  /**
   * {@code 0100007F:port} (IPv4 127.x little-endian) or IPv6 {@code ::1} / {@code ::ffff:127.x}.
   */
  static boolean isLoopback(String hexAddressAndPort) {
    String addr = hexAddressAndPort.substring(0, hexAddressAndPort.indexOf(':'));
    if (addr.length() == 8) {
      return addr.endsWith("7F");
    }
    return addr.equals("00000000000000000000000001000000")
        || (addr.startsWith("0000000000000000FFFF0000") && addr.endsWith("7F"));
  }
}
