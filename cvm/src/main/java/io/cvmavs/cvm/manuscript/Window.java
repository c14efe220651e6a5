package io.cvmavs.cvm.manuscript;

import java.time.Duration;
import java.util.Optional;

/**
 * The window of a window source: time column and sizes. {@code slide} only for hop windows, {@code
 * step} only for cumulative windows.
 */
public record Window(
    String timeColumn, Duration size, Optional<Duration> slide, Optional<Duration> step) {}
