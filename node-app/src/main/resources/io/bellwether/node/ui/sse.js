// Server-sent events over fetch().
//
// The browser's EventSource cannot send an Authorization header, and a secured node wants a bearer
// token on /v1/events; so the dashboard reads the stream with fetch() and parses it here. The parser
// follows the event-stream format of the HTML standard: lines end with \r\n, \n or \r; a blank line
// dispatches the frame; "event:", "data:" (several are joined with \n) and "id:" are fields; a line
// starting with ":" is a comment. Chunks may split a line (or a \r\n) anywhere.

/** One dispatched frame: its event name ("message" when none was given), data and last event id. */
export class SseFrame {
  constructor(event, data, id) {
    this.event = event;
    this.data = data;
    this.id = id;
  }
}

export class SseParser {
  /**
   * @param {(frame: SseFrame) => void} onFrame called once per dispatched frame
   * @param {(text: string) => void} [onComment] called per comment line (keepalives), without the ":"
   */
  constructor(onFrame, onComment = () => {}) {
    this.onFrame = onFrame;
    this.onComment = onComment;
    this.pending = '';
    // The id persists from frame to frame (the standard's "last event ID buffer"): it is what a
    // reconnecting client sends as Last-Event-ID, whether or not the latest frame carried one.
    this.lastEventId = null;
    this.resetFrame();
  }

  resetFrame() {
    this.event = '';
    this.data = [];
  }

  /** Parses the next piece of the stream's text. */
  feed(chunk) {
    let text = this.pending + chunk;
    // A \r at the very end may be the first half of a \r\n that the next chunk completes: hold it
    // back, or the \n would end a second (empty) line and dispatch a frame too early.
    let held = '';
    if (text.endsWith('\r')) {
      held = '\r';
      text = text.slice(0, -1);
    }
    const lines = text.split(/\r\n|\r|\n/);
    this.pending = lines.pop() + held; // the unfinished last line
    for (const line of lines) this.line(line);
  }

  line(line) {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) {
      this.onComment(line.slice(1).trim());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    // "retry" and unknown fields are ignored: the dashboard retries on its own schedule.
  }

  dispatch() {
    if (this.data.length > 0) {
      this.onFrame(new SseFrame(this.event || 'message', this.data.join('\n'), this.lastEventId));
    }
    this.resetFrame();
  }
}

/**
 * Feeds the body of a fetch() response to the parser until the stream ends (resolves) or breaks
 * (rejects, as it does when the node dies or the request is aborted).
 */
export async function readEventStream(response, parser) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    parser.feed(value);
  }
}
