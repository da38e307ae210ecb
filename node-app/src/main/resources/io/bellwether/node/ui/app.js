// The live dashboard: starts from the member list of the node that served the page, then follows
// every member's event stream. It keeps working when that node dies: the member list comes from
// whichever members still answer.

import { Auth } from './auth.js';
import { ClusterModel } from './cluster.js';
import { notify, wireControls } from './controls.js';
import { Timeline, WriteRates } from './history.js';
import { MemberStream, RETRY_MS } from './streams.js';
import { View } from './view.js';

/** The charts cover the last five minutes. */
const CHART_SPAN_MS = 5 * 60 * 1000;
/** Frames arrive several times a second from each member: draw at most this often. */
const RENDER_DELAY_MS = 100;

const auth = new Auth(document.querySelector('#token-form'));
const model = new ClusterModel();
const timeline = new Timeline();
const rates = new WriteRates(model, CHART_SPAN_MS);
const view = new View();
/** @type {Map<string, MemberStream>} */
const streams = new Map();

const listener = {
  message(id, type, data) {
    if (type === 'hello') model.hello(id, data);
    else if (type === 'status' && model.status(id, data)) followMembers();
    else if (type === 'event' && !model.members.get(id)?.impostor) timeline.add(data);
    scheduleRender();
  },
  down(id, reason) {
    model.down(id, reason);
    scheduleRender();
  },
};

function eventsUrl(member) {
  return `${location.protocol}//${member.httpAddress}/v1/events`;
}

/** One stream per member: opens the missing ones, follows moved ones, stops those no longer members. */
function followMembers() {
  for (const member of model.members.values()) {
    if (!member.httpAddress) continue; // a member whose address no node knows yet
    const stream = streams.get(member.id);
    if (stream) stream.moveTo(eventsUrl(member));
    else streams.set(member.id, new MemberStream(member.id, eventsUrl(member), auth, listener).start());
  }
  for (const [id, stream] of streams) {
    if (!model.members.has(id)) {
      stream.stop();
      streams.delete(id);
    }
  }
}

let renderPending = false;
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  setTimeout(() => {
    renderPending = false;
    view.render(model, timeline, rates, Date.now());
  }, RENDER_DELAY_MS);
}

/** The member list to start from: GET /v1/cluster of the node that served the page, until it answers. */
async function firstMembers() {
  for (;;) {
    try {
      const response = await fetch('/v1/cluster', { headers: auth.headers(), cache: 'no-store' });
      if (response.ok) {
        const cluster = await response.json();
        if (model.configure(cluster)) return;
        notify(`${cluster.node} has no members yet (is it still joining?)`);
      } else {
        if (response.status === 401 || response.status === 403) auth.refused(response.status, 'watch');
        notify(`GET /v1/cluster: ${response.status}`);
      }
    } catch (e) {
      notify('the node that served this page does not answer');
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

async function main() {
  wireControls(document.querySelector('#members'), auth);
  await firstMembers();
  notify('');
  followMembers();
  setInterval(() => {
    rates.sample();
    scheduleRender();
  }, 1000);
  scheduleRender();
}

main();
