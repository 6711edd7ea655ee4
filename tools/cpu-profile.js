'use strict';
// CPU profile of a service under load: with QF_CPU_PROFILE=<dir>, tools/run-service.js
// starts V8's sampling profiler before the service loads and writes
// <dir>/<QF_SERVICE or script>-<pid>.cpuprofile when the process is told to stop (SIGTERM,
// SIGINT) or exits. `node --cpu-prof` cannot be used for this: the services re-raise the
// signal after a graceful shutdown, and a process ended by a signal writes no profile.
// Open the file in Chrome DevTools (Performance) or VS Code.
const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');

const start = (dir, name) => {
  const session = new inspector.Session();
  session.connect();
  const intervalUs = Number(process.env.QF_CPU_PROFILE_INTERVAL_US ?? 500);
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // An in-thread inspector session answers synchronously, so this works in 'exit' too.
    session.post('Profiler.stop', (error, result) => {
      if (error) {
        process.stderr.write(`cpu profile not written: ${error.message}\n`);
        return;
      }
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name}-${process.pid}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(result.profile));
      process.stderr.write(`cpu profile written to ${file}\n`);
    });
  };
  process.once('SIGTERM', write);
  process.once('SIGINT', write);
  process.once('exit', write);
};

module.exports = { start };
