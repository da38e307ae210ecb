package io.bellwether.storage.mapdb.kv;

import java.util.Iterator;
import java.util.function.Function;

/** An iterator whose elements are another's, each passed through a function as it is taken. */
final class Mapped<A, B> implements Iterator<B> {

  private final Iterator<A> source;
  private final Function<A, B> function;

  Mapped(Iterator<A> source, Function<A, B> function) {
    this.source = source;
    this.function = function;
  }

  @Override
  public boolean hasNext() {
    return source.hasNext();
  }

  @Override
  public B next() {
    return function.apply(source.next());
  }
}
