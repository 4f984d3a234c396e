import { randomBytes } from 'node:crypto';
import { uuidv7 } from '../domain/uuid7.ts';

export const newUuid = (): string => uuidv7(Date.now(), randomBytes(10));
