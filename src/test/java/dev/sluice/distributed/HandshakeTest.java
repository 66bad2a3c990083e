package dev.sluice.distributed;

import dev.sluice.Sluice;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class HandshakeTest {
    @Test
    void everyRankLearnsEveryRanksText() {
        List<LocalAllReduce> comms = LocalAllReduce.create(3);
        List<List<String>> all = Ranks.values(3, r -> Handshake.gather(comms.get(r), "rank " + r + " ünïcödé\n" + "x".repeat(r * 5)));
        for (List<String> got : all) {
            assertEquals(List.of("rank 0 ünïcödé\n", "rank 1 ünïcödé\nxxxxx", "rank 2 ünïcödé\nxxxxxxxxxx"), got);
        }
    }

    @Test
    void equalTextsPassAndADifferentVersionFailsEveryRank() {
        List<LocalAllReduce> comms = LocalAllReduce.create(2);
        Ranks.values(2, r -> {
            Handshake.agree(comms.get(r), "setup", "sluice 1.0\nmodel M");
            return null;
        });
        var outcomes = Ranks.run(2, r -> {
            Handshake.agree(comms.get(r), "setup", (r == 0 ? "sluice 1.0" : "sluice 1.1") + "\nmodel M");
            return null;
        });
        for (var o : outcomes) {
            assertEquals("setup differs between ranks, so no rank starts: rank 1 differs at line 1: rank 0 has 'sluice 1.0', "
                    + "rank 1 has 'sluice 1.1'", o.error().getMessage());
        }
    }

    /** The ranks compare a real version: the build stamped it (an unfiltered resource would read "unknown"). */
    @Test
    void theBuildStampsTheVersion() {
        assertTrue(Sluice.version().matches("\\d+\\.\\d+\\.\\d+.*"), Sluice.version());
    }
}
