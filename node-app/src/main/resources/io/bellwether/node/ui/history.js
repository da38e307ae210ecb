// What happened over time: the leader changes (from the members' events) and the write rate and
// latency (sampled once a second from their status frames).

/** Why a node campaigned, in words (the `cause` of election_started and of the new leader's leader_changed). */
export const CAUSES = {
  leader_silent: 'leader went silent',
  leader_connection_lost: 'lost the connection to the leader',
  transfer: 'leadership transfer',
  startup: 'cluster start',
  check_quorum_stepdown: 'leader lost its quorum',
};

/** How many leader changes and recent events the page keeps. */
const MAX_TERMS = 100;
const MAX_RECENT = 40;
const MAX_SEEN = 5000;

/**
 * The leader changes, one per term, merged from every member's events: each member tells when it
 * learnt of the new leader and how long it was without one; the new leader also tells why it
 * campaigned. A member that missed a change (it was down) simply adds nothing to that term.
 */
export class Timeline {
  constructor() {
    /** @type {Map<number, {term, leader, previousLeader, cause, gapMs, time, candidates: Map<string,string>}>} */
    this.terms = new Map();
    /** Every event, newest last, for the event list. */
    this.recent = [];
    // An event arrives once per stream, but a stream that reconnects without Last-Event-ID (the
    // node restarted) replays its history: remember what was taken.
    this.seen = new Set();
  }

  /** @returns {boolean} whether the event was new */
  add(event) {
    const key = `${event.node}/${event.seq}/${event.time}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > MAX_SEEN) this.seen.delete(this.seen.values().next().value);
    this.recent.push(event);
    this.recent.sort((a, b) => a.time - b.time);
    if (this.recent.length > MAX_RECENT) this.recent.shift();
    if (event.type === 'election_started') this.term(event.term).candidates.set(event.node, event.cause);
    if (event.type === 'leader_changed' && event.leader) this.leaderChanged(event);
    return true;
  }

  leaderChanged(event) {
    const t = this.term(event.term);
    t.leader = event.leader;
    t.previousLeader ??= event.previousLeader;
    t.time = t.time === null ? event.time : Math.min(t.time, event.time);
    if (typeof event.leaderlessMs === 'number') t.gapMs = Math.max(t.gapMs ?? 0, event.leaderlessMs);
    if (event.cause) t.cause = event.cause; // only the new leader's own event says why it campaigned
  }

  term(term) {
    let t = this.terms.get(term);
    if (!t) {
      t = { term, leader: null, previousLeader: null, cause: null, gapMs: null, time: null, candidates: new Map() };
      this.terms.set(term, t);
      if (this.terms.size > MAX_TERMS) this.terms.delete(Math.min(...this.terms.keys()));
    }
    return t;
  }

  /** The leader changes, newest first: terms that got a leader. */
  changes() {
    return [...this.terms.values()]
      .filter((t) => t.leader)
      .sort((a, b) => b.term - a.term)
      .map((t) => ({ ...t, cause: t.cause ?? t.candidates.get(t.leader) ?? null, elections: t.candidates.size }));
  }
}

/** Samples of one quantity over the last `spanMs`, oldest first; a null value is a gap. */
export class Series {
  constructor(spanMs) {
    this.spanMs = spanMs;
    this.points = [];
  }

  add(time, value) {
    this.points.push({ time, value });
    while (this.points.length > 0 && this.points[0].time < time - this.spanMs) this.points.shift();
  }

  latest() {
    return this.points.length ? this.points[this.points.length - 1].value : null;
  }

  max() {
    return Math.max(0, ...this.points.map((p) => p.value ?? 0));
  }
}

/**
 * Writes per second, as the rate of the cluster's commit index (every write is one entry; forwarded
 * writes are counted once, unlike the members' own request counts), and the write p99, the worst a
 * member reported in the second. Call sample() once a second.
 */
export class WriteRates {
  constructor(model, spanMs) {
    this.model = model;
    this.perSecond = new Series(spanMs);
    this.p99 = new Series(spanMs);
    this.last = null;
  }

  sample(now = Date.now()) {
    const commit = this.model.commitIndex();
    let rate = null;
    if (commit >= 0 && this.last && now > this.last.time) {
      // A commit index that went down is a new view (the only member we reach restarted): no rate.
      rate = commit >= this.last.commit ? ((commit - this.last.commit) * 1000) / (now - this.last.time) : null;
    }
    this.last = commit >= 0 ? { commit, time: now } : null;
    this.perSecond.add(now, rate);
    this.p99.add(now, this.model.takeWriteP99());
  }
}
