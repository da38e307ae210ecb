// Puts the model on the page. Rows and list items are keyed by id and updated in place, so a click
// on a button is not lost to a re-render (status frames come several times a second).

import { drawSeries } from './charts.js';
import { CAUSES } from './history.js';

/** The progress bars show at least this many entries before the log's end, so small lags stay small. */
const MIN_BAR_SPAN = 1000;

const $ = (selector) => document.querySelector(selector);

export class View {
  constructor() {
    this.rows = new Map();
  }

  render(model, timeline, rates, now) {
    this.header(model);
    this.members(model);
    this.timeline(timeline);
    this.events(timeline.recent);
    this.charts(rates, now);
  }

  header(model) {
    const leader = model.leader();
    $('#cluster-name').textContent = model.clusterName ?? '';
    $('#leader').textContent = leader?.leader ?? 'none';
    $('#term').textContent = leader ? String(leader.term) : '?';
    $('#reach').textContent = `${model.reachable().length} of ${model.members.size} members answer`;
  }

  members(model) {
    const body = $('#members tbody');
    for (const [id, row] of this.rows) {
      if (!model.members.has(id)) {
        row.remove();
        this.rows.delete(id);
      }
    }
    // One frame's numbers for the scale and the line: members' frames come at different moments.
    const leader = model.leaderStatus();
    const range = barRange(model, leader);
    const commit = leader?.commitIndex ?? model.commitIndex();
    let i = 0;
    for (const member of model.members.values()) {
      const row = this.row(member.id);
      // The configuration's order; a row already in place is not moved (a move could eat a click).
      if (body.children[i] !== row) body.insertBefore(row, body.children[i] ?? null);
      fillRow(row, member, model.progress(member.id), range, commit, model.leader()?.leader);
      i++;
    }
  }

  row(id) {
    let row = this.rows.get(id);
    if (row) return row;
    row = document.createElement('tr');
    row.dataset.member = id;
    for (const name of ['id', 'role', 'term', 'last', 'commit', 'applied', 'match', 'lag', 'bar', 'snapshots', 'actions']) {
      const cell = document.createElement('td');
      cell.className = name;
      row.append(cell);
    }
    row.querySelector('.bar').append(div('track', div('fill-log'), div('fill-applied'), div('commit-line')));
    row.querySelector('.actions').append(button('transfer', 'make leader'), button('remove', 'remove'));
    this.rows.set(id, row);
    return row;
  }

  timeline(timeline) {
    const items = timeline.changes().map((t) => {
      const li = document.createElement('li');
      li.dataset.term = String(t.term);
      li.dataset.leader = t.leader;
      li.append(
        span('when', clock(t.time)),
        span('term', `term ${t.term}`),
        span('leader', t.previousLeader ? `${t.previousLeader} → ${t.leader}` : t.leader),
        span('cause', t.cause ? CAUSES[t.cause] ?? t.cause : 'cause not known'),
        span('gap', t.gapMs === null ? '' : `leaderless up to ${t.gapMs} ms`),
        span('elections', t.elections > 1 ? `${t.elections} candidates` : ''),
      );
      return li;
    });
    replaceIfChanged($('#timeline'), items);
  }

  events(recent) {
    const items = recent.slice().reverse().map((e) => {
      const li = document.createElement('li');
      li.dataset.type = e.type;
      li.append(span('when', clock(e.time)), span('node', e.node), span('type', e.type), span('fields', fields(e)));
      return li;
    });
    replaceIfChanged($('#events'), items);
  }

  charts(rates, now) {
    const rateTop = drawSeries($('#writes-chart'), rates.perSecond, now, 10);
    const p99Top = drawSeries($('#p99-chart'), rates.p99, now, 5);
    $('#writes-now').textContent = format(rates.perSecond.latest(), '/s');
    $('#writes-top').textContent = format(rateTop, '/s');
    $('#p99-now').textContent = format(rates.p99.latest(), ' ms');
    $('#p99-top').textContent = format(p99Top, ' ms');
  }
}

