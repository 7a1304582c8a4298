package io.understudy.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.understudy.core.TestConfigs;
import io.understudy.core.config.Balance;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The backend's queue: arrival order, and no session held up by one that cannot use the free slot. */
class PendingQueueTest {
    private final Backend backend = new Backend(
            TestConfigs.listen("MySQL")
                    .add("A", 1, false, 1, 1)
                    .add("B", 2, false, 1, 1)
                    .balance(Balance.ROUNDROBIN)
                    .build()
                    .listens()
                    .get(0)
                    .backend(),
            0);

    private Server s(String name) {
        return backend.server(name).orElseThrow();
    }

    @Test
    void slotsGoToWaitersInArrivalOrder() {
        Slot a = backend.snapshot().select(Set.of()).orElseThrow();
        Slot b = backend.snapshot().select(Set.of()).orElseThrow();
        List<String> served = new ArrayList<>();
        backend.queue()
                .acquire(
                        Set.of(),
                        Runnable::run,
                        slot -> served.add("first@" + slot.server().name()));
        backend.queue()
                .acquire(
                        Set.of(),
                        Runnable::run,
                        slot -> served.add("second@" + slot.server().name()));
        assertThat(backend.queue().size()).isEqualTo(2);
        a.release();
        b.release();
        assertThat(served).containsExactly("first@A", "second@B");
        assertThat(backend.queue().size()).isZero();
        assertThat(backend.queue().max()).isEqualTo(2);
    }

    @Test
    void aWaiterThatCannotUseTheFreeSlotDoesNotHoldUpTheOnesBehindIt() {
        backend.snapshot().select(Set.of()).orElseThrow();
        Slot b = backend.snapshot().select(Set.of()).orElseThrow();
        List<String> served = new ArrayList<>();
        // The head already failed on B; the second could go anywhere.
        PendingQueue.Pending head = backend.queue()
                .acquire(
                        Set.of(s("B")),
                        Runnable::run,
                        slot -> served.add("head@" + slot.server().name()));
        backend.queue()
                .acquire(
                        Set.of(),
                        Runnable::run,
                        slot -> served.add("next@" + slot.server().name()));
        b.release();
        assertThat(served).containsExactly("next@B");
        assertThat(head.waiting()).isTrue();
        // Cancelling a waiter gives its place up at once.
        assertThat(head.cancel()).isTrue();
        assertThat(backend.queue().size()).isZero();
    }
}
