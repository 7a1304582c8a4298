package io.understudy.testkit;

/** Child JVM for {@link CleanupTest}: starts a server, then dies without running shutdown hooks. */
public final class HaltingServerMain {
    private HaltingServerMain() {}

    public static void main(String[] args) {
        MariaDbServer server = MariaDbServer.builder().name("orphan").build().start();
        server.freeze(); // the watchdog must cope with a stopped process too
        System.out.println("STARTED pid=" + server.pid() + " dir=" + server.directory());
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
