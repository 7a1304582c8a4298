/**
 * The pair's fence on the database: the proxy that decides for a writer-role backend holds a named lock ({@code
 * GET_LOCK('understudy:<backend>:active')}) on the server it sends the writes to, and a proxy that finds the lock held
 * on some server by someone else routes there instead of anywhere else. Blocking JDBC, on its own thread.
 */
package io.understudy.checks.fence;
