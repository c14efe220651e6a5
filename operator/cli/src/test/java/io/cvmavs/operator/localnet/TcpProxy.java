package io.cvmavs.operator.localnet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy for tests: forwards every connection on its port to {@code target}. {@link
 * #dropAndRefuse()} closes every proxied connection and stops listening (new connections are
 * refused by the OS); {@link #accept()} listens again on the same port.
 */
public final class TcpProxy implements AutoCloseable {
  private final int targetPort;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile ServerSocket server;

  public TcpProxy(int targetPort) {
    this.targetPort = targetPort;
    this.server = bind(0);
    this.port = server.getLocalPort();
    startAccepting(server);
  }

  public int port() {
    return port;
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  public boolean listening() {
    ServerSocket s = server;
    return s != null && !s.isClosed();
  }

  /** Closes every proxied connection and the listening socket: new connections are refused. */
  public synchronized void dropAndRefuse() {
    ServerSocket s = server;
    server = null;
    closeQuietly(s);
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    open.clear();
  }

  /** Listens again on the same port. */
  public synchronized void accept() {
    if (listening()) {
      return;
    }
    ServerSocket s = bind(port);
    server = s;
    startAccepting(s);
  }

  private static ServerSocket bind(int port) {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("proxy: cannot listen on port " + port, e);
    }
  }

  private void startAccepting(ServerSocket s) {
    Thread.ofVirtual()
        .name("proxy-accept-" + port)
        .start(
            () -> {
              while (!s.isClosed()) {
                Socket client;
                try {
                  client = s.accept();
                } catch (IOException e) {
                  return; // closed
                }
                accepted.incrementAndGet();
                try {
                  Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                  open.add(client);
                  open.add(upstream);
                  pump(client, upstream);
                  pump(upstream, client);
                } catch (IOException e) {
                  closeQuietly(client);
                }
              }
            });
  }

  private void pump(Socket from, Socket to) {
    Thread.ofVirtual()
        .start(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // One side closed: the connection is over.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            });
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // Closing in a test proxy: nothing to report.
    }
  }

  @Override
  public void close() {
    dropAndRefuse();
  }
}
