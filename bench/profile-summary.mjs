#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from bench/instrument.mjs): self time by package and by function.
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [--top 25]
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('Usage: node bench/profile-summary.mjs <file.cpuprofile> [--top 25]');
  process.exit(2);
}
const topIndex = process.argv.indexOf('--top');
const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 25;
const profile = JSON.parse(readFileSync(file, 'utf8'));

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

function packageOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `app ${url.slice(dist + 6).split('/').slice(0, 2).join('/')}`;
  if (url.startsWith('node:')) return 'node core';
  return url;
}

const packages = new Map();
const functions = new Map();
let total = 0;
for (const [id, us] of selfUs) {
  const { callFrame } = byId.get(id);
  const name = callFrame.functionName || '(anonymous)';
  total += us;
  const pkg = packageOf(callFrame.url, name);
  packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  const key = `${name}  ${callFrame.url ? `${callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${callFrame.lineNumber + 1}` : ''}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
}
const busy = total - (packages.get('(idle)') ?? 0);
const line = (label, us) => `${((100 * us) / busy).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${label}`;

console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy time)\n`);
console.log('Self time by package:');
for (const [pkg, us] of [...packages].filter(([p]) => p !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(pkg, us));
console.log('\nSelf time by function:');
for (const [fn, us] of [...functions].filter(([f]) => !f.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(fn, us));
