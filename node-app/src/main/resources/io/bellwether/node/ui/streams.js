// One event stream per member: GET http(s)://<its httpAddress>/v1/events, reconnected every second
// while it fails. Each node streams its own view, so the page sees the cluster from every member at
// once, and loses only one view when a node dies, even the one the page came from.

import { SseParser, readEventStream } from './sse.js';

/** Wait before reconnecting to a member whose stream failed. */
export const RETRY_MS = 1000;

/**
 * A stream this long without a frame counts as broken. Status frames come every 500 ms; a paused or
 * cut-off node sends no reset, so silence is the only sign of it.
 */
export const SILENCE_MS = 3000;

/** The node restarted (its event numbers began again): reconnect at once, asking for all it kept. */
class Restarted extends Error {}

class HttpStatusError extends Error {
  constructor(status, text) {
    super(`HTTP ${status}${text ? `: ${text}` : ''}`);
    this.status = status;
  }
}

/** Calls onSilent when poke() was not called for `ms`. */
class Watchdog {
  constructor(ms, onSilent) {
    this.ms = ms;
    this.onSilent = onSilent;
    this.poke();
  }

  poke() {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onSilent, this.ms);
  }

  cancel() {
    clearTimeout(this.timer);
  }
}

export class MemberStream {
  /**
   * @param {string} id the member's id
   * @param {string} url its /v1/events URL
   * @param {import('./auth.js').Auth} auth where the token comes from
   * @param {{message: (id: string, type: string, data: object) => void,
   *          down: (id: string, reason: string) => void}} listener
   *   message: one parsed frame (type hello, status or event); down: the stream failed
   */
  constructor(id, url, auth, listener) {
    this.id = id;
    this.url = url;
    this.auth = auth;
    this.listener = listener;
    this.lastEventId = null;
    this.stopped = false;
    this.controller = null;
  }

  start() {
    this.run();
    return this;
  }

  stop() {
    this.stopped = true;
    this.controller?.abort();
  }

  /** The member moved: drop the connection; the loop reconnects to the new address. */
  moveTo(url) {
    if (url === this.url) return;
    this.url = url;
    this.controller?.abort(new Error(`moved to ${url}`));
  }

  async run() {
    while (!this.stopped) {
      let reason;
      try {
        await this.connect();
        reason = 'the node closed the stream';
      } catch (e) {
        if (e instanceof Restarted) continue;
        reason = describe(e);
      }
      if (this.stopped) return;
      this.listener.down(this.id, reason);
      await sleep(RETRY_MS);
    }
  }

  /** One connection, until it ends or fails. */
  async connect() {
    const controller = new AbortController();
    this.controller = controller;
    // Armed before fetch(): a node that accepts no connection and refuses none must not hang us.
    const watchdog = new Watchdog(SILENCE_MS, () => controller.abort(new Error(`no frame for ${SILENCE_MS / 1000} s`)));
    const asked = this.lastEventId;
    try {
      const headers = { Accept: 'text/event-stream', ...this.auth.headers() };
      if (asked !== null) headers['Last-Event-ID'] = asked;
      const response = await fetch(this.url, { headers, signal: controller.signal, cache: 'no-store', credentials: 'omit' });
      if (!response.ok) {
        if (response.status === 401 || response.status === 403) this.auth.refused(response.status, 'watch');
        throw new HttpStatusError(response.status, await errorText(response));
      }
      const parser = new SseParser((frame) => {
        watchdog.poke();
        this.lastEventId = parser.lastEventId;
        this.frame(frame, asked);
      }, () => watchdog.poke());
      await readEventStream(response, parser);
    } finally {
      watchdog.cancel();
      controller.abort(); // releases the connection when we stop reading early (a restart, a bad frame)
    }
  }

  frame(frame, asked) {
    let data;
    try {
      data = JSON.parse(frame.data);
    } catch (e) {
      console.warn(`member ${this.id}: a '${frame.event}' frame that is not JSON`, frame.data);
      return;
    }
    if (frame.event === 'hello' && asked !== null && data.lastSeq < Number(asked)) {
      // Its numbering began again below the id we asked to resume after, so it sent none of its
      // history: ask again from the start.
      this.lastEventId = null;
      throw new Restarted();
    }
    this.listener.message(this.id, frame.event, data);
  }
}

/** Why a stream failed, in words: an aborted fetch rejects with the reason given to abort(). */
function describe(error) {
  if (error instanceof HttpStatusError) return error.message;
  // fetch() says only "Failed to fetch" (refused, reset, DNS, CORS alike): name the usual cause.
  if (error instanceof TypeError) return 'cannot connect, or the connection broke';
  return String(error?.message ?? error);
}

async function errorText(response) {
  try {
    return (await response.json()).message ?? '';
  } catch {
    return '';
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
