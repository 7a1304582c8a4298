package io.understudy.admin.info;

import io.understudy.admin.stats.FieldTags;

/**
 * The fields of {@code show info} as Debian's HAProxy 2.6 prints them (captured; see the stats test resources): position,
 * name and typed description, in HAProxy's order. Positions 45, 46 ({@code ZlibMemUsage}, {@code MaxZlibMemUsage}: a
 * zlib build only) and 51 ({@code description}: only when configured) are never printed, by that HAProxy either. The
 * 2.6 spelling {@code TotalSplicdedBytesOut} is kept (2.9 fixed it to {@code TotalSplicedBytesOut}).
 */
public enum InfoField {
    NAME(0, "Name", "POS:str"),
    VERSION(1, "Version", "POS:str"),
    RELEASE_DATE(2, "Release_date", "POS:str"),
    NBTHREAD(3, "Nbthread", "CGS:u32"),
    NBPROC(4, "Nbproc", "CGS:u32"),
    PROCESS_NUM(5, "Process_num", "KGP:u32"),
    PID(6, "Pid", "SGP:u32"),
    UPTIME(7, "Uptime", "MDP:str"),
    UPTIME_SEC(8, "Uptime_sec", "MDP:u32"),
    MEMMAX_MB(9, "Memmax_MB", "CLP:u32"),
    POOL_ALLOC_MB(10, "PoolAlloc_MB", "MGP:u32"),
    POOL_USED_MB(11, "PoolUsed_MB", "MGP:u32"),
    POOL_FAILED(12, "PoolFailed", "MCP:u32"),
    ULIMIT_N(13, "Ulimit-n", "CLP:u32"),
    MAXSOCK(14, "Maxsock", "CLP:u32"),
    MAXCONN(15, "Maxconn", "CLP:u32"),
    HARD_MAXCONN(16, "Hard_maxconn", "CLP:u32"),
    CURR_CONNS(17, "CurrConns", "MGP:u32"),
    CUM_CONNS(18, "CumConns", "MCP:u32"),
    CUM_REQ(19, "CumReq", "MCP:u32"),
    MAX_SSL_CONNS(20, "MaxSslConns", "MMP:u32"),
    CURR_SSL_CONNS(21, "CurrSslConns", "MGP:u32"),
    CUM_SSL_CONNS(22, "CumSslConns", "MCP:u32"),
    MAXPIPES(23, "Maxpipes", "CLP:u32"),
    PIPES_USED(24, "PipesUsed", "MGP:u32"),
    PIPES_FREE(25, "PipesFree", "MGP:u32"),
    CONN_RATE(26, "ConnRate", "MRP:u32"),
    CONN_RATE_LIMIT(27, "ConnRateLimit", "CLP:u32"),
    MAX_CONN_RATE(28, "MaxConnRate", "MMP:u32"),
    SESS_RATE(29, "SessRate", "MRP:u32"),
    SESS_RATE_LIMIT(30, "SessRateLimit", "CLP:u32"),
    MAX_SESS_RATE(31, "MaxSessRate", "MRP:u32"),
    SSL_RATE(32, "SslRate", "MRP:u32"),
    SSL_RATE_LIMIT(33, "SslRateLimit", "CLP:u32"),
    MAX_SSL_RATE(34, "MaxSslRate", "MMP:u32"),
    SSL_FRONTEND_KEY_RATE(35, "SslFrontendKeyRate", "MGP:u32"),
    SSL_FRONTEND_MAX_KEY_RATE(36, "SslFrontendMaxKeyRate", "MMP:u32"),
    SSL_FRONTEND_SESSION_REUSE_PCT(37, "SslFrontendSessionReuse_pct", "MGP:u32"),
    SSL_BACKEND_KEY_RATE(38, "SslBackendKeyRate", "MRP:u32"),
    SSL_BACKEND_MAX_KEY_RATE(39, "SslBackendMaxKeyRate", "MMP:u32"),
    SSL_CACHE_LOOKUPS(40, "SslCacheLookups", "MCP:u32"),
    SSL_CACHE_MISSES(41, "SslCacheMisses", "MCP:u32"),
    COMPRESS_BPS_IN(42, "CompressBpsIn", "MRP:u32"),
    COMPRESS_BPS_OUT(43, "CompressBpsOut", "MRP:u32"),
    COMPRESS_BPS_RATE_LIM(44, "CompressBpsRateLim", "CLP:u32"),
    TASKS(47, "Tasks", "MGP:u32"),
    RUN_QUEUE(48, "Run_queue", "MGP:u32"),
    IDLE_PCT(49, "Idle_pct", "MaP:u32"),
    NODE(50, "node", "COS:str"),
    STOPPING(52, "Stopping", "MGP:u32"),
    JOBS(53, "Jobs", "MGP:u32"),
    UNSTOPPABLE_JOBS(54, "Unstoppable Jobs", "MGP:u32"),
    LISTENERS(55, "Listeners", "MGP:u32"),
    ACTIVE_PEERS(56, "ActivePeers", "MGP:u32"),
    CONNECTED_PEERS(57, "ConnectedPeers", "MGP:u32"),
    DROPPED_LOGS(58, "DroppedLogs", "MGP:u32"),
    BUSY_POLLING(59, "BusyPolling", "MGP:u32"),
    FAILED_RESOLUTIONS(60, "FailedResolutions", "MGP:u32"),
    TOTAL_BYTES_OUT(61, "TotalBytesOut", "MGP:u64"),
    TOTAL_SPLICDED_BYTES_OUT(62, "TotalSplicdedBytesOut", "MGP:u64"),
    BYTES_OUT_RATE(63, "BytesOutRate", "MRP:u64"),
    DEBUG_COMMANDS_ISSUED(64, "DebugCommandsIssued", "MGP:u32"),
    CUM_RECV_LOGS(65, "CumRecvLogs", "MCP:u32"),
    BUILD_INFO(66, "Build info", "POS:str"),
    MEMMAX_BYTES(67, "Memmax_bytes", "CLP:u32"),
    POOL_ALLOC_BYTES(68, "PoolAlloc_bytes", "MGP:u64"),
    POOL_USED_BYTES(69, "PoolUsed_bytes", "MGP:u64"),
    START_TIME_SEC(70, "Start_time_sec", "MDP:u32"),
    TAINTED(71, "Tainted", "SGP:str");

    private final int pos;
    private final String key;
    private final FieldTags tags;

    InfoField(int pos, String key, String tags) {
        this.pos = pos;
        this.key = key;
        this.tags = FieldTags.parse(tags);
    }

    public int pos() {
        return pos;
    }

    public String key() {
        return key;
    }

    public FieldTags tags() {
        return tags;
    }
}
