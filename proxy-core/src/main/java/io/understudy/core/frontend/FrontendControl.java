package io.understudy.core.frontend;

import io.understudy.core.model.ControlObserver;
import io.understudy.core.model.FrontendState;
import io.understudy.core.model.ModelEvent;
import io.understudy.core.model.ModelEvent.FrontendChanged;
import io.understudy.core.model.ModelEvent.LimitsChanged;
import java.util.List;

/**
 * Makes the listeners do what the model says of frontends and of the process: disabled, enabled, shut down, a new
 * maxconn, new process limits. An observer: it reads the control plane's events and never changes the model. Runs on
 * the control plane's thread and never blocks it (binding and closing complete on the acceptor's loop).
 */
public final class FrontendControl implements ControlObserver {
    private final List<FrontendListener> listeners;
    private final SessionBudget budget;

    public FrontendControl(List<FrontendListener> listeners, SessionBudget budget) {
        this.listeners = List.copyOf(listeners);
        this.budget = budget;
    }

    @Override
    public void onEvent(ModelEvent event) {
        if (event instanceof FrontendChanged f) {
            for (FrontendListener l : listeners) {
                if (l.frontend().name().equals(f.frontend())) {
                    apply(l, f.before(), f.after());
                }
            }
        } else if (event instanceof LimitsChanged l) {
            budget.limits(l.after().maxconn(), l.after().connRate());
        } else if (event instanceof ModelEvent.ConfigReloaded r) {
            for (io.understudy.core.config.ListenConfig c : r.config().listens()) {
                for (FrontendListener l : listeners) {
                    if (l.frontend().name().equals(c.name())) {
                        l.frontend().reconfigure(c.frontend());
                    }
                }
            }
        }
    }

    private static void apply(FrontendListener l, FrontendState before, FrontendState after) {
        if (after.stopped() && !before.stopped()) {
            l.shutdown();
            return;
        }
        if (after.disabled() && !before.disabled()) {
            l.pause();
        } else if (!after.disabled() && before.disabled()) {
            l.resume();
        }
        if (after.maxconn() != before.maxconn()) {
            l.frontend().maxconn(after.maxconn());
            l.recheck();
        }
    }
}
