package dev.mtasts.policy;

import java.util.List;
import java.util.Random;

/**
 * Runs a property as a number of tries, each with its own {@link Random} seeded from the property's
 * name, the try's number and a base seed, so every run checks the same inputs and a failure names the
 * try that found it. {@code -Dmtasts.tries.seed=N} explores other inputs and {@code
 * -Dmtasts.tries.factor=N} runs N times as many tries; coverage-guided exploration is the job of the
 * Jazzer fuzz tests.
 */
public final class Tries {
  /** The base seed: {@code -Dmtasts.tries.seed}, else a fixed value. */
  public static final long BASE_SEED = Long.getLong("mtasts.tries.seed", 20_260_501L);
  private static final String PUNCTUATION = " \t\r\n;=:.-_*,";
  private static final int FACTOR = Math.max(1, Integer.getInteger("mtasts.tries.factor", 1));

  private Tries() {}

  /** The body of a property: one try with its random source. */
  @FunctionalInterface
  public interface Property {
    /**
     * Runs one try.
     *
     * @param random the try's random source
     * @throws Exception anything the try throws fails the property
     */
    void check(Random random) throws Exception;
  }

  /** Thrown by {@link #assume(boolean)}: the try's input does not fit the property. */
  private static final class Discarded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Discarded() {
      super(null, null, false, false);
    }
  }

  /**
   * Runs {@code tries} tries of a property. At most half of them may be discarded by {@link
   * #assume(boolean)}.
   *
   * @param name the property's name, part of each try's seed
   * @param tries how many tries
   * @param property the property
   */
  public static void run(String name, int tries, Property property) {
    int total = tries * FACTOR;
    int discarded = 0;
    for (int i = 0; i < total; i++) {
      long seed = BASE_SEED * 1_000_003L + name.hashCode() * 65_537L + i;
      try {
        property.check(new Random(seed));
      } catch (Discarded d) {
        discarded++;
      } catch (Exception | AssertionError e) {
        throw new AssertionError(name + " failed on try " + i + " of " + total
            + " (-Dmtasts.tries.seed=" + BASE_SEED + ")", e);
      }
    }
    if (discarded * 2 > total) {
      throw new AssertionError(name + ": " + discarded + " of " + total
          + " tries were discarded; the generators do not fit the property");
    }
  }

  /**
   * Discards the current try unless the condition holds.
   *
   * @param condition whether the try's input fits the property
   */
  public static void assume(boolean condition) {
    if (!condition) {
      throw new Discarded();
    }
  }

  /**
   * Checks that the generators reached a case often enough, as a share of all tries.
   *
   * @param what the case
   * @param count how often it occurred
   * @param total how many tries ran
   * @param minPercent the least share, in percent
   */
  public static void assertShare(String what, int count, int total, double minPercent) {
    double percent = 100.0 * count / total;
    if (percent < minPercent) {
      throw new AssertionError(String.format("%s in %.1f%% of the tries; the generators should reach"
          + " it in at least %.0f%%", what, percent, minPercent));
    }
  }

  /**
   * Picks one element.
   *
   * @param random the random source
   * @param values the values
   * @param <T> their type
   * @return one of them
   */
  public static <T> T oneOf(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  /**
   * Picks an index by weight.
   *
   * @param random the random source
   * @param weights the weight of each index
   * @return an index
   */
  public static int weighted(Random random, int... weights) {
    int sum = 0;
    for (int w : weights) {
      sum += w;
    }
    int pick = random.nextInt(sum);
    for (int i = 0; i < weights.length; i++) {
      pick -= weights[i];
      if (pick < 0) {
        return i;
      }
    }
    throw new AssertionError("unreachable");
  }

  /**
   * A string of any UTF-16 code units, biased towards the interesting ones: ASCII letters, digits and
   * punctuation, whitespace and controls, Latin-1, other BMP characters, lone surrogates and pairs.
   *
   * @param random the random source
   * @param maxLength the longest string, in code units
   * @return the string
   */
  public static String anyString(Random random, int maxLength) {
    int length = random.nextInt(8) == 0 ? maxLength : random.nextInt(maxLength + 1);
    StringBuilder sb = new StringBuilder(length);
    while (sb.length() < length) {
      switch (random.nextInt(8)) {
        case 0, 1, 2 -> sb.append((char) (0x21 + random.nextInt(0x5e)));
        case 3 -> sb.append(PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length())));
        case 4 -> {
          int c = random.nextInt(0x21);
          sb.append(c == 0x20 ? '\u007f' : (char) c);
        }
        case 5 -> sb.append((char) (0x80 + random.nextInt(0x180)));
        case 6 -> sb.append((char) random.nextInt(0x10000));
        default -> {
          if (random.nextBoolean() && sb.length() + 2 <= length) {
            sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
          } else {
            sb.append((char) (0xD800 + random.nextInt(0x800)));
          }
        }
      }
    }
    return sb.toString();
  }

  /**
   * Random bytes, any value.
   *
   * @param random the random source
   * @param maxLength the most bytes
   * @return the bytes
   */
  public static byte[] anyBytes(Random random, int maxLength) {
    int length = random.nextInt(8) == 0 ? maxLength : random.nextInt(maxLength + 1);
    byte[] b = new byte[length];
    random.nextBytes(b);
    return b;
  }
}
