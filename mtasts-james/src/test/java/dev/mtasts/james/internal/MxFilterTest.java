package dev.mtasts.james.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The parts of {@link MxFilter} that need no network. */
class MxFilterTest {

  @Test
  void anMxEntryIsReducedToItsHostName() {
    assertEquals("mx1.example.test", MxFilter.hostOf("mx1.example.test"));
    assertEquals("mx1.example.test", MxFilter.hostOf("MX1.Example.TEST."));
    assertEquals("mx1.example.test", MxFilter.hostOf("mx1.example.test:2525"));
    assertEquals("mx1.example.test", MxFilter.hostOf("mx1.example.test.:25"));
    // not a port: left for the policy to refuse
    assertEquals("mx1.example.test:smtp", MxFilter.hostOf("mx1.example.test:smtp"));
    assertEquals("mx1.example.test:", MxFilter.hostOf("mx1.example.test:"));
  }
}
