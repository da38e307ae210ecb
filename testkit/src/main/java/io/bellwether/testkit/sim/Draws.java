package io.bellwether.testkit.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/** The random choices the {@link Nemesis} and its helpers make, from the nemesis's one stream. */
final class Draws {

  final SplittableRandom random;

  Draws(SplittableRandom random) {
    this.random = random;
  }

  /** One of {@code ids}, at random. */
  String any(List<String> ids) {
    return ids.get(random.nextInt(ids.size()));
  }

  /** One to half of {@code ids}, at random. */
  Set<String> minority(List<String> ids) {
    int size = 1 + random.nextInt(ids.size() / 2);
    return new TreeSet<>(shuffled(ids).subList(0, size));
  }

  /**
   * A clock rate within a drift bound {@code d}: a third of the time one of its ends (the worst case
   * for a lease: a slow leader, fast followers), else anywhere in it, rounded to 1/1000.
   */
  double boundedRate(double d) {
    return switch (random.nextInt(6)) {
      case 0 -> 1 - d;
      case 1 -> 1 + d;
      default -> 1 + Math.round((random.nextDouble() * 2 - 1) * d * 1000) / 1000.0;
    };
  }

  List<String> shuffled(List<String> ids) {
    List<String> out = new ArrayList<>(ids);
    for (int i = out.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      out.set(j, out.set(i, out.get(j)));
    }
    return out;
  }
}
