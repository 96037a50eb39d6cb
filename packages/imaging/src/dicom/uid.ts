/**
 * A new DICOM UID under the 2.25 root (ISO/IEC 9834-8): "2.25." followed by a random 128-bit UUID
 * (version 4) written as a decimal integer. Needs no registered org root and is at most 44 characters.
 */
export function newUid(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  b[6] = (b[6]! & 0x0f) | 0x40; // UUID version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return `2.25.${n.toString()}`;
}

/** Checks the UID grammar of PS3.5 9.1: digits and dots, no leading zeros in a component, at most 64 chars. */
export function isValidUid(uid: string): boolean {
  return uid.length > 0 && uid.length <= 64 && /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/.test(uid);
}
