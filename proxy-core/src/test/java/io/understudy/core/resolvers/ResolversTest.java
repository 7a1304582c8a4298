package io.understudy.core.resolvers;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.understudy.core.Commands;
import io.understudy.core.TestConfigs;
import io.understudy.core.config.Balance;
import io.understudy.core.config.HostPort;
import io.understudy.core.config.IpLiteral;
import io.understudy.core.model.AdminFlag;
import io.understudy.core.model.Backend;
import io.understudy.core.model.ControlCommand;
import io.understudy.core.model.ControlPlane;
import io.understudy.core.model.ModelEvent;
import io.understudy.core.model.Origin;
import io.understudy.core.model.Server;
import io.understudy.core.model.Slot;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The resolvers' round with a resolver the test controls (no real DNS): a name that moves moves the server through the
 * control plane, with HAProxy's log line; the writer-role rule, an operator's address and a name without an address
 * at start ({@code init-addr none}).
 */
class ResolversTest {
    private static final int PORT = 3306;

    /** The test's DNS: a name's addresses, in answer order; a name missing does not resolve. */
    private final Map<String, List<InetAddress>> dns = new ConcurrentHashMap<>();

    private final List<ModelEvent> events = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger stateLog = (Logger) LoggerFactory.getLogger("understudy.state");
    private Backend backend;
    private ControlPlane control;
    private Resolvers resolvers;

    private ch.qos.logback.classic.Level level;

    @BeforeEach
    void captureLog() {
        level = stateLog.getLevel();
        stateLog.setLevel(ch.qos.logback.classic.Level.INFO);
        log.start();
        stateLog.addAppender(log);
    }

    @AfterEach
    void tearDown() {
        stateLog.detachAppender(log);
        stateLog.setLevel(level);
        if (resolvers != null) {
            resolvers.close();
        }
        control.close();
    }

    private void model(TestConfigs cfg) {
        backend = new Backend(cfg.build().listens().get(0).backend(), 0);
        control = new ControlPlane(List.of(backend), s -> s.served());
        control.addObserver(new io.understudy.core.model.ControlObserver() {
            @Override
            public void onEvent(ModelEvent e) {
                events.add(e);
            }
        });
        resolvers = new Resolvers(control, Duration.ofSeconds(1), this::lookup);
    }

    private List<InetAddress> lookup(String host) throws UnknownHostException {
        List<InetAddress> a = dns.get(host);
        if (a == null) {
            throw new UnknownHostException(host + ": Name or service not known");
        }
        return a;
    }

    private static InetAddress ip(String text) {
        return IpLiteral.parse(text).orElseThrow();
    }

    private static HostPort named(String host, String ip) {
        return new HostPort(host, PORT, new InetSocketAddress(ip(ip), PORT));
    }

    private Server s(String name) {
        return backend.server(name).orElseThrow();
    }

    private List<String> lines() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aNameThatPointsElsewhereMovesTheServerByDnsWithHaproxysLogLine() {
        dns.put("db.test", List.of(ip("127.0.0.1")));
        model(TestConfigs.listen("MySQL")
                .balance(Balance.ROUNDROBIN)
                .server("A", named("db.test", "127.0.0.1"), false)
                .server("B", 3307));
        resolvers.round();
        assertThat(events).isEmpty();

        dns.put("db.test", List.of(ip("127.0.0.2"), ip("127.0.0.3")));
        resolvers.round();

        assertThat(s("A").address()).isEqualTo(new InetSocketAddress("127.0.0.2", PORT));
        assertThat(s("A").state().settings().address().host()).isEqualTo("db.test");
        assertThat(events).singleElement().satisfies(e -> assertThat(e.origin()).isEqualTo(Origin.DNS));
        assertThat(lines()).contains("MySQL/A changed its IP from 127.0.0.1 to 127.0.0.2 by DNS cache.");
        // Not an operator's decision: nothing for the state file or the peer.
        assertThat(control.adminState().server("MySQL/A")).isEmpty();

        // Nor does an import of the decisions (the state file, the peer) take it back to the config's.
        Commands.submit(control, new ControlCommand.ImportAdminState(control.adminState(), Origin.PEER, "the peer"));
        assertThat(s("A").address()).isEqualTo(new InetSocketAddress("127.0.0.2", PORT));

        // The current address is still in the answer (round-robin DNS): the server stays where it is.
        dns.put("db.test", List.of(ip("127.0.0.3"), ip("127.0.0.2")));
        resolvers.round();
        assertThat(s("A").address()).isEqualTo(new InetSocketAddress("127.0.0.2", PORT));
        assertThat(events).hasSize(1);
    }

