package io.understudy.admin.stats;

/**
 * The static columns of HAProxy's {@code show stat} CSV, in column order: {@link #ordinal()} is the 0-based position
 * that scripts cut on ({@code cut -d, -f18} is {@link #STATUS}, position 17) and {@link #csvName()} is the header name.
 *
 * <p>The layout mirrors <b>HAProxy 2.6.12 as packaged by Debian 12</b> ({@code haproxy 2.6.12-1+deb12u4}), captured
 * from a running instance: 103 static fields, 0 ({@code pxname}) to 102 ({@code agg_check_status}), then the literal
 * {@code -} column and the build's module columns (see {@link StatsCsvWriter}). That is the HAProxy operators of this
 * proxy run, and the one the parity tests compare against.
 *
 * <p>Differences from HAProxy 2.8.1+/2.9 (reference §1.2): those append ten static fields after {@code agg_check_status}
 * and before {@code -}: 103 {@code srid}, 104 {@code sess_other}, 105..107 {@code h1sess,h2sess,h3sess}, 108
 * {@code req_other}, 109..111 {@code h1req,h2req,h3req}, 112 {@code proto}; and their module columns lack Debian's
 * {@code ssl_*} (the reference build had no OpenSSL). Every position 0..102 is the same in both, so positional
 * scripts work against either; adding the 2.9 fields later would be append-only. (HAProxy 2.8.0 exactly printed a
 * broken header; 3.x appends more fields again.)
 */
public enum StatField {
    PXNAME("pxname"),
    SVNAME("svname"),
    QCUR("qcur"),
    QMAX("qmax"),
    SCUR("scur"),
    SMAX("smax"),
    SLIM("slim"),
    STOT("stot"),
    BIN("bin"),
    BOUT("bout"),
    DREQ("dreq"),
    DRESP("dresp"),
    EREQ("ereq"),
    ECON("econ"),
    ERESP("eresp"),
    WRETR("wretr"),
    WREDIS("wredis"),
    STATUS("status"),
    WEIGHT("weight"),
    ACT("act"),
    BCK("bck"),
    CHKFAIL("chkfail"),
    CHKDOWN("chkdown"),
    LASTCHG("lastchg"),
    DOWNTIME("downtime"),
    QLIMIT("qlimit"),
    PID("pid"),
    IID("iid"),
    SID("sid"),
    THROTTLE("throttle"),
    LBTOT("lbtot"),
    TRACKED("tracked"),
    TYPE("type"),
    RATE("rate"),
    RATE_LIM("rate_lim"),
    RATE_MAX("rate_max"),
    CHECK_STATUS("check_status"),
    CHECK_CODE("check_code"),
    CHECK_DURATION("check_duration"),
    HRSP_1XX("hrsp_1xx"),
    HRSP_2XX("hrsp_2xx"),
    HRSP_3XX("hrsp_3xx"),
    HRSP_4XX("hrsp_4xx"),
    HRSP_5XX("hrsp_5xx"),
    HRSP_OTHER("hrsp_other"),
    HANAFAIL("hanafail"),
    REQ_RATE("req_rate"),
    REQ_RATE_MAX("req_rate_max"),
    REQ_TOT("req_tot"),
    CLI_ABRT("cli_abrt"),
    SRV_ABRT("srv_abrt"),
    COMP_IN("comp_in"),
    COMP_OUT("comp_out"),
    COMP_BYP("comp_byp"),
    COMP_RSP("comp_rsp"),
    LASTSESS("lastsess"),
    LAST_CHK("last_chk"),
    LAST_AGT("last_agt"),
    QTIME("qtime"),
    CTIME("ctime"),
    RTIME("rtime"),
    TTIME("ttime"),
    AGENT_STATUS("agent_status"),
    AGENT_CODE("agent_code"),
    AGENT_DURATION("agent_duration"),
    CHECK_DESC("check_desc"),
    AGENT_DESC("agent_desc"),
    CHECK_RISE("check_rise"),
    CHECK_FALL("check_fall"),
    CHECK_HEALTH("check_health"),
    AGENT_RISE("agent_rise"),
    AGENT_FALL("agent_fall"),
    AGENT_HEALTH("agent_health"),
    ADDR("addr"),
    COOKIE("cookie"),
    MODE("mode"),
    ALGO("algo"),
    CONN_RATE("conn_rate"),
    CONN_RATE_MAX("conn_rate_max"),
    CONN_TOT("conn_tot"),
    INTERCEPTED("intercepted"),
    DCON("dcon"),
    DSES("dses"),
    WREW("wrew"),
    CONNECT("connect"),
    REUSE("reuse"),
    CACHE_LOOKUPS("cache_lookups"),
    CACHE_HITS("cache_hits"),
    SRV_ICUR("srv_icur"),
    SRC_ILIM("src_ilim"),
    QTIME_MAX("qtime_max"),
    CTIME_MAX("ctime_max"),
    RTIME_MAX("rtime_max"),
    TTIME_MAX("ttime_max"),
    EINT("eint"),
    IDLE_CONN_CUR("idle_conn_cur"),
    SAFE_CONN_CUR("safe_conn_cur"),
    USED_CONN_CUR("used_conn_cur"),
    NEED_CONN_EST("need_conn_est"),
    UWEIGHT("uweight"),
    AGG_SERVER_STATUS("agg_server_status"),
    AGG_SERVER_CHECK_STATUS("agg_server_check_status"),
    AGG_CHECK_STATUS("agg_check_status");

    private final String csvName;

    StatField(String csvName) {
        this.csvName = csvName;
    }

    /** The column's name in the header line, e.g. {@code check_status}. */
    public String csvName() {
        return csvName;
    }
}
