// The picture of the cluster, drawn from the Go program's snapshots
// (cluster.Snapshot as JSON, plus the last events): nodes in a ring,
// links, messages in flight, logs side by side, and the controls. Every
// control types its command into the terminal, which runs it.
const svgNamespace = "http://www.w3.org/2000/svg";
const ringRadius = 165;
const nodeRadius = 38;
const shownLogEntries = 28;

function element(name, attributes = {}, parent = null) {
  const node = document.createElementNS(svgNamespace, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

function html(name, attributes = {}, parent = null, text = null) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== null) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

// The class of a message's dot: its RPC, and heartbeats apart from
// AppendEntries that carry entries.
function messageClass(message) {
  if (message.type === "AppendEntries" && message.entries === 0) return "message heartbeat";
  return "message " + message.type.replace(/Resp$/, "") + (message.response ? " response" : "");
}

// A term's colour: terms cycle through twelve hues.
function termColor(term) {
  return term === 0 ? "var(--log-empty)" : `hsl(${(term * 67) % 360} 55% 45%)`;
}

export class Picture {
  // showLink puts a shared session's link where it can be copied.
  showLink(link) {
    this.shareLink.value = link;
    this.shareLink.select();
  }

  constructor({ svg, logs, events, controls, typeCommand, onFrame }) {
    this.svg = svg;
    this.logs = logs;
    this.events = events;
    this.controls = controls;
    this.typeCommand = typeCommand;
    this.onFrame = onFrame;
    this.snapshot = null;
    this.receivedAt = 0;
    this.linkLayer = element("g", { class: "links" }, svg);
    this.messageLayer = element("g", { class: "messages" }, svg);
    this.nodeLayer = element("g", { class: "nodes" }, svg);
    this.menu = null;
    this.buildControls();
    const frame = () => {
      this.drawMessages();
      this.onFrame();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  // update takes a new snapshot and redraws everything but the moving
  // messages, which every frame places.
  update(snapshot) {
    snapshot.nodes = snapshot.nodes || [];
    for (const node of snapshot.nodes) node.logTerms = node.logTerms || [];
    this.snapshot = snapshot;
    this.receivedAt = performance.now();
    this.positions = new Map();
    const count = snapshot.nodes.length;
    snapshot.nodes.forEach((node, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / count;
      this.positions.set(node.id, { x: ringRadius * Math.cos(angle), y: ringRadius * Math.sin(angle) });
    });
    this.drawLinks();
    this.drawNodes();
    this.drawLogs();
    this.drawEvents();
    this.drawControlState();
  }

  leader() {
    let leader = null;
    for (const node of this.snapshot.nodes) {
      if (node.up && node.role === "leader" && (!leader || node.term > leader.term)) leader = node;
    }
    return leader;
  }

  // Each direction of a link is its own line, a little to the right of
  // the centre line, so a one-way cut shows as one broken line of two.
  linkEnds(from, to, offset = 5) {
    const a = this.positions.get(from);
    const b = this.positions.get(to);
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const length = Math.hypot(dx, dy) || 1;
    const ux = dx / length;
    const uy = dy / length;
    const nx = -uy * offset;
    const ny = ux * offset;
    return {
      x1: a.x + ux * nodeRadius + nx, y1: a.y + uy * nodeRadius + ny,
      x2: b.x - ux * nodeRadius + nx, y2: b.y - uy * nodeRadius + ny,
    };
  }

  drawLinks() {
    this.linkLayer.replaceChildren();
    const cut = new Set((this.snapshot.cuts || []).map((c) => c.from + ">" + c.to));
    const ids = this.snapshot.nodes.map((n) => n.id);
    for (const from of ids) {
      for (const to of ids) {
        if (from === to) continue;
        const ends = this.linkEnds(from, to);
        const isCut = cut.has(from + ">" + to);
        element("line", { ...ends, class: isCut ? "link cut" : "link", "data-link": from + "->" + to }, this.linkLayer);
        if (isCut) {
          const mx = (ends.x1 + ends.x2) / 2;
          const my = (ends.y1 + ends.y2) / 2;
          element("text", { x: mx, y: my + 4, class: "cut-mark" }, this.linkLayer).textContent = "✕";
        }
      }
    }
  }

  // Nodes keep their elements from one snapshot to the next and are
  // updated in place: a click whose press and release straddle a redraw
  // still reaches the node (a replaced element would swallow it).
  drawNodes() {
    const ids = this.snapshot.nodes.map((n) => n.id).join(",");
    if (this.nodeIds !== ids) {
      this.nodeIds = ids;
      this.nodeLayer.replaceChildren();
      this.nodeElements = new Map();
      for (const node of this.snapshot.nodes) this.nodeElements.set(node.id, this.createNode(node.id));
    }
    for (const node of this.snapshot.nodes) this.updateNode(this.nodeElements.get(node.id), node);
  }

  createNode(id) {
    const { x, y } = this.positions.get(id);
    const group = element("g", { transform: `translate(${x} ${y})`, "data-node": id, tabindex: 0, role: "button" }, this.nodeLayer);
    const parts = {
      group,
      body: element("circle", { r: nodeRadius, class: "body" }, group),
      timerArc: element("path", { class: "timer" }, group),
      timerFull: element("circle", { r: nodeRadius + 5, class: "timer" }, group),
      id: element("text", { y: -14, class: "id" }, group),
      role: element("text", { y: 2, class: "detail" }, group),
      log: element("text", { y: 15, class: "detail" }, group),
      vote: element("text", { y: 28, class: "detail vote" }, group),
      partition: element("text", { x: nodeRadius, y: -nodeRadius + 4, class: "partition-group" }, group),
    };
    parts.id.textContent = id;
    // The menu reads the node's state when it opens, not when it was drawn.
    const open = (event) => {
      const node = this.snapshot.nodes.find((n) => n.id === id);
      if (node) this.openMenu(node, event);
    };
    group.addEventListener("click", open);
    group.addEventListener("keydown", (event) => {
      if (event.key === "Enter") open(event);
    });
    return parts;
  }

  updateNode(parts, node) {
    const { group } = parts;
    group.setAttribute("class", `node role-${node.role}` + (node.up ? "" : " down"));
    group.setAttribute("data-role", node.role);
    group.setAttribute("data-term", node.term);
    group.setAttribute("aria-label", `${node.id} ${node.role} term ${node.term}`);
    let fraction = 0;
    if (node.up && node.role !== "leader" && node.electionTimeout > 0) {
      fraction = Math.min(1, node.electionElapsed / node.electionTimeout);
    }
    const radius = nodeRadius + 5;
    const angle = 2 * Math.PI * fraction - Math.PI / 2;
    const large = fraction > 0.5 ? 1 : 0;
    parts.timerFull.style.display = fraction >= 0.999 ? "" : "none";
    parts.timerArc.style.display = fraction > 0 && fraction < 0.999 ? "" : "none";
    if (fraction > 0 && fraction < 0.999) {
      parts.timerArc.setAttribute("d",
        `M 0 ${-radius} A ${radius} ${radius} 0 ${large} 1 ${radius * Math.cos(angle)} ${radius * Math.sin(angle)}`);
    }
    parts.role.textContent = node.up ? `${node.role} T${node.term}` : `down T${node.term}`;
    parts.log.textContent = `Log: ${node.commit}/${node.last}`;
    parts.vote.textContent = node.votedFor ? `vote ${node.votedFor}` : "no vote";
    parts.partition.textContent = node.group > 0 ? "g" + node.group : "";
  }

  // Messages move from sender to receiver as virtual time passes; between
  // snapshots the page advances virtual time itself at the clock's speed.
  drawMessages() {
    const snapshot = this.snapshot;
    if (!snapshot) return;
    const speed = snapshot.paused ? 0 : snapshot.speed;
    const now = snapshot.now + (performance.now() - this.receivedAt) * 1e6 * speed;
    const layer = this.messageLayer;
    const dots = [];
    for (const message of snapshot.messages || []) {
      if (!this.positions.has(message.from) || !this.positions.has(message.to)) continue;
      const span = Math.max(1, message.deliverAt - message.sentAt);
      const fraction = Math.min(1, Math.max(0, (now - message.sentAt) / span));
      const ends = this.linkEnds(message.from, message.to);
      dots.push({
        message,
        x: ends.x1 + (ends.x2 - ends.x1) * fraction,
        y: ends.y1 + (ends.y2 - ends.y1) * fraction,
      });
    }
    while (layer.childNodes.length > dots.length) layer.lastChild.remove();
    while (layer.childNodes.length < dots.length) {
      const dot = element("circle", { r: 5 }, layer);
      dot.appendChild(element("title"));
    }
    dots.forEach((dot, i) => {
      const circle = layer.childNodes[i];
      circle.setAttribute("cx", dot.x.toFixed(1));
      circle.setAttribute("cy", dot.y.toFixed(1));
      circle.setAttribute("class", messageClass(dot.message));
      circle.setAttribute("data-type", dot.message.type);
      circle.firstChild.textContent = `${dot.message.from}→${dot.message.to} ${dot.message.type}` +
        (dot.message.entries ? ` (${dot.message.entries} entries)` : "");
    });
  }

  drawLogs() {
    const leader = this.leader();
    const leaderTerms = new Map();
    if (leader) leader.logTerms.forEach((term, i) => leaderTerms.set(leader.logStart + i + 1, term));
    this.logs.replaceChildren();
    for (const node of this.snapshot.nodes) {
      const row = html("div", { class: "log-row" + (node.up ? "" : " down"), "data-node": node.id }, this.logs);
      html("span", { class: "log-id" }, row, node.id);
      // The tail that fits: the newest entries matter most.
      const skipped = Math.max(0, node.logTerms.length - shownLogEntries);
      const start = node.logStart + skipped;
      if (start > 0) html("span", { class: "log-more", title: `entries 1 to ${start} not shown` }, row, `…${start}`);
      node.logTerms.slice(skipped).forEach((term, i) => {
        const index = start + i + 1;
        let kind = "cell";
        if (index <= node.commit) kind += " committed";
        if (leader && leader !== node && leaderTerms.has(index) && leaderTerms.get(index) !== term) kind += " diverged";
        if (leader && leader !== node && index > leader.logStart + leader.logTerms.length) kind += " diverged";
        const cell = html("span", { class: kind, title: `index ${index}, term ${term}` }, row, String(term));
        cell.style.background = termColor(term);
      });
    }
  }

  drawEvents() {
    const lines = this.snapshot.events || [];
    this.events.replaceChildren(...lines.slice(-50).map((line) => html("li", {}, null, line.trim())));
    this.events.scrollTop = this.events.scrollHeight;
  }

  openMenu(node, event) {
    this.closeMenu();
    const menu = html("div", { class: "node-menu", role: "menu" }, document.body);
    const actions = node.up ? [["kill", `kill ${node.id}`], ["campaign", `campaign ${node.id}`]] : [["restart", `restart ${node.id}`]];
    for (const [label, command] of actions) {
      const button = html("button", { role: "menuitem", "data-command": command }, menu, label + " " + node.id);
      button.addEventListener("click", () => {
        this.closeMenu();
        this.typeCommand(command);
      });
    }
    const box = event.currentTarget.getBoundingClientRect();
    menu.style.left = `${box.left + window.scrollX + box.width / 2}px`;
    menu.style.top = `${box.top + window.scrollY + box.height / 2}px`;
    this.menu = menu;
    setTimeout(() => document.addEventListener("click", () => this.closeMenu(), { once: true }), 0);
  }

  closeMenu() {
    if (this.menu) this.menu.remove();
    this.menu = null;
  }

  // The controls: chaos presets, a put box, pause, resume and speed.
  buildControls() {
    const chaos = html("div", { class: "control-group", "aria-label": "faults" }, this.controls);
    const button = (parent, label, command, name) => {
      const b = html("button", { "data-control": name }, parent, label);
      b.addEventListener("click", () => {
        const line = typeof command === "function" ? command() : command;
        if (line) this.typeCommand(line);
      });
      return b;
    };
    button(chaos, "kill leader", () => { const l = this.leader(); return l ? `kill ${l.id}` : null; }, "kill-leader");
    button(chaos, "isolate leader", () => { const l = this.leader(); return l ? `partition ${l.id}` : null; }, "isolate-leader");
    button(chaos, "split minority", () => {
      const ids = this.snapshot ? this.snapshot.nodes.map((n) => n.id) : [];
      const minority = ids.slice(0, Math.floor((ids.length - 1) / 2) || 1);
      return `partition ${minority.join(",")}|${ids.filter((id) => !minority.includes(id)).join(",")}`;
    }, "split");
    button(chaos, "heal", "heal", "heal");

    const put = html("form", { class: "control-group put", "aria-label": "put" }, this.controls);
    const key = html("input", { name: "key", placeholder: "key", size: 5, "aria-label": "key" }, put);
    const value = html("input", { name: "value", placeholder: "value", size: 5, "aria-label": "value" }, put);
    html("button", { type: "submit", "data-control": "put" }, put, "put");
    put.addEventListener("submit", (event) => {
      event.preventDefault();
      if (key.value.trim() && value.value.trim()) this.typeCommand(`put ${key.value.trim()} ${value.value.trim()}`);
    });

    const time = html("div", { class: "control-group", "aria-label": "time" }, this.controls);
    this.pauseButton = button(time, "pause", () => (this.snapshot && this.snapshot.paused ? "resume" : "pause"), "pause");
    const label = html("label", {}, time, "speed ");
    this.speed = html("input", { type: "range", min: "-3", max: "1", step: "0.1", value: "0", "data-control": "speed", "aria-label": "speed" }, label);
    this.speedText = html("output", {}, label, "1×");
    const history = html("div", { class: "control-group timeline", "aria-label": "timeline" }, this.controls);
    this.timelineSlider = html("input", { type: "range", min: "0", max: "1", step: "1", value: "0", "data-control": "timeline", "aria-label": "timeline (milliseconds of virtual time)" }, history);
    this.timelineText = html("output", { "data-control": "timeline-time" }, history, "0.000s");
    this.timelineSlider.addEventListener("input", () => { this.scrubbing = true; });
    this.timelineSlider.addEventListener("change", () => {
      this.scrubbing = false;
      if (globalThis.raftctl) globalThis.raftctl.scrub(Number(this.timelineSlider.value));
    });
    this.presentButton = html("button", { "data-control": "present" }, history, "now");
    this.presentButton.addEventListener("click", () => globalThis.raftctl && globalThis.raftctl.present());
    const share = html("button", { "data-control": "share" }, history, "share");
    share.addEventListener("click", () => globalThis.raftctl && globalThis.raftctl.share());
    this.shareLink = html("input", { class: "share-link", readonly: "", "aria-label": "link to this session", placeholder: "share makes a link to this session" }, history);
    this.speed.addEventListener("change", () => {
      const speed = Number(Math.pow(10, Number(this.speed.value)).toPrecision(2));
      this.typeCommand(`speed ${speed}`);
    });
  }

  drawControlState() {
    const snapshot = this.snapshot;
    const timeline = snapshot.timeline || { active: false };
    const end = timeline.active ? timeline.end : snapshot.now;
    const at = timeline.active ? timeline.at : snapshot.now;
    this.timelineSlider.max = String(Math.max(1, Math.round(end / 1e6)));
    if (!this.scrubbing) this.timelineSlider.value = String(Math.round(at / 1e6));
    this.timelineText.textContent = `${(at / 1e9).toFixed(3)}s` + (timeline.active ? ` of ${(end / 1e9).toFixed(3)}s (rewound)` : "");
    this.presentButton.disabled = !timeline.active;
    document.body.classList.toggle("rewound", timeline.active);
    this.pauseButton.textContent = snapshot.paused ? "resume" : "pause";
    if (snapshot.speed > 0) this.speedText.textContent = `${Number(snapshot.speed.toPrecision(2))}×`;
  }
}