    @Test
    void aWriterWithSessionsMovesOnlyOnceTheyHaveEndedAndTheRefusalIsLoggedOnce() {
        dns.put("db.test", List.of(ip("127.0.0.1")));
        model(TestConfigs.listen("MySQL")
                .server("P", named("db.test", "127.0.0.1"), false)
                .backup("B", 3307));
        Slot session = backend.snapshot().select(Set.of()).orElseThrow();
        assertThat(session.server()).isSameAs(s("P"));

        dns.put("db.test", List.of(ip("127.0.0.2")));
        resolvers.round();
        resolvers.round();
        resolvers.round();
        assertThat(s("P").address()).isEqualTo(new InetSocketAddress("127.0.0.1", PORT));
        assertThat(lines().stream().filter(l -> l.contains("now resolves to 127.0.0.2, but the move is refused")))
                .singleElement()
                .satisfies(l -> assertThat(l).contains("still has 1 session(s)"));

        session.release();
        resolvers.round();
        assertThat(s("P").address()).isEqualTo(new InetSocketAddress("127.0.0.2", PORT));
        assertThat(lines()).contains("MySQL/P changed its IP from 127.0.0.1 to 127.0.0.2 by DNS cache.");
    }

    @Test
    void anAddressAnOperatorSetIsNotMovedByDns() {
        dns.put("db.test", List.of(ip("127.0.0.1")));
        model(TestConfigs.listen("MySQL").server("P", named("db.test", "127.0.0.1"), false));
        Commands.submit(
                control,
                new ControlCommand.SetAddress(
                        s("P"), IpLiteral.parseHostPort("127.0.0.5:3306").orElseThrow(), Origin.CLI));

        dns.put("db.test", List.of(ip("127.0.0.2")));
        resolvers.round();
        resolvers.round();
        assertThat(s("P").address()).isEqualTo(new InetSocketAddress("127.0.0.5", PORT));
        assertThat(lines().stream().filter(l -> l.contains("an operator set its address")))
                .hasSize(1);
        // The control plane refuses it too, whoever asks.
        assertThat(control.apply(new ControlCommand.SetAddress(s("P"), named("db.test", "127.0.0.2"), Origin.DNS))
                        .join()
                        .refusal())
                .hasValueSatisfying(r -> assertThat(r).contains("an operator set"));
    }

    @Test
    void aServerWithoutAnAddressIsInMaintUntilItsNameResolves() {
        model(TestConfigs.listen("MySQL")
                .server("P", HostPort.unresolved("db.test", PORT), false)
                .backup("B", 3307));
        assertThat(s("P").state().admin()).containsExactly(AdminFlag.RMAINT);
        assertThat(s("P").state().awaitingResolution()).isTrue();
        assertThat(s("P").state().usable()).isFalse();
        assertThat(backend.snapshot().select(Set.of()).orElseThrow().server()).isSameAs(s("B"));

        resolvers.round();
        resolvers.round();
        assertThat(s("P").state().awaitingResolution()).isTrue();
        assertThat(lines().stream().filter(l -> l.contains("db.test does not resolve")))
                .singleElement()
                .satisfies(l -> assertThat(l).contains("stays in MAINT (resolution)"));

        dns.put("db.test", List.of(ip("127.0.0.4")));
        resolvers.round();
        assertThat(s("P").state().admin()).isEmpty();
        assertThat(s("P").state().usable()).isTrue();
        assertThat(s("P").address()).isEqualTo(new InetSocketAddress("127.0.0.4", PORT));
        assertThat(lines()).contains("MySQL/P changed its IP from (none) to 127.0.0.4 by DNS cache.");
        assertThat(control.adminState().server("MySQL/P")).isEmpty();
    }

    @Test
    void anOperatorsAddressEndsMaintResolutionAndNeitherReadyNorDnsOverridesIt() {
        model(TestConfigs.listen("MySQL").server("P", HostPort.unresolved("db.test", PORT), false));
        // Ready is not enough: there is nowhere to send a session yet.
        Commands.mode(control, s("P"), io.understudy.core.model.AdminMode.READY);
        assertThat(s("P").state().awaitingResolution()).isTrue();

        Commands.submit(
                control,
                new ControlCommand.SetAddress(
                        s("P"), IpLiteral.parseHostPort("127.0.0.5:3306").orElseThrow(), Origin.CLI));
        assertThat(s("P").state().admin()).isEmpty();
        assertThat(s("P").state().usable()).isTrue();
        dns.put("db.test", List.of(ip("127.0.0.2")));
        resolvers.round();
        assertThat(s("P").address()).isEqualTo(new InetSocketAddress("127.0.0.5", PORT));
        assertThat(control.adminState().server("MySQL/P").orElseThrow().address())
                .isPresent();
    }

