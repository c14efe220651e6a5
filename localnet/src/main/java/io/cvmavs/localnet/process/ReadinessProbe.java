package io.cvmavs.localnet.process;

/**
 * Answers whether a started process is ready to serve (e.g. an RPC call succeeds). May throw while
 * it is not.
 */
@FunctionalInterface
public interface ReadinessProbe {
  boolean isReady() throws Exception;
}
