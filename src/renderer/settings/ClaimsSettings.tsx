// 設定 › 請求の設定: every key of the claim settings (src/claims/settings.ts ClaimSettings, UNCONFIRMED points as
// settings with their published defaults). CLAIM_FIELDS lists them all — a key added to the schema and missing
// here is a compile error — and a save sends the stored object with the fields changed on top (claimsValue), so a
// key this screen does not know (a newer build's) is never reset to its default.
import type { ReactNode } from 'react';
import type { ClaimSettings } from '../../claims/settings.ts';
import { nfkc } from '../../claims/normalize.ts';
import { strings } from '../strings.ts';
import { parseIntIn } from './rules.ts';

const t = strings.settings;

/** Every claim setting, in the order the section shows them. */
export const CLAIM_FIELDS = [
  'mode',
  'unknownInsurerNumber',
  'kokuhoUnknownForm',
  'unknownSymbolLength',
  'unknownNumberLength',
  'unknownNumberLengthKouki',
  'commentCode',
  'commentShinryoShikibetsu',
  'commentMaxBytes',
  'notFoundWithEvidence',
  'unknownInsuranceTypePayer',
  'insuranceCardValidUntil',
  'transitionalUntil',
  'disasterInsurerNumber',
  'disasterNumber',
] as const satisfies readonly (keyof ClaimSettings)[];
type ClaimField = (typeof CLAIM_FIELDS)[number];
// Compile-time: every schema key is on the screen.
const everyKeyShown: Exclude<keyof ClaimSettings, ClaimField> extends never ? true : never = true;
void everyKeyShown;

/** Integer fields: [min, max] (as src/claims/settings.ts). */
export const claimIntFields: Record<string, [number, number]> = {
  'claims.unknownSymbolLength': [0, 19],
  'claims.unknownNumberLength': [1, 19],
  'claims.unknownNumberLengthKouki': [1, 19],
  'claims.commentMaxBytes': [20, 2400],
};
/** Digit-string fields: [min length, max length]. */
export const claimDigitFields: Record<string, [number, number]> = {
  'claims.commentCode': [9, 9],
  'claims.commentShinryoShikibetsu': [2, 2],
  'claims.disasterInsurerNumber': [8, 8],
  'claims.disasterNumber': [1, 19],
};
/** Date fields (YYYY-MM-DD). */
export const claimDateFields: ReadonlySet<string> = new Set([
  'claims.insuranceCardValidUntil',
  'claims.transitionalUntil',
]);

export const claimDraftKeys: string[] = CLAIM_FIELDS.map((f) => `claims.${f}`);

/**
 * The 'claims' value to save: the stored object (keys this screen does not know included) with every field of
 * the draft on top. Only called once every field is valid.
 */
export function claimsValue(draft: Record<string, string>, stored: unknown): Record<string, unknown> {
  const o: Record<string, unknown> =
    typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? { ...stored } : {};
  for (const f of CLAIM_FIELDS) {
    const key = `claims.${f}`;
    const raw = draft[key];
    if (raw === undefined) continue;
    o[f] = claimIntFields[key] ? parseIntIn(raw, -1, 1e9) : nfkc(raw).trim();
  }
  return o;
}

/** The section's field builders, from Settings.tsx (they share its draft, errors and save). */
export interface FieldKit {
  text(field: string, label: string, hint: string, opts?: { numeric?: boolean; immediate?: boolean }): ReactNode;
  radio<T extends string>(
    field: string,
    legend: string,
    options: Record<T, string>,
    order: readonly T[],
    hint: string,
  ): ReactNode;
  /** A hint with 「初期値: …」 from the claims default of `sub`. */
  claimHint(hint: string, sub: ClaimField): string;
}

export function ClaimsSection({ kit }: { kit: FieldKit }) {
  const { text, radio, claimHint } = kit;
  const num = { numeric: true };
  return (
    <>
      <p className="field-hint">{t.claimsIntro}</p>
      {radio('claims.mode', t.mode, t.modes, ['normal', 'disaster'], t.modeHint)}
      {radio(
        'claims.unknownInsurerNumber',
        t.unknownInsurerNumber,
        t.unknownInsurer,
        ['77777777', '77777779'],
        t.unknownInsurerHint,
      )}
      {radio('claims.kokuhoUnknownForm', t.kokuhoForm, t.kokuhoForms, ['8digit', '777777', '777771'], t.kokuhoFormHint)}
      <div className="grid">
        {text('claims.unknownSymbolLength', t.symbolLength, claimHint(t.symbolLengthHint, 'unknownSymbolLength'), num)}
        {text('claims.unknownNumberLength', t.numberLength, claimHint(t.numberLengthHint, 'unknownNumberLength'), num)}
        {text(
          'claims.unknownNumberLengthKouki',
          t.numberLengthKouki,
          claimHint(t.numberLengthKoukiHint, 'unknownNumberLengthKouki'),
          num,
        )}
        {text('claims.commentCode', t.commentCode, t.commentCodeHint, num)}
        {text('claims.commentShinryoShikibetsu', t.commentShikibetsu, t.commentShikibetsuHint, num)}
        {text('claims.commentMaxBytes', t.commentMaxBytes, claimHint(t.commentMaxBytesHint, 'commentMaxBytes'), num)}
      </div>
      {radio(
        'claims.notFoundWithEvidence',
        t.notFound,
        t.notFoundOptions,
        ['review', 'unknown', 'evidence'],
        t.notFoundHint,
      )}
      {radio('claims.unknownInsuranceTypePayer', t.payer, t.payers, ['shiharai_kikin', 'kokuhoren'], t.payerHint)}
      <div className="grid">
        {text('claims.insuranceCardValidUntil', t.cardValidUntil, t.cardValidUntilHint, { immediate: true })}
        {text('claims.transitionalUntil', t.transitionalUntil, t.transitionalUntilHint, { immediate: true })}
        {text('claims.disasterInsurerNumber', t.disasterInsurer, t.disasterInsurerHint, num)}
        {text('claims.disasterNumber', t.disasterNumber, t.disasterNumberHint, num)}
      </div>
    </>
  );
}
