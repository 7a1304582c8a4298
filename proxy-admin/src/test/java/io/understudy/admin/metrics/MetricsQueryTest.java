package io.understudy.admin.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * {@code ?scope=} and {@code ?no-maint} parsed as Debian's HAProxy 2.6.12 parses them; each case was measured with curl
 * against its prometheus-exporter service (and {@link HaproxyExporterParityTest} asks both the same queries).
 */
class MetricsQueryTest {
    private static final EnumSet<Scope> ALL = EnumSet.allOf(Scope.class);

    @Test
    void withoutScopeEverythingIsChosen() {
        assertThat(MetricsQuery.parse("").scopes()).isEqualTo(ALL);
        assertThat(MetricsQuery.parse("foo=bar&Scope=nonsense").scopes()).isEqualTo(ALL);
        assertThat(MetricsQuery.parse("")).isEqualTo(MetricsQuery.ALL);
    }

    @Test
    void scopesAddUpAndAnEmptyOneClearsWhatCameBefore() {
        assertThat(MetricsQuery.parse("scope=global").scopes()).containsExactly(Scope.GLOBAL);
        assertThat(MetricsQuery.parse("scope=global&scope=server").scopes())
                .containsExactlyInAnyOrder(Scope.GLOBAL, Scope.SERVER);
        assertThat(MetricsQuery.parse("scope=").scopes()).isEmpty();
        assertThat(MetricsQuery.parse("scope=server&scope=").scopes()).isEmpty();
        assertThat(MetricsQuery.parse("scope=&scope=server").scopes()).containsExactly(Scope.SERVER);
        assertThat(MetricsQuery.parse("scope=*").scopes()).isEqualTo(ALL);
        assertThat(MetricsQuery.parse("scope=%2A").scopes()).isEqualTo(ALL);
        assertThat(MetricsQuery.parse("scope=glob%61l").scopes()).containsExactly(Scope.GLOBAL);
        assertThat(MetricsQuery.parse("scope=frontend&scope=backend&scope=listener&scope=sticktable")
                        .scopes())
                .containsExactlyInAnyOrder(Scope.FRONTEND, Scope.BACKEND, Scope.LISTENER, Scope.STICKTABLE);
    }

    @Test
    void anUnknownScopeOrAScopeWithoutValueIsRefusedNamingTheValue() {
        assertThatThrownBy(() -> MetricsQuery.parse("scope=foo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'foo'")
                .hasMessageContaining("global, frontend, backend, server");
        assertThatThrownBy(() -> MetricsQuery.parse("scope=Global")).hasMessageContaining("'Global'");
        assertThatThrownBy(() -> MetricsQuery.parse("scope=global&scope=foo")).hasMessageContaining("'foo'");
        assertThatThrownBy(() -> MetricsQuery.parse("scope=foo&scope=")).hasMessageContaining("'foo'");
        assertThatThrownBy(() -> MetricsQuery.parse("scope")).hasMessageContaining("scope needs a value");
    }

    @Test
    void noMaintCountsWithAnyValueAndIsCaseSensitive() {
        assertThat(MetricsQuery.parse("no-maint").noMaint()).isTrue();
        assertThat(MetricsQuery.parse("no-maint=").noMaint()).isTrue();
        assertThat(MetricsQuery.parse("no-maint=0").noMaint()).isTrue();
        assertThat(MetricsQuery.parse("scope=server&no-maint=false").noMaint()).isTrue();
        assertThat(MetricsQuery.parse("No-Maint").noMaint()).isFalse();
        assertThat(MetricsQuery.parse("scope=server").noMaint()).isFalse();
    }

    @Test
    void everySeriesHasTheScopeOfTheObjectItDescribes() {
        assertThat(Scope.of("haproxy", "haproxy_process_nbthread")).isEqualTo(Scope.GLOBAL);
        assertThat(Scope.of("haproxy", "haproxy_pair_epoch")).isEqualTo(Scope.GLOBAL);
        assertThat(Scope.of("haproxy", "haproxy_peer_connected")).isEqualTo(Scope.GLOBAL);
        assertThat(Scope.of("haproxy", "jvm_memory_used_bytes")).isEqualTo(Scope.GLOBAL);
        assertThat(Scope.of("haproxy", "netty_allocator_memory_used_bytes")).isEqualTo(Scope.GLOBAL);
        assertThat(Scope.of("haproxy", "process_cpu_usage")).isEqualTo(Scope.GLOBAL);
        assertThat(Scope.of("haproxy", "haproxy_frontend_bytes_in")).isEqualTo(Scope.FRONTEND);
        assertThat(Scope.of("haproxy", "haproxy_backend_failovers")).isEqualTo(Scope.BACKEND);
        assertThat(Scope.of("haproxy", "haproxy_backend_session_duration_seconds"))
                .isEqualTo(Scope.BACKEND);
        assertThat(Scope.of("haproxy", "haproxy_sessions_terminated")).isEqualTo(Scope.BACKEND);
        assertThat(Scope.of("haproxy", "haproxy_server_check_time_seconds")).isEqualTo(Scope.SERVER);
        // Another prefix's series are not this proxy's objects.
        assertThat(Scope.of("understudy", "haproxy_server_status")).isEqualTo(Scope.GLOBAL);
        assertThat(Scope.of("haproxy", "haproxyx_server_status")).isEqualTo(Scope.GLOBAL);
    }
}
