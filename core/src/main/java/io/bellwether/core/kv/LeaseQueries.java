package io.bellwether.core.kv;

import java.util.ArrayList;
import java.util.List;

/** Answers the lease queries from the replicated lease table. */
final class LeaseQueries {

  private LeaseQueries() {}

  static LeaseQueryResult answer(LeaseTable leases, KvQuery query) {
    if (query instanceof KvQuery.LeaseGet get) {
      LeaseTable.Lease l = leases.get(get.leaseId());
      if (l == null) return new LeaseQueryResult(List.of(), false);
      return new LeaseQueryResult(
          List.of(new LeaseQueryResult.Lease(l.id(), l.ttlSeconds(), new ArrayList<>(l.keys()))), false);
    }
    int limit = ((KvQuery.LeaseList) query).limit();
    List<LeaseQueryResult.Lease> page = new ArrayList<>();
    for (LeaseTable.Lease l : leases.all()) {
      if (page.size() == limit) return new LeaseQueryResult(page, true);
      page.add(new LeaseQueryResult.Lease(l.id(), l.ttlSeconds(), List.of()));
    }
    return new LeaseQueryResult(page, false);
  }
}
