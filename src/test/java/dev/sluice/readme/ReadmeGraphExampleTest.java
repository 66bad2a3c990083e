package dev.sluice.readme;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.*;

/** The README's graph-and-trace example: shown verbatim, and it draws the MLP's graph with its parameter names. */
class ReadmeGraphExampleTest {
    @Test
    void readmeShowsExactlyTheTestedGraphCode() throws Exception {
        ReadmeExampleTest.assertReadmeShows("GraphDot picture = GraphDot.of(loss)", "ReadmeGraphExample", "GRAPH");
    }

    @Test
    void exampleDrawsTheNamedGraphAndStillTrains() throws Exception {
        var out = ReadmeGraphExample.run();
        assertTrue(out.dot().contains("<B>fc0.weight</B>") && out.dot().contains("<B>linear_relu</B>"), out.dot());
        assertEquals(out.dot(), Files.readString(out.file()));
        assertNotNull(out.model().layer(0).weight().grad(), "backward ran inside the trace scope");
    }
}
