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
    PXNAME("pxname", "KNS:str"),
    SVNAME("svname", "KNS:str"),
    QCUR("qcur", "MGP:u32"),
    QMAX("qmax", "MMP:u32"),
    SCUR("scur", "MGP:u32"),
    SMAX("smax", "MMP:u32"),
    SLIM("slim", "CLP:u32"),
    STOT("stot", "MCP:u64"),
    BIN("bin", "MCP:u64"),
    BOUT("bout", "MCP:u64"),
    DREQ("dreq", "MCP:u64"),
    DRESP("dresp", "MCP:u64"),
    EREQ("ereq", "MCP:u64"),
    ECON("econ", "MCP:u64"),
    ERESP("eresp", "MCP:u64"),
    WRETR("wretr", "MCP:u64"),
    WREDIS("wredis", "MCP:u64"),
    STATUS("status", "SGP:str"),
    WEIGHT("weight", "MaP:u32"),
    ACT("act", "SGP:u32"),
    BCK("bck", "SGP:u32"),
    CHKFAIL("chkfail", "MCP:u64"),
    CHKDOWN("chkdown", "MCP:u64"),
    LASTCHG("lastchg", "MAP:u32"),
    DOWNTIME("downtime", "MCP:u32"),
    QLIMIT("qlimit", null),
    PID("pid", "KGP:u32"),
    IID("iid", "KGS:u32"),
    SID("sid", "KGS:u32"),
    THROTTLE("throttle", null),
    LBTOT("lbtot", "MCP:u64"),
    TRACKED("tracked", null),
    TYPE("type", "CGS:u32"),
    RATE("rate", "MRP:u32"),
    RATE_LIM("rate_lim", "CLP:u32"),
    RATE_MAX("rate_max", "MMP:u32"),
    CHECK_STATUS("check_status", "MOP:str"),
    CHECK_CODE("check_code", "MOP:u32"),
    CHECK_DURATION("check_duration", "MDP:u64"),
    HRSP_1XX("hrsp_1xx", null),
    HRSP_2XX("hrsp_2xx", null),
    HRSP_3XX("hrsp_3xx", null),
    HRSP_4XX("hrsp_4xx", null),
    HRSP_5XX("hrsp_5xx", null),
    HRSP_OTHER("hrsp_other", null),
    HANAFAIL("hanafail", null),
    REQ_RATE("req_rate", "MRP:u32"),
    REQ_RATE_MAX("req_rate_max", "MMP:u32"),
    REQ_TOT("req_tot", "MCP:u64"),
    CLI_ABRT("cli_abrt", "MCP:u64"),
    SRV_ABRT("srv_abrt", "MCP:u64"),
    COMP_IN("comp_in", "MCP:u64"),
    COMP_OUT("comp_out", "MCP:u64"),
    COMP_BYP("comp_byp", "MCP:u64"),
    COMP_RSP("comp_rsp", "MCP:u64"),
    LASTSESS("lastsess", "MAP:s32"),
    LAST_CHK("last_chk", "MOP:str"),
    LAST_AGT("last_agt", null),
    QTIME("qtime", "MaP:u32"),
    CTIME("ctime", "MaP:u32"),
    RTIME("rtime", "MaP:u32"),
    TTIME("ttime", "MaP:u32"),
    AGENT_STATUS("agent_status", null),
    AGENT_CODE("agent_code", null),
    AGENT_DURATION("agent_duration", null),
    CHECK_DESC("check_desc", "MOP:str"),
    AGENT_DESC("agent_desc", null),
    CHECK_RISE("check_rise", "CGS:u32"),
    CHECK_FALL("check_fall", "CGS:u32"),
    CHECK_HEALTH("check_health", "CGS:u32"),
    AGENT_RISE("agent_rise", null),
    AGENT_FALL("agent_fall", null),
    AGENT_HEALTH("agent_health", null),
    ADDR("addr", "CGS:str"),
    COOKIE("cookie", null),
    MODE("mode", "CGS:str"),
    ALGO("algo", "CGS:str"),
    CONN_RATE("conn_rate", "MRP:u32"),
    CONN_RATE_MAX("conn_rate_max", "MMP:u32"),
    CONN_TOT("conn_tot", "MCP:u64"),
    INTERCEPTED("intercepted", null),
    DCON("dcon", "MCP:u64"),
    DSES("dses", "MCP:u64"),
    WREW("wrew", "MCP:u64"),
    CONNECT("connect", "MCP:u64"),
    REUSE("reuse", "MCP:u64"),
    CACHE_LOOKUPS("cache_lookups", null),
    CACHE_HITS("cache_hits", null),
    SRV_ICUR("srv_icur", "MGP:u32"),
    SRC_ILIM("src_ilim", null),
    QTIME_MAX("qtime_max", "MMP:u32"),
    CTIME_MAX("ctime_max", "MMP:u32"),
    RTIME_MAX("rtime_max", "MMP:u32"),
    TTIME_MAX("ttime_max", "MMP:u32"),
    EINT("eint", "MCP:u64"),
    IDLE_CONN_CUR("idle_conn_cur", "MGP:u32"),
    SAFE_CONN_CUR("safe_conn_cur", "MGP:u32"),
    USED_CONN_CUR("used_conn_cur", "MGP:u32"),
    NEED_CONN_EST("need_conn_est", "MGP:u32"),
    UWEIGHT("uweight", "MaP:u32"),
    AGG_SERVER_STATUS("agg_server_status", "MGP:u32"),
    AGG_SERVER_CHECK_STATUS("agg_server_check_status", "MGP:u32"),
    AGG_CHECK_STATUS("agg_check_status", "MGP:u32");

    private final String csvName;
    private final FieldTags tags;

    /** @param tags HAProxy 2.6's typed description, or null for a field Understudy never fills */
    StatField(String csvName, String tags) {
        this.csvName = csvName;
        this.tags = tags == null ? null : FieldTags.parse(tags);
    }

    /**
     * How {@code show stat typed|json} describes this field in a row of type {@code type}, as Debian's HAProxy 2.6
     * prints it (captured); backends describe {@code act}, {@code bck}, {@code rate} and {@code rate_max} as plain
     * gauges. Throws for a field Understudy never fills.
     */
    public FieldTags tags(RowType type) {
        if (tags == null) {
            throw new IllegalStateException(csvName + " has no typed description: Understudy never fills it");
        }
        if (type == RowType.BACKEND && (this == ACT || this == BCK || this == RATE || this == RATE_MAX)) {
            return BACKEND_GAUGE;
        }
        return tags;
    }

    private static final FieldTags BACKEND_GAUGE = FieldTags.parse("MGP:u32");

    /**
     * Whether HAProxy shows this column only to {@code operator} and {@code admin} ({@code addr}, {@code cookie},
     * {@code algo}: its "legends"); at {@code user} level it is left empty.
     */
    public boolean legend() {
        return this == ADDR || this == COOKIE || this == ALGO;
    }

    /** The column's name in the header line, e.g. {@code check_status}. */
    public String csvName() {
        return csvName;
    }
}