    @Test
    void aReloadResolvingTheSameNameAgainMovesAFollowerButNotAnOperatorsAddressNorToNoAddress() {
        io.understudy.core.config.ProxyConfig first = TestConfigs.listen("MySQL")
                .balance(Balance.ROUNDROBIN)
                .server("F", named("db.test", "127.0.0.1"), false)
                .server("O", named("db.test", "127.0.0.1"), false)
                .build();
        backend = new Backend(first.listens().get(0).backend(), 0);
        control = new ControlPlane(List.of(backend), s -> s.served());
        control.declareFrontends(Map.of("MySQL", 10_000));
        control.declareConfig(first);
        Commands.submit(
                control,
                new ControlCommand.SetAddress(
                        s("O"), IpLiteral.parseHostPort("127.0.0.5:3306").orElseThrow(), Origin.CLI));

        // The file is the same; the name resolves elsewhere now.
        Commands.submit(
                control,
                new ControlCommand.Reload(
                        TestConfigs.listen("MySQL")
                                .balance(Balance.ROUNDROBIN)
                                .server("F", named("db.test", "127.0.0.2"), false)
                                .server("O", named("db.test", "127.0.0.2"), false)
                                .build(),
                        Origin.RELOAD,
                        "test.conf"));
        assertThat(s("F").address()).isEqualTo(new InetSocketAddress("127.0.0.2", PORT));
        assertThat(s("O").address()).isEqualTo(new InetSocketAddress("127.0.0.5", PORT));

        // The name does not resolve this time (init-addr libc,none): the follower keeps what DNS gave it.
        Commands.submit(
                control,
                new ControlCommand.Reload(
                        TestConfigs.listen("MySQL")
                                .balance(Balance.ROUNDROBIN)
                                .server("F", HostPort.unresolved("db.test", PORT), false)
                                .server("O", HostPort.unresolved("db.test", PORT), false)
                                .build(),
                        Origin.RELOAD,
                        "test.conf"));
        assertThat(s("F").address()).isEqualTo(new InetSocketAddress("127.0.0.2", PORT));
        assertThat(s("F").state().usable()).isTrue();
        assertThat(s("O").address()).isEqualTo(new InetSocketAddress("127.0.0.5", PORT));
        resolvers = new Resolvers(control, Duration.ofSeconds(1), this::lookup);
    }

    @Test
    void aNameThatStopsResolvingKeepsItsLastAddress() {
        dns.put("db.test", List.of(ip("127.0.0.1")));
        model(TestConfigs.listen("MySQL").server("P", named("db.test", "127.0.0.1"), false));
        dns.clear();
        resolvers.round();
        resolvers.round();
        assertThat(s("P").address()).isEqualTo(new InetSocketAddress("127.0.0.1", PORT));
        assertThat(s("P").state().usable()).isTrue();
        assertThat(lines().stream().filter(l -> l.contains("does not resolve")))
                .singleElement()
                .satisfies(l -> assertThat(l).contains("keeps 127.0.0.1"));
        dns.put("db.test", List.of(ip("127.0.0.1")));
        resolvers.round();
        assertThat(lines()).contains("MySQL/P: db.test resolves to 127.0.0.1 again");
    }

    @Test
    void theLoopRunsOnItsOwnThreadAtTheInterval() {
        dns.put("db.test", List.of(ip("127.0.0.1")));
        model(TestConfigs.listen("MySQL").server("P", named("db.test", "127.0.0.1"), false));
        resolvers.close();
        List<String> threads = new CopyOnWriteArrayList<>();
        resolvers = new Resolvers(control, Duration.ofMillis(100), host -> {
            threads.add(Thread.currentThread().getName());
            return lookup(host);
        });
        resolvers.start();
        dns.put("db.test", List.of(ip("127.0.0.2")));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> s("P").address()
                .equals(new InetSocketAddress("127.0.0.2", PORT)));
        assertThat(threads).isNotEmpty().allMatch("understudy-resolvers"::equals);
    }
}
