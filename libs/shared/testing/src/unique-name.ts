import { randomBytes } from 'node:crypto';

/** A name no other test run uses (topics, consumer groups, databases), so tests never share data. */
export const uniqueName = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
