#!/usr/bin/env node
'use strict';
// Summarizes a .cpuprofile (V8 sampling profile, e.g. from QF_CPU_PROFILE): busy time, the
// share of it by package (self time), and the functions with the most self and inclusive
// time. `node tools/cpu-profile-summary.js <file.cpuprofile> [--top 30] [--match text]`
// (--match: also the inclusive time of every function whose name or file contains text).
// Each sample counts as one sampling interval, not as the wall time since the previous
// sample: on a busy machine a descheduled thread (often right after a socket write woke the
// peer) would otherwise charge the waiting to whatever it was doing.
const fs = require('node:fs');

const args = process.argv.slice(2);
const file = args.find((arg) => !arg.startsWith('--') && !/^\d+$/.test(arg));
if (!file) {
  console.error(
    'usage: node tools/cpu-profile-summary.js <file.cpuprofile> [--top N] [--match text]',
  );
  process.exit(2);
}
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const top = Number(option('--top', 30));
const match = option('--match', undefined);

const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
// The sampling interval: the median gap between samples (ms).
const gaps = profile.timeDeltas
  .slice(1)
  .filter((gap) => gap > 0)
  .sort((a, b) => a - b);
const interval = (gaps[Math.floor(gaps.length / 2)] ?? 1000) / 1000;
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id);

const packageOf = (url) => {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const own =
    /\/(apps|libs|bench)\/(.+?)\/src\//.exec(url) ?? /\/(apps|libs|bench)\/([^/]+)\//.exec(url);
  return own ? `${own[1]}/${own[2]}` : url;
};
const keyOf = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const short = url ? url.replace(/^.*\/(node_modules|dist|apps|libs)\//, '$1/') : '';
  return `${functionName || '(anonymous)'} ${short}${url ? `:${lineNumber + 1}` : ''}`;
};

const self = new Map();
const inclusive = new Map();
const packages = new Map();
let total = 0;
let idle = 0;
profile.samples.forEach((id) => {
  const delta = interval;
  const node = byId.get(id);
  const name = node.callFrame.functionName;
  if (name === '(idle)') {
    idle += delta;
    return;
  }
  total += delta;
  const key = keyOf(node);
  self.set(key, (self.get(key) ?? 0) + delta);
  const pkg =
    name === '(garbage collector)'
      ? '(gc)'
      : name === '(program)'
        ? '(program)'
        : packageOf(node.callFrame.url);
  packages.set(pkg, (packages.get(pkg) ?? 0) + delta);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const each = keyOf(byId.get(at));
    if (seen.has(each)) continue;
    seen.add(each);
    inclusive.set(each, (inclusive.get(each) ?? 0) + delta);
  }
});

const pct = (ms) => `${((100 * ms) / total).toFixed(1).padStart(5)} %`;
const list = (map, n) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, ms]) => `${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${key}`)
    .join('\n');
const seconds = (profile.endTime - profile.startTime) / 1e6;
console.log(
  `${file}: ${seconds.toFixed(1)} s profiled, busy ${(total / 1000).toFixed(2)} s, idle ${(idle / 1000).toFixed(2)} s`,
);
console.log(`\nself time by package:\n${list(packages, 25)}`);
console.log(`\nself time by function:\n${list(self, top)}`);
console.log(`\ninclusive time by function:\n${list(inclusive, top)}`);
if (match) {
  const matching = new Map([...inclusive].filter(([key]) => key.includes(match)));
  console.log(`\ninclusive time of functions matching "${match}":\n${list(matching, top)}`);
}
