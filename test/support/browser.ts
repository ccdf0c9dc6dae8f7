import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it). `RAYGATE_CHROMIUM` overrides. */
export const CHROMIUM = process.env.RAYGATE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium for UI tests (one per test file: ~2 s). A missing browser is a failure with
 * the fix in its message, never a silent skip.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install Debian's package (apt-get install chromium; .ci/run does) ` +
        'or point RAYGATE_CHROMIUM at a Chromium binary.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
