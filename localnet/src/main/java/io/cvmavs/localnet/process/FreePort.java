package io.cvmavs.localnet.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Picks a free TCP port on 127.0.0.1 for a process about to start. Another process may take the
 * port between this call and the bind: prefer a service's own "bind port 0 and report it" where it
 * has one (anvil does, see AnvilNode), and use this only for services that cannot.
 */
public final class FreePort {
  private FreePort() {}

  public static int onLoopback() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
