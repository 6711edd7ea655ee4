'use strict';
// First step of `npm start` / `npm test` on a fresh clone: install the npm dependencies
// when they are missing or older than package-lock.json. Uses only Node built-ins, since
// nothing else may be installed yet. (Infrastructure artifacts are installed by `qf infra up`.)
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const root = path.resolve(__dirname, '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Quest Fleet needs Node.js 20.19 or newer; this is ${process.version}`);
  process.exit(1);
}

const lockFile = path.join(root, 'package-lock.json');
const stampFile = path.join(root, 'node_modules', '.qf-lock-hash');
const lockHash = fs.existsSync(lockFile)
  ? crypto.createHash('sha256').update(fs.readFileSync(lockFile)).digest('hex')
  : 'no-lock';
const installed = fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === lockHash;

if (!installed) {
  const npmArgs = ['--no-audit', '--no-fund', '--loglevel=error'];
  const run = (command) =>
    spawnSync('npm', [command, ...npmArgs], { cwd: root, stdio: 'inherit' }).status;
  let command = fs.existsSync(lockFile) ? 'ci' : 'install';
  console.error(`bootstrap: npm ${command} (dependencies missing or changed)…`);
  let status = run(command);
  if (status !== 0 && command === 'ci') {
    // `npm ci` refuses a lock written by another npm version (e.g. missing optional
    // platform packages); `npm install` repairs it instead of leaving the clone unusable.
    command = 'install';
    console.error('bootstrap: npm ci refused the lock file; falling back to npm install…');
    status = run(command);
  }
  if (status !== 0) {
    console.error(`bootstrap: npm ${command} failed (exit ${status}); see the output above`);
    process.exit(status || 1);
  }
  const finalHash = crypto.createHash('sha256').update(fs.readFileSync(lockFile)).digest('hex');
  fs.writeFileSync(stampFile, finalHash);
}
