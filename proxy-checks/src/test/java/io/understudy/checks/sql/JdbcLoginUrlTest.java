package io.understudy.checks.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The driver is given the IP the proxy routes to, never a name it would resolve again on its own. */
class JdbcLoginUrlTest {
    @Test
    void aServerGivenByNameIsReachedAtItsResolvedAddress() throws Exception {
        InetSocketAddress named =
                new InetSocketAddress(InetAddress.getByAddress("db.example", new byte[] {10, 0, 0, 5}), 3306);
        assertThat(named.getHostString()).isEqualTo("db.example");
        assertThat(JdbcLogin.url(named)).isEqualTo("jdbc:mysql://10.0.0.5:3306/");
    }

    @Test
    void anIpv6AddressIsBracketedInItsShortForm() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(
                InetAddress.getByAddress(
                        "db6.example", new byte[] {0x20, 1, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}),
                3306);
        assertThat(JdbcLogin.url(v6)).isEqualTo("jdbc:mysql://[2001:db8::1]:3306/");
    }

    @Test
    void anUnresolvedAddressKeepsItsHostName() {
        assertThat(JdbcLogin.url(InetSocketAddress.createUnresolved("db.example", 3306)))
                .isEqualTo("jdbc:mysql://db.example:3306/");
    }
}
