package io.understudy.core.model;

import java.util.EnumSet;
import java.util.Set;

/**
 * The three admin modes an operator puts a server in, HAProxy's {@code srv_adm_set_ready/drain/maint}: {@code set
 * server b/s state ready|drain|maint}; {@code disable server} is {@link #MAINT}, {@code enable server} {@link #READY}.
 *
 * <p>HAProxy's {@code disabled} keyword sets FMAINT and CMAINT and counts only FMAINT as maintenance, so clearing FMAINT
 * brings a config-disabled server up. The model counts CMAINT as maintenance, so leaving maintenance clears both, which
 * gives the same behaviour (only {@code srv_admin_state} differs: 0 here, 4 in HAProxy).
 */
public enum AdminMode {
    /** Neither maintenance nor drain. */
    READY,
    /** No new sessions; existing ones stay, checks go on. */
    DRAIN,
    /** Out of load balancing, checks paused; existing sessions stay. */
    MAINT;

    /** The admin flags after this mode is applied to {@code current}. */
    Set<AdminFlag> applyTo(Set<AdminFlag> current) {
        Set<AdminFlag> next = current.isEmpty() ? EnumSet.noneOf(AdminFlag.class) : EnumSet.copyOf(current);
        switch (this) {
            case READY -> {
                next.remove(AdminFlag.FMAINT);
                next.remove(AdminFlag.CMAINT);
                next.remove(AdminFlag.FDRAIN);
            }
            case DRAIN -> {
                next.remove(AdminFlag.FMAINT);
                next.remove(AdminFlag.CMAINT);
                next.add(AdminFlag.FDRAIN);
            }
            case MAINT -> {
                next.remove(AdminFlag.FDRAIN);
                next.add(AdminFlag.FMAINT);
            }
        }
        return next;
    }
}
