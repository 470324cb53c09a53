// The page: an xterm.js terminal that forwards keys to the Go program
// (raftctl.wasm) and shows what it writes, and the picture of the cluster
// that the program feeds with snapshots. Go owns the state; this file
// only draws and forwards.
import { Terminal } from "./xterm/xterm.mjs";
import { FitAddon } from "./xterm/addon-fit.mjs";
import { Picture } from "./picture.js";

const status = document.getElementById("status");
const css = getComputedStyle(document.documentElement);
const color = (name) => css.getPropertyValue(name).trim();

// The terminal's ANSI colours come from the same CSS variables as the
// picture's role colours, so a leader is the same green in both.
const terminal = new Terminal({
  cursorBlink: true,
  fontFamily: "ui-monospace, 'DejaVu Sans Mono', monospace",
  fontSize: 14,
  scrollback: 5000,
  theme: {
    background: color("--background"),
    foreground: color("--foreground"),
    cursor: color("--foreground"),
    black: color("--ansi-black"),
    red: color("--ansi-red"),
    green: color("--ansi-green"),
    yellow: color("--ansi-yellow"),
    blue: color("--ansi-blue"),
    magenta: color("--ansi-magenta"),
    cyan: color("--ansi-cyan"),
    white: color("--ansi-white"),
    brightBlue: color("--ansi-bright-blue"),
    brightCyan: color("--ansi-bright-cyan"),
    brightMagenta: color("--ansi-bright-magenta"),
    brightYellow: color("--ansi-bright-yellow"),
  },
});
const fit = new FitAddon();
terminal.loadAddon(fit);
terminal.open(document.getElementById("terminal"));
fit.fit();
// For tests and the curious: the terminal and the page's measurements.
globalThis.raftctlTerminal = terminal;
const stats = { promptMilliseconds: null, frames: 0 };
globalThis.raftctlStats = stats;

// typeCommand types a line into the terminal as if the user did (after
// clearing what was being typed) and runs it there.
function typeCommand(line) {
  if (globalThis.raftctl) {
    globalThis.raftctl.input("\x05\x15" + line + "\r");
    terminal.focus();
  }
}

const picture = new Picture({
  svg: document.getElementById("picture"),
  logs: document.getElementById("logs"),
  events: document.getElementById("events"),
  controls: document.getElementById("controls"),
  typeCommand,
  onFrame: () => { stats.frames++; },
});

globalThis.raftctlPage = {
  write(text) { terminal.write(text); },
  columns() { return terminal.cols; },
  draw(json) { picture.update(JSON.parse(json)); },
  ready() {
    // performance.now() counts from the navigation's start.
    stats.promptMilliseconds = performance.now();
    status.textContent = "live";
    globalThis.raftctl.resize(terminal.cols, terminal.rows);
    terminal.focus();
  },
  shared(link) { picture.showLink(link); },
  replayed() { stats.replayed = true; },
  ownsStorage: false,
  fatal(message) {
    status.textContent = "failed to start";
    terminal.write("\x1b[31;1mraftctl could not start: " + message + "\x1b[0m\r\n");
  },
};

terminal.onData((data) => {
  if (globalThis.raftctl) globalThis.raftctl.input(data);
});
terminal.onResize(({ cols, rows }) => {
  if (globalThis.raftctl) globalThis.raftctl.resize(cols, rows);
});
new ResizeObserver(() => fit.fit()).observe(document.getElementById("terminal-pane"));

// One tab at a time keeps its cluster in IndexedDB: two tabs writing the
// same nodes would mix two clusters. The first tab holds a lock for as
// long as it lives; a second one runs its cluster in memory (the Go side
// reads ownsStorage and says so).
async function claimStorage() {
  if (!navigator.locks) return true;
  return new Promise((resolve) => {
    navigator.locks.request("raftctl-storage", { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      return lock === null ? undefined : new Promise(() => {});
    });
  });
}

async function run() {
  globalThis.raftctlPage.ownsStorage = await claimStorage();
  const go = new Go();
  const { instance } = await WebAssembly.instantiateStreaming(fetch("raftctl.wasm"), go.importObject);
  await go.run(instance);
  // The program never ends on its own: an end is a crash (its panic is
  // in the console above).
  status.textContent = "stopped";
  console.error("raftctl stopped");
}
run().catch((error) => {
  status.textContent = "failed to start";
  terminal.write("\x1b[31;1m" + String(error) + "\x1b[0m\r\n");
  console.error(error);
});
