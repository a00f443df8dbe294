package io.kairos.execution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: many threads hand over an item each (and wait, or go on) while one flusher thread
 * writes them together, one transaction per batch instead of one per item. A batch is flushed when
 * it holds {@code maxBatch} items or when its first item has waited {@code linger}; items that
 * arrive while a batch is being written form the next one, so under load batches grow by
 * themselves.
 *
 * <p>If a batch fails as a whole, each of its items is written again on its own, so one item the
 * database refuses does not fail the others; an item whose own write fails makes its caller's
 * {@link #submit} throw (or its {@link #handOver} future fail). After {@link #close} items are
 * written on the caller's thread.
 */
final class GroupCommit<T> implements AutoCloseable {

  /** Writes a batch in one transaction; per item, in order: whether it was written. */
  @FunctionalInterface
  interface Writer<T> {
    boolean[] write(List<T> batch);
  }

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  private record Slot<T>(T item, long arrivedNanos, CompletableFuture<Boolean> written) {}

  private final Writer<T> writer;
  private final int maxBatch;
  private final long lingerNanos;
  private final LinkedBlockingQueue<Slot<T>> queue = new LinkedBlockingQueue<>();
  private final Thread flusher;
  private final Object lifecycle = new Object();
  private final AtomicLong flushes = new AtomicLong();
  private volatile boolean closed;

  GroupCommit(String name, Writer<T> writer, int maxBatch, Duration linger) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("batch size must be positive: " + maxBatch);
    }
    if (linger.isNegative()) {
      throw new IllegalArgumentException("linger must not be negative: " + linger);
    }
    this.writer = writer;
    this.maxBatch = maxBatch;
    this.lingerNanos = linger.toNanos();
    this.flusher = new Thread(this::run, name);
    flusher.setDaemon(true);
    flusher.start();
  }

  /**
   * Hands {@code item} over and waits until its batch is written.
   *
   * @return whether the writer wrote it
   * @throws RuntimeException the write's failure, when neither its batch nor it alone could be
   *     written
   */
  boolean submit(T item) {
    try {
      return handOver(item).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /**
   * Hands {@code item} over and returns at once: the future completes when its batch is written,
   * with whether the writer wrote it, or exceptionally with the write's failure (when neither its
   * batch nor it alone could be written). After {@link #close} the item is written before this
   * returns.
   */
  CompletableFuture<Boolean> handOver(T item) {
    Slot<T> slot = new Slot<>(item, System.nanoTime(), new CompletableFuture<>());
    boolean queued;
    synchronized (lifecycle) {
      queued = !closed;
      if (queued) {
        queue.add(slot);
      }
    }
    if (!queued) {
      try {
        slot.written().complete(writer.write(List.of(item))[0]);
      } catch (RuntimeException | Error e) {
        slot.written().completeExceptionally(e);
      }
    }
    return slot.written();
  }

  /** How many batches were written (tests: were these items written together?). */
  long flushes() {
    return flushes.get();
  }

  private void run() {
    List<Slot<T>> batch = new ArrayList<>(maxBatch);
    while (!closed || !queue.isEmpty()) {
      try {
        Slot<T> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long deadline = first.arrivedNanos() + lingerNanos;
        while (batch.size() < maxBatch) {
          queue.drainTo(batch, maxBatch - batch.size());
          long wait = deadline - System.nanoTime();
          if (batch.size() >= maxBatch || wait <= 0) {
            break;
          }
          Slot<T> next = queue.poll(wait, TimeUnit.NANOSECONDS);
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        flush(batch);
      } catch (InterruptedException e) {
        // Only close() stops this thread, and it does so by flag; keep draining.
        Thread.interrupted();
      } catch (Throwable t) {
        LOG.error("Group commit flusher failed; its batch fails", t);
        batch.forEach(s -> s.written().completeExceptionally(t));
      } finally {
        batch.clear();
      }
    }
  }

  private void flush(List<Slot<T>> batch) {
    List<T> items = new ArrayList<>(batch.size());
    batch.forEach(s -> items.add(s.item()));
    boolean[] written;
    try {
      written = writer.write(items);
      flushes.incrementAndGet();
    } catch (RuntimeException | Error e) {
      if (batch.size() == 1) {
        batch.get(0).written().completeExceptionally(e);
        return;
      }
      LOG.warn(
          "Writing a batch of {} failed ({}); writing each on its own", batch.size(), e.toString());
      for (Slot<T> slot : batch) {
        try {
          slot.written().complete(writer.write(List.of(slot.item()))[0]);
          flushes.incrementAndGet();
        } catch (RuntimeException | Error one) {
          slot.written().completeExceptionally(one);
        }
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).written().complete(written[i]);
    }
  }

  /** Writes what is waiting, then stops the flusher; later items are written by their callers. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      closed = true;
    }
    try {
      flusher.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Slot<T>> rest = new ArrayList<>();
    queue.drainTo(rest);
    if (!rest.isEmpty()) {
      flush(rest);
    }
  }
}
