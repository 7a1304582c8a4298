/**
 * Admin state that survives restarts: operators' runtime decisions (maintenance, drain, weight, manual-failback pin)
 * captured from the control plane ({@link io.understudy.core.model.AdminState}), written atomically to a small
 * human-readable file on every change ({@link io.understudy.admin.state.StateFile}) and applied back at start under
 * the rules of {@link io.understudy.admin.state.StatePersistence}. Format and rules for operators:
 * {@code docs/state-file.md}.
 */
package io.understudy.admin.state;
