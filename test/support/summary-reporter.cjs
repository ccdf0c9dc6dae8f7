'use strict';
// CI reads only a closing line "N passed, M failed"; mocha's own reporters end with "N passing".
// This reporter keeps the spec output and ends the run with that line, counted from mocha's events.
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      process.stdout.write('\n');
      if (pending > 0) process.stdout.write(`${pending} skipped\n`);
      process.stdout.write(`${passes} passed, ${failures} failed\n`);
    });
  }
}

module.exports = SummaryReporter;
