// The zod-free 申立書 check (src/claims/declaration.ts, used by the wizard so zod stays out of the renderer's
// first paint) against the `Declaration` zod schema it mirrors: same accept/reject, same fields named, same
// output (defaults, omitted optionals, unknown keys dropped), on generated input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDeclarationShape, validateDeclaration } from '../../src/claims/declaration.ts';
import { Declaration } from '../../src/claims/visit.ts';

const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.constant(''),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('2026-11-20', '1990-02-30', '2026-1-1', 'S45.4.1'),
  fc.constantFrom('kyokai', 'kokuho', 'unknown', 'other', 'self', 'family', 'male', 'female'),
  fc.constant({}),
  fc.constant([]),
  fc.boolean(),
);
const numbersValue = fc.oneof(
  anyValue,
  fc.record(
    {
      insurerNumber: anyValue,
      symbol: anyValue,
      number: anyValue,
      branch: anyValue,
      extra: anyValue,
    },
    { requiredKeys: [] },
  ),
);
const KEYS = [
  'declaredOn',
  'name',
  'nameKana',
  'birthDate',
  'sex',
  'postalCode',
  'address',
  'phone',
  'insuranceType',
  'relationship',
  'insuredPersonName',
  'insurerName',
  'employerName',
  'employerAddress',
  'acquiredOn',
  'signedBy',
  'disabilityCertified',
  'unknownKey',
] as const;
/** Mostly-valid declarations with some fields replaced by anything (so both branches are exercised). */
const valid = {
  declaredOn: '2026-11-20',
  name: '鈴木 次郎',
  birthDate: '1990-07-07',
  address: '東京都中野区中野1-1-1',
  phone: '09012345678',
  insuranceType: 'kokuho',
};
/** Valid-looking text for a field, or anything at all. */
const fieldValue = fc.oneof(
  { arbitrary: anyValue, weight: 1 },
  { arbitrary: fc.constantFrom('', '東京都', '鈴木', '0312345678'), weight: 2 },
);
const input = fc.oneof(
  anyValue,
  fc
    .tuple(
      fc
        .subarray([...KEYS], { maxLength: 4 })
        .chain((keys) =>
          fc.tuple(...keys.map((k) => fieldValue.map((v) => [k, v] as const))).map((e) => Object.fromEntries(e)),
        ),
      fc.option(numbersValue, { nil: undefined, freq: 2 }),
      fc.boolean(),
    )
    .map(([over, knownNumbers, base]) => ({
      ...(base ? valid : {}),
      ...over,
      ...(knownNumbers === undefined ? {} : { knownNumbers }),
    })),
);

describe('申立書: the zod-free shape check agrees with the Declaration schema', () => {
  it('accepts and rejects the same input, names the same fields, gives the same value', () => {
    let accepted = 0;
    fc.assert(
      fc.property(input, (value) => {
        const z = Declaration.safeParse(value);
        const mine = parseDeclarationShape(value);
        if (z.success) {
          accepted++;
          expect(mine).toEqual({ value: z.data });
        } else {
          expect('issues' in mine).toBe(true);
          if ('issues' in mine) {
            expect(mine.issues.map((i) => i.field)).toEqual(z.error.issues.map((i) => i.path.join('.')));
          }
        }
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(50); // both branches were exercised
  });

  it('names each missing field in Japanese, and knownNumbers fields by their path', () => {
    const r = validateDeclaration({ ...valid, knownNumbers: { insurerNumber: 1 }, acquiredOn: '2026/1/1' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => [e.field, e.code])).toEqual([
        ['knownNumbers.insurerNumber', 'DECLARATION_INVALID'],
        ['acquiredOn', 'DECLARATION_INVALID'],
      ]);
      expect(r.errors[1]!.message).toContain('YYYY-MM-DD');
    }
    const missing = validateDeclaration({});
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.errors[0]).toMatchObject({ field: 'declaredOn', code: 'DECLARATION_INVALID' });
  });
});
