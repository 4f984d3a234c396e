import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { sha256Hex } from '../sha256.ts';

/** Device tokens and enrollment codes are stored only as SHA-256 hashes. */
export const hashSecret = sha256Hex;

export function newDeviceToken(): string {
  return randomBytes(32).toString('base64url');
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read aloud and typed on tablets

/** A one-time enrollment code like "K7QM-3XRP" (40 bits of randomness). */
export function newEnrollmentCode(): string {
  const bytes = randomBytes(8);
  let code = '';
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[bytes[i]! % CODE_ALPHABET.length];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export function normalizeEnrollmentCode(code: string): string {
  return code.trim().toUpperCase();
}

/**
 * Staff PINs are checked offline on the device against PBKDF2-HMAC-SHA-256
 * hashes (WebCrypto there, node:crypto here; same parameters, same bytes).
 */
export const PIN_ITERATIONS = 100_000;

export function hashPin(pin: string, iterations = PIN_ITERATIONS): { pinHash: string; pinSalt: string; pinIterations: number } {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(pin, salt, iterations, 32, 'sha256');
  return { pinHash: hash.toString('hex'), pinSalt: salt.toString('hex'), pinIterations: iterations };
}
