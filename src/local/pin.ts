import type { StaffRecord } from '../protocol/entities.ts';

const hexToBytes = (hex: string) => new Uint8Array(hex.match(/../g)!.map((byte) => parseInt(byte, 16)));
const bytesToHex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Checks a PIN offline against the synced roster's PBKDF2-HMAC-SHA-256 hash
 * (same parameters as the server's node:crypto). The PIN never leaves the page.
 */
export async function verifyPin(staff: StaffRecord, pin: string): Promise<boolean> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: hexToBytes(staff.pinSalt), iterations: staff.pinIterations },
    key,
    256,
  );
  const derived = bytesToHex(bits);
  // Constant-time comparison: a PIN pad is slow enough, but keep the habit.
  let difference = derived.length ^ staff.pinHash.length;
  for (let i = 0; i < derived.length; i++) difference |= derived.charCodeAt(i) ^ staff.pinHash.charCodeAt(i % staff.pinHash.length);
  return difference === 0;
}
