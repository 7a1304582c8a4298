package io.understudy.core.counter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The counters behind show stat's error columns and HAProxy's connection estimate. */
class TrafficCountersTest {
    private final TrafficCounters c = new TrafficCounters();

    @Test
    void neededConnectionsIsTheMostInUseAtOnceWithChecksAndNeverDrops() {
        assertThat(c.neededConnections()).isZero();
        c.checkConnections(1); // a check runs alone
        c.checkConnections(-1);
        assertThat(c.neededConnections()).isEqualTo(1);
        c.sessionAssigned(0);
        c.sessionEstablished();
        c.sessionOpened(0);
        c.checkConnections(2); // a deciding check's two attempts while two sessions run
        assertThat(c.neededConnections()).isEqualTo(4);
        c.checkConnections(-2);
        c.sessionClosed(1);
        c.sessionClosed(1);
        c.sessionOpened(0);
        assertThat(c.neededConnections()).as("a high-water mark").isEqualTo(4);
        assertThat(c.maxSessions()).as("smax counts sessions only").isEqualTo(2);
    }

    @Test
    void aServersSessionsCountEachConnectAttemptButHoldOneConnection() {
        c.sessionAssigned(1_000); // refused
        c.sessionAssigned(2_000); // the retry connects
        c.sessionEstablished();
        assertThat(c.totalSessions()).as("stot, HAProxy's count per attempt").isEqualTo(2);
        assertThat(c.currentSessions()).isEqualTo(1);
        assertThat(c.lastSessionMillis()).isEqualTo(2_000);
        c.sessionClosed(5);
        assertThat(c.currentSessions()).isZero();
    }

    @Test
    void abortsAttemptsAndInternalErrorsAreCountedApart() {
        c.connectAttempt();
        c.connectAttempt();
        c.clientAborted();
        c.serverAborted(true);
        c.serverAborted(false);
        c.internalError();
        assertThat(c.connectAttempts()).isEqualTo(2);
        assertThat(c.clientAborts()).isEqualTo(1);
        assertThat(c.serverAborts()).isEqualTo(2);
        assertThat(c.responseErrors())
                .as("a server timeout is no response error")
                .isEqualTo(1);
        assertThat(c.internalErrors()).isEqualTo(1);
        assertThat(c.connectErrors()).as("an attempt is not an error").isZero();
    }
}
