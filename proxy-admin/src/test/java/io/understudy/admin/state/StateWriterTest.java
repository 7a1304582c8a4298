package io.understudy.admin.state;

import static io.understudy.admin.state.TestSetup.config;
import static io.understudy.admin.state.TestSetup.server;
import static io.understudy.admin.state.TestSetup.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.understudy.core.Commands;
import io.understudy.core.ProxyEngine;
import io.understudy.core.model.AdminMode;
import io.understudy.core.model.AdminState;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The file under a burst of changes: never seen half-written, few writes, and the last state always on disk. */
// Some try-with-resources only hold a persistence or a log level for the block: that is their point.
@SuppressWarnings("try")
@Timeout(60)
class StateWriterTest {
    private static final int CHANGES = 1_000;

    @TempDir
    Path dir;

    @Test
    void aReaderNeverSeesAHalfWrittenFile() throws Exception {
        Path file = dir.resolve("state");
        // No coalescing delay: as many renames as the disk allows, to give a torn read every chance to happen.
        try (TestSetup.Quiet quiet = new TestSetup.Quiet();
                ProxyEngine e = new ProxyEngine(config());
                StatePersistence p = StatePersistence.start(e.control(), new StateFileSettings(file, Duration.ZERO))) {
            Server replica = server(e, "MySQL/Replica");
            Commands.weight(e.control(), replica, 2);
            p.flush();

            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger reads = new AtomicInteger();
            Set<String> versions = ConcurrentHashMap.newKeySet();
            AtomicReference<Throwable> torn = new AtomicReference<>();
            Thread reader = new Thread(
                    () -> {
                        try {
                            while (!done.get()) {
                                String seen = text(file);
                                StateFormat.parse(seen);
                                versions.add(seen);
                                reads.incrementAndGet();
                            }
                        } catch (Throwable t) {
                            torn.set(t);
                        }
                    },
                    "state-reader");
            reader.start();
            // The reader has seen the file as it was before the burst.
            await().until(() -> reads.get() > 0 || torn.get() != null);

            for (int i = 0; i < CHANGES; i++) {
                // One change at a time, so that the changes spread over many writes rather than one.
                Commands.weight(e.control(), replica, 2 + i % 100);
                if (i % 10 == 0) {
                    // Flag changes in between make files of different lengths replace each other.
                    Commands.mode(
                            e.control(),
                            server(e, "MySQL/Primary"),
                            i % 20 == 0 ? AdminMode.DRAIN : AdminMode.READY,
                            "drain");
                }
            }
            p.flush();
            // The reader raced the writer: it parsed more than one version of the file, every one of them whole.
            await().until(() -> versions.size() > 1 || torn.get() != null);
            done.set(true);
            reader.join();

            assertThat(torn.get()).isNull();
            assertThat(p.writes()).isGreaterThan(1);
        }
    }

    @Test
    void aBurstOfChangesCoalescesIntoFewWritesAndTheLastStateIsWritten() throws Exception {
        Path file = dir.resolve("state");
        try (TestSetup.Quiet quiet = new TestSetup.Quiet();
                ProxyEngine e = new ProxyEngine(config());
                StatePersistence p = StatePersistence.start(e.control(), new StateFileSettings(file))) {
            Server replica = server(e, "MySQL/Replica");
            CompletableFuture<?> last = null;
            for (int i = 1; i <= CHANGES; i++) {
                last = e.control().apply(new ControlCommand.SetWeight(replica, 2 + i % 200, Origin.CLI));
            }
            last.get();
            p.flush();

            assertThat(p.writes()).isBetween(1L, (long) CHANGES / 10);
            AdminState onDisk = StateFormat.parse(text(file));
            assertThat(onDisk.server("MySQL/Replica")
                            .orElseThrow()
                            .weight()
                            .orElseThrow()
                            .value())
                    .isEqualTo(2 + CHANGES % 200)
                    .isEqualTo(replica.state().weight());
            assertThat(onDisk.sameDecisions(e.control().adminState())).isTrue();
            assertThat(List.of(dir.toFile().list())).containsExactly("state");
        }
    }
}
