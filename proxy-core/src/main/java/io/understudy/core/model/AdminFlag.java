package io.understudy.core.model;

/**
 * An administrative flag on a server, set by an operator or by the config and independent of health. Bit values are
 * HAProxy's {@code SRV_ADMF_*}, so that {@code show servers state} prints the same {@code srv_admin_state} numbers.
 */
public enum AdminFlag {
    /** Forced maintenance ({@code disable server}, {@code set server ... state maint}). */
    FMAINT(0x01),
    /** Maintenance because the config says {@code disabled}. */
    CMAINT(0x04),
    /** Forced drain ({@code set server ... state drain}): existing sessions stay, no new ones. */
    FDRAIN(0x08),
    /**
     * Maintenance because the server's host name has no address (HAProxy's {@code RMAINT}, shown {@code MAINT
     * (resolution)}): started with {@code init-addr = none}. Set and cleared by the model alone, never an operator's
     * decision; it ends when the resolvers or an operator give the server an address.
     */
    RMAINT(0x20);

    private final int bit;

    AdminFlag(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }
}
