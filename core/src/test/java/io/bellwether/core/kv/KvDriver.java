package io.bellwether.core.kv;

import io.bellwether.core.kv.KvQueryResult.GetResult;
import io.bellwether.core.kv.KvQueryResult.ScanResult;
import java.nio.charset.StandardCharsets;

/** Drives a {@link KvStateMachine} as the log would: consecutive indexes, typed commands. */
final class KvDriver {

  final KvStateMachine sm;
  long index;
  long nowMillis = 1_000;

  KvDriver(KvStateMachine sm) {
    this.sm = sm;
  }

  KvDriver() {
    this(new KvStateMachine());
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Applies {@code command} at the next index and decodes its result, without the index it records
   * (so tests compare with the plain factories); {@link #applyWithIndex} keeps it.
   */
  KvResult apply(KvCommand command) {
    return applyWithIndex(command).atIndex(0);
  }

  KvResult applyWithIndex(KvCommand command) {
    return KvResult.decode(applyRaw(command.encode()));
  }

  byte[] applyRaw(byte[] command) {
    return sm.apply(++index, command);
  }

  KvResult put(String key, String value) {
    return apply(KvCommand.put(key, utf8(value), nowMillis));
  }

  KvResult cas(String key, String value, long expectedVersion) {
    return apply(new KvCommand.Put(key, utf8(value), expectedVersion, null, nowMillis));
  }

  KvResult delete(String key) {
    return apply(KvCommand.delete(key, nowMillis));
  }

  KvResult delete(String key, long expectedVersion) {
    return apply(new KvCommand.Delete(key, expectedVersion, null, nowMillis));
  }

  long stateHashByQuery() {
    return ((KvQueryResult.StateHashResult) KvQueryResult.decode(sm.query(new KvQuery.StateHash().encode()))).hash();
  }

  GetResult get(String key) {
    return (GetResult) KvQueryResult.decode(sm.query(new KvQuery.Get(key).encode()));
  }

  ScanResult scan(String prefix, int limit) {
    return (ScanResult) KvQueryResult.decode(sm.query(new KvQuery.Scan(prefix, limit).encode()));
  }

  ScanResult scan(String prefix, String after, int limit) {
    return (ScanResult) KvQueryResult.decode(sm.query(new KvQuery.Scan(prefix, limit, after).encode()));
  }
}
