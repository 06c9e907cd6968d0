// The 個人番号 (My Number) guard lives in src/claims/mynumber.ts (pure); the store's modules import it from here.
export { containsMyNumber, findForbidden, isMyNumberLike, redactMyNumbers } from '../../../claims/mynumber.ts';
