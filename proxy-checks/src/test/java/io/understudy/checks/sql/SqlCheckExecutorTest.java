package io.understudy.checks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SqlCheckExecutorTest {
    @Test
    void runsTasksOnNamedDaemonThreads() throws Exception {
        try (SqlCheckExecutor executor = new SqlCheckExecutor()) {
            CompletableFuture<Thread> thread = new CompletableFuture<>();
            executor.execute(() -> thread.complete(Thread.currentThread()));

            assertThat(thread.get().getName()).isEqualTo("understudy-sqlcheck-1");
            assertThat(thread.get().isDaemon()).isTrue();
        }
    }

    @Test
    void refusesAtOnceWhenEveryThreadIsBusyAndTheQueueIsFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (SqlCheckExecutor executor = new SqlCheckExecutor(1, 1)) {
            CountDownLatch started = new CountDownLatch(1);
            executor.execute(() -> {
                started.countDown();
                awaitQuietly(release);
            });
            started.await();
            executor.execute(() -> {});

            assertThatThrownBy(() -> executor.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> executor.busyThreads() == 0);
        } finally {
            release.countDown();
        }
    }

    @Test
    void startsNewThreadsBeforeQueueing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (SqlCheckExecutor executor = new SqlCheckExecutor(3, 10)) {
            CountDownLatch started = new CountDownLatch(3);
            for (int i = 0; i < 3; i++) {
                executor.execute(() -> {
                    started.countDown();
                    awaitQuietly(release);
                });
            }
            // Three tasks that block together: with queueing before new threads, only one would ever start.
            started.await();
            assertThat(executor.busyThreads()).isEqualTo(3);
        } finally {
            release.countDown();
        }
    }

    @Test
    void refusesEverythingOnceClosed() {
        SqlCheckExecutor executor = new SqlCheckExecutor();
        executor.close();

        assertThat(executor.isClosed()).isTrue();
        assertThatThrownBy(() -> executor.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
