package io.understudy.core.model;

/**
 * HAProxy's health counter ({@code check_health}, reference §4.2), immutable. {@code health} runs from 0 to
 * {@code rise + fall - 1}; the server is up iff {@code health >= rise}. A failure that drops below {@code rise} goes
 * straight to 0 (fully down); a success that reaches {@code rise} goes straight to the top (fully up). Unlike HAProxy's
 * mysql-check, one check counts once (HAProxy counts a mysql-check success twice, reference §3.8).
 */
public record Health(int health, int rise, int fall) {
    public Health {
        if (rise < 1 || fall < 1 || health < 0 || health > rise + fall - 1) {
            throw new IllegalArgumentException("health " + health + " outside 0.." + (rise + fall - 1));
        }
    }

    /** Up but one failure from down (HAProxy's start state), or fully down. */
    public static Health initial(boolean up, int rise, int fall) {
        return new Health(up ? rise : 0, rise, fall);
    }

    public int max() {
        return rise + fall - 1;
    }

    public boolean up() {
        return health >= rise;
    }

    /** Neither fully up nor fully down: checks run at {@code fastinter}. */
    public boolean transitional() {
        return health != 0 && health != max();
    }

    public Health onSuccess() {
        int h = health;
        if (h < max()) {
            h++;
            if (h >= rise) {
                h = max();
            }
        }
        return new Health(h, rise, fall);
    }

    public Health onFailure() {
        int h = health;
        if (h > 0) {
            h--;
            if (h < rise) {
                h = 0;
            }
        }
        return new Health(h, rise, fall);
    }

    /**
     * HAProxy's {@code status} text for a checked server that is not in maintenance: {@code UP}, {@code UP 2/3},
     * {@code DOWN}, {@code DOWN 1/2}.
     */
    public String statusText() {
        if (up()) {
            return health == max() ? "UP" : "UP " + (health - rise + 1) + "/" + fall;
        }
        return health == 0 ? "DOWN" : "DOWN " + health + "/" + rise;
    }
}
