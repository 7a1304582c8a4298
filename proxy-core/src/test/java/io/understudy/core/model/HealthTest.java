package io.understudy.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** HAProxy's rule set (reference §4.2), observed sequence included, without the mysql-check double count. */
class HealthTest {
    @Test
    void followsHaproxysObservedSequence() {
        // rise 2, fall 3: fully up is health 4.
        Health h = new Health(4, 2, 3);
        assertThat(h.statusText()).isEqualTo("UP");
        h = h.onFailure();
        assertThat(h.statusText()).isEqualTo("UP 2/3");
        h = h.onFailure();
        assertThat(h.statusText()).isEqualTo("UP 1/3");
        h = h.onFailure();
        assertThat(h.statusText()).isEqualTo("DOWN");
        assertThat(h.health()).isZero();
        h = h.onSuccess();
        assertThat(h.statusText()).isEqualTo("DOWN 1/2");
        h = h.onSuccess();
        assertThat(h.statusText()).isEqualTo("UP");
        assertThat(h.health()).isEqualTo(4);
    }

    @Test
    void oneSuccessCountsOnceUnlikeHaproxysMysqlCheck() {
        Health h = Health.initial(false, 4, 2);
        for (int i = 1; i < 4; i++) {
            h = h.onSuccess();
            assertThat(h.up()).as("after %d successes", i).isFalse();
            assertThat(h.statusText()).isEqualTo("DOWN " + i + "/4");
        }
        assertThat(h.onSuccess().statusText()).isEqualTo("UP");
    }

    @Test
    void startsUpButOneFailureFromDownLikeHaproxy() {
        Health h = Health.initial(true, 2, 3);
        assertThat(h.up()).isTrue();
        assertThat(h.statusText()).isEqualTo("UP 1/3");
        assertThat(h.onFailure().statusText()).isEqualTo("DOWN");
        assertThat(h.onSuccess().statusText()).isEqualTo("UP");
    }

    @Test
    void staysInRangeAtTheEnds() {
        Health down = new Health(0, 2, 3);
        assertThat(down.onFailure()).isEqualTo(down);
        Health up = new Health(4, 2, 3);
        assertThat(up.onSuccess()).isEqualTo(up);
        assertThat(up.transitional()).isFalse();
        assertThat(down.transitional()).isFalse();
        assertThat(new Health(3, 2, 3).transitional()).isTrue();
    }
}
