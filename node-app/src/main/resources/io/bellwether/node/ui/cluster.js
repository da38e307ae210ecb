// What the page knows of the cluster, merged from every member's stream. Each node reports only its
// own view (its role, term and indexes; match indexes only on the leader), so the page is the one
// place that puts them side by side.

export class Member {
  constructor(id) {
    this.id = id;
    this.httpAddress = null;
    this.voter = true;
    this.reachable = false;
    /** Its latest status frame (the JSON of its GET /v1/cluster), or null before the first one. */
    this.status = null;
    /** When that frame came (ms since the epoch, the page's clock). */
    this.seenAt = null;
    /** Why its stream is down, while it is. */
    this.downReason = 'connecting';
    /** Whether the node at its address said it is another node, or of another cluster. */
    this.impostor = false;
  }

  /** Its own role while reachable; "unknown" otherwise, since the last one it told may be stale. */
  role() {
    return this.reachable && this.status ? this.status.role : 'unknown';
  }
}

export class ClusterModel {
  constructor() {
    /** @type {Map<string, Member>} by id, in the configuration's order */
    this.members = new Map();
    this.configIndex = -1;
    this.clusterId = null;
    this.clusterName = null;
    /** The largest write p99 any member reported since the last takeWriteP99(), or null. */
    this.p99Window = null;
  }

  /**
   * Takes the member list of a GET /v1/cluster answer or a status frame, if its configuration is
   * newer than the one held, or comes from the leader (whose view is the cluster's; a newer
   * configuration elsewhere may yet be dropped). A node waiting to join lists no members: ignored.
   *
   * @returns {boolean} whether members were added, removed or moved
   */
  configure(cluster, fromLeader = false) {
    if (!Array.isArray(cluster.members) || cluster.members.length === 0) return false;
    if (cluster.configIndex < this.configIndex || (cluster.configIndex === this.configIndex && !fromLeader)) return false;
    this.configIndex = cluster.configIndex;
    this.clusterId ??= cluster.clusterId;
    this.clusterName ??= cluster.clusterName;
    const next = new Map();
    let changed = cluster.members.length !== this.members.size;
    for (const m of cluster.members) {
      const member = this.members.get(m.id) ?? new Member(m.id);
      if (!this.members.has(m.id) || member.httpAddress !== m.httpAddress) changed = true;
      member.httpAddress = m.httpAddress;
      member.voter = m.voter;
      next.set(m.id, member);
    }
    this.members = next;
    return changed;
  }

  /** A member's stream opened: it answers, as the node we expect? */
  hello(id, hello) {
    const member = this.members.get(id);
    if (!member) return;
    const otherCluster = this.clusterId && hello.clusterId !== this.clusterId && hello.clusterId !== this.clusterName;
    member.impostor = hello.node !== id || Boolean(otherCluster);
    if (member.impostor) {
      this.down(id, `another node answers at ${member.httpAddress} (${hello.node} of ${hello.clusterId})`);
      return;
    }
    member.reachable = true;
    member.downReason = null;
  }

  /** A member's status frame. @returns {boolean} whether the member list changed with it */
  status(id, status) {
    const member = this.members.get(id);
    if (!member || member.impostor || status.node !== id) return false;
    member.status = status;
    member.seenAt = Date.now();
    member.reachable = true;
    member.downReason = null;
    const p99 = status.writes?.p99Ms;
    if (typeof p99 === 'number') this.p99Window = Math.max(this.p99Window ?? 0, p99);
    return this.configure(status, status.role === 'leader');
  }

  down(id, reason) {
    const member = this.members.get(id);
    if (!member) return;
    member.reachable = false;
    member.downReason = reason;
  }

  reachable() {
    return [...this.members.values()].filter((m) => m.reachable && m.status);
  }

  /**
   * The leader as the members that answer see it: the one named at the highest term any of them
   * is in ({leader: null} while that term has none yet, as during an election).
   *
   * @returns {{term: number, leader: string|null}|null} null when no member answers
   */
  leader() {
    let best = null;
    for (const m of this.reachable()) {
      const { term, leader } = m.status;
      if (!best || term > best.term) best = { term, leader };
      else if (term === best.term && !best.leader && leader) best.leader = leader;
    }
    return best;
  }

  /** The leader's own status, if the page reaches it: only the leader knows match indexes. */
  leaderStatus() {
    const id = this.leader()?.leader;
    const member = id && this.members.get(id);
    return member && member.reachable && member.status?.role === 'leader' ? member.status : null;
  }

  /** The highest commit index any reachable member reports (the cluster's, as far as we know). */
  commitIndex() {
    return Math.max(-1, ...this.reachable().map((m) => m.status.commitIndex));
  }

  /** The highest last index any reachable member reports: the right end of the progress bars. */
  lastIndex() {
    return Math.max(0, ...this.reachable().map((m) => m.status.lastIndex));
  }

  /** What the leader knows of `id`'s log: {matchIndex, lag}, or nulls when it does not (or we cannot ask it). */
  progress(id) {
    const leader = this.leaderStatus();
    const entry = leader?.members?.find((m) => m.id === id);
    return { matchIndex: entry?.matchIndex ?? null, lag: entry?.lag ?? null };
  }

  /** The largest write p99 reported since the previous call, or null when no member had writes. */
  takeWriteP99() {
    const p99 = this.p99Window;
    this.p99Window = null;
    return p99;
  }
}
