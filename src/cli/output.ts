import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RaygateError } from '../shared/errors.ts';

/** Where a command's machine output goes: stdout, or a file written whole or not at all. */
export async function writeOutput(content: string, outputFile: string | undefined): Promise<void> {
  if (!outputFile || outputFile === '-') {
    await new Promise<void>((resolve, reject) =>
      process.stdout.write(content, (error) => (error ? reject(error) : resolve())),
    );
    return;
  }
  // Write beside the destination, then rename: a reader never sees half a file, a failure leaves none.
  const temp = path.join(
    path.dirname(outputFile),
    `.${path.basename(outputFile)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temp, content, { mode: 0o644 });
    await rename(temp, outputFile);
  } catch (error) {
    await rm(temp, { force: true });
    throw new RaygateError(
      'OUTPUT_UNWRITABLE',
      'input',
      `Cannot write ${outputFile}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Human messages go to stderr, so stdout stays machine-readable. */
export function say(message: string): void {
  process.stderr.write(`${message}\n`);
}
