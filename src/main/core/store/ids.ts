// Ids the store makes for its own rows (a patient record, a 申立書): UUIDv7 from the uuid package, its random bits
// taken from a pool filled 256 ids at a time. uuid's own source (crypto.getRandomValues, 16 bytes a call) costs
// about 7 µs an id under Node 20, inside the save's transaction; randomFillSync over the pool costs that once per
// 256 ids. The time part is the millisecond clock, as uuid makes it when given the random bytes.
import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

const pool = new Uint8Array(16 * 256);
let at = pool.length;

export function newId(): string {
  if (at === pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  const random = pool.subarray(at, (at += 16));
  return uuidv7({ random });
}
