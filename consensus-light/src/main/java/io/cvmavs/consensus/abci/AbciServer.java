package io.cvmavs.consensus.abci;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cvmavs.common.net.HostPort;
import io.cvmavs.consensus.proto.abci.Request;
import io.cvmavs.consensus.proto.abci.Response;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ABCI socket server for CometBFT v0.38 ({@code proxy_app = "tcp://127.0.0.1:26658"}).
 *
 * <p>CometBFT opens four connections (consensus, mempool, query, snapshot); the server serves each
 * on its own virtual thread and does not need to know which is which. On every connection it reads
 * unsigned-varint-prefixed {@link Request} frames, answers them strictly in arrival order, buffers
 * the answers and writes them out when a {@code Flush} request arrives (as CometBFT's client
 * expects). The {@link Application} is called under one lock for all connections, so it sees one
 * request at a time.
 *
 * <p>A frame whose length prefix is malformed or over {@link Settings#maxFrameBytes()}, or whose
 * body is not a v0.38 {@code Request}, closes that connection: the reason is logged and the
 * application is not called, so its state is unchanged. Other connections carry on. An application
 * method that throws is answered with {@code ResponseException} (CometBFT stops on it).
 */
public final class AbciServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AbciServer.class);

  /**
   * Server settings.
   *
   * @param bind address to listen on (loopback unless configured otherwise)
   * @param maxFrameBytes largest accepted request frame
   * @param maxConnections connections served at once (CometBFT uses four); further ones are closed
   *     at once
   */
  public record Settings(InetSocketAddress bind, int maxFrameBytes, int maxConnections) {
    /**
     * Default request size cap: CometBFT's largest block (100 MiB) plus room for the request around
     * it.
     */
    public static final int DEFAULT_MAX_FRAME_BYTES = 104_857_600 + 1_048_576;

    public Settings {
      if (maxFrameBytes <= 0) {
        throw new IllegalArgumentException("maxFrameBytes must be positive, got " + maxFrameBytes);
      }
      if (maxConnections <= 0) {
        throw new IllegalArgumentException(
            "maxConnections must be positive, got " + maxConnections);
      }
    }

    /** 127.0.0.1:{@code port} ({@code 0}: any free port) with the default limits. */
    public static Settings loopback(int port) {
      return new Settings(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
          DEFAULT_MAX_FRAME_BYTES,
          16);
    }

    /**
     * Listen on {@code listen} ({@code host:port} as parsed by {@link HostPort}; CometBFT's {@code
     * proxy_app} names it) with the default limits. A host other than loopback exposes the
     * application: configure that on purpose.
     */
    public static Settings listen(HostPort listen) {
      String host = listen.host();
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return new Settings(new InetSocketAddress(host, listen.port()), DEFAULT_MAX_FRAME_BYTES, 16);
    }

    public Settings withMaxFrameBytes(int max) {
      return new Settings(bind, max, maxConnections);
    }
  }

  private final Application app;
  private final Settings settings;
  private final ServerSocket serverSocket;
  private final ReentrantLock appLock = new ReentrantLock();
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final AtomicLong closedForBadFrames = new AtomicLong();
  private final Thread acceptor;
  private volatile boolean closed;

  private AbciServer(Application app, Settings settings) throws IOException {
    this.app = app;
    this.settings = settings;
    this.serverSocket = new ServerSocket();
    serverSocket.setReuseAddress(true);
    serverSocket.bind(settings.bind());
    this.acceptor = Thread.ofVirtual().name("abci-accept").unstarted(this::acceptLoop);
  }

  /** Binds and starts serving. */
  public static AbciServer start(Application app, Settings settings) throws IOException {
    AbciServer server = new AbciServer(app, settings);
    server.acceptor.start();
    LOG.info("ABCI server listening on {}", server.address());
    return server;
  }

  /** The bound address (the real port when {@code 0} was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  /** Connections closed because of an unreadable frame since start (for tests and metrics). */
  public long connectionsClosedForBadFrames() {
    return closedForBadFrames.get();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.error("ABCI server stopped accepting connections on {}: {}", address(), e.toString());
        }
        return;
      }
      if (connections.size() >= settings.maxConnections()) {
        LOG.warn(
            "ABCI connection from {} refused: already serving {} connections",
            socket.getRemoteSocketAddress(),
            connections.size());
        closeQuietly(socket);
        continue;
      }
      connections.add(socket);
      Thread.ofVirtual().name("abci-conn-" + socket.getPort()).start(() -> serve(socket));
    }
  }

  private void serve(Socket socket) {
    String peer = String.valueOf(socket.getRemoteSocketAddress());
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
      while (true) {
        byte[] frame = Frames.read(in, settings.maxFrameBytes());
        if (frame == null) {
          out.flush();
          return;
        }
        Request request;
        try {
          request = Request.parseFrom(frame);
        } catch (InvalidProtocolBufferException e) {
          throw new FrameException(
              "frame of " + frame.length + " bytes is not a protobuf Request: " + e.getMessage());
        }
        if (request.getValueCase() == Request.ValueCase.VALUE_NOT_SET) {
          throw new FrameException(
              "frame of "
                  + frame.length
                  + " bytes names no ABCI v0.38 method (unknown field numbers "
                  + request.getUnknownFields().asMap().keySet()
                  + "; is the peer CometBFT v0.38?)");
        }
        Frames.write(out, handle(request));
        if (request.hasFlush()) {
          out.flush();
        }
      }
    } catch (FrameException e) {
      closedForBadFrames.incrementAndGet();
      LOG.warn("ABCI connection from {} closed: {}", peer, e.getMessage());
    } catch (SocketException e) {
      if (!closed) {
        LOG.info("ABCI connection from {} ended: {}", peer, e.getMessage());
      }
    } catch (IOException e) {
      LOG.warn("ABCI connection from {} failed: {}", peer, e.toString());
    } finally {
      connections.remove(socket);
    }
  }

  private Response handle(Request request) {
    if (request.hasEcho() || request.hasFlush()) {
      return Dispatcher.dispatch(app, request);
    }
    appLock.lock();
    try {
      return Dispatcher.dispatch(app, request);
    } catch (RuntimeException e) {
      LOG.error("ABCI {} failed in the application", request.getValueCase(), e);
      return Dispatcher.exception(request.getValueCase() + " failed: " + e.getMessage());
    } finally {
      appLock.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(serverSocket);
    for (Socket s : connections) {
      closeQuietly(s);
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("closing {}: {}", c, e.toString());
    }
  }
}
