package io.understudy.core.config;

/** One {@code listen.<name>} section: a frontend and the backend it forwards to, both named {@code <name>}. */
public record ListenConfig(FrontendConfig frontend, BackendConfig backend) {
    public String name() {
        return frontend.name();
    }
}
