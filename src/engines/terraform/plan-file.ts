import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';

// A Terraform saved plan is a zip; its `tfstate` entry is the state the plan was made against,
// with the serial Terraform checks before applying it ("Saved plan is stale" otherwise). That
// serial is the state's serial just before the apply: an interrupted apply compares it with the
// state found afterwards to say whether anything was written.

/** The serial of the state a saved plan was made against; undefined if the file holds none. */
export function priorStateSerial(planFile: string): number | undefined {
  try {
    const entries = unzipSync(readFileSync(planFile), { filter: (file) => file.name === 'tfstate' });
    const raw = entries.tfstate;
    if (!raw) return undefined;
    const serial: unknown = JSON.parse(new TextDecoder().decode(raw)).serial;
    return typeof serial === 'number' && Number.isInteger(serial) ? serial : undefined;
  } catch {
    return undefined; // not a zip (another engine's plan, a truncated file): nothing to say
  }
}
