package io.understudy.core.session;

/**
 * What one session's log line says, taken when the session ended (on its event loop) so that the line can be written
 * later on another thread. Field names follow HAProxy's log-format variables.
 *
 * @param client {@code %ci:%cp}, the client's address and port
 * @param acceptMillis {@code %t}'s instant: when the client connection was accepted (epoch milliseconds)
 * @param frontend {@code %ft}
 * @param backend {@code %b}
 * @param server {@code %s}; {@code <NOSRV>} when no server was chosen
 * @param tw {@code %Tw}: ms waited in the backend's queue; -1 when the session never reached the queue
 * @param tc {@code %Tc}: ms to connect to the server, retries included; -1 when no connection was made
 * @param tt {@code %Tt}: the session's whole life in ms
 * @param bytesToClient {@code %B}
 * @param state {@code %ts}: HAProxy's two-character termination state
 * @param actconn {@code %ac}: sessions open in the whole process, this one included
 * @param feconn {@code %fc}: sessions open on the frontend, this one included
 * @param beconn {@code %bc}: sessions open on the backend, this one no longer counted
 * @param srvConn {@code %sc}: sessions open on the server, this one no longer counted
 * @param retries {@code %rc}: connect retries
 * @param redispatched whether a retry went to another server ({@code %rc} gets a {@code +} then)
 * @param srvQueue {@code %sq}: sessions waiting in the server's own queue
 * @param backendQueue {@code %bq}: sessions waiting in the backend's queue
 * @param bytesFromClient not in tcplog: bytes received from the client
 * @param cause not in tcplog: why the session ended, in words
 */
public record SessionEnd(
        String client,
        long acceptMillis,
        String frontend,
        String backend,
        String server,
        long tw,
        long tc,
        long tt,
        long bytesToClient,
        String state,
        long actconn,
        long feconn,
        long beconn,
        long srvConn,
        int retries,
        boolean redispatched,
        int srvQueue,
        int backendQueue,
        long bytesFromClient,
        String cause) {}
