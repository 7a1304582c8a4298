package io.understudy.core.model;

/**
 * Told about every change of the model, in commit order, on the control plane's thread, after the new values are
 * published. Implementations must return quickly, hand any I/O to another thread, and never change the model (no
 * {@link ControlPlane#apply} from here: a reaction that needs a change submits it from its own thread).
 */
@FunctionalInterface
public interface ControlObserver {
    void onEvent(ModelEvent event);

    /**
     * The operators' decisions, or only their epoch, changed in the last commit: {@code state} is the new {@link
     * ControlPlane#adminState()}, {@code lastChange} when and why. Called after the commit's events.
     */
    default void onAdminState(AdminState state, Origin origin, AdminState.Note lastChange) {}
}