function fillRow(row, member, progress, range, commit, leaderId) {
  const s = member.status;
  const role = member.role();
  row.dataset.role = role;
  row.dataset.reachable = String(member.reachable);
  row.dataset.voter = String(member.voter);
  row.classList.toggle('stale', !member.reachable);
  const cells = (name) => row.querySelector(`.${name}`);
  if (row.dataset.address !== String(member.httpAddress)) { // rebuilt only when it moved: a click on it must land
    row.dataset.address = String(member.httpAddress);
    cells('id').replaceChildren(link(member), member.httpAddress === location.host ? span('here', 'this page') : '');
  }
  cells('role').textContent = member.reachable ? role : 'unreachable';
  cells('role').title = member.reachable ? '' : `${member.downReason ?? ''}${s ? ` (last seen as ${s.role})` : ''}`;
  cells('term').textContent = s?.term ?? '';
  cells('last').textContent = s?.lastIndex ?? '';
  cells('commit').textContent = s?.commitIndex ?? '';
  cells('applied').textContent = s?.appliedIndex ?? '';
  cells('match').textContent = progress.matchIndex ?? '';
  cells('lag').textContent = progress.lag ?? '';
  cells('snapshots').textContent = s ? `${s.snapshot.taken} taken · ${s.snapshot.sent} sent · ${s.snapshot.installed} installed` : '';
  // The leader's view of the member's log when it has one; else what the member says of itself.
  const end = progress.matchIndex ?? s?.lastIndex ?? null;
  const bar = cells('bar');
  bar.title = `entries ${range.lo}–${range.hi}; bar: log end ${end ?? '?'}, applied ${s?.appliedIndex ?? '?'}; line: commit ${commit}`;
  bar.querySelector('.fill-log').style.width = percent(end, range);
  bar.querySelector('.fill-applied').style.width = percent(s?.appliedIndex ?? null, range);
  bar.querySelector('.commit-line').style.left = percent(commit, range);
  cells('actions').querySelector('[data-action=transfer]').disabled = !member.voter || member.id === leaderId;
}

/**
 * The bars' range: from a little before the furthest-behind member (at least MIN_BAR_SPAN) to the
 * leader's last index (the highest any member reports while the page cannot reach a leader).
 */
function barRange(model, leader) {
  const hi = leader?.lastIndex ?? model.lastIndex();
  const lags = [...model.members.keys()].map((id) => model.progress(id).lag ?? 0);
  const width = Math.max(MIN_BAR_SPAN, 2 * Math.max(0, ...lags));
  return { lo: Math.max(0, hi - width), hi };
}

function percent(value, range) {
  if (value === null || range.hi <= range.lo) return '0%';
  const p = ((value - range.lo) / (range.hi - range.lo)) * 100;
  return `${Math.min(100, Math.max(0, p)).toFixed(2)}%`;
}

/** Replaces a list's items only when their text changed, so that a re-render does not reset a selection. */
function replaceIfChanged(list, items) {
  const text = items.map((i) => `${i.dataset.term ?? ''}|${i.textContent}`).join('\n');
  if (list.dataset.rendered === text) return;
  list.dataset.rendered = text;
  list.replaceChildren(...items);
}

/** An event's own fields, as "key=value" pairs. */
function fields(event) {
  const common = new Set(['seq', 'time', 'node', 'type']);
  return Object.entries(event)
    .filter(([k, v]) => !common.has(k) && v !== null)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
    .join(' ');
}

function link(member) {
  if (!member.httpAddress) return document.createTextNode(member.id);
  const a = document.createElement('a');
  a.href = `${location.protocol}//${member.httpAddress}/ui`;
  a.textContent = member.id;
  a.title = `the dashboard served by ${member.id}`;
  return a;
}

function clock(time) {
  return time === null ? '' : new Date(time).toLocaleTimeString([], { hour12: false });
}

function format(value, unit) {
  if (value === null || value === undefined) return '–';
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)}${unit}`;
}

function span(className, text) {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = text;
  return s;
}

function div(className, ...children) {
  const d = document.createElement('div');
  d.className = className;
  d.append(...children);
  return d;
}

function button(action, label) {
  const b = document.createElement('button');
  b.type = 'button';
  b.dataset.action = action;
  b.textContent = label;
  return b;
}
