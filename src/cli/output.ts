import { randomBytes } from 'node:crypto';
import { lstat, rename, rm, writeFile } from 'node:fs/promises';
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
  // A device, pipe or socket (/dev/null, /dev/stdout, a FIFO) is written to as it is: renaming a file over
  // it would replace the device itself.
  if (await isSpecialFile(outputFile)) {
    await writeFile(outputFile, content).catch((error: unknown) => {
      throw new RaygateError(
        'OUTPUT_UNWRITABLE',
        'input',
        `Cannot write ${outputFile}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    });
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

async function isSpecialFile(file: string): Promise<boolean> {
  try {
    const info = await lstat(file);
    return !info.isFile() && !info.isDirectory() && !info.isSymbolicLink();
  } catch {
    return false;
  }
}

/** Human messages go to stderr, so stdout stays machine-readable. */
export function say(message: string): void {
  process.stderr.write(`${message}\n`);
}
